"""Benchmark: hemera permutations proved per second (docs/AIR.md §9, docs/BENCHMARKS.md).

For each variant (AIR layout and zerocheck code mode, bench/hemera_variants.py)
and each size 2^k: generate the trace, prove it on the GPU (warm-up, then
--repeats timed proofs), verify, and report permutations proved per second,
proof size, verify time, GPU phase times and the peak device memory (sampled
with nvidia-smi where it exists). The first proof of each size is timed apart
(the first of a variant includes its cold pipeline builds); the AIR's own
zerocheck pipelines are also built and timed alone before it.

Usage: python3 bench/hemera_air.py --log-counts 12,14,16 --json OUT
       [--variants ppr4/interp,wide7,wide3/hybrid] [--ppr 4] [--security 100]
       [--path portable|int64] [--repeats 3]
       python3 bench/hemera_air.py --cost-model [--variants ...]   (no GPU: the cost model only)
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

from hemera_variants import Variant, cost_model, parse_variants, print_cost_table  # noqa: E402
from measure import MemorySampler, warm_proofs  # noqa: E402
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


def bench_count(ctx, v: Variant, k: int, args, params: BasefoldParams) -> dict | None:
    air, K, n = v.air, v.count(k), v.log_rows(k)
    t0 = time.perf_counter()
    trace = v.trace(k, np.random.default_rng(k))
    gen_s = time.perf_counter() - t0
    row = {"variant": v.name, "log_count": k, "count": K, "log_rows": n, "width": air.width,
           "degree_D": air.degree + 1, "cells_per_perm": air.width * v.rows_per_perm, "trace_gen_s": gen_s}
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
    verdict = verify(best.proof, air, {})
    row.update({
        "prove_wall_s": float(np.median(walls)), "prove_wall_min_s": float(min(walls)),
        "perms_per_s": K / float(np.median(walls)), "perms_per_s_best": K / float(min(walls)),
        "gpu_phases_s": best.phases, "gpu_total_s": sum(best.phases.values()), "host_s": best.host_seconds,
        "syncs": best.syncs, "proof_bytes": len(best.proof), "verify_s": time.perf_counter() - t0,
        "accepted": verdict.accepted, "device_mem_peak_mib": mem.peak,
    })
    return row


def bench_variant(ctx, v: Variant, args, params: BasefoldParams) -> tuple[dict, list[dict]]:
    """Pipelines and every size of one variant (its code mode set through WGPROVER_ZEROCHECK)."""
    os.environ["WGPROVER_ZEROCHECK"] = v.mode
    build_s = build_pipelines(ctx, v.air)
    air = v.air
    print(f"# {v.name}: zerocheck pipelines {build_s:.2f} s (w = {air.width}, D = {air.degree + 1}, "
          f"{len(air.constraints)} constraints, {v.rows_per_perm} rows/permutation)", flush=True)
    rows = []
    for k in [int(s) for s in args.log_counts.split(",")]:
        row = bench_count(ctx, v, k, args, params)
        if row is not None:
            rows.append(row)
            print(json.dumps(row), flush=True)
    return {**cost_model(v), "zerocheck_pipelines_s": build_s}, rows


TABLE = [("variant", "variant", 1, "s"), ("K", "count", 1, ".0f"), ("log rows", "log_rows", 1, ".0f"),
         ("w", "width", 1, ".0f"), ("D", "degree_D", 1, ".0f"), ("wall ms", "prove_wall_s", 1e3, ".1f"),
         ("perm/s", "perms_per_s", 1, ".0f"), ("gpu ms", "gpu_total_s", 1e3, ".1f"),
         ("proof KB", "proof_bytes", 1 / 1024, ".1f"), ("verify ms", "verify_s", 1e3, ".1f"),
         ("mem MiB", "device_mem_peak_mib", 1, ".0f")]


def print_table(rows: list[dict]) -> None:
    print("".join(f"{h:>14}" for h, *_ in TABLE) + "  accepted  GPU phases ms")
    for r in rows:
        cells = "".join(f"{r[k]:>14}" if f == "s" else f"{(r[k] or 0) * m:>14{f}}" for _, k, m, f in TABLE)
        phases = " ".join(f"{p} {t * 1e3:.1f}" for p, t in r["gpu_phases_s"].items())
        print(f"{cells}  {r['accepted']}  {phases}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log-counts", default="12,14,16,18,20", help="log2 of the permutation counts K")
    ap.add_argument("--variants", default=None,
                    help="LAYOUT[/MODE],... (LAYOUT ppr1|ppr2|ppr4|ppr8|ppr16|wide7|wide3, MODE auto|inline|interp|hybrid)")
    ap.add_argument("--ppr", type=int, default=4, help="without --variants: the row layout's partial rounds per row")
    ap.add_argument("--cost-model", action="store_true", help="print the variants' cost model and exit (no GPU)")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--path", choices=["portable", "int64"], default="int64")
    ap.add_argument("--json", default="bench/results/hemera_air.json")
    args = ap.parse_args()
    try:
        variants = parse_variants(args.variants or f"ppr{args.ppr}/{os.environ.get('WGPROVER_ZEROCHECK', 'auto')}")
    except ValueError as e:
        ap.exit(2, f"error: {e}\n")
    if args.cost_model:
        print_cost_table([cost_model(v) for v in variants])
        return
    t0 = time.perf_counter()
    ctx = get_context(int64=args.path == "int64")
    device_s = time.perf_counter() - t0
    params = BasefoldParams.for_security(args.security)
    print(f"# {ctx.adapter_summary}: context {device_s:.2f} s", flush=True)
    meta = {"adapter": ctx.adapter_summary, "path": ctx.field_path, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "params": params.__dict__, "context_s": device_s,
            "variants": []}
    rows: list[dict] = []
    for v in variants:  # the JSON is rewritten after each variant: a run cut short keeps what it measured
        model, vrows = bench_variant(ctx, v, args, params)
        meta["variants"].append(model)
        rows += vrows
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "rows": rows}, fh, indent=2)
    print_cost_table(meta["variants"])
    print_table(rows)


if __name__ == "__main__":
    main()
