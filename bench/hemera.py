"""hemera and Merkle benchmarks: batched permutations/s, Merkle commit time,
tree-hash throughput on a large file, and warm proofs per lockstep K.

GPU times come from timestamp queries where available (else synchronised wall
clock); the file hash is end-to-end wall time (disk read + upload + GPU).
Every timed kernel is first checked against the NumPy reference on a prefix.
``--lanes 1,2,4`` times the batched kernels (perm, merkle, commit, prove) once
per K = permutations per thread in lockstep (wgprover/hemera/lockstep.py);
``commit`` shapes are log2(leaves):width:log2(rows per leaf), ``prove`` proves
the power example (16 columns) warm, per K and path.
Usage: python bench/hemera.py [--perm-log-n 20] [--merkle 16-22] [--file-mib 1024] [--lanes 1,2,4]
                              [--paths portable,int64] [--commit 18:16:4,20:8:0]
                              [--sections perm,merkle,commit,prove,resident,file,sponge]
                              [--json bench/results/hemera.json]
Lockstep A/B on the H200, < 60 s each (docs/BENCHMARKS.md "Lockstep lanes K"):
  --paths int64 --sections perm,commit --lanes 1,2,4   (and --paths portable)
  --paths int64 --sections prove --lanes 1,2,4 --prove-paths int64 --prove-repeats 3
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
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
from wgprover.gpu import get_context, prebuild
from wgprover.gpu.dryrun import dry_twin
from wgprover.gpu.kernel import capture
from wgprover.gpu.timing import gpu_time
from wgprover.hemera import gpu as hg
from wgprover.hemera import lockstep
from wgprover.hemera import reference as href
from wgprover.merkle import gpu as mg
from wgprover.merkle import reference as mref


def bench_perm(ctx, log_n: int, reps: int, lanes: int) -> dict:
    n = 1 << log_n
    states = gl.random(np.random.default_rng(1), (n, 16))
    src = ctx.upload(states)
    dst = ctx.buffer(states.nbytes)
    rec = ctx.recorder()
    hg.record_permute(rec, src, dst, n, 1, lanes=lanes)
    rec.submit()
    got = ctx.read(dst, np.uint64, 64 * 16).reshape(64, 16)
    assert np.array_equal(got, href.permute(states[:64])), "GPU permutation disagrees with NumPy"
    t, method = gpu_time(ctx, lambda r: hg.record_permute(r, src, dst, n, reps, lanes=lanes), repeats=5)
    return {"what": "permutation", "path": ctx.field_path, "lanes": lanes, "states": n, "reps": reps,
            "seconds": t, "mperm_per_s": n * reps / t / 1e6, "method": method}


def _commit_once(ctx, buf, rows: int, width: int, k: int, lanes: int, tree_buf) -> np.ndarray:
    rec = ctx.recorder()
    tree = mg.commit(rec, GOLDILOCKS, buf, rows, width, log_leaf_rows=k, tree_buf=tree_buf, lanes=lanes)
    rec.submit()
    return mg.read_root(ctx, tree)


_MATRICES: dict = {}


def _matrix(ctx, rows: int, width: int, k: int):
    """A random matrix, its upload and a tree buffer, made once per path and
    shape (every K commits the same matrix)."""
    key = (ctx.field_path, rows, width, k)
    if key not in _MATRICES:
        vals = gl.random(np.random.default_rng(2), rows * width)
        _MATRICES[key] = (vals, ctx.upload(vals), ctx.buffer(mg.tree_bytes(rows, k)))
    return _MATRICES[key]


def bench_merkle(ctx, log_leaves: int, lanes: int, width: int = 8, k: int = 0, roots: dict | None = None) -> dict:
    """Commit of 2^log_leaves leaves of 2^k rows x width columns: checked against
    NumPy on small trees, else against the root of the first K timed (``roots``)."""
    n = 1 << log_leaves
    rows = n << k
    vals, buf, tree_buf = _matrix(ctx, rows, width, k)
    root = _commit_once(ctx, buf, rows, width, k, lanes, tree_buf)
    if log_leaves <= 12:  # full check against NumPy on the small trees
        assert np.array_equal(root, mref.commit(GOLDILOCKS, vals, rows, width, k).root), "GPU Merkle root disagrees"
    key = (ctx.field_path, log_leaves, width, k)
    if roots is not None:
        assert np.array_equal(root, roots.setdefault(key, root)), f"K = {lanes} changes the root of {key}"
    t, method = gpu_time(ctx, lambda r: mg.commit(r, GOLDILOCKS, buf, rows, width, log_leaf_rows=k,
                                                  tree_buf=tree_buf, lanes=lanes), repeats=5)
    m = (width << k)
    perms = n * -(-m // 8) + n - 1  # leaf sponge blocks + tree nodes
    return {"what": "merkle_commit", "path": ctx.field_path, "lanes": lanes, "leaves": n, "width": width,
            "leaf_elems": m, "seconds": t, "ms": t * 1e3, "mperm_per_s": perms / t / 1e6, "method": method}


def bench_prove(ctx, log_rows: int, lanes: int, repeats: int, pow_bits: int) -> dict:
    """Warm proofs of the power example (16 columns) with K = lanes (bench/prove.py's timing)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure import warm_proofs

    from wgprover.air.examples import get_example
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.prover import prove_gpu

    ex = get_example("power")
    key = ("power", log_rows)
    if key not in _MATRICES:
        _MATRICES[key] = ex.generate(GOLDILOCKS, log_rows, np.random.default_rng(1))
    cols, pub = _MATRICES[key]
    params = BasefoldParams.for_security(100, pow_bits=pow_bits)
    before = os.environ.get(lockstep.ENV)
    os.environ[lockstep.ENV] = str(lanes)  # the prover's commits read K from here
    try:
        first = prove_gpu(ctx, GOLDILOCKS, ex.air, cols, pub, params, check=False)  # warm-up
        walls, best = warm_proofs(lambda: prove_gpu(ctx, GOLDILOCKS, ex.air, cols, pub, params, check=False), repeats)
    finally:
        os.environ.pop(lockstep.ENV)
        if before is not None:
            os.environ[lockstep.ENV] = before
    assert best.proof == first.proof
    return {"what": "prove_power16", "path": ctx.field_path, "lanes": lanes, "log_rows": log_rows,
            "seconds": float(np.median(walls)), "wall_min_s": min(walls), "gpu_phases_s": best.phases,
            "gpu_s": sum(best.phases.values()), "proof_sha": hashlib.sha256(best.proof).hexdigest()[:16],
            "method": "wall"}


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


def prebuild_lanes(ctx, args, sections: set, lane_list: list[int]) -> int:
    """Build the K-dependent hemera pipelines of every K up front, in parallel
    (gpu/prebuild.py: each is ~1 s cold on an H200 at K = 1, more at K = 4),
    listed by recording tiny instances on a dry twin of ``ctx``."""
    dry = dry_twin(ctx, with_tables=True)
    with capture(isolated=True) as sink:
        for lanes in lane_list:
            rec = dry.recorder()
            if "perm" in sections:
                hg.record_permute(rec, dry.buffer(1 << 11), dry.buffer(1 << 11), 16, 1, lanes=lanes)
            for text in args.commit.split(",") if "commit" in sections else []:
                _, width, k = _shape(text)
                mg.commit(rec, GOLDILOCKS, dry.buffer((width << k) * 16 * 8), 16 << k, width, log_leaf_rows=k,
                          lanes=lanes)
    specs = list({s.key: s for s in sink}.values())
    return prebuild.build(ctx, specs) if prebuild.parallel_builds(ctx) else 0


def _shape(text: str) -> tuple[int, int, int]:
    log_leaves, width, k = (int(x) for x in text.split(":"))
    return log_leaves, width, k


def _lane_rows(ctx, args, sections: set, lanes: int, roots: dict):
    """The K-dependent sections on one path, one row at a time."""
    lo, hi = (int(x) for x in args.merkle.split("-"))
    if "perm" in sections:
        yield bench_perm(ctx, args.perm_log_n, args.perm_reps, lanes)
    if "merkle" in sections:
        for lg in range(lo, hi + 1):
            yield bench_merkle(ctx, lg, lanes, roots=roots)
    if "commit" in sections:
        for text in args.commit.split(","):
            log_leaves, width, k = _shape(text)
            yield bench_merkle(ctx, log_leaves, lanes, width, k, roots)
    if "prove" in sections and ctx.field_path in args.prove_paths.split(","):
        row = bench_prove(ctx, args.prove_log_rows, lanes, args.prove_repeats, args.pow_bits)
        want = roots.setdefault(("prove", ctx.field_path), row["proof_sha"])
        assert row["proof_sha"] == want, f"K = {lanes} changes the proof bytes"
        yield row


def _rate(r: dict) -> str:
    if "mperm_per_s" in r:
        return f"{r['mperm_per_s']:.1f} Mperm/s"
    if "mb_per_s" in r:
        return f"{r['mb_per_s']:.0f} MB/s"
    return f"gpu {r['gpu_s'] * 1e3:.1f} ms"


def _line(r: dict) -> str:
    size = r.get("states") or r.get("leaves") or r.get("bytes") or (1 << r.get("log_rows", 0))
    extra = f" x {r['leaf_elems']}" if "leaf_elems" in r else ""
    return (f"{r['what']:<20}{r['path']:<10}{r.get('lanes', ''):>3}{str(size) + extra:>16}"
            f"{r['seconds'] * 1e3:>10.2f}{_rate(r):>18}  {r['method']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--perm-log-n", type=int, default=20)
    ap.add_argument("--perm-reps", type=int, default=4)
    ap.add_argument("--merkle", default="16-22", help="range of log2(leaves), 8 columns, one row per leaf")
    ap.add_argument("--commit", default="18:16:4,20:8:0", help="log2(leaves):width:log2(rows per leaf),...")
    ap.add_argument("--lanes", default="1,2", help="K values, e.g. 1,2,4 (default: each path's default, int64 1, portable 2)")
    ap.add_argument("--prove-log-rows", type=int, default=20)
    ap.add_argument("--paths", default="portable,int64", help="field paths to bench (int64 where offered)")
    ap.add_argument("--prove-paths", default="int64,portable")
    ap.add_argument("--prove-repeats", type=int, default=5)
    ap.add_argument("--pow-bits", type=int, default=16)
    ap.add_argument("--file-mib", type=int, default=1024)
    ap.add_argument("--resident-mib", type=int, default=256)
    ap.add_argument("--sponge-kib", type=int, default=64)
    ap.add_argument("--sections", default="perm,merkle,resident,file,sponge")
    ap.add_argument("--json", default="bench/results/hemera.json")
    args = ap.parse_args()
    sections = set(args.sections.split(","))
    lane_list = [lockstep.check(int(x)) for x in args.lanes.split(",")]

    paths = args.paths.split(",")
    ctxs = [get_context(int64=False)] if "portable" in paths else []
    if "int64" in paths and "shader-int64" in set(get_context(int64=False).adapter.features):
        ctxs.append(get_context(int64=True))
    print(f"{'what':<20}{'path':<10}{'K':>3}{'size':>16}{'ms':>10}{'rate':>18}  method", flush=True)
    rows, roots = [], {}
    for ctx in ctxs:
        t0 = time.perf_counter()
        built = prebuild_lanes(ctx, args, sections, lane_list)
        print(f"# {ctx.field_path}: {built} hemera pipelines built in {time.perf_counter() - t0:.1f} s", flush=True)
        for lanes in lane_list:
            for row in _lane_rows(ctx, args, sections, lanes, roots):
                rows.append(row)
                print(_line(row), flush=True)
        if "resident" in sections:
            rows.append(bench_leaves_resident(ctx, args.resident_mib))
            print(_line(rows[-1]), flush=True)
    ctx = ctxs[-1]  # file and sponge on the fastest path
    if "file" in sections:
        rows.append(bench_file(ctx, args.file_mib))
        print(_line(rows[-1]), flush=True)
    if "sponge" in sections:
        rows.append(bench_sponge(ctx, args.sponge_kib))
        print(_line(rows[-1]), flush=True)

    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"adapter": ctxs[0].adapter_summary, "date": datetime.date.today().isoformat(),
            "commit": commit or "unknown", "lanes": lane_list}
    print(f"# hemera on {meta['adapter']} ({meta['date']}, {meta['commit']})", flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
