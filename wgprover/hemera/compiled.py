"""Optional compiled hemera permutation (numba), for the verifier's small batches.

The verifier permutes batches of 42-168 states in ~50 sequential steps
(PROTOCOL.md H.7); there NumPy's per-call overhead, not arithmetic, sets the
time. Measured on the Merkle sweep of a 16 x 2^20 proof's shapes (3,864
permutations, 50 steps, a loaded 2-core machine): ~1.5 s NumPy, ~55 ms here.
This module is an accelerator only: ``reference.permute`` stays the readable
definition, the results are identical (tests/test_verifier_fuzz.py), and
without numba (or with WGPROVER_NUMBA=0) ``permute_fn()`` returns the reference.

The arithmetic is the Goldilocks code of wgprover/field/goldilocks.py written
per element (32-bit halves for the 128-bit product; 2^64 = 2^32 - 1 and
2^96 = -1 mod p); every constant is a np.uint64 so numba never mixes signed
and unsigned integers (which it would promote to float64).
"""

from __future__ import annotations

import functools
import os
from typing import Callable

import numpy as np

from . import params as hp

_P = np.uint64(hp.P)
_EPS = np.uint64(0xFFFF_FFFF)
_M32 = np.uint64(0xFFFF_FFFF)
_S32 = np.uint64(32)


try:
    if os.environ.get("WGPROVER_NUMBA", "1") == "0":
        raise ImportError("disabled by WGPROVER_NUMBA=0")
    from numba import njit
except ImportError:
    njit = None


def _jit(**kw):
    """numba.njit(cache=True, **kw), or leave the function as plain Python."""
    return (lambda fn: fn) if njit is None else njit(cache=True, **kw)


@_jit(inline="always")
def add(a, b):
    s = a + b
    if s < a:
        s += _EPS
    if s >= _P:
        s -= _P
    return s


@_jit(inline="always")
def mul(a, b):
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


@_jit(inline="always")
def sqr_n(x, n):
    for _ in range(n):
        x = mul(x, x)
    return x


@_jit()
def inverse(x):  # the addition chain of reference.inverse (0 -> 0)
    t2 = mul(mul(x, x), x)
    t3 = mul(mul(t2, t2), x)
    t6 = mul(sqr_n(t3, 3), t3)
    t12 = mul(sqr_n(t6, 6), t6)
    t24 = mul(sqr_n(t12, 12), t12)
    t30 = mul(sqr_n(t24, 6), t6)
    t31 = mul(mul(t30, t30), x)
    t32 = mul(mul(t31, t31), x)
    return mul(sqr_n(t31, 33), t32)


@_jit()
def external(s, y):  # M_E: M4 on each chunk, then add the column sums
    for k in range(4):
        a, b, c, d = s[4 * k], s[4 * k + 1], s[4 * k + 2], s[4 * k + 3]
        t01, t23 = add(a, b), add(c, d)
        t0123 = add(t01, t23)
        t01123, t01233 = add(t0123, b), add(t0123, d)
        y[4 * k] = add(t01123, t01)
        y[4 * k + 1] = add(t01123, add(c, c))
        y[4 * k + 2] = add(t01233, t23)
        y[4 * k + 3] = add(t01233, add(a, a))
    for i in range(4):
        col = add(add(y[i], y[4 + i]), add(y[8 + i], y[12 + i]))
        for k in range(4):
            s[4 * k + i] = add(y[4 * k + i], col)


@_jit()
def full_round(s, y, rc):
    for i in range(16):
        x = add(s[i], rc[i])
        x2 = mul(x, x)
        x4 = mul(x2, x2)
        s[i] = mul(mul(x2, x), x4)
    external(s, y)


@_jit()
def batch_inverse(xs, pre):
    """xs[i] := xs[i]^-1 in place (0 stays 0) by Montgomery's trick: one inversion
    per batch instead of one per state (16 per permutation, the bulk of the work)."""
    acc = np.uint64(1)
    for i in range(xs.shape[0]):
        pre[i] = acc
        if xs[i] != 0:
            acc = mul(acc, xs[i])
    inv = inverse(acc)
    for i in range(xs.shape[0] - 1, -1, -1):
        if xs[i] != 0:
            t = mul(inv, pre[i])
            inv = mul(inv, xs[i])
            xs[i] = t


@_jit()
def internal(s, diag):
    total = np.uint64(0)
    for i in range(16):
        total = add(total, s[i])
    for i in range(16):
        s[i] = add(mul(s[i], diag[i]), total)


@_jit()
def permute_batch(states, full, partial, diag):
    """Rounds outside, states inside, so each partial round inverts the whole batch at once."""
    out = states.copy()
    n = out.shape[0]
    y = np.empty(16, dtype=np.uint64)
    xs = np.empty(n, dtype=np.uint64)
    pre = np.empty(n, dtype=np.uint64)
    for b in range(n):
        external(out[b], y)
        for r in range(4):
            full_round(out[b], y, full[r])
    for r in range(16):
        for b in range(n):
            xs[b] = add(out[b, 0], partial[r])
        batch_inverse(xs, pre)
        for b in range(n):
            out[b, 0] = xs[b]
            internal(out[b], diag)
    for b in range(n):
        for r in range(4, 8):
            full_round(out[b], y, full[r])
    return out


@functools.lru_cache(maxsize=1)
def compiled_permute() -> Callable[[np.ndarray], np.ndarray] | None:
    """The compiled batch permutation (states (..., 16) -> same shape), or None
    without numba; non-canonical input raises the reference's ValueError."""
    if njit is None:
        return None
    kernel = permute_batch
    full = np.ascontiguousarray(hp.rc_full(), dtype=np.uint64)
    partial = np.ascontiguousarray(hp.rc_partial(), dtype=np.uint64)
    diag = np.ascontiguousarray(hp.MATRIX_DIAG_16, dtype=np.uint64)

    def permute(states: np.ndarray) -> np.ndarray:
        s = np.ascontiguousarray(states, dtype=np.uint64)
        if s.shape[-1:] != (hp.WIDTH,) or (s.size and s.max() >= _P):
            from .reference import permute as checked  # raises the reference's error

            return checked(s)
        return kernel(s.reshape(-1, hp.WIDTH), full, partial, diag).reshape(s.shape)

    return permute


def available() -> bool:
    """True when the compiled permutation is in use (numba importable, not disabled)."""
    return compiled_permute() is not None


def permute_fn() -> Callable[[np.ndarray], np.ndarray]:
    """The fastest permutation available: compiled if possible, else reference.permute."""
    from .reference import permute

    return compiled_permute() or permute
