"""NumPy NTT reference against a pure-Python big-integer oracle (DESIGN.md §8).

The oracle evaluates the definitions directly (O(N^2) sums, Horner, subset
sums) in Python ints, so a bug shared by the NumPy reference and the shaders
cannot hide.
"""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.ntt import reference as ref


def _bitrev(i: int, bits: int) -> int:
    return int(format(i, f"0{bits}b")[::-1], 2) if bits else 0


def _root(p: int, g: int, n: int) -> int:
    return pow(g, (p - 1) // n, p)


def _inputs(field, rng, cols: int, n: int) -> np.ndarray:
    """Random columns with the field's edge values spliced into column 0."""
    x = field.base.random(rng, (cols, n))
    e = field.base.edge_values()[:n]
    x[0, : e.size] = e
    return x


def _oracle_forward(field, col: list[int]) -> list[int]:
    p, n = field.p, len(col)
    bits = n.bit_length() - 1
    w = _root(p, field.base.GENERATOR, n)
    return [sum(c * pow(w, _bitrev(i, bits) * j, p) for j, c in enumerate(col)) % p for i in range(n)]


def _horner(coeffs: list[int], x: int, p: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % p
    return acc


def _oracle_mobius(col: list[int], p: int, sign: int) -> list[int]:
    """Subset sums: out[S] = Σ_{T ⊆ S} sign^{|S \\ T|} t[T]."""
    n = len(col)
    out = []
    for s in range(n):
        acc, t = 0, s
        while True:  # enumerate the subsets T of S
            acc += col[t] * sign ** bin(s ^ t).count("1")
            if t == 0:
                break
            t = (t - 1) & s
        out.append(acc % p)
    return out


@pytest.mark.parametrize("log_n", [0, 1, 2, 3, 5, 6])
def test_forward_matches_direct_evaluation(field, rng, log_n):
    x = _inputs(field, rng, 3, 1 << log_n)
    got = ref.forward(field, x)
    for c in range(3):
        assert got[c].tolist() == _oracle_forward(field, [int(v) for v in x[c]])


@pytest.mark.parametrize("log_n", [0, 1, 4, 7, 10])
def test_inverse_roundtrip(field, rng, log_n):
    x = _inputs(field, rng, 2, 1 << log_n)
    np.testing.assert_array_equal(ref.inverse(field, ref.forward(field, x)), x)
    np.testing.assert_array_equal(ref.forward(field, ref.inverse(field, x)), x)


@pytest.mark.parametrize("log_n,log_blowup", [(1, 1), (3, 2), (4, 1), (5, 0), (2, 3)])
@pytest.mark.parametrize("coset", [False, True])
def test_lde_matches_horner(field, rng, log_n, log_blowup, coset):
    p = field.p
    shift = field.base.GENERATOR if coset else 1
    x = _inputs(field, rng, 2, 1 << log_n)
    got = ref.lde(field, x, log_blowup, shift=shift)
    bits = log_n + log_blowup
    w = _root(p, field.base.GENERATOR, 1 << bits)
    for c in range(2):
        coeffs = [int(v) for v in x[c]]
        want = [_horner(coeffs, shift * pow(w, _bitrev(i, bits), p) % p, p) for i in range(1 << bits)]
        assert got[c].tolist() == want


def test_lde_equals_zero_padded_forward(field, rng):
    """Blowup with shift 1 is the forward NTT of the zero-padded coefficients."""
    x = _inputs(field, rng, 3, 1 << 6)
    padded = np.zeros((3, 1 << 9), dtype=field.dtype)
    padded[:, : 1 << 6] = x
    np.testing.assert_array_equal(ref.lde(field, x, 3), ref.forward(field, padded))


@pytest.mark.parametrize("log_n", [0, 1, 3, 6])
def test_mobius_zeta_match_subset_sums(field, rng, log_n):
    x = _inputs(field, rng, 2, 1 << log_n)
    m, z = ref.mobius(field, x), ref.zeta(field, x)
    for c in range(2):
        col = [int(v) for v in x[c]]
        assert m[c].tolist() == _oracle_mobius(col, field.p, -1)
        assert z[c].tolist() == _oracle_mobius(col, field.p, 1)
    np.testing.assert_array_equal(ref.zeta(field, m), x)


def test_mobius_gives_multilinear_coefficients(field, rng):
    """Monomial coefficients from mobius evaluate back to the table at every corner."""
    n = 4
    x = _inputs(field, rng, 1, 1 << n)[0]
    coef = [int(v) for v in ref.mobius(field, x)]
    for pt in range(1 << n):  # monomial S is present at corner pt iff S ⊆ pt
        assert sum(c for s, c in enumerate(coef) if s & pt == s) % field.p == int(x[pt])


@pytest.mark.parametrize("log_n", [0, 1, 5, 8])
def test_bitrev(field, rng, log_n):
    x = _inputs(field, rng, 2, 1 << log_n)
    got = ref.bitrev(field, x)
    for i in range(1 << log_n):
        assert (got[:, i] == x[:, _bitrev(i, log_n)]).all()
    np.testing.assert_array_equal(ref.bitrev(field, got), x)


def test_stage_twiddles_prefix(field):
    """The table for 2^a is a prefix of the table for 2^b (one growing GPU table)."""
    big = ref.stage_twiddles(field, 10)
    np.testing.assert_array_equal(ref.stage_twiddles(field, 6), big[:64])
    inv = ref.stage_twiddles(field, 10, inverse=True)
    np.testing.assert_array_equal(field.base.mul(big[1:], inv[1:]), np.ones(1023, dtype=field.dtype))


def test_one_dimensional_input_and_rejection(field, rng):
    x = field.base.random(rng, 16)
    np.testing.assert_array_equal(ref.forward(field, x), ref.forward(field, x[None])[0])
    with pytest.raises(ValueError):
        ref.forward(field, np.full(4, field.p, dtype=np.uint64))
    with pytest.raises(ValueError):
        ref.forward(field, np.zeros(6, dtype=field.dtype))
