"""Goldilocks arithmetic on hemera lanes, tuned for the verifier's small batches.

The verifier permutes 42-210 states per step, ~50 steps in sequence
(docs/PROTOCOL.md H.7). At that size NumPy's per-call cost, not arithmetic,
sets the time, so this module counts array operations rather than bytes:

* no ``np.errstate`` wrapper (wrap-around on uint64 *arrays* never warns);
* lazy reduction: results are < 2^64 but may be >= p. A 64 x 64 product is
  exact for any uint64 operands, so a chain of products never needs the
  canonical form; ``canonical`` is called where a value leaves the chain;
* the 128-bit product from three carries instead of rebuilding both words
  (a squaring shares its cross term); constants come pre-split in halves;
* in-place updates where a temporary is dead.

Every identity is the one of wgprover/field/goldilocks.py (2^64 = 2^32 - 1 and
2^96 = -1 mod p); tests/test_hemera.py checks these functions against it on
random and edge values, non-canonical inputs included.
"""

from __future__ import annotations

import numpy as np

P = np.uint64(0xFFFF_FFFF_0000_0001)
M32 = np.uint64(0xFFFF_FFFF)
EPS = M32  # 2^64 mod p
S32 = np.uint64(32)
S31 = np.uint64(31)
S33 = np.uint64(33)


def canonical(x: np.ndarray) -> np.ndarray:
    """x mod p for any uint64 x: x - p wraps above x exactly when x < p."""
    return np.minimum(x, x - P)


def _eps_where(carry: np.ndarray) -> np.ndarray:
    """(2^32 - 1) where ``carry``, else 0: a cast and a product beat ``where=``."""
    c = carry.astype(np.uint64)
    c *= EPS
    return c


def add(a: np.ndarray, b) -> np.ndarray:
    """a + b mod p for canonical b, lazily reduced (< 2^64); a new array."""
    s = a + b
    s += _eps_where(s < a)  # a carry out of 2^64 is worth 2^32 - 1
    return s


def reduce128(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """hi 2^64 + lo mod p, lazily reduced; overwrites both, returns lo.
    With hi = a 2^32 + b: hi 2^64 = -a + b (2^32 - 1). The borrow of lo - a
    (worth -2^64 = -(2^32 - 1)) and the carry of + b (2^32 - 1) (worth +2^64)
    are settled by one correction (carry - borrow)(2^32 - 1) mod 2^64: a lone
    borrow leaves lo - a + 2^64 >= 2^64 - 2^32 to subtract from, a lone carry
    leaves below 2^64 - 2^33 + 1 to add to, so neither wraps again."""
    a = hi >> S32
    hi &= M32
    hi *= EPS  # b (2^32 - 1) < 2^64
    borrow = lo < a
    lo -= a
    lo += hi
    fix = (lo < hi).astype(np.uint64)
    fix -= borrow
    fix *= EPS
    lo += fix
    return lo


def halves(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x mod 2^32, x >> 32)."""
    return x & M32, x >> S32


def mul_halves(a0, a1, b0, b1) -> np.ndarray:
    """(a1 2^32 + a0)(b1 2^32 + b0) mod p from 32-bit halves, lazily reduced.
    The middle terms are summed with their carry (worth 2^96 as a
    high-word 2^32); the low word's carry goes into the high word."""
    lo = a0 * b0
    m1 = a0 * b1
    m = m1 + a1 * b0
    hi = a1 * b1
    carry = (m < m1).astype(np.uint64)
    carry <<= S32
    hi += carry
    hi += m >> S32
    m <<= S32
    m += lo
    hi += m < lo
    return reduce128(hi, m)


def sqr_halves(a0, a1) -> np.ndarray:
    """(a1 2^32 + a0)^2 mod p, lazily reduced: the cross term 2 a0 a1 once."""
    lo = a0 * a0
    m = a0 * a1
    hi = a1 * a1
    hi += m >> S31  # (2m) >> 32, the bit above 2^64 of 2m included
    m <<= S33
    m += lo
    hi += m < lo
    return reduce128(hi, m)


def pow7(x: np.ndarray) -> np.ndarray:
    """x^7 = x^3 x^4 (4 products), lazily reduced."""
    x0, x1 = halves(x)
    x2 = sqr_halves(x0, x1)
    y0, y1 = halves(x2)
    x3 = mul_halves(y0, y1, x0, x1)
    x4 = sqr_halves(y0, y1)
    return mul_halves(*halves(x3), *halves(x4))


def combine(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """(hi 2^32 + lo) mod p for hi, lo < 2^41, canonical; overwrites both."""
    return canonical(combine_lazy(hi, lo))


def combine_lazy(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """(hi 2^32 + lo) mod p for hi, lo < 2^41, lazily reduced; overwrites both,
    returns hi: with hi = a 2^32 + b, hi 2^32 = a 2^64 + b 2^32 = a (2^32 - 1) + b 2^32."""
    a = hi >> S32
    a *= EPS
    lo += a  # < 2^41 + 2^9 2^32
    hi <<= S32  # b 2^32
    hi += lo
    hi += _eps_where(hi < lo)  # wraps at most once
    return hi
