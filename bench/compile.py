"""Pipeline build time: every compute pipeline one proof builds, cold and warm.

For each (field, path, zerocheck mode, example AIR) a child process proves a
small trace of that AIR (the pipelines do not depend on the row count) and
times each shader-module and pipeline creation.  "cold": the driver's shader
disk cache points at an empty folder; "warm": the same folder again, in a new
process (bench/cold.py, docs/BENCHMARKS.md "Measuring cold builds").  Reported
per pipeline: entry point, WGSL characters, seconds; per run: the sum, and
the child's whole wall time.

Usage: python bench/compile.py [--airs fibonacci,power,boolean,periodic]
           [--fields goldilocks,babybear] [--paths portable,int64] [--modes auto]
           [--log-rows 8] [--width 0] [--scope proof|zerocheck] [--no-warm] [--json bench/results/compile.json]
Target (issue 12): all pipelines of any example AIR build cold in <= 5 s on the H200.
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


def child(args) -> None:
    """One proof in this process; prints one JSON line with the build times."""
    import numpy as np

    from wgprover.air.examples import get_example
    from wgprover.field import get_field
    from wgprover.gpu import device_table
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.prover import prove_gpu
    from wgprover.sumcheck.gpu import ZerocheckGpu

    ctx, t_ctx, builds = instrumented_context(args.path)
    f, ex = get_field(args.field), get_example(args.air, **({"width": args.width} if args.width else {}))
    cols, pub = ex.generate(f, args.log_rows, np.random.default_rng(1))
    t0 = time.perf_counter()
    if args.scope == "zerocheck":  # only the pipelines of the zerocheck engine
        ZerocheckGpu(ctx, f, ex.air, args.log_rows, device_table.upload(ctx, np.ascontiguousarray(cols), "trace"), pub)
    else:
        prove_gpu(ctx, f, ex.air, cols, pub, BasefoldParams.for_security(100), check=False)
    print(json.dumps({"context_s": t_ctx, "first_proof_s": time.perf_counter() - t0, "builds": builds,
                      "build_s": sum(b["module_s"] + b["pipeline_s"] for b in builds), "adapter": ctx.adapter_summary}))


def _row(args, field: str, path: str, mode: str, air: str, cache: str, state: str) -> dict:
    cmd = [python(), __file__, "--child", "--airs", air, "--fields", field, "--paths", path,
           "--log-rows", str(args.log_rows), "--scope", args.scope, "--width", str(args.width)]
    # one build at a time, so that each pipeline's seconds are its own (bench/pipelines.py builds in parallel)
    res = child_json(cmd, cache_env(cache, {"WGPROVER_ZEROCHECK": mode, "WGPROVER_BUILD_THREADS": "1"}))
    slowest = max(res["builds"], key=lambda b: b["module_s"] + b["pipeline_s"], default={})
    return {"field": field, "path": path, "mode": mode, "air": air, "cache": state, "scope": args.scope, **res,
            "pipelines": len(res["builds"]), "slowest": slowest.get("entry")}


def main() -> None:
    ap = argparse.ArgumentParser()
    case_arguments(ap, "fibonacci,power,boolean,periodic", "portable,int64", 8, "bench/results/compile.json")
    ap.add_argument("--modes", default="auto", help="zerocheck code modes (inline,interp,hybrid,auto)")
    ap.add_argument("--width", type=int, default=0, help="columns of the power map (--airs power); 0: its default")
    ap.add_argument("--scope", choices=["proof", "zerocheck"], default="proof",
                    help="build every pipeline of a proof, or only the zerocheck engine's")
    args = ap.parse_args()
    if args.child:
        args.air, args.field, args.path = args.airs, args.fields, args.paths
        return child(args)
    rows = []
    for field in args.fields.split(","):
        for path in args.paths.split(","):
            for mode in args.modes.split(","):
                for air in args.airs.split(","):
                    with tempfile.TemporaryDirectory(prefix="wgprover-shader-cache-") as cache:
                        for state in ["cold"] + ([] if args.no_warm else ["warm"]):
                            rows.append(_row(args, field, path, mode, air, cache, state))
                            r = rows[-1]
                            print(f"{field:<11}{path:<9}{mode:<7}{air:<10}{state:<5}{r['pipelines']:>4} pipelines "
                                  f"{r['build_s']:>7.2f} s build (slowest {r['slowest']}), "
                                  f"{r['process_wall_s']:>6.2f} s process", flush=True)
    meta = {"adapter": rows[0]["adapter"] if rows else "", "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "target_cold_s": 5.0}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
