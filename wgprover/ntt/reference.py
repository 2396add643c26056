"""NumPy reference of the NTT family: forward/inverse NTT, coset LDE, bitrev, Möbius/zeta.

Every function takes a field (``wgprover.field.GOLDILOCKS`` / ``BABYBEAR``) and an
array of canonical elements shaped ``(cols, N)`` (a batch of columns, one per row
here; on the GPU the same batch is column-major, each column contiguous) or
``(N,)`` for a single column, and returns a new array of the same rank.
Conventions (docs/NTT.md §1):

* ``forward``: natural-order coefficients -> evaluations f(ω_N^bitrev(i)) in
  bit-reversed order (radix-2 DIF, no final permutation); ω_N = g^((p-1)/N).
* ``inverse``: the exact inverse (radix-2 DIT with ω^-1, then times N^-1).
* ``lde``: cw[i] = f(shift · ω_L^bitrev_{n+R}(i)), L = 2^(n+R), computed as 2^R
  size-N forward NTTs of the scaled coefficients (the GPU does the same).
* ``mobius`` / ``zeta``: hypercube transforms (index bit i = variable i).

Python loops here run over stages (log N), never over elements.
"""

from __future__ import annotations

import numpy as np

from wgprover.field import Field


def _as_batch(field: Field, x: np.ndarray, what: str) -> tuple[np.ndarray, bool]:
    """Validate and view ``x`` as (cols, N); also say whether it was 1-D."""
    a = field.base.check(np.asarray(x), what)
    if a.ndim not in (1, 2):
        raise ValueError(f"{what}: expected shape (N,) or (cols, N), got {a.shape}")
    one = a.ndim == 1
    a = a.reshape(1, -1) if one else a
    n = a.shape[1]
    if n < 1 or n & (n - 1):
        raise ValueError(f"{what}: length {n} is not a power of two")
    return np.array(a, dtype=field.dtype, copy=True), one


def log2_exact(n: int) -> int:
    """log2 of a power of two (ValueError otherwise)."""
    if n < 1 or n & (n - 1):
        raise ValueError(f"{n} is not a power of two")
    return n.bit_length() - 1


def bitrev_of(idx, bits: int) -> np.ndarray:
    """bitrev_bits(i) for every i of an index array (int64)."""
    idx = np.asarray(idx, dtype=np.int64)
    out = np.zeros_like(idx)
    for b in range(bits):  # one vector op per bit
        out |= ((idx >> b) & 1) << (bits - 1 - b)
    return out


def bitrev_indices(log_n: int) -> np.ndarray:
    """Permutation i -> bitrev_{log_n}(i) as an int64 array of length 2^log_n."""
    return bitrev_of(np.arange(1 << log_n, dtype=np.int64), log_n)


def powers(field: Field, x, count: int) -> np.ndarray:
    """[x^0, x^1, ..., x^(count-1)] by doubling (log2(count) vector multiplies).

    ``x`` is an int (result shape (count,)) or a 1-D array of bases (result
    shape (len(x), count)).
    """
    f = field.base
    scalar = np.ndim(x) == 0
    base = np.atleast_1d(np.asarray(x, dtype=object) % field.p).astype(field.dtype)[:, None]
    out = np.ones((base.shape[0], count), dtype=field.dtype)
    filled = 1
    while filled < count:  # out[:, f:2f] = out[:, :f] * x^f
        take = min(filled, count - filled)
        out[:, filled : filled + take] = f.mul(out[:, :take], base)
        base = f.sqr(base)
        filled += take
    return out[0] if scalar else out


