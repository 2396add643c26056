"""Field-native Merkle commitments: NumPy reference vs a straightforward oracle,
and the GPU (commit, sibling paths, opened leaves) vs the NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import get_context
from wgprover.hemera import lockstep
from wgprover.hemera import reference as H
from wgprover.merkle import gpu as MG
from wgprover.merkle import reference as MR

# (rows, width, entry degree: "base" or "ext", log_leaf_rows); leaf counts are
# powers of two, most below the workgroup size of 64.
SHAPES = [
    (32, 3, "base", 0),
    (16, 1, "base", 1),
    (64, 16, "base", 2),
    (32, 3, "ext", 3),
    (128, 1, "base", 4),
]


def _d(field, kind: str) -> int:
    return field.ext_degree if kind == "ext" else 1


def oracle_commit(field, values, rows, width, k, d):
    """Straightforward: leaves by explicit loops, root by recursion."""
    mat = np.asarray(values).reshape(-1)
    n = rows >> k
    leaves = []
    for leaf in range(n):
        row_vals = []
        for r in range(leaf << k, (leaf + 1) << k):
            for c in range(width):
                for j in range(d):
                    row_vals.append(int(mat[(c * rows + r) * d + j]))
        leaves.append(row_vals)
    digests = H.hash_elements(np.array(leaves, dtype=np.uint64))

    def node(lo, count):
        if count == 1:
            return digests[lo]
        half = count // 2
        return H.hash_node(node(lo, half), node(lo + half, half))

    return np.array(leaves, dtype=np.uint64), node(0, n)


@pytest.mark.parametrize("rows,width,kind,k", [(8, 3, "base", 0), (16, 2, "ext", 2)])
def test_reference_vs_oracle(field, rng, rows, width, kind, k):
    d = _d(field, kind)
    vals = field.base.random(rng, rows * width * d)
    tree = MR.commit(field, vals, rows, width, k, d)
    leaves, root = oracle_commit(field, vals, rows, width, k, d)
    assert np.array_equal(MR.leaf_values(field, vals, rows, width, k, d).astype(np.uint64), leaves)
    assert np.array_equal(tree.root, root)
    assert tree.flat().shape == (2 * (rows >> k) - 1, 4)


def test_verify_path_rejects_any_flip(rng):
    rows, width = 16, 3
    vals = GOLDILOCKS.base.random(rng, rows * width)
    tree = MR.commit(GOLDILOCKS, vals, rows, width)
    idx = 5
    leaf = MR.leaf_digests(MR.leaf_values(GOLDILOCKS, vals, rows, width, indices=[idx]))[0]
    path = MR.open_paths(tree, [idx])[0]
    assert MR.verify_path(tree.root, idx, leaf, path)
    assert not MR.verify_path(tree.root, idx ^ 1, leaf, path)
    assert not MR.verify_path(tree.root, idx + rows, leaf, path)
    # every single-bit flip of every byte of the path or the leaf digest fails (one batch)
    blob = np.concatenate([leaf[None], path]).astype("<u8").tobytes()
    flips = []
    for pos in range(len(blob)):
        bad = bytearray(blob)
        bad[pos] ^= 1 << (pos % 8)
        flips.append(np.frombuffer(bytes(bad), dtype="<u8").astype(np.uint64).reshape(-1, 4))
    flips = np.stack(flips)
    res = MR.verify_paths(tree.root, np.full(len(flips), idx), flips[:, 0], flips[:, 1:])
    assert not res.any()
    root_bad = tree.root.copy()
    root_bad[3] ^= np.uint64(1 << 63)
    assert not MR.verify_path(root_bad, idx, leaf, path)


def test_reference_shape_errors():
    with pytest.raises(ValueError, match="power-of-two"):
        MR.commit(GOLDILOCKS, np.zeros(12, np.uint64), 12, 1)
    with pytest.raises(ValueError, match="not a multiple"):
        MR.commit(GOLDILOCKS, np.zeros(12, np.uint64), 6, 2, log_leaf_rows=2)
    with pytest.raises(ValueError, match="expected rows"):
        MR.commit(GOLDILOCKS, np.zeros(10, np.uint64), 4, 2)
    with pytest.raises(ValueError, match="non-canonical"):
        MR.commit(BABYBEAR, np.full(4, BABYBEAR.p, np.uint32), 4, 1)


def _gpu_commit_and_open(ctx, field, vals, rows, width, k, d, indices, lanes=None):
    esize = np.dtype(field.dtype).itemsize
    pad = np.zeros(3, dtype=field.dtype)  # the matrix sits at a nonzero offset
    mat = ctx.upload(np.concatenate([pad, vals]))
    idx = ctx.upload(np.concatenate([np.zeros(1, np.uint32), np.asarray(indices, np.uint32)]))
    rec = ctx.recorder()
    tree = MG.commit(rec, field, mat, rows, width, log_leaf_rows=k, elems_per_entry=d, mat_offset=3 * esize,
                     lanes=lanes)
    count = len(indices)
    paths = ctx.buffer(32 + count * max(tree.height, 1) * 32)
    leaves = ctx.buffer(esize * (4 + count * tree.leaf_size))
    MG.open_paths(rec, tree, idx, 4, count, paths, 32)
    MG.open_leaves(rec, tree, idx, 4, count, leaves, 4 * esize)
    rec.submit()
    got_paths = ctx.read(paths, np.uint64, count * tree.height * 4, offset=32).reshape(count, tree.height, 4)
    got_leaves = ctx.read(leaves, field.dtype, count * tree.leaf_size, offset=4 * esize).reshape(count, -1)
    return tree, MG.read_levels(ctx, tree), got_paths, got_leaves


@pytest.mark.parametrize("rows,width,kind,k", SHAPES)
def test_gpu_commit_open_verify(ctx, field, rng, rows, width, kind, k):
    d = _d(field, kind)
    vals = field.base.random(rng, rows * width * d)
    vals[: min(vals.size, 4)] = field.base.edge_values()[-4:][: min(vals.size, 4)]
    n = rows >> k
    indices = [0, n - 1] + [int(x) for x in rng.integers(0, 4 * n, 5)]  # some >= n: taken mod n
    tree, levels, paths, leaves = _gpu_commit_and_open(ctx, field, vals, rows, width, k, d, indices)
    want = MR.commit(field, vals, rows, width, k, d)
    assert all(np.array_equal(a, b) for a, b in zip(levels, want.levels))
    assert np.array_equal(paths, MR.open_paths(want, indices))
    assert np.array_equal(leaves, MR.leaf_values(field, vals, rows, width, k, d, indices))
    digests = MR.leaf_digests(leaves)
    pos = np.array(indices) % n
    assert MR.verify_paths(want.root, pos, digests, paths).all()
    # a flipped byte in a path, or a changed opened value, makes verification fail
    bad_paths = paths.copy()
    bad_leaves = leaves.copy()
    for q in range(len(indices)):
        if tree.height:
            bad_paths[q, q % tree.height, q % 4] ^= np.uint64(1 << (8 * (q % 8)))
        j = q % leaves.shape[1]
        bad_leaves[q, j:j + 1] = field.base.add(bad_leaves[q, j:j + 1], np.ones(1, field.dtype))  # canonical
    res = MR.verify_paths(want.root, np.concatenate([pos, pos]),
                          np.concatenate([digests, MR.leaf_digests(bad_leaves)]),
                          np.concatenate([bad_paths, paths]))
    assert not res.any()
    assert tree.root_offset == 32 * (2 * n - 2)
    assert np.array_equal(MG.read_root(ctx, tree), want.root)


def test_gpu_int64_path(rng):
    ctx = get_context(int64=True)
    rows, width = 64, 3
    vals = GOLDILOCKS.base.random(rng, rows * width)
    _, levels, _, _ = _gpu_commit_and_open(ctx, GOLDILOCKS, vals, rows, width, 1, 1, [3])
    assert np.array_equal(levels[-1][0], MR.commit(GOLDILOCKS, vals, rows, width, 1).root)


def test_gpu_errors(ctx):
    mat = ctx.upload(np.zeros(16, np.uint64))
    rec = ctx.recorder()
    with pytest.raises(ValueError, match="power-of-two"):
        MG.commit(rec, GOLDILOCKS, mat, 12, 1)
    with pytest.raises(ValueError, match="needs"):
        MG.commit(rec, GOLDILOCKS, mat, 16, 2)
    with pytest.raises(ValueError, match="multiple of 8"):
        MG.commit(rec, GOLDILOCKS, mat, 8, 1, mat_offset=4)


def test_gpu_wide_leaves_split(ctx, rng, monkeypatch):
    """Leaves needing more permutations than one invocation may run (lavapipe caps
    loop iterations) are hashed by several dispatches with the state in a scratch buffer."""
    from wgprover.hemera import gpu as hemera_gpu

    monkeypatch.setattr(hemera_gpu, "MAX_PERMS_PER_INVOCATION", 3)
    rows, width, k = 64, 16, 2  # m = 64 elements: 8 blocks -> 3 dispatches
    vals = GOLDILOCKS.base.random(rng, rows * width)
    _, levels, _, _ = _gpu_commit_and_open(ctx, GOLDILOCKS, vals, rows, width, k, 1, [1])
    want = MR.commit(GOLDILOCKS, vals, rows, width, k)
    assert all(np.array_equal(a, b) for a, b in zip(levels, want.levels))


@pytest.mark.parametrize("lanes", lockstep.LANES_CHOICES)
@pytest.mark.parametrize("int64", [False, True], ids=["portable", "int64"])
def test_gpu_commit_lanes(rng, monkeypatch, lanes, int64):
    """K leaves (and tree nodes) per thread in lockstep == the NumPy reference,
    on both paths: leaf counts below, at and above K (lanes past the end), edge
    values (0, p - 1) in the matrix, and wide leaves split over dispatches."""
    from wgprover.hemera import gpu as hemera_gpu

    ctx = get_context(int64=int64)
    edge = GOLDILOCKS.base.edge_values()
    for rows, width, k in [(2, 3, 0), (16, 2, 1), (64, 5, 0)]:
        vals = GOLDILOCKS.base.random(rng, rows * width)
        vals[rng.integers(0, vals.size, vals.size // 2)] = edge[rng.integers(0, edge.size, vals.size // 2)]
        _, levels, _, _ = _gpu_commit_and_open(ctx, GOLDILOCKS, vals, rows, width, k, 1, [1], lanes=lanes)
        want = MR.commit(GOLDILOCKS, vals, rows, width, k)
        assert all(np.array_equal(a, b) for a, b in zip(levels, want.levels)), (rows, width, k)
    monkeypatch.setattr(hemera_gpu, "MAX_PERMS_PER_INVOCATION", 3)
    vals = GOLDILOCKS.base.random(rng, 64 * 16)  # 16 leaves of 64 elements: 8 blocks -> 3 dispatches
    _, levels, _, _ = _gpu_commit_and_open(ctx, GOLDILOCKS, vals, 64, 16, 2, 1, [1], lanes=lanes)
    assert np.array_equal(levels[-1][0], MR.commit(GOLDILOCKS, vals, 64, 16, 2).root)


def test_permute_distinct_equals_permute(rng):
    """merkle.reference.permute_distinct: duplicate rows permuted once, every row's
    output in its place (the verifier's sweep; all-distinct and all-equal batches)."""
    from wgprover.hemera import reference as hemera
    from wgprover.merkle.reference import permute_distinct

    base = rng.integers(0, 2**63, size=(5, 16), dtype=np.uint64)
    rows = base[[3, 0, 3, 1, 4, 0, 2, 3]]
    calls = []

    def counting(s):
        calls.append(s.shape[0])
        return hemera.permute(s)

    assert np.array_equal(permute_distinct(counting, rows), hemera.permute(rows)) and calls == [5]
    assert np.array_equal(permute_distinct(counting, base), hemera.permute(base)) and calls[-1] == 5
    same = np.repeat(base[:1], 4, axis=0)
    assert np.array_equal(permute_distinct(counting, same), hemera.permute(same)) and calls[-1] == 1
