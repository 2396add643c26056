"""hemera on the GPU == the NumPy reference, bit for bit (and the spec vectors).

A missing adapter is a failure (the ``ctx`` fixture raises), never a skip.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from wgprover.cli.app import GpuChoice
from wgprover.field import goldilocks as gl
from wgprover.gpu.errors import InputError
from wgprover.gpu import get_context
from wgprover.hemera import gpu as G
from wgprover.hemera import lockstep
from wgprover.hemera import params as hp
from wgprover.hemera import reference as R

P = gl.P
VECTORS = json.loads((Path(__file__).parent / "vectors" / "hemera.json").read_text())
MESSAGES = {"empty": b"", "hello": b"hello", "hemera": b"hemera", "4k_zeros": bytes(4096)}
DERIVE_INPUTS = {"test": ("test context", b"test material")}  # as in hemera's rs/tests/vectors.rs


@pytest.fixture(params=["portable", "int64"], scope="module")
def any_ctx(request):
    """Both Goldilocks paths (lavapipe and NVIDIA both offer shader-int64)."""
    return get_context(int64=request.param == "int64")


def edge_states() -> np.ndarray:
    near_p = [P - 1 - i for i in range(16)]
    mixed = [[0, 1, P - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**63, P - 2**32][i % 8] for i in range(16)]
    return np.array([[0] * 16, list(range(16)), near_p, mixed], dtype=np.uint64)


def test_permutation_gpu_vs_numpy(any_ctx, rng):
    states = np.concatenate([edge_states(), gl.random(rng, (69, 16))])  # 73: not a multiple of WG
    assert np.array_equal(G.permute(any_ctx, states), R.permute(states))
    with pytest.raises(ValueError, match="non-canonical"):
        G.permute(any_ctx, np.full((1, 16), P, dtype=np.uint64))


def _mat_inv(m: np.ndarray) -> list[list[int]]:
    """Inverse of a square matrix mod p (Gauss-Jordan on Python ints)."""
    n = len(m)
    a = [[int(v) % P for v in row] + [int(i == j) for j in range(n)] for i, row in enumerate(m)]
    for c in range(n):
        piv = next(r for r in range(c, n) if a[r][c])
        a[c], a[piv] = a[piv], a[c]
        f = pow(a[c][c], P - 2, P)
        a[c] = [v * f % P for v in a[c]]
        for r in range(n):
            if r != c and a[r][c]:
                g = a[r][c]
                a[r] = [(v - g * w) % P for v, w in zip(a[r], a[c])]
    return [row[n:] for row in a]


def _apply(m: list[list[int]], s: list[int]) -> list[int]:
    return [sum(x * y for x, y in zip(row, s)) % P for row in m]


def zero_inversion_states(rng, rounds) -> np.ndarray:
    """For each partial round q, a state whose lane 0 is 0 when round q inverts
    it (the permutation run backwards from there), so the lockstep inversion
    meets real zeros next to nonzero lanes."""
    me_inv, mi_inv = _mat_inv(hp.external_matrix()), _mat_inv(hp.internal_matrix())
    root7 = pow(7, -1, P - 1)  # x -> x^7 is a bijection: gcd(7, p - 1) = 1
    full, part = hp.rc_full().tolist(), hp.rc_partial().tolist()
    out = []
    for q in rounds:
        s = [int(v) for v in gl.random(rng, 16)]
        s[0] = (P - part[q]) % P
        for r in reversed(range(q)):
            s = _apply(mi_inv, s)
            s[0] = (pow(s[0], P - 2, P) - part[r]) % P
        for r in reversed(range(hp.ROUNDS_F_HALF)):
            s = [(pow(v, root7, P) - c) % P for v, c in zip(_apply(me_inv, s), full[r])]
        out.append(_apply(me_inv, s))
    return np.array(out, dtype=np.uint64)


def test_zero_inversion_states_reach_zero(rng):
    """The construction above really puts a 0 into partial round q's inversion."""
    states = zero_inversion_states(rng, [0, 5, 15])
    s = R.external_linear(states)
    for r in range(hp.ROUNDS_F_HALF):
        s = R._full_round(s, hp.rc_full()[r])
    got = []
    for q in range(hp.ROUNDS_P):
        got.append(gl.add(gl.check(R.lanes.canonical(s[:, 0]), "lane"), np.uint64(hp.rc_partial()[q])))
        s = R._partial_round(s, int(hp.rc_partial()[q]))
    got = np.array(got)
    assert [got[q, i] for i, q in enumerate([0, 5, 15])] == [0, 0, 0]


