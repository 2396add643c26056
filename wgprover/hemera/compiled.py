"""Optional compiled hemera permutation (numba), for the verifier's small batches.

The verifier permutes batches of 42-168 states in ~50 sequential steps
(PROTOCOL.md H.7); there NumPy's per-call overhead, not arithmetic, sets the
time. Measured on the Merkle sweep of a 16 x 2^20 proof's shapes (3,864
permutations, 50 steps, a loaded 2-core machine): ~1.5 s NumPy, ~55 ms here.
This module is an accelerator only: ``reference.permute`` stays the readable
definition, the results are identical (tests/test_verifier_fuzz.py), and
without numba (or with WGPROVER_NUMBA=0) ``permute_fn()`` returns the NumPy
permutation (small_batch.permute, equal to the reference).
The per-element Goldilocks arithmetic, the numba switch and its cache are
wgprover/field/compiled.py's.

``trace_kernel``, ``wide_kernel`` and ``sponge_trace_kernel`` compute the hemera
example traces (docs/AIR.md §7, §9) from the same round functions; their NumPy
definitions are wgprover/air/hemera_air.py, hemera_wide.py and hemera_modes.py
(tests/test_examples.py, tests/test_hemera_wide.py).
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from ..field.compiled import add, jit as _jit, mul, njit
from . import params as hp

_P = np.uint64(hp.P)


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


_FULL, _PART = 1, 2  # step kinds of trace_kernel (wgprover/air/hemera_air.py Layout.steps)


@_jit()
def _write_row(out, s, row):
    for b in range(s.shape[0]):
        for i in range(16):
            out[i, b, row] = s[b, i]


# permutations per pass of trace_kernel: one pass's output (256 x rows x (16 + ppr) words,
# ~640 KB) stays in cache while it is written row by row
TRACE_CHUNK = 256


@_jit()
def _trace_blocks(states, kinds, full, partial, diag, ppr, out):
    """The permutation AIR's trace (out: (16 + ppr, K, rows)): row 0 the input, each
    next row the state after the step ``kinds[row - 1]`` (row 0: the external matrix),
    the partial rows' S-box outputs in columns 16.. (docs/AIR.md §9.1); rounds outside,
    permutations inside, so each partial round inverts all K at once."""
    s = states.copy()
    n = s.shape[0]
    y = np.empty(16, dtype=np.uint64)
    xs = np.empty(n, dtype=np.uint64)
    pre = np.empty(n, dtype=np.uint64)
    _write_row(out, s, 0)
    for b in range(n):
        external(s[b], y)
    fr, pr = 0, 0
    for row in range(1, out.shape[2]):
        _write_row(out, s, row)
        if kinds[row] == _FULL:
            for b in range(n):
                full_round(s[b], y, full[fr])
            fr += 1
        elif kinds[row] == _PART:
            for k in range(ppr):
                for b in range(n):
                    xs[b] = add(s[b, 0], partial[pr])
                batch_inverse(xs, pre)
                for b in range(n):
                    out[16 + k, b, row] = xs[b]
                    s[b, 0] = xs[b]
                    internal(s[b], diag)
                pr += 1


@_jit()
def trace_kernel(states, kinds, full, partial, diag, ppr, out):
    """``_trace_blocks`` of all K states, TRACE_CHUNK permutations at a time."""
    n = states.shape[0]
    for c0 in range(0, n, TRACE_CHUNK):
        c1 = min(n, c0 + TRACE_CHUNK)
        _trace_blocks(states[c0:c1], kinds, full, partial, diag, ppr, out[:, c0:c1, :])


def _trace_args(steps: tuple[str, ...]) -> tuple:
    """(kinds, full constants, partial constants, diagonal) for the trace kernels."""
    kinds = np.array([{"full": _FULL, "part": _PART}.get(k, 0) for k in steps + ("none",)], dtype=np.int64)
    return (kinds, np.ascontiguousarray(hp.rc_full()), np.ascontiguousarray(hp.rc_partial()),
            np.ascontiguousarray(hp.MATRIX_DIAG_16, dtype=np.uint64))


def permutation_trace(states: np.ndarray, steps: tuple[str, ...], ppr: int) -> np.ndarray | None:
    """``trace_kernel`` on canonical states (K, 16) for a block schedule ``steps``
    (Layout.steps): (16 + ppr, K * rows); None without numba."""
    if njit is None:
        return None
    rows = len(steps) + 1
    out = np.zeros((16 + ppr, states.shape[0], rows), dtype=np.uint64)  # y is 0 off the partial rows
    trace_kernel(np.ascontiguousarray(states, dtype=np.uint64), *_trace_args(steps), ppr, out)
    return out.reshape(16 + ppr, -1)


@_jit()
def _wide_full(s, out, base, cube, rc, y):
    """One full round of every state, writing (x^3 if cube, then) x^7 from row ``base``."""
    step = 32 if cube else 16
    for b in range(s.shape[0]):
        for i in range(16):
            x = add(s[b, i], rc[i])
            x2 = mul(x, x)
            x3 = mul(x2, x)
            s[b, i] = mul(x3, mul(x2, x2))
            if cube:
                out[base + i, b] = x3
            out[base + step - 16 + i, b] = s[b, i]
        external(s[b], y)


@_jit()
def wide_kernel(states, cube, full, partial, diag, out):
    """The wide permutation AIR's trace (out: (width, K), one permutation per column
    index; docs/AIR.md §9.1): input, per full round (x^3,) x^7, the 16 partial-round
    inverses, output.  Rounds outside, permutations inside (one batch inversion a round)."""
    s = states.copy()
    n = s.shape[0]
    y = np.empty(16, dtype=np.uint64)
    xs = np.empty(n, dtype=np.uint64)
    pre = np.empty(n, dtype=np.uint64)
    step = 32 if cube else 16
    for b in range(n):
        for i in range(16):
            out[i, b] = s[b, i]
        external(s[b], y)
    for r in range(8):
        if r == 4:
            for k in range(16):
                for b in range(n):
                    xs[b] = add(s[b, 0], partial[k])
                batch_inverse(xs, pre)
                for b in range(n):
                    out[16 + 8 * step + k, b] = xs[b]
                    s[b, 0] = xs[b]
                    internal(s[b], diag)
        _wide_full(s, out, 16 + r * step, cube, full[r], y)
    for b in range(n):
        for i in range(16):
            out[out.shape[0] - 16 + i, b] = s[b, i]


def wide_trace(states: np.ndarray, sbox: int) -> np.ndarray | None:
    """``wide_kernel`` on canonical states (K, 16): (width, K); None without numba."""
    if njit is None:
        return None
    width = 16 + 8 * (32 if sbox == 3 else 16) + 16 + 16
    out = np.empty((width, states.shape[0]), dtype=np.uint64)
    wide_kernel(np.ascontiguousarray(states, dtype=np.uint64), sbox == 3, np.ascontiguousarray(hp.rc_full()),
                np.ascontiguousarray(hp.rc_partial()), np.ascontiguousarray(hp.MATRIX_DIAG_16, dtype=np.uint64), out)
    return out


@_jit()
def permute_state(s, y, full, partial, diag):
    """One state in place (the sponge's sequential chain: nothing to batch)."""
    external(s, y)
    for r in range(4):
        full_round(s, y, full[r])
    for r in range(16):
        s[0] = inverse(add(s[0], partial[r]))
        internal(s, diag)
    for r in range(4, 8):
        full_round(s, y, full[r])


@_jit()
def _absorb(s, blocks, b, length, lane_length):
    """Add block b (of blocks (B, 8)) to the rate lanes; the length lane is set before the last permutation."""
    for i in range(8):
        s[i] = add(s[i], blocks[b, i])
    if b == blocks.shape[0] - 1:
        s[lane_length] = length


@_jit()
def sponge_kernel(s, blocks, length, lane_length, full, partial, diag, ins):
    """Absorb blocks (B, 8) into state s (in place): ins[b] = the state permuted
    after absorbing block b."""
    y = np.empty(16, dtype=np.uint64)
    for b in range(blocks.shape[0]):
        _absorb(s, blocks, b, length, lane_length)
        ins[b] = s
        permute_state(s, y, full, partial, diag)


def sponge_chain(state: np.ndarray, blocks: np.ndarray, length: int, ins: np.ndarray) -> bool:
    """``sponge_kernel`` (state and ins updated in place), or False without numba."""
    if njit is None:
        return False
    _, full, partial, diag = _trace_args(())
    sponge_kernel(state, np.ascontiguousarray(blocks, dtype=np.uint64), np.uint64(length), hp.LANE_LENGTH,
                  full, partial, diag, ins)
    return True


@_jit()
def sponge_trace_kernel(s, blocks, length, lane_length, kinds, full, partial, diag, ppr, out):
    """The sponge's chain writing its trace as it goes (out: (16 + ppr, >= B, rows)):
    block b's permutation input is s after absorbing block b, its trace block is
    out[:, b, :] and its output (the block's last row) the next s. One permutation
    per pass: the chain is sequential, so its trace costs no second permutation."""
    one = np.empty((1, 16), dtype=np.uint64)
    last = out.shape[2] - 1
    for b in range(blocks.shape[0]):
        _absorb(s, blocks, b, length, lane_length)
        one[0] = s
        _trace_blocks(one, kinds, full, partial, diag, ppr, out[:, b:b + 1, :])
        for i in range(16):
            s[i] = out[i, b, last]


def sponge_trace(state: np.ndarray, blocks: np.ndarray, length: int, steps: tuple[str, ...], ppr: int,
                 trace_blocks: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(trace (16 + ppr, trace_blocks * rows), digest (4,)) of absorbing blocks (B, 8)
    into ``state``; blocks past B permute the zero state. None without numba."""
    if njit is None:
        return None
    rows, nb = len(steps) + 1, blocks.shape[0]
    out = np.zeros((16 + ppr, trace_blocks, rows), dtype=np.uint64)  # y is 0 off the partial rows
    args = _trace_args(steps)
    s = np.array(state, dtype=np.uint64)
    sponge_trace_kernel(s, np.ascontiguousarray(blocks, dtype=np.uint64), np.uint64(length), hp.LANE_LENGTH,
                        *args, ppr, out)
    if trace_blocks > nb:  # the padding blocks are all one permutation of zero
        trace_kernel(np.zeros((1, 16), dtype=np.uint64), *args, ppr, out[:, nb:nb + 1])
        out[:, nb + 1:] = out[:, nb:nb + 1]
    return out.reshape(16 + ppr, -1), s[: hp.OUTPUT_ELEMENTS].copy()


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
    """The fastest permutation available: compiled if possible, else the NumPy
    one tuned for small batches (small_batch.permute, equal to reference.permute)."""
    from .small_batch import permute

    return compiled_permute() or permute
