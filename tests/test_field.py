"""Field arithmetic: NumPy reference vs Python ints, and every WGSL op vs NumPy,
bit for bit, on every GPU path (portable, int64, webgpu-default limits, GL)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wgprover.field import BABYBEAR, GOLDILOCKS, babybear, goldilocks
from wgprover.field import gpu as fgpu


def _ints(a):
    return [int(x) for x in np.asarray(a).reshape(-1)]


def _inputs(field, rng, n):
    """Random values plus every pair of edge values, at a size not a multiple of 64."""
    B = field.base
    e = B.edge_values()
    a = np.concatenate([B.random(rng, n), np.repeat(e, e.size)])
    b = np.concatenate([B.random(rng, n), np.tile(e, e.size)])
    return a, b


# -- NumPy reference vs Python big integers -------------------------------------------------


@pytest.mark.parametrize("mod", [goldilocks, babybear], ids=["goldilocks", "babybear"])
def test_reference_matches_python_ints(mod, rng):
    P = mod.P
    e = mod.edge_values()
    a = np.concatenate([mod.random(rng, 500), np.repeat(e, e.size)])
    b = np.concatenate([mod.random(rng, 500), np.tile(e, e.size)])
    ai, bi = _ints(a), _ints(b)
    assert _ints(mod.add(a, b)) == [(x + y) % P for x, y in zip(ai, bi)]
    assert _ints(mod.sub(a, b)) == [(x - y) % P for x, y in zip(ai, bi)]
    assert _ints(mod.neg(a)) == [(-x) % P for x in ai]
    assert _ints(mod.mul(a, b)) == [(x * y) % P for x, y in zip(ai, bi)]
    assert _ints(mod.pow(a, 12345)) == [pow(x, 12345, P) for x in ai]
    assert _ints(mod.inv(a)) == [pow(x, P - 2, P) for x in ai]  # inv(0) = 0


@pytest.mark.parametrize("field", [GOLDILOCKS, BABYBEAR], ids=lambda f: f.name)
def test_extension_matches_python_ints(field, rng):
    E, P, d, W = field.ext, field.p, field.ext_degree, field.ext.w
    x, y = E.random(rng, 50), E.random(rng, 50)

    def polymul(u, v):
        acc = [0] * (2 * d - 1)
        for i in range(d):
            for j in range(d):
                acc[i + j] += u[i] * v[j]
        return [(acc[i] + (W * acc[i + d] if i + d < 2 * d - 1 else 0)) % P for i in range(d)]

    got = E.mul(x, y).astype(object).tolist()
    want = [polymul(u, v) for u, v in zip(x.astype(object).tolist(), y.astype(object).tolist())]
    assert got == want
    assert np.all(E.eq(E.mul(x, E.inv(x)), E.one()))


@pytest.mark.parametrize("mod", [goldilocks, babybear], ids=["goldilocks", "babybear"])
def test_one_element_pow_and_inv_equal_the_array_path(mod, rng):
    """pow/inv of a single element take Python's pow (field/common.py); each
    equals the same element's value inside a larger array (square-and-multiply)."""
    values = np.concatenate([mod.random(rng, 20), mod.edge_values()])
    for e in (0, 1, 2, 7, 12345, mod.P - 2, mod.P - 1, 1 << 70):
        many = mod.pow(values, e)
        for i, x in enumerate(values):
            one = mod.pow(values[i:i + 1], e)
            assert one.dtype == values.dtype and one.shape == (1,) and one[0] == many[i], (int(x), e)
    assert _ints(mod.inv(values[:1])) == [pow(int(values[0]), mod.P - 2, mod.P)]
    assert _ints(mod.inv(np.zeros(1, values.dtype))) == [0]


@pytest.mark.parametrize("field", [GOLDILOCKS, BABYBEAR], ids=lambda f: f.name)
def test_extension_one_element_path_matches_vectorised(field, rng):
    """Ext.mul takes Python integers for one element times one (the verifier's
    scalar steps) and NumPy coefficient by coefficient for arrays: both agree
    with each other and with broadcasting, edge coefficients included."""
    E, B = field.ext, field.base
    e = B.edge_values()
    edge = np.stack([np.repeat(e, e.size), np.tile(e, e.size)] + [np.tile(e, e.size)] * (E.d - 2), axis=-1)
    x = np.concatenate([E.random(rng, 40), edge])
    y = np.concatenate([E.random(rng, 40), edge[::-1]])
    vec = E.mul(x, y)
    one = np.stack([E.mul(u, v) for u, v in zip(x, y)])
    assert one.dtype == vec.dtype == E.dtype and np.array_equal(one, vec)
    assert np.array_equal(E.mul(x, y[3]), np.stack([E.mul(u, y[3]) for u in x]))  # (m, d) x (d,)
    assert np.array_equal(E.mul(x[:, None, :], y[None, :5, :])[7, 2], E.mul(x[7], y[2]))  # broadcast


@pytest.mark.parametrize("mod", [goldilocks, babybear], ids=["goldilocks", "babybear"])
def test_scalar_arguments_wrap_silently(mod):
    """0-d and Python-int arguments run under an errstate (NumPy's scalar
    arithmetic warns on wrap-around); arrays skip it and never warn."""
    import warnings

    P, big = mod.P, mod.P - 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for a, b in [(big, big), (mod.DTYPE(big), mod.DTYPE(big)), (np.array(big, mod.DTYPE), np.array([big], mod.DTYPE))]:
            assert int(np.ravel(mod.mul(a, b))[0]) == big * big % P
            assert int(np.ravel(mod.add(a, b))[0]) == 2 * big % P
            assert int(np.ravel(mod.sub(1, b))[0]) == (1 - big) % P
            assert int(np.ravel(mod.neg(a))[0]) == 1


