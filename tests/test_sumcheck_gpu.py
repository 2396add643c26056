"""GPU sumcheck engine == NumPy reference: eq tables, zerocheck, product sumcheck.

Everything is recorded without host round trips: challenges are read from a
buffer by the kernels (one test fills that buffer by GPU copies recorded
between the rounds, as a transcript kernel would).
"""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.air import Air, get_example
from wgprover.gpu import device_table
from wgprover.sumcheck import gpu as G
from wgprover.sumcheck import reference as R


def _challenges(E, rng, n):
    return E.random(rng, n), E.random(rng, ()), E.random(rng, n)


@pytest.mark.parametrize("n", [1, 3, 9])
def test_eq_table(ctx, field, rng, n):
    E = field.ext
    r = E.random(rng, n + 2)
    cbuf = ctx.upload(r)
    table = device_table.allocate(ctx, 1, 1 << n, E.d * field.base.BYTES, "eq")
    rec = ctx.recorder()
    G.record_eq_table(rec, field, cbuf, 2, n, table)
    rec.submit()
    got = ctx.read(table.buffer, field.dtype, (1 << n) * E.d).reshape(-1, E.d)
    assert np.array_equal(got, R.eq_table(E, r[2:]))


@pytest.mark.parametrize("name, n", [("fibonacci", 1), ("fibonacci", 8), ("periodic", 2), ("periodic", 6), ("boolean", 5)])
def test_zerocheck_valid_trace(ctx, field, rng, name, n):
    """GPU == NumPy; the transcript checks pass and the final claim is the direct evaluation."""
    ex = get_example(name)
    E = field.ext
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = _challenges(E, rng, n)
    polys, claims = G.zerocheck(ctx, field, ex.air, n, trace, public, r, alpha, rho)
    want_polys, want_claims = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    assert np.array_equal(polys, want_polys) and np.array_equal(claims, want_claims)
    final = R.verify_rounds(E, np.zeros(E.d, dtype=field.dtype), polys, rho)
    assert E.eq(final, R.zerocheck_final_value(field, ex.air, public, r, alpha, rho, claims))
    for k in range(ex.air.width):
        assert E.eq(claims[k], R.mle_eval(E, trace[k], rho))


def test_zerocheck_grid_stride_and_multi_partials(ctx, field, rng):
    """Few partials force the grid-stride loop and a multi-value second-pass reduction."""
    ex = get_example("periodic")
    n = 9
    E = field.ext
    trace = field.base.random(rng, (2, 1 << n))
    public = {"a0": 1, "b0": 2}
    r, alpha, rho = _challenges(E, rng, n)
    want = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    for max_partials in (6, 13):
        got = G.zerocheck(ctx, field, ex.air, n, trace, public, r, alpha, rho, max_partials=max_partials)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_zerocheck_period_equal_to_trace_length(ctx, field, rng):
    air = Air.from_dict({"columns": ["x"], "periodic": {"c": list(range(8))},
                         "constraints": [{"transition": "next.x - x * c"}, {"last": "x - c"}]})
    E = field.ext
    trace = field.base.random(rng, (1, 8))
    r, alpha, rho = _challenges(E, rng, 3)
    want = R.zerocheck(field, air, 3, trace, {}, r, alpha, rho)
    got = G.zerocheck(ctx, field, air, 3, trace, {}, r, alpha, rho)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_invalid_trace_fails_round_zero(ctx, field, rng):
    ex = get_example("fibonacci")
    E = field.ext
    n = 5
    trace, public = ex.generate(field, n, rng)
    trace[0, 17] = field.base.add(trace[0, 17], 1)
    r, alpha, rho = _challenges(E, rng, n)
    polys, _ = G.zerocheck(ctx, field, ex.air, n, trace, public, r, alpha, rho)
    with pytest.raises(ValueError, match="round 0"):
        R.verify_rounds(E, np.zeros(E.d, dtype=field.dtype), polys, rho)


