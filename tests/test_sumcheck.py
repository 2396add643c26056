"""NumPy sumcheck reference: multilinear helpers, successor closed form, zerocheck, product sumcheck."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from wgprover.air import get_example
from wgprover.air.evaluate import combined_ext
from wgprover.air.examples import random_air
from wgprover.sumcheck import reference as R


def _bits(x: int, n: int) -> list[int]:
    return [(x >> i) & 1 for i in range(n)]


def _point(E, bits) -> np.ndarray:
    return E.from_base(np.array(bits, dtype=E.dtype))


def test_eq_table_matches_eq_eval(field, rng):
    E = field.ext
    n = 4
    r = E.random(rng, n)
    t = R.eq_table(E, r)
    assert t.shape == (16, E.d)
    for x in range(16):
        assert E.eq(t[x], R.eq_eval(E, r, _point(E, _bits(x, n))))
    # eq(r, .) sums to one; its MLE at a point is eq(r, point)
    assert E.eq(R.field_sum(field.base, t), E.one())
    c = E.random(rng, n)
    assert E.eq(R.mle_eval(E, t, c), R.eq_eval(E, r, c))


def test_mle_eval_on_boolean_points_is_table(field, rng):
    E = field.ext
    t = field.base.random(rng, 8)
    for x in range(8):
        assert E.eq(R.mle_eval(E, t, _point(E, _bits(x, 3))), E.from_base(t[x]))


def test_field_sum_edge_values(field):
    big = np.full(1000, field.p - 1, dtype=field.dtype)
    assert int(R.field_sum(field.base, big)) == (1000 * (field.p - 1)) % field.p


@pytest.mark.parametrize("n", range(1, 9))
def test_successor_closed_form_equals_brute_force(field, rng, n):
    E = field.ext
    rho, c = E.random(rng, n), E.random(rng, n)
    want = R.mle_eval(E, R.successor_table(E, rho), c)
    assert E.eq(R.successor_eval(E, rho, c), want)
    if n <= 3:  # the defining double sum over booleans with a + 1 = b
        N = 1 << n
        ea, eb = R.eq_table(E, rho), R.eq_table(E, c)
        direct = R.field_sum(field.base, np.stack([E.mul(ea[a], eb[(a + 1) % N]) for a in range(N)]))
        assert E.eq(direct, want)


def test_successor_on_booleans(field):
    E = field.ext
    n = 3
    for a, b in itertools.product(range(8), repeat=2):
        s = R.successor_eval(E, _point(E, _bits(a, n)), _point(E, _bits(b, n)))
        assert E.eq(s, E.one() if b == (a + 1) % 8 else np.zeros(E.d, dtype=E.dtype))


def test_interpolate_eval(field, rng):
    E = field.ext
    coeffs = E.random(rng, 5)  # degree 4

    def poly(x):
        acc = np.zeros(E.d, dtype=E.dtype)
        for cf in coeffs[::-1]:
            acc = E.add(E.mul(acc, x), cf)
        return acc

    vals = np.stack([poly(R.ext_const(E, X)) for X in range(5)])
    x = E.random(rng, ())
    assert E.eq(R.interpolate_eval(E, vals, x), poly(x))
    # over-determined (D + 1 = 7 values of a degree-4 polynomial) still exact
    vals7 = np.stack([poly(R.ext_const(E, X)) for X in range(7)])
    assert E.eq(R.interpolate_eval(E, vals7, x), poly(x))


def _random_challenges(E, rng, n):
    return E.random(rng, n), E.random(rng, ()), E.random(rng, n)


@pytest.mark.parametrize("name", ["fibonacci", "power", "boolean", "periodic"])
def test_zerocheck_valid_trace(field, rng, name):
    ex = get_example(name)
    n = 3 if name != "power" else 3
    E = field.ext
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = _random_challenges(E, rng, n)
    polys, claims = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    assert polys.shape == (n, ex.air.degree + 2, E.d)
    final = R.verify_rounds(E, np.zeros(E.d, dtype=E.dtype), polys, rho)
    assert E.eq(final, R.zerocheck_final_value(field, ex.air, public, r, alpha, rho, claims))
    # claims are the MLEs of the trace and of the rotated trace at rho
    for k in range(ex.air.width):
        assert E.eq(claims[k], R.mle_eval(E, trace[k], rho))
        assert E.eq(claims[ex.air.width + k], R.mle_eval(E, np.roll(trace[k], -1), rho))


def test_zerocheck_round0_brute_force(field, rng):
    """s_0(X) = sum_x' eq(r, (X, x')) C(MLEs at (X, x')), evaluated point by point via mle_eval."""
    air = random_air(rng, width=2, n_constraints=4, max_degree=3)
    E = field.ext
    n = 3
    trace = field.base.random(rng, (2, 1 << n))
    public = {"u": 3, "v": field.p - 2}
    r, alpha, _ = _random_challenges(E, rng, n)
    zc = R.ZerocheckReference(field, air, n, trace, public)
    zc.setup(r, alpha)
    s0 = zc.round(0)
    for X in range(zc.degree + 1):
        acc = np.zeros(E.d, dtype=E.dtype)
        for xr in range(1 << (n - 1)):
            pt = np.concatenate([R.ext_const(E, X)[None], _point(E, _bits(xr, n - 1))])
            cur = np.stack([R.mle_eval(E, trace[k], pt) for k in range(2)])
            nxt = np.stack([R.mle_eval(E, np.roll(trace[k], -1), pt) for k in range(2)])
            per = R.periodic_evals(air, field, pt)
            first, last = R.selector_evals(E, pt)
            c = combined_ext(air, field, cur, nxt, per, first, last, public, alpha)
            acc = E.add(acc, E.mul(R.eq_eval(E, r, pt), c))
        assert E.eq(s0[X], acc), X


def test_zerocheck_rejects_invalid_trace(field, rng):
    ex = get_example("fibonacci")
    E = field.ext
    n = 3
    trace, public = ex.generate(field, n, rng)
    trace[1, 5] = field.base.add(trace[1, 5], 1)
    r, alpha, rho = _random_challenges(E, rng, n)
    polys, _ = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    with pytest.raises(ValueError, match="round 0"):
        R.verify_rounds(E, np.zeros(E.d, dtype=E.dtype), polys, rho)


def test_zerocheck_protocol_errors(field, rng):
    ex = get_example("fibonacci")
    trace, public = ex.generate(field, 2)
    zc = R.ZerocheckReference(field, ex.air, 2, trace, public)
    with pytest.raises(RuntimeError, match="setup"):
        zc.round(0)
    zc.setup(field.ext.random(rng, 2), field.ext.random(rng, ()))
    with pytest.raises(ValueError, match="expected round 0"):
        zc.round(1)
    with pytest.raises(RuntimeError, match="claims need 2 folds"):
        zc.claims()


def test_product_sumcheck(field, rng):
    ex = get_example("periodic")
    E = field.ext
    n = 4
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = _random_challenges(E, rng, n)
    _, zclaims = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    beta, gamma, c = E.random(rng, ()), E.random(rng, ()), E.random(rng, n)
    polys, claims = R.product_sumcheck(field, n, trace, beta, rho, gamma, c)
    assert polys.shape == (n, 3, E.d)
    final = R.verify_rounds(E, R.product_claim(E, zclaims, beta, gamma), polys, c)
    assert E.eq(final, R.product_final_value(E, claims[0], rho, gamma, c))
    g_c = E.add(R.mle_eval(E, trace[0], c), E.mul(beta, R.mle_eval(E, trace[1], c)))
    assert E.eq(claims[0], g_c)
