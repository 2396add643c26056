"""Field multiplication throughput (G mul/s) per field and Goldilocks path.

Each element runs REPS chained multiplications x <- x*b, so the kernel is
compute-bound; time is GPU time from timestamp queries where available.
Usage: python bench/field.py [--log-n 24] [--reps 64] [--json bench/results/field.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.field import gpu as fgpu
from wgprover.gpu import get_context
from wgprover.gpu.timing import gpu_time


def measure(ctx, field, log_n: int, reps: int) -> dict:
    n = 1 << log_n
    rng = np.random.default_rng(1)
    a = field.base.random(rng, n)
    b = field.base.random(rng, n)
    abuf, bbuf = ctx.upload(a), ctx.upload(b)
    out = ctx.buffer(a.nbytes)
    # correctness on a prefix before timing
    rec = ctx.recorder()
    fgpu.record_mul_chain(rec, field, abuf, bbuf, out, n, 3)
    rec.submit()
    got = ctx.read(out, field.dtype, 4096)
    want = field.base.mul(field.base.mul(field.base.mul(a[:4096], b[:4096]), b[:4096]), b[:4096])
    assert np.array_equal(got, want), "mul chain disagrees with NumPy"
    t, method = gpu_time(ctx, lambda rec: fgpu.record_mul_chain(rec, field, abuf, bbuf, out, n, reps), repeats=5)
    return {"field": field.name, "path": ctx.field_path, "n": n, "reps": reps, "seconds": t,
            "gmul_per_s": n * reps / t / 1e9, "method": method}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log-n", type=int, default=24)
    ap.add_argument("--reps", type=int, default=64)
    ap.add_argument("--json", default="bench/results/field.json")
    args = ap.parse_args()
    rows = []
    ctx = get_context(int64=False)
    rows.append(measure(ctx, GOLDILOCKS, args.log_n, args.reps))
    rows.append(measure(ctx, BABYBEAR, args.log_n, args.reps))
    if "shader-int64" in set(ctx.adapter.features):
        ctx64 = get_context(int64=True)
        rows.append(measure(ctx64, GOLDILOCKS, args.log_n, args.reps))
    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(), "commit": commit or "unknown"}
    print(f"# field mul throughput on {meta['adapter']} ({meta['date']}, {meta['commit']})")
    print(f"{'field':<12}{'path':<10}{'G mul/s':>10}{'ms':>10}  method")
    for r in rows:
        print(f"{r['field']:<12}{r['path']:<10}{r['gmul_per_s']:>10.1f}{r['seconds'] * 1e3:>10.3f}  {r['method']}")
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