@pytest.mark.parametrize("lanes", lockstep.LANES_CHOICES)
def test_permutation_lanes_gpu_vs_numpy(any_ctx, rng, lanes):
    """K states per thread in lockstep: edge states, states whose partial-round
    inversion meets 0 in every lane position, random ones; a count that is
    not a multiple of K."""
    zeros = zero_inversion_states(rng, [0, 1, 7, 15, 3])
    states = np.concatenate([edge_states(), zeros, gl.random(rng, (2 * lanes + 1, 16)), zeros[::-1]])
    assert np.array_equal(G.permute(any_ctx, states, lanes=lanes), R.permute(states))


@pytest.mark.parametrize("lanes", lockstep.LANES_CHOICES)
def test_inverse_gpu_vs_numpy(any_ctx, rng, lanes):
    """hemera_inv_lanes (Montgomery's trick, 0 -> 0): zeros in every lane
    position and all-zero groups, p - 1, 1, random values."""
    edge = np.array([0, 1, P - 1, P - 2, 2**32 - 1, 2**32, 2**63], dtype=np.uint64)
    x = np.concatenate([edge, np.zeros(2 * lanes, np.uint64), gl.random(rng, 8 * lanes + 3)])
    x[rng.integers(0, x.size, x.size // 3)] = 0
    assert np.array_equal(G.inverse(any_ctx, x, lanes=lanes), R.inverse(x))


def test_lanes_setting(monkeypatch):
    monkeypatch.setenv(lockstep.ENV, "4")
    assert lockstep.lanes() == 4
    assert lockstep.lanes("int64") == 4
    monkeypatch.setenv(lockstep.ENV, "")
    assert lockstep.lanes("int64") == 1 and lockstep.lanes("portable") == 2  # measured defaults (lockstep.py)
    monkeypatch.setenv(lockstep.ENV, "3")
    with pytest.raises(InputError, match="WGPROVER_HEMERA_LANES='3'"):
        lockstep.lanes()
    with pytest.raises(InputError, match="must be one of 1, 2, 4"):  # the CLI refuses it up front (exit 2)
        GpuChoice(None, None, None, None).checked()
    with pytest.raises(ValueError, match="must be one of"):
        lockstep.check(16)


def test_permutation_repeated(ctx, rng):
    states = gl.random(rng, (5, 16))
    src = ctx.upload(states)
    dst = ctx.buffer(states.nbytes)
    rec = ctx.recorder()
    G.record_permute(rec, src, dst, 5, reps=3)
    rec.submit()
    assert np.array_equal(ctx.read(dst, np.uint64, 80).reshape(5, 16), R.permute(R.permute(R.permute(states))))


def test_vectors_gpu(ctx):
    seen = 0
    for name, want in VECTORS["hash"].items():
        assert G.hash(ctx, MESSAGES[name]).hex() == want, f"hash/{name}"
        seen += 1
    got = G.hash_many(ctx, [MESSAGES[n] for n in VECTORS["hash"]])
    assert [R.digest_to_bytes(d).hex() for d in got] == list(VECTORS["hash"].values())
    for name, want in VECTORS["tree"].items():
        assert G.root_hash(ctx, MESSAGES[name]).hex() == want, f"tree/{name}"
        seen += 1
    for name, want in VECTORS["derive_key"].items():
        assert G.derive_key(ctx, *DERIVE_INPUTS[name]).hex() == want, f"derive_key/{name}"
        seen += 1
    assert seen == sum(len(v) for v in VECTORS.values())


@pytest.fixture(scope="module")
def tree_cases():
    """Boundary and random lengths with their NumPy tree hashes (one batched call)."""
    rng = np.random.default_rng()
    seed = int(rng.integers(2**32))
    rng = np.random.default_rng(seed)
    lengths = [0, 1, 55, 56, 57, 4095, 4096, 4097, 3 * 4096 + 5] + [int(x) for x in rng.integers(0, 5 * 4096, 3)]
    data = rng.integers(0, 256, max(lengths), dtype=np.uint8).tobytes()
    msgs = [data[:n] for n in lengths]
    return seed, msgs, R.root_hash_many(msgs)


def test_tree_gpu_vs_numpy(ctx, tree_cases):
    seed, msgs, want = tree_cases
    for m, w in zip(msgs, want):
        assert G.root_hash(ctx, m) == w, f"length {len(m)} (data seed {seed})"


def test_tree_streaming(ctx, tree_cases):
    seed, msgs, want = tree_cases
    for m, w in zip(msgs, want):
        if len(m) > 4096:  # several segments of 1 and 2 chunks, from bytes and from a file
            assert G.root_hash(ctx, m, segment_bytes=4096) == w, f"length {len(m)} (seed {seed})"
            assert G.root_hash(ctx, io.BytesIO(m), segment_bytes=8192) == w, f"length {len(m)} (seed {seed})"
    m, w = msgs[7], want[7]  # 4097 bytes: two segments of one chunk through the NumPy driver
    assert R.root_hash_stream(io.BytesIO(m), segment_chunks=1) == w


def test_sponge_gpu_vs_numpy(ctx, rng, monkeypatch):
    lengths = [0, 1, 7, 55, 56, 57, 111, 112, 113] + [int(x) for x in rng.integers(0, 400, 4)]
    data = rng.integers(0, 256, max(lengths), dtype=np.uint8).tobytes()
    msgs = [data[:n] for n in lengths]
    want = R.hash_many(msgs)
    assert np.array_equal(G.hash_many(ctx, msgs), want)
    # dispatch splitting and streaming segments
    monkeypatch.setattr(G, "SPONGE_DISPATCH_BLOCKS", 2)
    assert np.array_equal(G.hash_many(ctx, msgs), want)
    for m, w in zip(msgs, want):
        assert G.hash(ctx, io.BytesIO(m), segment_bytes=112) == R.digest_to_bytes(w)
    m, w = msgs[-5], R.digest_to_bytes(want[-5])  # 113 bytes
    assert R.hash_stream(io.BytesIO(m), segment_bytes=56) == w
    with pytest.raises(ValueError, match="multiple of 56"):
        G.record_absorb(ctx.recorder(), None, 0, 10, None, 0, init=True, final=False)


def test_keyed_gpu(ctx):
    key = bytes(range(32))
    assert G.keyed_hash(ctx, key, b"message") == R.keyed_hash(key, b"message")


def test_tree_level_kernel(ctx, rng):
    """The level kernel on odd counts (promotion) with and without ROOT."""
    for n in (2, 3, 5, 8, 67):
        cvs = gl.random(rng, (n, 4))
        buf = ctx.upload(np.concatenate([cvs, np.zeros((n + 64, 4), np.uint64)]))
        rec = ctx.recorder()
        top = G.record_reduce(rec, buf, 0, n, n, root=n % 2 == 1)
        rec.submit()
        got = ctx.read(buf, np.uint64, 4, offset=32 * top)
        assert np.array_equal(got, R.reduce_tree(cvs, root=n % 2 == 1)), f"{n} nodes"


def test_constants_uploaded_once(ctx):
    a = G.tables(ctx)
    assert G.tables(ctx) is a
    assert np.array_equal(ctx.read(a, np.uint64, hp.GPU_TABLE_SIZE), hp.gpu_table())


def test_long_sponge_vs_oracle(ctx, rng):
    """More blocks than one invocation may absorb (several dispatches), checked
    against the pure-Python oracle of test_hemera.py."""
    from test_hemera import o_bootstrap, o_hash

    data = rng.integers(0, 256, 56 * (G.SPONGE_DISPATCH_BLOCKS + 300) + 5, dtype=np.uint8).tobytes()
    assert G.hash(ctx, data) == o_hash(data, o_bootstrap())
