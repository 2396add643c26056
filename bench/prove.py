"""End-to-end proving benchmark: GPU prover (per phase from timestamps) vs the
NumPy reference prover, proof size and verify time.

Usage: python bench/prove.py [--sizes 16,18,20,22] [--airs fibonacci,power]
       [--security 100] [--pow-bits 16] [--reference-max 14] [--json bench/results/prove.json]
The reference prover (CPU) is timed up to --reference-max rows and the
speed-up is reported only where both ran on the same machine in this run.
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

from measure import warm_proofs  # noqa: E402

from wgprover.air.examples import get_example  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.reference_prover import prove_reference  # noqa: E402
from wgprover.verifier import verify  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="16,18,20,22")
    ap.add_argument("--airs", default="fibonacci,power")
    ap.add_argument("--field", default="goldilocks")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--pow-bits", type=int, default=16, help="Grinding bits (the smoke test's 1 skips lavapipe's grind).")
    ap.add_argument("--reference-max", type=int, default=14)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--path", choices=["portable", "int64"], default="portable",
                    help="Goldilocks field path (the CLI's default is int64 where offered)")
    ap.add_argument("--json", default="bench/results/prove.json")
    args = ap.parse_args()
    ctx = get_context(int64=args.path == "int64")
    f = get_field(args.field)
    params = BasefoldParams.for_security(args.security, pow_bits=args.pow_bits)
    rows = []
    for air_name in args.airs.split(","):
        ex = get_example(air_name)
        for n in [int(s) for s in args.sizes.split(",")]:
            cols, pub = ex.generate(f, n, np.random.default_rng(1))
            try:
                prove_gpu(ctx, f, ex.air, cols, pub, params, check=False)  # warm-up
            except MemoryError as e:
                print(f"skip {air_name} 2^{n}: {e}")
                continue
            walls, best = warm_proofs(lambda: prove_gpu(ctx, f, ex.air, cols, pub, params, check=False),
                                      args.repeats)
            last = best  # proofs are deterministic: any run's bytes are the proof
            t0 = time.perf_counter()
            v = verify(last.proof, ex.air)
            vt = time.perf_counter() - t0
            # median wall, and the fastest run's GPU phases and host split (docs/BENCHMARKS.md: slow periods)
            row = {"air": air_name, "width": ex.air.width, "log_rows": n, "path": ctx.field_path,
                   "prove_wall_s": float(np.median(walls)), "prove_wall_min_s": float(min(walls)),
                   "gpu_phases_s": best.phases, "gpu_total_s": sum(best.phases.values()), "host_s": best.host_seconds,
                   "syncs": last.syncs, "proof_bytes": len(last.proof), "verify_s": vt, "accepted": v.accepted}
            if n <= args.reference_max:
                t0 = time.perf_counter()
                ref = prove_reference(f, ex.air, cols, pub, params, check=False)
                row["reference_s"] = time.perf_counter() - t0
                row["identical"] = ref == last.proof
                row["speedup"] = row["reference_s"] / row["prove_wall_s"]
            rows.append(row)
            print(json.dumps(row), flush=True)
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "params": params.__dict__, "field": f.name}
    print(f"# prove on {meta['adapter']} ({meta['date']}, {meta['commit']}), params {params}")
    print(f"{'air':<10}{'w':>4}{'n':>4}{'wall ms':>10}{'min ms':>9}{'gpu ms':>10}{'proof KB':>10}{'verify ms':>11}{'ref s':>8}{'x':>8}  ok")
    for r in rows:
        print(f"{r['air']:<10}{r['width']:>4}{r['log_rows']:>4}{r['prove_wall_s'] * 1e3:>10.1f}"
              f"{r['prove_wall_min_s'] * 1e3:>9.1f}{r['gpu_total_s'] * 1e3:>10.1f}"
              f"{r['proof_bytes'] / 1024:>10.1f}{r['verify_s'] * 1e3:>11.1f}"
              f"{r.get('reference_s', float('nan')):>8.2f}{r.get('speedup', float('nan')):>8.1f}  "
              f"{r['accepted']}{'' if r.get('identical', True) else ' NOT-IDENTICAL'}")
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
