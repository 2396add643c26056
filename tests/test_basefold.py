"""Basefold kernels (shaders/basefold.wgsl, query_index.wgsl) against their NumPy
twins of the same names (pcs/basefold/reference.py): random and edge values."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.pcs.basefold import gpu as G
from wgprover.pcs.basefold import reference as R


def _values(field, rng, shape, edge: bool):
    if edge:  # 0, 1, p - 1 and p - 2 in turn
        cycle = np.array([0, 1, field.p - 1, field.p - 2], dtype=field.dtype)
        return np.resize(cycle, shape).astype(field.dtype)
    return field.base.random(rng, int(np.prod(shape))).reshape(shape)


def _run(ctx, field, out_elems: int, record):
    out = ctx.buffer(out_elems * field.base.BYTES, label="basefold-out")
    rec = ctx.recorder()
    record(rec, out)
    rec.submit()
    return ctx.read(out, field.dtype, out_elems)


@pytest.mark.parametrize("edge", [False, True])
@pytest.mark.parametrize("log_len,steps", [(3, 1), (5, 3), (7, 4)])
def test_fold_first_and_next_match_reference(any_ctx, field, rng, edge, log_len, steps):
    d, w, L = field.ext_degree, 3, 1 << log_len
    cols = _values(field, rng, (w, L), edge)
    chal = _values(field, rng, (steps + 1, d), edge)  # slot 0 = beta, then the fold challenges
    h = R.half_inv_twiddles(field, log_len)
    hbuf, cbuf = G.H_TABLE.get(any_ctx, field, log_len), any_ctx.upload(chal)
    got = _run(any_ctx, field, (L >> steps) * d, lambda rec, out: G.record_fold_first(
        rec, field, any_ctx.upload(cols), hbuf, cbuf, out, L, w, steps, 1, 0))
    want = R.fold_first(field, cols, chal[0], chal[1:], h)
    assert np.array_equal(got.reshape(-1, d), want)
    ext = _values(field, rng, (L, d), edge)
    got = _run(any_ctx, field, (L >> steps) * d, lambda rec, out: G.record_fold_next(
        rec, field, any_ctx.upload(ext), hbuf, cbuf, out, L, steps, 1))
    assert np.array_equal(got.reshape(-1, d), R.fold_next(field, ext, chal[1:], h))


@pytest.mark.parametrize("log_l0,log_len", [(1, 1), (2, 2), (10, 10), (15, 15), (14, 6)])
def test_fold_makes_h_from_its_seeds(any_ctx, field, log_l0, log_len):
    """fold_h_at (H[t] from the seeds of the length-L0 table) at every t < L/2,
    edges 0 and L/2 - 1 included, exposed by folding a = 1/2, b = -1/2 with
    c = 1: out[t] = (a + b)/2 + c (a - b) H[t] = H[t]. Odd and even seed
    splits (log L0 - 1 = 13, 14), and a later layer's prefix (L < L0)."""
    d, L, p = field.ext_degree, 1 << log_len, field.p
    ext = np.zeros((L, d), dtype=field.dtype)
    ext[0::2, 0], ext[1::2, 0] = (p + 1) // 2, (p - 1) // 2
    one = np.zeros((1, d), dtype=field.dtype)
    one[0, 0] = 1
    h = G.H_TABLE.get(any_ctx, field, log_l0)
    assert h.buffer.size <= 16 + (2 * field.base.BYTES << (log_l0 // 2))  # seeds, not the table
    got = _run(any_ctx, field, (L >> 1) * d, lambda rec, out: G.record_fold_next(
        rec, field, any_ctx.upload(ext), h, any_ctx.upload(one), out, L, 1, 0)).reshape(-1, d)
    assert np.array_equal(got[:, 0], R.half_inv_twiddles(field, log_l0)[: L >> 1])
    assert not got[:, 1:].any()


@pytest.mark.parametrize("f", [0, 1, 3])
def test_final_poly_matches_reference(ctx, field, rng, f):
    d = field.ext_degree
    evals = _values(field, rng, ((1 << f) * 2, d), False)
    cbuf = ctx.upload(np.zeros((1, d), dtype=field.dtype))
    got = _run(ctx, field, 8 + (d << f), lambda rec, out: G.record_final_poly(
        rec, field, ctx.upload(evals), cbuf, out, 8, f))
    assert np.array_equal(got[8:].reshape(-1, d), R.final_poly(field, evals, f))


def test_shift_indices_matches_reference(ctx, rng):
    idx = rng.integers(0, 2**31, size=37, dtype=np.uint32)
    idx[:3] = [0, 2**31 - 1, 1]
    aux = ctx.upload(np.concatenate([idx, np.zeros(37, np.uint32)]))
    rec = ctx.recorder()
    G.record_shift_indices(rec, None, aux, 0, 37, 37, 5)
    rec.submit()
    got = ctx.read(aux, np.uint32, 74)
    assert np.array_equal(got[37:], R.shift_indices(idx, 5))
    assert np.array_equal(got[:37], idx)


def test_pow_vec_matches_python_pow(field, rng):
    F = field.base
    exps = np.concatenate([rng.integers(0, 1 << 40, size=30), [0, 1, 2, 3, (1 << 27) - 1, 1 << 39]]).astype(np.int64)
    for base in (0, 1, 2, F.P - 1, int(F.random(rng, 1)[0])):
        got = R.pow_vec(F, base, exps.reshape(6, 6))
        assert got.dtype == F.DTYPE and got.shape == (6, 6)
        assert [int(v) for v in got.reshape(-1)] == [pow(base, int(e), F.P) for e in exps]
    assert R.pow_vec(F, 5, np.zeros((0, 3), np.int64)).shape == (0, 3)
    assert np.array_equal(R.pow_vec(F, 5, np.zeros(4, np.int64)), np.ones(4, F.DTYPE))


@pytest.mark.parametrize("log_len,steps", [(6, 1), (7, 3), (9, 4)])
def test_verifier_coset_fold_matches_full_fold(field, rng, log_len, steps):
    """fold_coset_values (the verifier: 1/x from powers of w^-1 once, squared per
    step) equals fold_next over the whole codeword (the prover) at every coset."""
    E, L = field.ext, 1 << log_len
    cw = E.random(rng, L)
    chal = E.random(rng, steps)
    full = R.fold_next(field, cw, chal, R.half_inv_twiddles(field, log_len))
    leaf = rng.permutation(L >> steps)[:12]
    cosets = cw.reshape(L >> steps, 1 << steps, E.d)[leaf]
    assert np.array_equal(R.fold_coset_values(field, cosets, log_len, leaf, steps, chal), full[leaf])
