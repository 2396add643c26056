"""Large traces: the biggest proofs a device takes (docs/BENCHMARKS.md, "Large traces").

For each case: generate the trace (the example's NumPy generator), print the
memory plan, prove once (warm-up: pipelines, constant tables), then --repeats
timed proofs, verify, and report the warm wall time, GPU time, peak device
memory measured (nvidia-smi, where it exists) and as planned, the first
codeword's bytes, and the proof size.

A case is AIR@LOG_ROWS[:FIELD], AIR one of fibonacci, powerW (the degree-7
power map over W columns), e.g. ``power16@24,fibonacci@27,power16@24:babybear``.

Usage: python3 bench/large.py --cases power16@22,power16@24 --json OUT
       [--security 100] [--repeats 2] [--path portable|int64]
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
from wgprover.air import examples  # noqa: E402
from wgprover.gpu.device_table import split  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.memory_plan import plan_memory  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.verifier import verify  # noqa: E402


def parse_case(spec: str) -> tuple[str, int, str]:
    air, _, rest = spec.partition("@")
    n, _, field = rest.partition(":")
    return air, int(n), field or "goldilocks"


def example_for(name: str):
    if name.startswith("power") and name[5:].isdigit():
        return examples.power(width=int(name[5:]))
    return examples.get_example(name)


def bench_case(ctx, spec: str, args) -> dict:
    name, n, field_name = parse_case(spec)
    field, ex = get_field(field_name), example_for(name)
    params = BasefoldParams.for_security(args.security)
    plan = plan_memory(field, ex.air.width, n, ex.air.degree + 1, params, air=ex.air, limits=ctx.limits,
                       timestamps=ctx.has_timestamps)
    t0 = time.perf_counter()
    cols, pub = ex.generate(field, n, np.random.default_rng(n))
    row = {"case": spec, "field": field.name, "width": ex.air.width, "log_rows": n, "trace_gen_s": time.perf_counter() - t0,
           "planned_peak_bytes": plan.peak, "first_codeword_bytes": ex.air.width * field.base.BYTES << (n + params.log_blowup),
           "codeword0_segments": len(split(ex.air.width, 1 << (n + params.log_blowup), field.base.BYTES, ctx.segment_limit())),
           "segment_limit": ctx.segment_limit()}
    print(f"# {spec}: trace {time.perf_counter() - t0:.1f} s, planned peak {plan.peak / 2**30:.2f} GiB", flush=True)
    with MemorySampler() as mem:
        t0 = time.perf_counter()
        prove_gpu(ctx, field, ex.air, cols, pub, params, check=False)
        row["first_prove_s"] = time.perf_counter() - t0
        walls, best = warm_proofs(lambda: prove_gpu(ctx, field, ex.air, cols, pub, params, check=False), args.repeats)
    t0 = time.perf_counter()
    v = verify(best.proof, ex.air, pub, min_security=min(args.security, 100))
    peak = None if mem.peak is None or mem.base is None else (mem.peak - mem.base) << 20
    row.update({
        "prove_wall_s": float(np.median(walls)), "prove_wall_min_s": float(min(walls)),
        "gpu_phases_s": best.phases, "gpu_total_s": sum(best.phases.values()), "host_s": best.host_seconds,
        "syncs": best.syncs, "proof_bytes": len(best.proof), "verify_s": time.perf_counter() - t0,
        "accepted": v.accepted, "measured_peak_bytes": peak,
        "peak_over_codeword": None if peak is None else peak / row["first_codeword_bytes"],
        "planned_over_codeword": plan.peak / row["first_codeword_bytes"],
    })
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="power16@22,power16@24,power64@22,power256@20,fibonacci@27,power16@24:babybear")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--path", choices=["portable", "int64"], default="int64")
    ap.add_argument("--json", default="bench/results/large.json")
    args = ap.parse_args()
    ctx = get_context(int64=args.path == "int64")
    rows = []
    for spec in args.cases.split(","):
        try:
            row = bench_case(ctx, spec, args)
        except MemoryError as e:
            print(f"refused {spec}: {e}", flush=True)
            rows.append({"case": spec, "refused": str(e)})
            continue
        rows.append(row)
        print(json.dumps(row), flush=True)
    meta = {"adapter": ctx.adapter_summary, "path": ctx.field_path, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "security": args.security}
    print(f"# large traces on {meta['adapter']} ({meta['date']}, {meta['commit']}, {ctx.field_path})")
    print(f"{'case':<24}{'wall ms':>10}{'gpu ms':>10}{'peak GiB':>10}{'plan GiB':>10}{'x cw0':>7}{'proof KB':>10}  ok")
    for r in rows:
        if "refused" in r:
            print(f"{r['case']:<24}  refused: {r['refused']}")
            continue
        meas = r["measured_peak_bytes"]
        print(f"{r['case']:<24}{r['prove_wall_s'] * 1e3:>10.1f}{r['gpu_total_s'] * 1e3:>10.1f}"
              f"{(meas or 0) / 2**30:>10.2f}{r['planned_peak_bytes'] / 2**30:>10.2f}"
              f"{(r['peak_over_codeword'] or r['planned_over_codeword']):>7.2f}{r['proof_bytes'] / 1024:>10.1f}  {r['accepted']}")
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