def stage_twiddles(field: Field, log_n: int, inverse: bool = False) -> np.ndarray:
    """Twiddles of every radix-2 stage up to size 2^log_n, concatenated.

    ``T[h + j] = ω_{2h}^(±j)`` for each half-size h = 1, 2, ..., 2^(log_n-1)
    and 0 <= j < h, so a stage with half-size h reads the contiguous slice
    T[h : 2h]. The table for size 2^a is a prefix of the one for 2^b (b >= a),
    which is why the GPU keeps one growing table per field. ``T[0] = 1``.
    """
    n = 1 << log_n
    t = np.ones(max(n, 2), dtype=field.dtype)
    if log_n == 0:
        return t[:1]
    w = field.base.root_of_unity(log_n)
    if inverse:
        w = int(field.base.inv(np.array([w], dtype=field.dtype))[0])
    top = powers(field, w, n // 2)  # ω_N^j, j < N/2
    h = n // 2
    while h >= 1:  # ω_{2h}^j = ω_N^(j·N/(2h))
        t[h : 2 * h] = top[:: n // (2 * h)]
        h //= 2
    return t[:n]


def _finish(a: np.ndarray, one: bool) -> np.ndarray:
    return a.reshape(-1) if one else a


def forward(field: Field, coeffs: np.ndarray) -> np.ndarray:
    """Natural-order coefficients -> evaluations in bit-reversed order (DIF)."""
    f = field.base
    x, one = _as_batch(field, coeffs, "forward input")
    cols, n = x.shape
    log_n = log2_exact(n)
    tw = stage_twiddles(field, log_n)
    for s in range(log_n):  # stage s pairs indices differing in bit log_n-1-s
        h = n >> (s + 1)
        v = x.reshape(cols, n // (2 * h), 2, h)
        a, b = v[:, :, 0, :].copy(), v[:, :, 1, :].copy()
        v[:, :, 0, :] = f.add(a, b)
        v[:, :, 1, :] = f.mul(f.sub(a, b), tw[h : 2 * h])
    return _finish(x, one)


def inverse(field: Field, evals: np.ndarray) -> np.ndarray:
    """Bit-reversed evaluations -> natural-order coefficients (exact inverse of ``forward``)."""
    f = field.base
    x, one = _as_batch(field, evals, "inverse input")
    cols, n = x.shape
    log_n = log2_exact(n)
    tw = stage_twiddles(field, log_n, inverse=True)
    h = 1
    while h < n:  # DIT undoes the DIF stages in reverse order
        v = x.reshape(cols, n // (2 * h), 2, h)
        a = v[:, :, 0, :].copy()
        b = f.mul(v[:, :, 1, :], tw[h : 2 * h])
        v[:, :, 0, :] = f.add(a, b)
        v[:, :, 1, :] = f.sub(a, b)
        h *= 2
    n_inv = f.inv(np.array([n % field.p], dtype=field.dtype))
    return _finish(f.mul(x, n_inv), one)


def coset_shifts(field: Field, log_n: int, log_blowup: int, shift: int = 1) -> np.ndarray:
    """s_c = shift · ω_L^bitrev_R(c) for each coset c < 2^R (L = 2^(n+R)).

    Block c of the bit-reversed codeword (entries c·2^n ... (c+1)·2^n - 1) is the
    size-2^n forward NTT of the coefficients scaled by s_c^j, because
    bitrev_{n+R}(c·2^n + k) = bitrev_n(k)·2^R + bitrev_R(c).
    """
    f = field.base
    w = f.root_of_unity(log_n + log_blowup)
    wp = powers(field, w, 1 << log_blowup)[bitrev_indices(log_blowup)]
    return f.mul(wp, np.array([shift % field.p], dtype=field.dtype))


def lde(field: Field, coeffs: np.ndarray, log_blowup: int, shift: int = 1) -> np.ndarray:
    """Coset low-degree extension: cw[i] = f(shift · ω_L^bitrev_{n+R}(i)), L = 2^(n+R).

    ``coeffs`` are natural-order coefficients of degree < N = 2^n (one column
    per row); the result has shape (cols, L). ``shift = 1`` is the plain
    subgroup (what the prover uses); ``shift = field.base.GENERATOR`` gives the
    usual disjoint coset.
    """
    f = field.base
    x, one = _as_batch(field, coeffs, "lde input")
    cols, n = x.shape
    log_n = log2_exact(n)
    if log_blowup < 0 or log_n + log_blowup > f.TWO_ADICITY:
        raise ValueError(f"lde: no domain of size 2^{log_n + log_blowup} in {field.name}")
    cosets = 1 << log_blowup
    scale = powers(field, coset_shifts(field, log_n, log_blowup, shift), n)  # (2^R, N)
    scaled = f.mul(x[:, None, :], scale[None, :, :]).reshape(cols * cosets, n)
    out = forward(field, scaled).reshape(cols, cosets * n)
    return _finish(out, one)


def bitrev(field: Field, x: np.ndarray) -> np.ndarray:
    """Bit-reversal permutation of each column: out[i] = x[bitrev(i)]."""
    a, one = _as_batch(field, x, "bitrev input")
    return _finish(a[:, bitrev_indices(log2_exact(a.shape[1]))], one)


def _hypercube(field: Field, table: np.ndarray, add: bool, what: str) -> np.ndarray:
    f = field.base
    t, one = _as_batch(field, table, what)
    cols, n = t.shape
    log_n = log2_exact(n)
    for i in range(log_n):  # variable i = index bit i
        v = t.reshape(cols, n >> (i + 1), 2, 1 << i)
        lo = v[:, :, 0, :]
        v[:, :, 1, :] = f.add(v[:, :, 1, :], lo) if add else f.sub(v[:, :, 1, :], lo)
    return _finish(t, one)


def mobius(field: Field, table: np.ndarray) -> np.ndarray:
    """Evaluations on {0,1}^n -> monomial coefficients: for each bit i, t[x | 2^i] -= t[x]."""
    return _hypercube(field, table, add=False, what="mobius input")


def zeta(field: Field, table: np.ndarray) -> np.ndarray:
    """Monomial coefficients -> evaluations on {0,1}^n (inverse of ``mobius``): t[x | 2^i] += t[x]."""
    return _hypercube(field, table, add=True, what="zeta input")
