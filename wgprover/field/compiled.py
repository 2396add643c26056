"""Per-element field arithmetic for numba-compiled loops (optional accelerator).

Used where the work is a sequential loop NumPy cannot vectorise or where
NumPy's per-call overhead dominates: the hemera permutation of the verifier's
small batches (wgprover/hemera/compiled.py) and the example traces whose rows
follow a non-linear recurrence (wgprover/air/chain_kernels.py). The NumPy modules
stay the definitions; results are identical (tests).

The Goldilocks code is wgprover/field/goldilocks.py written per element
(32-bit halves for the 128-bit product; 2^64 = 2^32 - 1 and 2^96 = -1 mod p).
Every constant is a np.uint64 so numba never mixes signed and unsigned
integers (it would promote them to float64). Without numba, or with
WGPROVER_NUMBA=0, ``jit`` leaves functions as plain Python and ``AVAILABLE`` is
False. Compiled code is cached (numba ``cache=True``): in the package's
__pycache__, or where that is read-only in numba's per-user cache
(NUMBA_CACHE_DIR, else the XDG cache folder), so later processes load it.
"""

from __future__ import annotations

import os

import numpy as np

GL_P = np.uint64(0xFFFF_FFFF_0000_0001)
_EPS = np.uint64(0xFFFF_FFFF)
_M32 = np.uint64(0xFFFF_FFFF)
_S32 = np.uint64(32)
ONE = np.uint64(1)

try:
    if os.environ.get("WGPROVER_NUMBA", "1") == "0":
        raise ImportError("disabled by WGPROVER_NUMBA=0")
    from numba import njit
except ImportError:
    njit = None

AVAILABLE = njit is not None


def jit(**kw):
    """numba.njit(cache=True, **kw), or leave the function as plain Python."""
    return (lambda fn: fn) if njit is None else njit(cache=True, **kw)


@jit(inline="always")
def add(a, b):
    """Goldilocks a + b."""
    s = a + b
    if s < a:
        s += _EPS
    if s >= GL_P:
        s -= GL_P
    return s


@jit(inline="always")
def mul(a, b):
    """Goldilocks a * b."""
    a0, a1, b0, b1 = a & _M32, a >> _S32, b & _M32, b >> _S32
    ll, lh, hl, hh = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (ll >> _S32) + (lh & _M32) + (hl & _M32)
    lo = (ll & _M32) | ((mid & _M32) << _S32)
    hi = hh + (lh >> _S32) + (hl >> _S32) + (mid >> _S32)
    hh_, hl_ = hi >> _S32, hi & _M32
    t0 = lo - hh_
    if lo < hh_:
        t0 -= _EPS
    return add(t0, hl_ * _EPS)  # the same carry fold as reduce128


@jit(inline="always")
def add_mod(a, b, p):
    """a + b mod p for Goldilocks or a 32-bit prime (uint64 operands, canonical)."""
    return add(a, b) if p == GL_P else (a + b) % p


@jit(inline="always")
def mul_mod(a, b, p):
    """a * b mod p for Goldilocks or a 32-bit prime (a * b < 2^64 there)."""
    return mul(a, b) if p == GL_P else (a * b) % p


@jit(inline="always")
def pow_mod(x, e, p):
    """x^e mod p, e a uint64 >= 0."""
    r = ONE
    while e:
        if e & ONE:
            r = mul_mod(r, x, p)
        e >>= ONE
        if e:  # no squaring past the top bit
            x = mul_mod(x, x, p)
    return r
