"""Basefold codeword arithmetic in NumPy: the twins of shaders/basefold.wgsl and
shaders/query_index.wgsl (``fold_first``, ``fold_next``, ``final_poly``,
``shift_indices``; GPU wrappers ``gpu.record_*`` of the same names).

Codewords are stored bit-reversed: position i of a length-L codeword holds
f(ω_L^bitrev(i)), so positions 2t and 2t+1 hold f(x) and f(-x) with
x = ω_L^bitrev_{log L - 1}(t), and folding cosets are contiguous (PROTOCOL.md §5).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...field import Field
from ...ntt.reference import bitrev_of as bitrev
from ...ntt.reference import powers
from ...sumcheck.reference import field_sum


def pow_vec(F, base: int, exps: np.ndarray) -> np.ndarray:
    """base^e for an array of exponents e >= 0: the factors base^(2^k) of each
    set bit (a table of one Python ``pow`` per bit) multiplied together by
    pairwise halving, ~log2(bits) vector multiplies instead of two per bit
    (the verifier's fold, docs/PROTOCOL.md §6)."""
    exps = np.asarray(exps, dtype=np.int64)
    bits = int(exps.max()).bit_length() if exps.size else 0
    if not bits:
        return np.ones(exps.shape, dtype=F.DTYPE)
    b = int(base) % F.P
    table = np.array([pow(b, 1 << k, F.P) for k in range(bits)], dtype=F.DTYPE)
    t = np.where((exps[..., None] >> np.arange(bits)) & 1 != 0, table, F.DTYPE(1))
    while t.shape[-1] > 1:
        if t.shape[-1] % 2:
            t = np.concatenate([t, np.ones(t.shape[:-1] + (1,), dtype=F.DTYPE)], axis=-1)
        t = F.mul(t[..., 0::2], t[..., 1::2])
    return t[..., 0]


@lru_cache(maxsize=8)
def _half_inv_twiddles(name: str, log_len: int) -> np.ndarray:
    from ...field import get_field

    field = get_field(name)
    F = field.base
    half = 1 << (log_len - 1)
    w_inv = int(F.inv(np.array([F.root_of_unity(log_len)], dtype=F.DTYPE))[0])
    pw = powers(field, w_inv, half)  # natural order w^-t, then bit-reversed below
    two_inv = np.array((F.P + 1) // 2, dtype=F.DTYPE)
    return F.mul(pw[bitrev(np.arange(half), log_len - 1)], two_inv)


def half_inv_twiddles(field: Field, log_len: int) -> np.ndarray:
    """H[t] = 1 / (2 ω_L^bitrev_{log L - 1}(t)) for t < L/2. The table of a length-L
    codeword is a prefix of the table for any longer one."""
    return _half_inv_twiddles(field.name, log_len)


def fold_codeword(field: Field, cw: np.ndarray, c: np.ndarray, h: np.ndarray) -> np.ndarray:
    """One fold of an extension codeword (L, d) with challenge c (d,):
    out[t] = (a + b)/2 + c (a - b) / (2x), a = cw[2t], b = cw[2t+1]."""
    E = field.ext
    a, b = cw[0::2], cw[1::2]
    half = np.array((field.p + 1) // 2, dtype=field.dtype)
    s = E.mul_base(E.add(a, b), half)
    d = E.mul_base(E.sub(a, b), h[: a.shape[0]])
    return E.add(s, E.mul(d, c))


def combine_columns(field: Field, cols: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Σ_k β^k cols[k] for base-field columns (w, L) -> extension (L, d) (Horner)."""
    E = field.ext
    acc = np.zeros((cols.shape[1], E.d), dtype=field.dtype)
    for col in cols[::-1]:
        acc = E.add(E.mul(acc, beta), E.from_base(col))
    return acc


def fold_coset_values(field: Field, values: np.ndarray, log_len: int, leaf: np.ndarray, steps: int,
                      challenges: np.ndarray) -> np.ndarray:
    """The verifier's fold: values (Q, 2^steps, d) of coset `leaf` (Q,) of a length
    2^log_len codeword, folded `steps` times -> (Q, d)."""
    E = field.ext
    F = field.base
    half = np.array((field.p + 1) // 2, dtype=field.dtype)
    v = values
    # 1/x of each pair, x = w_L^bitrev(t): powers of w_L^-1, no per-element
    # inversion (the verifier's hot spot). A fold squares the points, and the
    # next step's pair t' has x' = x(2t')^2, so later steps square the even entries.
    t = (leaf.astype(np.int64) << (steps - 1))[:, None] + np.arange(v.shape[1] // 2)[None, :]
    w_inv = pow(F.GENERATOR, (F.P - 1) - ((F.P - 1) >> log_len), F.P)
    inv_x = pow_vec(F, w_inv, bitrev(t, log_len - 1))
    for s in range(steps):
        if s:
            inv_x = F.sqr(inv_x[:, 0::2])
        a, b = v[:, 0::2], v[:, 1::2]
        sm = E.mul_base(E.add(a, b), half)
        df = E.mul_base(E.sub(a, b), F.mul(inv_x, half))
        v = E.add(sm, E.mul(df, challenges[s]))
    return v[:, 0]


def eval_univariate(field: Field, coeffs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ_m coeffs[m] x^m for extension coeffs (M, d) at base points x (Q,) -> (Q, d)."""
    E = field.ext
    acc = np.zeros(x.shape + (E.d,), dtype=field.dtype)
    for c in coeffs[::-1]:
        acc = E.add(E.mul_base(acc, x), np.broadcast_to(c, acc.shape))
    return acc


def eval_multilinear_coeffs(field: Field, coeffs: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Σ_m coeffs[m] Π_{i in m} point[i] for monomial coefficients (2^f, d)."""
    E = field.ext
    v = coeffs
    for i in range(point.shape[0]):
        v = E.add(v[0::2], E.mul(v[1::2], point[i]))
    return v[0]


def fold_next(field: Field, cw: np.ndarray, challenges: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Fold an extension codeword (L, d) once per challenge (twin of ``fold_next``)."""
    for c in challenges:
        cw = fold_codeword(field, cw, c, h)
    return cw


def fold_first(field: Field, cols: np.ndarray, beta: np.ndarray, challenges: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Combine the layer-0 columns (w, L) with powers of beta, then fold (twin of ``fold_first``)."""
    return fold_next(field, combine_columns(field, cols, beta), challenges, h)


def final_poly(field: Field, evals: np.ndarray, f: int) -> np.ndarray:
    """Monomial coefficients of the final polynomial (degree < 2^f) from its values
    at the bit-reversed 2^f-th roots of unity: an inverse DFT (twin of ``final_poly``)."""
    F, E = field.base, field.ext
    size = 1 << f
    w_inv = int(F.inv(np.array([F.root_of_unity(f)], dtype=field.dtype))[0])
    scale = F.inv(np.array([size], dtype=field.dtype))
    m = np.arange(size)
    # x_i^-m = w^-(bitrev(i) m mod 2^f)
    kernel = powers(field, w_inv, size)[(m[:, None] * bitrev(m, f)[None, :]) % size]
    terms = E.mul_base(np.broadcast_to(evals[:size], (size, size, E.d)), kernel)
    return E.mul_base(field_sum(F, terms, axis=1), scale)


def shift_indices(indices: np.ndarray, shift: int) -> np.ndarray:
    """Leaf indices of a later layer: query index >> shift (twin of ``shift_indices``)."""
    return np.asarray(indices, dtype=np.int64) >> shift
