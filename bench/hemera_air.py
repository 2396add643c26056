"""Benchmark: hemera permutations proved per second (docs/AIR.md §9, docs/BENCHMARKS.md).

For each K = 2^k permutations: generate the trace (NumPy), prove it on the GPU
(warm-up, then --repeats timed proofs), verify, and report permutations proved
per second, proof size, verify time, GPU phase times and the peak device memory
(sampled with nvidia-smi where it exists). The first proof of the process is
timed apart: it includes the cold pipeline builds, and the AIR's own zerocheck
pipelines are also built and timed alone before it.

Usage: python3 bench/hemera_air.py --log-counts 12,14,16 --json OUT
       [--ppr 4] [--security 100] [--path portable|int64] [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench helpers (measure.py)

from measure import MemorySampler, warm_proofs  # noqa: E402
from wgprover.air import hemera_air as ha  # noqa: E402
from wgprover.air.codegen import zerocheck_kernel  # noqa: E402
from wgprover.field import GOLDILOCKS  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.verifier import verify  # noqa: E402

ZC_ENTRIES = ("zc_round_base", "zc_round_ext", "zc_fold_base", "zc_fold_ext", "zc_setup")


def build_pipelines(ctx, air) -> float:
    """Seconds to build the AIR's zerocheck pipelines (cold unless the driver's disk cache is warm)."""
    t0 = time.perf_counter()
    for e in ZC_ENTRIES:
        zerocheck_kernel(ctx, GOLDILOCKS, air, e)
    return time.perf_counter() - t0


def bench_count(ctx, air, k: int, args, params: BasefoldParams) -> dict | None:
    K = 1 << k
    n = ha.log_rows_for_count(K, args.ppr)
    t0 = time.perf_counter()
    trace = ha.permutation_blocks(GOLDILOCKS.base.random(np.random.default_rng(k), (K, ha.W)), args.ppr)
    gen_s = time.perf_counter() - t0
    row = {"log_count": k, "count": K, "log_rows": n, "width": air.width, "trace_gen_s": gen_s}
    with MemorySampler() as mem:
        try:
            t0 = time.perf_counter()
            prove_gpu(ctx, GOLDILOCKS, air, trace, {}, params, check=False)  # warm-up (first: pipelines)
            row["first_prove_s"] = time.perf_counter() - t0
        except MemoryError as e:
            print(f"skip K = 2^{k}: {e}", flush=True)
            return None
        walls, best = warm_proofs(lambda: prove_gpu(ctx, GOLDILOCKS, air, trace, {}, params, check=False), args.repeats)
    t0 = time.perf_counter()
    v = verify(best.proof, air, {})
    row.update({
        "prove_wall_s": float(np.median(walls)), "prove_wall_min_s": float(min(walls)),
        "perms_per_s": K / float(np.median(walls)), "perms_per_s_best": K / float(min(walls)),
        "gpu_phases_s": best.phases, "gpu_total_s": sum(best.phases.values()), "host_s": best.host_seconds,
        "syncs": best.syncs, "proof_bytes": len(best.proof), "verify_s": time.perf_counter() - t0,
        "accepted": v.accepted, "device_mem_peak_mib": mem.peak,
    })
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log-counts", default="12,14,16,18,20", help="log2 of the permutation counts K")
    ap.add_argument("--ppr", type=int, default=4, help="partial rounds per trace row (1, 2, 4, 8, 16)")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--path", choices=["portable", "int64"], default="int64")
    ap.add_argument("--json", default="bench/results/hemera_air.json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    ctx = get_context(int64=args.path == "int64")
    device_s = time.perf_counter() - t0
    params = BasefoldParams.for_security(args.security)
    air = ha.permutation_air(args.ppr)
    build_s = build_pipelines(ctx, air)
    print(f"# {ctx.adapter_summary}: context {device_s:.2f} s, hemera zerocheck pipelines {build_s:.2f} s "
          f"(w = {air.width}, degree {air.degree}, {len(air.constraints)} constraints)", flush=True)
    rows = []
    for k in [int(s) for s in args.log_counts.split(",")]:
        row = bench_count(ctx, air, k, args, params)
        if row is not None:
            rows.append(row)
            print(json.dumps(row), flush=True)
    meta = {"adapter": ctx.adapter_summary, "path": ctx.field_path, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "params": params.__dict__, "ppr": args.ppr,
            "rows_per_permutation": ha.Layout(args.ppr).rows, "context_s": device_s, "zerocheck_pipelines_s": build_s}
    table = [("K", "count", 1, ".0f"), ("log rows", "log_rows", 1, ".0f"), ("wall ms", "prove_wall_s", 1e3, ".1f"),
             ("perm/s", "perms_per_s", 1, ".0f"), ("gpu ms", "gpu_total_s", 1e3, ".1f"),
             ("proof KB", "proof_bytes", 1 / 1024, ".1f"), ("verify ms", "verify_s", 1e3, ".1f"),
             ("mem MiB", "device_mem_peak_mib", 1, ".0f")]
    print("".join(f"{h:>11}" for h, *_ in table) + "  accepted")
    for r in rows:
        print("".join(f"{(r[k] or 0) * m:>11{fmt}}" for _, k, m, fmt in table) + f"  {r['accepted']}")
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
