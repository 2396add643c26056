"""hemera and Merkle benchmarks: batched permutations/s, Merkle commit time,
tree-hash throughput on a large file.

GPU times come from timestamp queries where available (else synchronised wall
clock); the file hash is end-to-end wall time (disk read + upload + GPU).
Every timed kernel is first checked against the NumPy reference on a prefix.
Usage: python bench/hemera.py [--perm-log-n 20] [--merkle 16-22] [--file-mib 1024]
                              [--sections perm,merkle,file,sponge] [--json bench/results/hemera.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.field import GOLDILOCKS
from wgprover.field import goldilocks as gl
from wgprover.gpu import get_context
from wgprover.gpu.timing import gpu_time
from wgprover.hemera import gpu as hg
from wgprover.hemera import reference as href
from wgprover.merkle import gpu as mg
from wgprover.merkle import reference as mref


def bench_perm(ctx, log_n: int, reps: int) -> dict:
    n = 1 << log_n
    states = gl.random(np.random.default_rng(1), (n, 16))
    src = ctx.upload(states)
    dst = ctx.buffer(states.nbytes)
    rec = ctx.recorder()
    hg.record_permute(rec, src, dst, n, 1)
    rec.submit()
    got = ctx.read(dst, np.uint64, 64 * 16).reshape(64, 16)
    assert np.array_equal(got, href.permute(states[:64])), "GPU permutation disagrees with NumPy"
    t, method = gpu_time(ctx, lambda r: hg.record_permute(r, src, dst, n, reps), repeats=5)
    return {"what": "permutation", "path": ctx.field_path, "states": n, "reps": reps, "seconds": t,
            "mperm_per_s": n * reps / t / 1e6, "method": method}


def bench_merkle(ctx, log_leaves: int, width: int = 8) -> dict:
    n = 1 << log_leaves
    vals = gl.random(np.random.default_rng(2), n * width)
    buf = ctx.upload(vals)
    tree_buf = ctx.buffer(mg.tree_bytes(n))
    if log_leaves <= 12:  # full check against NumPy on the small trees
        rec = ctx.recorder()
        tree = mg.commit(rec, GOLDILOCKS, buf, n, width, tree_buf=tree_buf)
        rec.submit()
        want = mref.commit(GOLDILOCKS, vals, n, width).root
        assert np.array_equal(mg.read_root(ctx, tree), want), "GPU Merkle root disagrees with NumPy"
    t, method = gpu_time(ctx, lambda r: mg.commit(r, GOLDILOCKS, buf, n, width, tree_buf=tree_buf), repeats=5)
    return {"what": "merkle_commit", "path": ctx.field_path, "leaves": n, "width": width,
            "seconds": t, "ms": t * 1e3, "mperm_per_s": (2 * n - 1) / t / 1e6, "method": method}


def bench_leaves_resident(ctx, mib: int) -> dict:
    """GPU-only tree hashing of a resident buffer (leaves + levels)."""
    nbytes = mib << 20
    data = np.random.default_rng(3).integers(0, 256, nbytes, dtype=np.uint8)
    dbuf = ctx.upload(data)
    nch = nbytes // 4096
    cv = ctx.buffer((2 * nch + 64) * 32)

    def record(rec):
        n = hg.record_leaves(rec, dbuf, 0, nbytes, cv, 0, 0, False)
        hg.record_reduce(rec, cv, 0, n, n, root=True)

    t, method = gpu_time(ctx, record, repeats=3)
    return {"what": "tree_hash_resident", "path": ctx.field_path, "bytes": nbytes, "seconds": t,
            "mb_per_s": nbytes / t / 1e6, "method": method}


def bench_file(ctx, mib: int) -> dict:
    with tempfile.NamedTemporaryFile(delete=False, dir=os.environ.get("TMPDIR", "/tmp")) as f:
        block = np.random.default_rng(4).integers(0, 256, 1 << 20, dtype=np.uint8).tobytes()
        for _ in range(mib):
            f.write(block)
        path = f.name
    try:
        with open(path, "rb") as fh:  # warm-up (page cache, pipelines)
            hg.root_hash(ctx, fh)
        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            digest = hg.root_hash(ctx, fh)
        dt = time.perf_counter() - t0
    finally:
        os.unlink(path)
    return {"what": "tree_hash_file", "path": ctx.field_path, "bytes": mib << 20, "seconds": dt,
            "mb_per_s": (mib << 20) / dt / 1e6, "digest": digest.hex(), "method": "wall"}


def bench_sponge(ctx, kib: int) -> dict:
    data = np.random.default_rng(5).integers(0, 256, kib << 10, dtype=np.uint8).tobytes()
    hg.hash(ctx, data[:1000])
    t0 = time.perf_counter()
    hg.hash(ctx, data)
    dt = time.perf_counter() - t0
    perms = len(data) // 56 + 1
    return {"what": "sponge_sequential", "path": ctx.field_path, "bytes": len(data), "seconds": dt,
            "us_per_perm": dt / perms * 1e6, "mb_per_s": len(data) / dt / 1e6, "method": "wall"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--perm-log-n", type=int, default=20)
    ap.add_argument("--perm-reps", type=int, default=4)
    ap.add_argument("--merkle", default="16-22", help="range of log2(leaves)")
    ap.add_argument("--file-mib", type=int, default=1024)
    ap.add_argument("--resident-mib", type=int, default=256)
    ap.add_argument("--sponge-kib", type=int, default=64)
    ap.add_argument("--sections", default="perm,merkle,resident,file,sponge")
    ap.add_argument("--json", default="bench/results/hemera.json")
    args = ap.parse_args()
    sections = set(args.sections.split(","))
    lo, hi = (int(x) for x in args.merkle.split("-"))

    ctxs = [get_context(int64=False)]
    if "shader-int64" in set(ctxs[0].adapter.features):
        ctxs.append(get_context(int64=True))
    rows = []
    for ctx in ctxs:
        if "perm" in sections:
            rows.append(bench_perm(ctx, args.perm_log_n, args.perm_reps))
            print(rows[-1], flush=True)
        if "merkle" in sections:
            for lg in range(lo, hi + 1):
                rows.append(bench_merkle(ctx, lg))
                print(rows[-1], flush=True)
        if "resident" in sections:
            rows.append(bench_leaves_resident(ctx, args.resident_mib))
            print(rows[-1], flush=True)
    ctx = ctxs[-1]  # file and sponge on the fastest path
    if "file" in sections:
        rows.append(bench_file(ctx, args.file_mib))
        print(rows[-1], flush=True)
    if "sponge" in sections:
        rows.append(bench_sponge(ctx, args.sponge_kib))
        print(rows[-1], flush=True)

    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"adapter": ctxs[0].adapter_summary, "date": datetime.date.today().isoformat(),
            "commit": commit or "unknown"}
    print(f"# hemera on {meta['adapter']} ({meta['date']}, {meta['commit']})")
    print(f"{'what':<20}{'path':<10}{'size':>12}{'ms':>10}{'rate':>16}  method")
    for r in rows:
        size = r.get("states") or r.get("leaves") or r.get("bytes")
        rate = (f"{r['mperm_per_s']:.1f} Mperm/s" if "mperm_per_s" in r and r["what"] == "permutation"
                else f"{r['mb_per_s']:.0f} MB/s" if "mb_per_s" in r else f"{r['mperm_per_s']:.1f} Mperm/s")
        print(f"{r['what']:<20}{r['path']:<10}{size:>12}{r['seconds'] * 1e3:>10.2f}{rate:>16}  {r['method']}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
