"""GPU NTT family == NumPy reference, bit for bit (DESIGN.md §8).

Every kernel (forward, inverse, lde, mobius, zeta, bitrev), both fields, sizes
2^1 ... 2^16 and one 2^20, batches of 1, 3 and 17 columns, random inputs with
the field's edge values spliced in; a small tile forces the multi-pass paths
at small sizes; a shrunken binding limit forces column chunking; and a compact
subset runs on every GPU path (portable, int64, webgpu-default limits, GL).
The NumPy reference itself is checked against Python ints in
tests/test_ntt_reference.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.ntt import gpu
from wgprover.ntt import reference as ref

# (log_n, cols): every size of the sample, each column count several times
CASES = [(1, 17), (2, 3), (3, 1), (5, 17), (8, 3), (11, 17), (13, 3), (16, 1), (16, 3)]
IN_PLACE = ["forward", "inverse", "mobius", "zeta", "bitrev"]


def _inputs(field, rng, cols: int, n: int) -> np.ndarray:
    """Random columns; column 0 starts with the edge values, the last column is all p-1."""
    x = field.base.random(rng, (cols, n))
    e = field.base.edge_values()[:n]
    x[0, : e.size] = e
    if cols > 1:
        x[-1] = field.p - 1
    return x


@pytest.mark.parametrize("log_n,cols", CASES, ids=[f"2^{n}x{c}" for n, c in CASES])
def test_in_place_kernels_match_reference(ctx, field, rng, log_n, cols):
    x = _inputs(field, rng, cols, 1 << log_n)
    for name in IN_PLACE:
        got = getattr(gpu, name)(ctx, field, x)
        assert np.array_equal(got, getattr(ref, name)(field, x)), name


@pytest.mark.parametrize("log_n,cols,log_blowup", [(1, 17, 1), (3, 3, 3), (8, 1, 2), (11, 3, 1), (13, 17, 1), (15, 1, 2)])
def test_lde_matches_reference(ctx, field, rng, log_n, cols, log_blowup):
    x = _inputs(field, rng, cols, 1 << log_n)
    for shift in (1, field.base.GENERATOR):
        got = gpu.lde(ctx, field, x, log_blowup, shift)
        assert np.array_equal(got, ref.lde(field, x, log_blowup, shift)), shift


def test_lde_matches_direct_evaluation(ctx, field, rng):
    """Codeword entries are f(shift · ω_L^bitrev(i)), evaluated by Horner in Python ints."""
    log_n, log_blowup, p = 4, 2, field.p
    x = _inputs(field, rng, 2, 1 << log_n)
    bits = log_n + log_blowup
    w = pow(field.base.GENERATOR, (p - 1) >> bits, p)
    for shift in (1, field.base.GENERATOR):
        got = gpu.lde(ctx, field, x, log_blowup, shift)
        for c in range(2):
            for i in range(1 << bits):
                point = shift * pow(w, int(format(i, f"0{bits}b")[::-1], 2), p) % p
                acc = 0
                for coeff in reversed(x[c].tolist()):
                    acc = (acc * point + int(coeff)) % p
                assert int(got[c, i]) == acc


@pytest.mark.parametrize("log_n,cols", [(11, 3), (9, 17)])
def test_multipass_with_small_tiles(ctx, field, rng, log_n, cols):
    """A 2^5-element tile gives 1-stage strided passes: every pass boundary is exercised."""
    x = _inputs(field, rng, cols, 1 << log_n)
    assert len(gpu.passes_for(ctx, field, log_n, 5)) > 3
    B = field.base.BYTES
    for name, want in (("forward", ref.forward), ("inverse", ref.inverse), ("mobius", ref.mobius), ("zeta", ref.zeta)):
        buf = ctx.upload(x)
        rec = ctx.recorder()
        getattr(gpu, f"record_{name}")(rec, field, buf, log_n, cols, tile_log=5)
        rec.submit()
        got = ctx.read(buf, field.dtype, x.size).reshape(x.shape)
        assert np.array_equal(got, want(field, x)), name
    src, dst = ctx.upload(x), ctx.buffer(x.size * B * 4)
    rec = ctx.recorder()
    gpu.record_lde(rec, field, src, dst, log_n, 2, cols, field.base.GENERATOR, tile_log=5)
    rec.submit()
    got = ctx.read(dst, field.dtype, x.size * 4).reshape(cols, -1)
    assert np.array_equal(got, ref.lde(field, x, 2, field.base.GENERATOR))


def test_large_2_20(ctx, field, rng):
    x = _inputs(field, rng, 1, 1 << 20)
    assert np.array_equal(gpu.forward(ctx, field, x), ref.forward(field, x))


@pytest.mark.parametrize("flush", [False, True], ids=["one-submit", "flushed"])
def test_chained_recording_one_sync(ctx, field, rng, flush):
    """mobius -> lde -> inverse -> zeta in one recorder, one readback; with
    ``flush`` the recorder submits between stages (as the prover does) and the
    dependent stages still see their inputs, with no extra sync."""
    log_n, cols = 12, 3
    x = _inputs(field, rng, cols, 1 << log_n)
    buf = ctx.upload(x)
    big = ctx.buffer(x.nbytes * 2)
    syncs = ctx.syncs
    rec = ctx.recorder()
    for step in (lambda: gpu.record_mobius(rec, field, buf, log_n, cols),
                 lambda: gpu.record_lde(rec, field, buf, big, log_n, 1, cols),
                 lambda: gpu.record_inverse(rec, field, big, log_n + 1, cols),
                 lambda: gpu.record_zeta(rec, field, big, log_n + 1, cols)):
        step()
        if flush:
            rec.flush()
    rec.submit()
    got = ctx.read(big, field.dtype, 2 * x.size).reshape(cols, -1)
    assert ctx.syncs == syncs + 1
    # inverse of the LDE of f is f's coefficients, zero-padded; zeta undoes mobius
    want = np.zeros_like(got)
    want[:, : 1 << log_n] = ref.mobius(field, x)
    assert np.array_equal(got, ref.zeta(field, want))


def test_columns_chunked_across_bindings(ctx, field, rng, monkeypatch):
    """With a tiny binding limit each dispatch sees a few columns at a buffer offset."""
    log_n, cols = 8, 17
    col_bytes = field.base.BYTES << log_n
    monkeypatch.setitem(ctx.limits, "max-storage-buffer-binding-size", 4 * col_bytes)
    x = _inputs(field, rng, cols, 1 << log_n)
    for name in IN_PLACE:
        assert np.array_equal(getattr(gpu, name)(ctx, field, x), getattr(ref, name)(field, x)), name
    assert np.array_equal(gpu.lde(ctx, field, x, 1), ref.lde(field, x, 1))


def test_every_gpu_path(any_ctx, field, rng):
    """Portable, int64, webgpu-default limits (16 KiB tiles, 256 invocations) and GL."""
    for log_n, cols in ((5, 3), (14, 1)):
        x = _inputs(field, rng, cols, 1 << log_n)
        for name in IN_PLACE:
            assert np.array_equal(getattr(gpu, name)(any_ctx, field, x), getattr(ref, name)(field, x)), name
        assert np.array_equal(gpu.lde(any_ctx, field, x, 1, field.base.GENERATOR), ref.lde(field, x, 1, field.base.GENERATOR))


def test_webgpu_default_multipass(field, rng):
    """Under browser limits (16 KiB, 256 invocations) 2^19 takes three passes."""
    from wgprover.gpu import get_context

    ctx = get_context(profile="webgpu-default")
    assert gpu.tile_bits(ctx, field) == 11
    x = _inputs(field, rng, 1, 1 << 19)
    y = gpu.forward(ctx, field, x)
    assert np.array_equal(y, ref.forward(field, x))
    assert np.array_equal(gpu.inverse(ctx, field, y), x)


def test_roundtrip_on_device(ctx, field, rng):
    """inverse(forward(x)) == x without leaving the GPU."""
    log_n, cols = 14, 3
    x = _inputs(field, rng, cols, 1 << log_n)
    buf = ctx.upload(x)
    rec = ctx.recorder()
    gpu.record_forward(rec, field, buf, log_n, cols)
    gpu.record_inverse(rec, field, buf, log_n, cols)
    rec.submit()
    assert np.array_equal(ctx.read(buf, field.dtype, x.size).reshape(x.shape), x)


def test_plan_pass_counts():
    """docs/NTT.md §3 table: passes per size for the common tile sizes."""
    counts = {tb: [len(gpu.plan(n, tb, 4)) for n in (10, 16, 20, 22, 24)] for tb in (11, 12)}
    assert counts[12] == [1, 2, 2, 3, 3]
    assert counts[11] == [1, 2, 3, 3, 3]
    for n in range(0, 28):
        p = gpu.plan(n, 12, 4)
        assert sum(q.k for q in p) == n and p[-1].lo_bits == 0
        assert all(q.run_bits <= q.lo_bits and q.k + q.run_bits == 12 for q in p[:-1])


def test_bad_arguments(ctx, field):
    with pytest.raises(ValueError):
        gpu.forward(ctx, field, np.zeros(6, dtype=field.dtype))
    with pytest.raises(ValueError):
        gpu.forward(ctx, field, np.full(4, field.p, dtype=np.uint64))
    buf = ctx.buffer(64)
    with pytest.raises(ValueError):
        gpu.record_lde(ctx.recorder(), field, buf, buf, 2, 1, 1)
    with pytest.raises(ValueError):
        gpu.record_forward(ctx.recorder(), field, buf, field.base.TWO_ADICITY + 1, 1)
