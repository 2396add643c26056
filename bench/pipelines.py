"""Every pipeline of one proof, built serially and in parallel, cold and warm.

For each (field, path, example AIR) a child process lists the kernels a proof
of 2^log-rows rows builds (``gpu/prebuild.py proof_specs``: the proof
recorded on a device that runs nothing; its host seconds are reported) and
builds them all (``prebuild.build``) on 1 thread ("serial", what a proof did
before) or on ``--threads`` threads ("parallel").  "cold": the driver's shader
disk cache points at an empty folder, one fresh folder per run; "warm": the
parallel run's folder again, in a new process (bench/cold.py;
docs/BENCHMARKS.md "Measuring cold builds").  Per run: pipeline count, build
seconds, the dry run's seconds, the child's whole wall time, and per pipeline
the entry point, WGSL characters and the seconds of its module and pipeline
(overlapping in parallel runs).

Usage: python bench/pipelines.py [--airs fibonacci,power,hemera] [--fields goldilocks,babybear]
           [--paths int64] [--log-rows 20] [--threads 0] [--json bench/results/pipelines.json]
Target (issue 12): the cold build of all pipelines of any example AIR <= 5 s on the H200, both fields.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import cache_env, case_arguments, child_json, instrumented_context, python  # noqa: E402


def _plan(field, air, n: int):
    """The statement's plan for an all-zero public input (the kernels do not depend on it)."""
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.proof import air_digest
    from wgprover.protocol import describe, make_statement

    public = {name: 0 for name in air.public}
    return public, describe(make_statement(field, air, n, public, BasefoldParams.for_security(100), air_digest(air)))


def child(args) -> None:
    """List and build one proof's pipelines in this process; prints one JSON line."""
    from wgprover.air.examples import get_example
    from wgprover.field import get_field
    from wgprover.gpu.prebuild import build, proof_specs

    ctx, t_ctx, builds = instrumented_context(args.path)
    f, air = get_field(args.field), get_example(args.air).air
    public, plan = _plan(f, air, args.log_rows)
    t0 = time.perf_counter()
    specs = proof_specs(ctx, f, air, public, plan)
    t_dry = time.perf_counter() - t0
    t0, cpu0 = time.perf_counter(), time.process_time()
    built = build(ctx, specs, args.threads)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    # cpu > wall: the builds ran at once (the interpreter lock was released in the driver)
    print(json.dumps({"context_s": t_ctx, "dry_run_s": t_dry, "build_s": wall, "build_cpu_s": cpu, "built": built,
                      "pipelines": len(specs), "wgsl_chars": sum(len(s.source) for s in specs),
                      "builds": builds, "adapter": ctx.adapter_summary}))


def _row(args, field: str, path: str, air: str, threads: int, cache: str, state: str) -> dict:
    cmd = [python(), __file__, "--child", "--airs", air, "--fields", field, "--paths", path,
           "--log-rows", str(args.log_rows), "--threads", str(threads)]
    res = child_json(cmd, cache_env(cache))
    return {"field": field, "path": path, "air": air, "threads": threads, "cache": state, **res}


def _runs(args, field: str, path: str, air: str, threads: int) -> list[dict]:
    """Cold serial, cold parallel (each in an empty cache), then warm parallel."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="wgprover-shader-cache-") as cache:
        rows.append(_row(args, field, path, air, 1, cache, "cold"))
    with tempfile.TemporaryDirectory(prefix="wgprover-shader-cache-") as cache:
        rows.append(_row(args, field, path, air, threads, cache, "cold"))
        if not args.no_warm:
            rows.append(_row(args, field, path, air, threads, cache, "warm"))
    return rows


def _summary(rows: list[dict]) -> list[dict]:
    """One line per (field, path, air): the three build times side by side."""
    out: dict = {}
    for r in rows:
        s = out.setdefault((r["field"], r["path"], r["air"]), {"field": r["field"], "path": r["path"], "air": r["air"],
                                                                "pipelines": r["pipelines"], "dry_run_s": r["dry_run_s"]})
        s[f"{r['cache']}_{'serial' if r['threads'] == 1 else 'parallel'}_s"] = r["build_s"]
    return list(out.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    case_arguments(ap, "fibonacci,power,hemera", "int64", 20, "bench/results/pipelines.json")
    ap.add_argument("--threads", type=int, default=0, help="parallel build threads; 0: WGPROVER_BUILD_THREADS's default")
    args = ap.parse_args()
    if args.child:
        args.air, args.field, args.path = args.airs, args.fields, args.paths
        args.threads = args.threads or None
        return child(args)
    from wgprover.gpu.prebuild import build_threads

    threads = args.threads or build_threads()
    rows = []
    for field in args.fields.split(","):
        for path in args.paths.split(","):
            for air in args.airs.split(","):
                rows += _runs(args, field, path, air, threads)
                for r in rows[-(2 if args.no_warm else 3):]:
                    print(f"{field:<11}{path:<9}{air:<10}{r['cache']:<5}{r['threads']:>3} threads {r['pipelines']:>4} "
                          f"pipelines {r['build_s']:>7.2f} s build ({r['build_cpu_s']:.2f} s CPU), dry run {r['dry_run_s']:.3f} s, "
                          f"{r['process_wall_s']:>6.2f} s process", flush=True)
    meta = {"adapter": rows[0]["adapter"] if rows else "", "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "threads": threads, "log_rows": args.log_rows,
            "cpus": os.cpu_count(), "target_cold_s": 5.0}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "summary": _summary(rows), "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