def test_roots_of_unity():
    for mod in (goldilocks, babybear):
        for k in (1, 5, mod.TWO_ADICITY):
            w = mod.root_of_unity(k)
            assert pow(w, 1 << k, mod.P) == 1 and pow(w, 1 << (k - 1), mod.P) != 1
    with pytest.raises(ValueError):
        goldilocks.root_of_unity(33)


def test_check_rejects_non_canonical():
    with pytest.raises(ValueError, match="non-canonical Goldilocks"):
        goldilocks.check(np.array([goldilocks.P], dtype=np.uint64))
    with pytest.raises(ValueError, match="non-canonical BabyBear"):
        babybear.check(np.array([babybear.P], dtype=np.uint32))
    with pytest.raises(ValueError, match="negative"):
        babybear.check(np.array([-1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, goldilocks.P - 1), min_size=3, max_size=3),
       st.lists(st.integers(0, babybear.P - 1), min_size=3, max_size=3))
def test_field_axioms(g, b):
    for mod, vals in ((goldilocks, g), (babybear, b)):
        x, y, z = (np.array([v], dtype=mod.DTYPE) for v in vals)
        assert mod.mul(x, mod.add(y, z)) == mod.add(mod.mul(x, y), mod.mul(x, z))
        assert mod.mul(mod.mul(x, y), z) == mod.mul(x, mod.mul(y, z))
        assert mod.add(x, mod.neg(x)) == 0
        assert mod.sub(mod.add(x, y), y) == x
        if x[0] != 0:
            assert mod.mul(x, mod.inv(x)) == 1


# -- GPU vs NumPy --------------------------------------------------------------------------

BASE_OPS = ["add", "sub", "mul", "sqr", "neg", "inv", "double"]


def test_base_ops_gpu_parity(any_ctx, field, rng):
    B = field.base
    a, b = _inputs(field, rng, 1003)
    want = {
        "add": B.add(a, b), "sub": B.sub(a, b), "mul": B.mul(a, b), "sqr": B.sqr(a),
        "neg": B.neg(a), "inv": B.inv(a), "double": B.add(a, a),
    }
    for op in BASE_OPS:
        got = fgpu.field_op(any_ctx, field, op, a, b)
        bad = np.flatnonzero(got != want[op])
        assert bad.size == 0, f"{op}: first mismatch at {bad[:1]}: a={a[bad[0]]} b={b[bad[0]]}"
    e = int(rng.integers(0, 1 << 32))
    assert np.array_equal(fgpu.field_op(any_ctx, field, "pow", a, b, e=e), B.pow(a, e))
    # constants in prepared form (NTT twiddles): fe_mul_prepared(a, prepared(b)) = a * b
    assert np.array_equal(fgpu.field_op(any_ctx, field, "mul_prepared", a, B.prepared(b)), B.mul(a, b))


def test_prepared_form_against_ints(field, rng):
    B = field.base
    c = np.concatenate([B.edge_values(), B.random(rng, 200)])
    got = [int(v) for v in B.prepared(c)]
    if field.name == "babybear":  # Montgomery form c 2^32 mod p
        assert got == [(int(v) << 32) % B.P for v in c]
    else:
        assert got == [int(v) for v in c]


def test_ext_ops_gpu_parity(any_ctx, field, rng):
    E = field.ext
    x, y = E.random(rng, 777), E.random(rng, 777)
    x[:3] = 0  # zero, and inv(0) = 0
    x[3] = E.one()
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "add", x, y), E.add(x, y))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "sub", x, y), E.sub(x, y))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "mul", x, y), E.mul(x, y))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "sqr", x, y), E.sqr(x))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "neg", x, y), E.neg(x))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "inv", x, y), E.inv(x))
    assert np.array_equal(fgpu.ext_op(any_ctx, field, "mul_base", x, y), E.mul_base(x, y[:, 0]))


def test_batch_inversion_gpu(any_ctx, field, rng):
    a, _ = _inputs(field, rng, 4099)
    a[::97] = 0
    assert np.array_equal(fgpu.batch_inv(any_ctx, field, a), field.base.inv(a))


def test_conversion_roundtrip(any_ctx, field, rng):
    a, _ = _inputs(field, rng, 100)
    if field.name == "goldilocks":
        want = a & np.uint64(0xFFFF_FFFF)
        want = np.where(want >= field.p, want - np.uint64(field.p), want)
    else:
        want = a
    assert np.array_equal(fgpu.field_op(any_ctx, field, "from_u32", a), want)


def test_large_mul_2_20(ctx, field, rng):
    """One run at 2^20 + 3 elements (grid beyond a single row of workgroups)."""
    B = field.base
    n = (1 << 20) + 3
    a, b = B.random(rng, n), B.random(rng, n)
    assert np.array_equal(fgpu.field_op(ctx, field, "mul", a, b), B.mul(a, b))


def test_grid_folding(ctx):
    """Workgroup counts past 65,535 fold into 2D."""
    rec = ctx.recorder()
    assert rec.grid(65_535) == (65_535, 1, 1)
    x, y, _ = rec.grid(65_536 * 3 + 1)
    assert x <= 65_535 and x * y >= 65_536 * 3 + 1
    rec.submit()
