"""NTT / LDE GPU time and achieved bandwidth, against a plain copy kernel.

For each field (and the Goldilocks shader-int64 path when the adapter has it)
and each size: forward NTT of 1 and of a batch of columns, and LDE (blowup 2)
of 1 and of a batch. GPU time comes from timestamp queries when available,
else from synchronised wall time over many back-to-back repetitions (median).
Bandwidth = global-memory traffic of the pass plan (docs/NTT.md §3; twiddle
reads not counted) / time, also as a fraction of the copy kernel's bandwidth
measured in the same run.

Usage: python bench/ntt.py [--sizes 16,20,22,24] [--cols 8] [--json bench/results/ntt.json]
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
from wgprover.gpu import get_context
from wgprover.gpu.timing import gpu_time
from wgprover.ntt import gpu
from wgprover.ntt import reference as ref

BATCH_BYTES_CAP = 1 << 30  # largest LDE destination per batched row


def timed(ctx, record, wall_reps: int) -> tuple[float, str]:
    """Best of 3 windows, each the median of 7 timestamped repetitions recorded
    back-to-back in one submission after 3 warm-up ones (``gpu_time`` batched:
    the GPU never idles at low clocks between samples; the best window because
    the H200 showed occasional ~1 s slow periods, docs/NTT.md §6). Without
    timestamps: wall time over ``wall_reps`` copies in one submission."""
    reps = 7 if ctx.has_timestamps else wall_reps
    return gpu_time(ctx, record, repeats=reps, warmup=3, windows=3, batched=True)


def copy_bandwidth(ctx, nbytes: int, wall_reps: int) -> dict:
    src, dst = ctx.buffer(nbytes, label="copy-src"), ctx.buffer(nbytes, label="copy-dst")
    t, method = timed(ctx, lambda rec: gpu.record_copy(rec, None, src, dst, nbytes), wall_reps)
    return {"bytes": nbytes, "seconds": t, "gb_per_s": 2 * nbytes / t / 1e9, "method": method}


def check(ctx, field, log_n: int) -> None:
    """Correctness before timing: parity at 2^min(n,16), round trip at 2^n."""
    rng = np.random.default_rng(log_n)
    small = field.base.random(rng, (2, 1 << min(log_n, 16)))
    assert np.array_equal(gpu.forward(ctx, field, small), ref.forward(field, small)), "forward != reference"
    x = field.base.random(rng, 1 << log_n)
    buf = ctx.upload(x)
    rec = ctx.recorder()
    gpu.record_forward(rec, field, buf, log_n, 1)
    gpu.record_inverse(rec, field, buf, log_n, 1)
    rec.submit()
    assert np.array_equal(ctx.read(buf, field.dtype, x.size), x), "inverse(forward(x)) != x"


def measure(ctx, field, log_n: int, batch: int, copy_gbs: float, wall_reps: int) -> list[dict]:
    B, n = field.base.BYTES, 1 << log_n
    rows = []
    cases = [("ntt", 1), ("ntt", batch), ("lde", 1), ("lde", min(batch, max(1, BATCH_BYTES_CAP // (2 * n * B))))]
    for kind, cols in cases:
        src = ctx.upload(field.base.random(np.random.default_rng(cols), (cols, n)))
        # the tile (hence the plan) depends on the batch: an LDE runs cols*2 columns
        passes = len(gpu.passes_for(ctx, field, log_n, cols=cols if kind == "ntt" else 2 * cols))
        if kind == "ntt":
            record = lambda rec, src=src, cols=cols: gpu.record_forward(rec, field, src, log_n, cols)  # noqa: E731
            traffic = passes * 2 * cols * n * B
        else:
            dst = ctx.buffer(2 * cols * n * B, label="lde-dst")
            record = lambda rec, src=src, dst=dst, cols=cols: gpu.record_lde(rec, field, src, dst, log_n, 1, cols)  # noqa: E731
            traffic = cols * n * B + 2 * cols * n * B + (passes - 1) * 2 * (2 * cols * n * B)
        t, method = timed(ctx, record, wall_reps)
        gbs = traffic / t / 1e9
        rows.append({"field": field.name, "path": ctx.field_path, "kind": kind, "log_n": log_n, "cols": cols,
                     "log_blowup": 1 if kind == "lde" else 0, "passes": passes, "seconds": t,
                     "traffic_bytes": traffic, "gb_per_s": gbs, "frac_copy": gbs / copy_gbs, "method": method})
        del src
    return rows


def check_targets(rows: list[dict]) -> list[tuple[str, bool, str]]:
    """(name, met, value) of the NTT targets found in ``rows``; ``met`` is a Python
    bool (a NumPy bool would not serialise to JSON)."""
    targets = []
    for r in rows:
        if r["field"] != "goldilocks" or r["path"] != "portable":
            continue
        if r["kind"] == "ntt" and r["log_n"] == 20 and r["cols"] == 1:
            targets.append(("Goldilocks NTT 2^20 x1 <= 150 us", bool(r["seconds"] <= 150e-6), f"{r['seconds'] * 1e6:.0f} us"))
        if r["kind"] == "lde" and r["log_n"] == 20 and r["cols"] == 8:
            targets.append(("Goldilocks LDE 2^20 x8 blowup 2 <= 1.5 ms", bool(r["seconds"] <= 1.5e-3), f"{r['seconds'] * 1e3:.2f} ms"))
        if r["kind"] == "ntt" and r["log_n"] == 24 and r["cols"] == 1:
            targets.append(("Goldilocks NTT 2^24 >= 40% of copy", bool(r["frac_copy"] >= 0.4), f"{100 * r['frac_copy']:.0f}%"))
    return targets


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="16,20,22,24")
    ap.add_argument("--cols", type=int, default=8)
    ap.add_argument("--wall-reps", type=int, default=20)
    ap.add_argument("--no-int64", action="store_true")
    ap.add_argument("--json", default="bench/results/ntt.json")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    ctx = get_context(int64=False)
    contexts = [(ctx, GOLDILOCKS), (ctx, BABYBEAR)]
    if not args.no_int64 and "shader-int64" in set(ctx.adapter.features):
        contexts.append((get_context(int64=True), GOLDILOCKS))
    copy = copy_bandwidth(ctx, 8 << max(sizes), args.wall_reps)
    rows = []
    for c, field in contexts:
        for log_n in sizes:
            check(c, field, log_n)
            rows += measure(c, field, log_n, args.cols, copy["gb_per_s"], args.wall_reps)
            print(f"  done {field.name}/{c.field_path} 2^{log_n}", file=sys.stderr, flush=True)

    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(), "commit": commit or "unknown",
            "profile": ctx.profile, "tile_bits": {f.name: gpu.tile_bits(ctx, f) for f in (GOLDILOCKS, BABYBEAR)},
            "workgroup_storage": int(ctx.limits["max-compute-workgroup-storage-size"])}
    print(f"# NTT on {meta['adapter']} ({meta['date']}, {meta['commit']}); tiles 2^{meta['tile_bits']}")
    print(f"# copy kernel: {copy['gb_per_s']:.0f} GB/s ({copy['bytes'] >> 20} MiB, {copy['method']})")
    print(f"{'field':<11}{'path':<9}{'op':<5}{'size':>6}{'cols':>5}{'passes':>7}{'time us':>11}{'GB/s':>8}{'% copy':>8}")
    for r in rows:
        print(f"{r['field']:<11}{r['path']:<9}{r['kind']:<5}{'2^' + str(r['log_n']):>6}{r['cols']:>5}{r['passes']:>7}"
              f"{r['seconds'] * 1e6:>11.1f}{r['gb_per_s']:>8.1f}{100 * r['frac_copy']:>7.0f}%")
    targets = check_targets(rows)
    for name, ok, val in targets:
        print(f"target {name}: {val} {'PASS' if ok else 'MISS'}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "copy": copy, "rows": rows,
                   "targets": [{"name": n, "met": ok, "value": v} for n, ok, v in targets]}, f, indent=2)


if __name__ == "__main__":
    main()