def test_challenges_written_between_rounds_by_the_gpu(ctx, field, rng):
    """The challenge buffer starts empty; each rho_i is copied in on the GPU just
    before the fold that reads it (as a transcript kernel would), output at an odd offset."""
    ex = get_example("fibonacci")
    E = field.ext
    n = 4
    eb = E.d * field.base.BYTES
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = _challenges(E, rng, n)
    source = ctx.upload(np.concatenate([r, alpha[None], rho]))
    chal = ctx.buffer((2 * n + 1) * eb)
    table = device_table.upload(ctx, trace, "trace")
    zc = G.ZerocheckGpu(ctx, field, ex.air, n, table, public)
    off = 3  # base elements
    total = off + n * zc.npts * E.d + 2 * ex.air.width * E.d
    out = ctx.upload(np.full(total + 5, 7, dtype=field.dtype))
    syncs = ctx.syncs
    rec = ctx.recorder()
    rec.copy(source, 0, chal, 0, (n + 1) * eb)
    zc.record_setup(rec, chal, 0, n)
    for i in range(n):
        zc.record_round(rec, i, chal, out, off + i * zc.npts * E.d)
        rec.copy(source, (n + 1 + i) * eb, chal, (n + 1 + i) * eb, eb)
        zc.record_fold(rec, i, chal, n + 1 + i)
    zc.record_claims(rec, out, off + n * zc.npts * E.d)
    rec.submit()
    got = ctx.read(out, field.dtype, total + 5)
    assert ctx.syncs == syncs + 1
    polys, claims = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    assert np.array_equal(got[:off], [7] * off) and np.array_equal(got[total:], [7] * 5)
    assert np.array_equal(got[off:total], np.concatenate([polys.reshape(-1), claims.reshape(-1)]))


def test_zerocheck_on_every_gpu_path(any_ctx, field, rng):
    ex = get_example("fibonacci")
    E = field.ext
    n = 3
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = _challenges(E, rng, n)
    got = G.zerocheck(any_ctx, field, ex.air, n, trace, public, r, alpha, rho)
    want = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def product_matches_reference(ctx, field, rng, n: int, w: int):
    """GPU product sumcheck on a random w x 2^n trace == the NumPy twin; returns
    (trace, beta, rho, gamma, c, GPU output) for further checks."""
    E = field.ext
    trace = field.base.random(rng, (w, 1 << n))
    beta, gamma = E.random(rng, ()), E.random(rng, ())
    rho, c = E.random(rng, n), E.random(rng, n)
    got = G.product_sumcheck(ctx, field, n, trace, beta, rho, gamma, c, max_partials=3)
    want = R.product_sumcheck(field, n, trace, beta, rho, gamma, c)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    return trace, beta, rho, gamma, c, got


@pytest.mark.parametrize("n, w", [(1, 1), (4, 3), (8, 2)])
def test_product_sumcheck(ctx, field, rng, n, w):
    E = field.ext
    trace, beta, rho, gamma, c, got = product_matches_reference(ctx, field, rng, n, w)
    # the claim chain closes with the verifier's O(n) evaluation of W(c)
    claim = R.field_sum(field.base, E.mul(_g_table(E, trace, beta), _w_table(E, rho, gamma)))
    final = R.verify_rounds(E, claim, got[0], c)
    assert E.eq(final, R.product_final_value(E, got[1][0], rho, gamma, c))


def _g_table(E, trace, beta):
    g = np.zeros((trace.shape[1], E.d), dtype=E.dtype)
    for col in trace[::-1]:
        g = E.add(E.mul(g, beta), E.from_base(col))
    return g


def _w_table(E, rho, gamma):
    return E.add(R.eq_table(E, rho), E.mul(R.successor_table(E, rho), gamma))


def test_errors(ctx, field):
    ex = get_example("fibonacci")
    small = ctx.buffer(16)
    with pytest.raises(ValueError, match="trace table is 2 x 8"):
        G.ZerocheckGpu(ctx, field, ex.air, 4, device_table.allocate(ctx, 2, 8, field.base.BYTES, "t"), {"a0": 1})
    tbuf = device_table.allocate(ctx, 2, 16, field.base.BYTES, "trace")
    zc = G.ZerocheckGpu(ctx, field, ex.air, 4, tbuf, {"a0": 1, "b0": 1, "out": 1})
    with pytest.raises(ValueError, match="round 4 out of range"):
        zc.record_round(ctx.recorder(), 4, small, small, 0)
    with pytest.raises(ValueError, match="missing public input"):
        G.ZerocheckGpu(ctx, field, ex.air, 4, tbuf, {"a0": 1})
