"""Goldilocks field p = 2^64 - 2^32 + 1, vectorised over ``np.uint64`` arrays.

All functions take and return canonical elements (< p).  The 64x64 -> 128 bit
product is built from 32-bit halves (NumPy has no mul-high), and the 128-bit
value is reduced with 2^64 = 2^32 - 1 and 2^96 = -1 (mod p), exactly as the
portable WGSL module does (shaders/field_goldilocks.wgsl).
"""

from __future__ import annotations

import numpy as np

from .common import derived
from .wrapping import wrapping as _wrapping

NAME = "goldilocks"
P = 0xFFFF_FFFF_0000_0001
DTYPE = np.uint64
BYTES = 8
GENERATOR = 7
TWO_ADICITY = 32
EPSILON = np.uint64(0xFFFF_FFFF)  # 2^64 mod p = 2^32 - 1

_P = np.uint64(P)


_MASK32 = np.uint64(0xFFFF_FFFF)
_S32 = np.uint64(32)


def asarray(x) -> np.ndarray:
    """Convert to a uint64 array without checking canonicity (use ``check``)."""
    return np.asarray(x, dtype=np.uint64)


def check(x: np.ndarray, what: str = "value") -> np.ndarray:
    """Return ``x`` as uint64, raising ValueError if any element is >= p."""
    a = np.asarray(x)
    if a.dtype != np.uint64:
        if a.size and (np.any(a < 0) if a.dtype.kind == "i" else False):
            raise ValueError(f"{what}: negative value is not a Goldilocks element")
        a = a.astype(np.uint64)
    if not a.size or a.max() < _P:  # one pass; the index search below only on failure
        return a
    bad = np.flatnonzero(a.reshape(-1) >= _P)
    if bad.size:
        raise ValueError(
            f"{what}: non-canonical Goldilocks element {int(a.reshape(-1)[bad[0]])} "
            f"at flat index {int(bad[0])} (must be < p = {P})"
        )
    return a


@_wrapping
def add(a, b):
    a = asarray(a)
    b = asarray(b)
    s = a + b  # wraps mod 2^64
    over = s < a  # carry out of 64 bits: add 2^64 mod p = EPSILON
    s = np.where(over, s + EPSILON, s)
    return np.where(s >= _P, s - _P, s)


@_wrapping
def sub(a, b):
    a = asarray(a)
    b = asarray(b)
    d = a - b
    return np.where(a < b, d + _P, d)


@_wrapping
def neg(a):
    a = asarray(a)
    return np.where(a == 0, a, _P - a)


def _mul_wide(a, b):
    """Full 128-bit product as (hi, lo) uint64 arrays."""
    a0 = a & _MASK32
    a1 = a >> _S32
    b0 = b & _MASK32
    b1 = b >> _S32
    ll = a0 * b0
    lh = a0 * b1
    hl = a1 * b0
    hh = a1 * b1
    mid = (ll >> _S32) + (lh & _MASK32) + (hl & _MASK32)
    lo = (ll & _MASK32) | ((mid & _MASK32) << _S32)
    hi = hh + (lh >> _S32) + (hl >> _S32) + (mid >> _S32)
    return hi, lo


@_wrapping
def reduce128(hi, lo):
    """Reduce hi*2^64 + lo modulo p (hi, lo uint64 arrays)."""
    hi_hi = hi >> _S32
    hi_lo = hi & _MASK32
    t0 = lo - hi_hi  # lo - hi_hi * 2^96 (2^96 = -1)
    t0 = np.where(lo < hi_hi, t0 - EPSILON, t0)  # borrow: subtract 2^64 mod p
    t1 = hi_lo * EPSILON  # hi_lo * 2^64 = hi_lo * (2^32 - 1), fits 64 bits
    s = t0 + t1
    s = np.where(s < t0, s + EPSILON, s)
    return np.where(s >= _P, s - _P, s)


@_wrapping
def mul(a, b):
    hi, lo = _mul_wide(asarray(a), asarray(b))
    return reduce128(hi, lo)


def prepared(c) -> np.ndarray:
    """Constants in the form ``fe_mul_prepared`` takes: canonical (the identity;
    BabyBear uses Montgomery form)."""
    return asarray(c)


sqr, pow, inv, batch_inv, root_of_unity = derived("Goldilocks", P, GENERATOR, TWO_ADICITY, asarray, mul)


def random(rng: np.random.Generator, shape) -> np.ndarray:
    """Uniform canonical elements."""
    x = rng.integers(0, P, size=shape, dtype=np.uint64, endpoint=False)
    return x


def edge_values() -> np.ndarray:
    """Values that exercise carries and reductions."""
    vals = [0, 1, 2, P - 1, P - 2, 2**32 - 1, 2**32, 2**32 + 1, 2**63, 2**63 - 1,
            P - 2**32, P - 2**32 - 1, 2**64 - 2**33, 0xFFFF_FFFE_FFFF_FFFF & (P - 1)]
    return np.array(sorted(set(v % P for v in vals)), dtype=np.uint64)
