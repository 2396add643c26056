"""Throughput: proofs per hour, as one-process batches (``prove_many``, what
``wgprove prove TRACE... --out-dir DIR`` runs) and as separate ``wgprove prove``
processes, against the GPU time of one proof.

Usage: python bench/throughput.py [--cases fibonacci:16,power:16,power:20] [--count 16]
       [--process-count 4] [--adapters SPEC] [--workers-per-adapter K] [--pow-bits B]
       [--json bench/results/throughput.json]

Per case (AIR:LOG_ROWS; power is 16 columns of degree 7): one trace is
generated and copied ``--count`` times. "gpu_s" is the GPU time of one warm
proof (timestamps; where the adapter has none, the wall of one warm proof),
"batch" the wall of a warm batch of ``--count`` proofs (every worker's
pipelines built by a warm-up batch first), "process" the mean wall of
``--process-count`` separate ``wgprove prove`` processes run one after another
with the driver's shader cache warm. ratio = batch proofs/s x gpu_s: 1.0 when
the host work is hidden entirely behind GPU work (target >= 0.8; above 1 with
several workers or devices).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import cache_env, python, timed_run  # noqa: E402
from wgprover.air.examples import get_example  # noqa: E402
from wgprover.api import choose_params  # noqa: E402
from wgprover.batch import prove_many, worker_contexts  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.trace import read_trace, write_trace  # noqa: E402


def make_traces(work: Path, air_name: str, field, log_rows: int, count: int) -> list[Path]:
    """One generated trace, copied ``count`` times (names differ, bytes do not)."""
    ex = get_example(air_name)
    first = work / f"{air_name}-{log_rows}-0.wgtrace"
    cols, pub = ex.generate(field, log_rows, np.random.default_rng(1))
    write_trace(first, field, ex.air, cols, pub)
    paths = [first]
    for k in range(1, count):
        paths.append(work / f"{air_name}-{log_rows}-{k}.wgtrace")
        shutil.copy(first, paths[-1])
    return paths


def gpu_seconds(ctx, trace: Path, security: int, pow_bits: int | None) -> tuple[float, float]:
    """(GPU seconds, wall seconds) of one warm proof on ``ctx``; GPU = wall without timestamps."""
    tr = read_trace(trace)
    params, _ = choose_params(tr.field, tr.n, tr.width, tr.air.degree + 1, security, pow_bits=pow_bits)
    best = None
    for _ in range(3):  # the first builds the pipelines
        t0 = time.perf_counter()
        res = prove_gpu(ctx, tr.field, tr.air, tr.columns, tr.public, params, check=True)
        wall = time.perf_counter() - t0
        gpu = sum(res.phases.values()) or wall
        best = (gpu, wall) if best is None or wall < best[1] else best
    return best


def batch_seconds(traces: list[Path], out: Path, args, workers: list) -> float:
    """Wall seconds of one warm batch (after a warm-up batch of one trace per worker)."""
    kw = dict(adapters=args.adapters, workers_per_adapter=args.workers_per_adapter, security=args.security,
              pow_bits=args.pow_bits)
    warm = [out.parent / f"warm-{k}.wgtrace" for k in range(len(workers))]
    for w in warm:
        shutil.copy(traces[0], w)
    bad = [r for r in prove_many(warm, out / "warm", **kw) if not r.ok]
    t0 = time.perf_counter()
    bad += [r for r in prove_many(traces, out, **kw) if not r.ok]
    wall = time.perf_counter() - t0
    if bad:
        raise RuntimeError(f"batch proofs failed: {bad[0].reason}")
    return wall


def process_seconds(traces: list[Path], out: Path, args) -> float | None:
    """Mean wall of separate `wgprove prove` processes (one untimed first, for the driver cache)."""
    if args.process_count <= 0:
        return None
    env = cache_env(str(out / "driver-cache"))
    walls = []
    for k in range(args.process_count + 1):
        cmd = [python(), "-m", "wgprover.cli", "prove", str(traces[k % len(traces)]), "-o",
               str(out / f"process-{k}.proof"), "--security", str(args.security),
               *(["--pow-bits", str(args.pow_bits)] if args.pow_bits is not None else [])]
        wall, res = timed_run(cmd, env)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr[-2000:]}")
        walls.append(wall)
    return float(np.mean(walls[1:]))


def run_case(case: str, args, work: Path, workers: list) -> dict:
    air_name, log_rows = case.split(":")
    field = get_field(args.field)
    case_dir = work / case.replace(":", "-")
    case_dir.mkdir()
    traces = make_traces(case_dir, air_name, field, int(log_rows), args.count)
    gpu, wall1 = gpu_seconds(get_context(), traces[0], args.security, args.pow_bits)
    batch = batch_seconds(traces, case_dir / "batch", args, workers)
    proc = process_seconds(traces, case_dir / "process", args)
    tr = read_trace(traces[0])
    row = {"case": case, "air": tr.air.name, "width": tr.width, "log_rows": tr.n, "field": field.name,
           "count": args.count, "workers": len(workers), "gpu_s": gpu, "single_wall_s": wall1,
           "batch_wall_s": batch, "batch_per_hour": 3600 * args.count / batch,
           "gpu_bound_per_hour": 3600 / gpu, "ratio": args.count / batch * gpu,
           "process_wall_s": proc, "process_per_hour": 3600 / proc if proc else None}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="fibonacci:16,power:16,power:20", help="AIR:LOG_ROWS,...")
    ap.add_argument("--count", type=int, default=16, help="Proofs per batch.")
    ap.add_argument("--process-count", type=int, default=4, help="Timed separate processes per case (0: none).")
    ap.add_argument("--adapters", default=None, help="Passed to prove_many (`wgprove prove --adapters`).")
    ap.add_argument("--workers-per-adapter", type=int, default=1)
    ap.add_argument("--field", default="goldilocks")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--pow-bits", type=int, default=None,
                    help="Grinding bits (default: --security's preset, 16); the smoke test's 1 skips lavapipe's grind.")
    ap.add_argument("--json", default="bench/results/throughput.json")
    args = ap.parse_args()
    workers = worker_contexts(args.adapters, args.workers_per_adapter)
    with tempfile.TemporaryDirectory(prefix="wgprover-throughput-") as tmp:
        rows = [run_case(c, args, Path(tmp), workers) for c in args.cases.split(",")]
    meta = {"adapter": get_context().adapter_summary, "workers": [w.adapter_summary for w in workers],
            "adapters": args.adapters, "workers_per_adapter": args.workers_per_adapter, "cpus": os.cpu_count(),
            "date": datetime.date.today().isoformat(), "commit": os.environ.get("WGPROVER_COMMIT", "unknown")}
    print(f"# throughput on {meta['adapter']}, {len(workers)} worker(s) ({meta['date']}, {meta['commit']})")
    print(f"{'case':<14}{'gpu ms':>9}{'batch/h':>10}{'gpu-bound/h':>12}{'ratio':>7}{'process/h':>11}")
    for r in rows:
        proc = f"{r['process_per_hour']:>11.0f}" if r["process_per_hour"] else f"{'-':>11}"
        print(f"{r['case']:<14}{r['gpu_s'] * 1e3:>9.1f}{r['batch_per_hour']:>10.0f}{r['gpu_bound_per_hour']:>12.0f}"
              f"{r['ratio']:>7.2f}{proc}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
