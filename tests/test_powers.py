"""Constant tables made on the GPU from seeds (shaders/powers.wgsl, wgprover/ntt/powers.py;
docs/NTT.md §7): the kernel against its NumPy twin on every GPU path, the twin
against the NumPy tables it replaces, and the device tables the NTT and
Basefold read, bit for bit, built without a host sync."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.ntt import gpu as ntt_gpu
from wgprover.ntt import powers as pw
from wgprover.ntt import reference as ref
from wgprover.pcs.basefold import gpu as bf_gpu
from wgprover.pcs.basefold import reference as bf


def _inv(field, x: int) -> int:
    return int(field.base.inv(np.array([x], dtype=field.dtype))[0])


def _seed_values(field, rng, count: int) -> np.ndarray:
    """Random elements with the field's edge values in front."""
    edge = field.base.edge_values()
    return np.concatenate([edge, field.base.random(rng, max(count - edge.size, 0))])[:count]


@pytest.mark.parametrize("mode,bits,log_b", [(pw.PLAIN, 0, 3), (pw.STAGE, 9, 4), (pw.BITREV, 9, 5), (pw.BITREV, 0, 0)])
def test_kernel_matches_twin(any_ctx, field, rng, mode, bits, log_b):
    """Arbitrary seeds (edge values included), every layout: GPU == expand."""
    count = 1 << max(bits, 8) if mode == pw.PLAIN else 1 << bits
    top = int(pw.exponents(mode, bits, np.arange(count)).max())
    sd = pw.Seeds(_seed_values(field, rng, 1 << log_b), _seed_values(field, rng, (top >> log_b) + 1)[::-1].copy(),
                  log_b)
    want = pw.expand(field, sd, mode, bits, count)
    lo, hi = any_ctx.upload(sd.lo), any_ctx.upload(sd.hi)
    out = any_ctx.buffer(count * field.base.BYTES)
    rec = any_ctx.recorder()
    pw.record_expand(rec, field, lo, hi, out, log_b, mode, bits, count)
    rec.submit()
    got = any_ctx.read(out, field.dtype, count)
    bad = np.flatnonzero(got != want)
    assert bad.size == 0, f"first mismatch at entry {bad[0]}: {got[bad[0]]} != {want[bad[0]]}"


def test_twin_makes_powers(field, rng):
    """expand(seeds(w, s)) is s·w^e in both forms, for random w and s."""
    F = field.base
    w, s = (int(v) for v in F.random(rng, 2))
    e_plain = ref.powers(field, w, 1000)
    canonical = pw.expand(field, pw.seeds(field, w, 10, scale=s, prepared=False), pw.PLAIN, 0, 1000)
    assert np.array_equal(canonical, F.mul(e_plain, np.array([s], dtype=field.dtype)))
    prepared = pw.expand(field, pw.seeds(field, w, 9), pw.BITREV, 9, 512)
    assert np.array_equal(prepared, F.prepared(e_plain[ref.bitrev_indices(9)]))


@pytest.mark.parametrize("log_n", [1, 2, 7, 12])
def test_twin_makes_stage_twiddles(field, log_n):
    for inverse in (False, True):
        w = field.base.root_of_unity(log_n)
        w = _inv(field, w) if inverse else w
        got = pw.expand(field, pw.seeds(field, w, log_n - 1), pw.STAGE, log_n, 1 << log_n)
        assert np.array_equal(got, field.base.prepared(ref.stage_twiddles(field, log_n, inverse=inverse)))


def test_stage_exponents_exact_at_large_indices():
    """The twin's index -> exponent map (a float log2 plus corrections) at
    powers of two and their neighbours up to 2^31, against integer bit lengths."""
    i = np.array(sorted({(1 << k) + d for k in range(1, 31) for d in (-1, 0, 1)}), dtype=np.int64)
    lh = np.array([int(v).bit_length() - 1 for v in i])
    assert np.array_equal(pw.exponents(pw.STAGE, 31, i), (i - (1 << lh)) << (30 - lh))


@pytest.mark.parametrize("log_n", [12, 13])
def test_ntt_twiddle_tables_are_the_host_tables(any_ctx, field, log_n):
    """The growing NTT tables (12: the smallest, 13: grown), built without a sync."""
    syncs = any_ctx.syncs
    fwd, inv, consts = ntt_gpu._tables(any_ctx, field, log_n)
    assert any_ctx.syncs == syncs
    cap = ntt_gpu.NTT_TWIDDLES.peek(any_ctx, field)[0]
    prep = field.base.prepared
    assert np.array_equal(any_ctx.read(fwd, field.dtype, 1 << cap), prep(ref.stage_twiddles(field, cap)))
    assert np.array_equal(any_ctx.read(inv, field.dtype, 1 << cap), prep(ref.stage_twiddles(field, cap, inverse=True)))
    assert np.array_equal(any_ctx.read(consts, field.dtype, 64), prep(ref.powers(field, _inv(field, 2), 64)))


@pytest.mark.parametrize("log_len", [1, 2, 9, 14])
def test_basefold_h_seeds_expand_to_the_host_table(any_ctx, field, log_len):
    """The device holds H's seeds only; their expansion (the twin of the fold
    kernels' fold_h_at, tests/test_basefold.py) is the host table."""
    syncs = any_ctx.syncs
    h = bf_gpu.H_TABLE.get(any_ctx, field, log_len)
    assert any_ctx.syncs == syncs
    nlo = 1 << h.log_b
    seeds = any_ctx.read(h.buffer, field.dtype, nlo + (1 << (h.bits - h.log_b)))
    sd = pw.Seeds(seeds[:nlo], seeds[nlo:], h.log_b)
    want = bf.half_inv_twiddles(field, log_len)
    assert np.array_equal(pw.expand(field, sd, pw.BITREV, h.bits, want.size), want)


def test_root_is_the_fields_root_of_unity(field):
    for log_n in (0, 1, 5, field.base.TWO_ADICITY):
        w = field.base.root_of_unity(log_n)
        assert pw.root(field, log_n) == w
        assert pw.root(field, log_n, inverse=True) == _inv(field, w)
    with pytest.raises(ValueError):
        pw.root(field, field.base.TWO_ADICITY + 1)
