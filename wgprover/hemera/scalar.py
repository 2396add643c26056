"""hemera permutation on one state in Python integers.

The transcript and the verifier permute one state at a time, where NumPy's
per-call overhead dominates; this straight-line version is ~50x faster there
and doubles as a big-integer oracle for the vectorised reference (tests).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import params as hp

P = hp.P


@lru_cache(maxsize=1)
def _constants() -> tuple[list[list[int]], list[int], list[list[int]], list[int]]:
    """(first full-round constants per round, partial-round constants, last
    full-round constants per round, the internal diagonal), as Python ints."""
    rc = [int(x) for x in hp.round_constants()]
    w, half = hp.WIDTH, hp.ROUNDS_F_HALF
    full = [rc[r * w : r * w + w] for r in range(hp.ROUNDS_F)]
    return full[:half], rc[hp.ROUNDS_F * w :], full[half:], [int(x) for x in hp.MATRIX_DIAG_16]


def _external(s: list[int]) -> list[int]:
    """M_E = circ(2 M4, M4, M4, M4), unreduced: from lanes below 2^64 the outputs
    stay below 35 * 2^64, and every consumer reduces (the S-box, the partial
    rounds, the final ``% P``), saving 16 reductions per round. Written out
    lane by lane: ~35% faster than loops over the four blocks."""
    a0, b0, c0, d0, a1, b1, c1, d1, a2, b2, c2, d2, a3, b3, c3, d3 = s
    t0, t1, t2, t3 = a0 + b0 + c0 + d0, a1 + b1 + c1 + d1, a2 + b2 + c2 + d2, a3 + b3 + c3 + d3
    # M4 rows (2 3 1 1), (1 2 3 1), (1 1 2 3), (3 1 1 2) = t + (a + 2b, b + 2c, c + 2d, d + 2a)
    y = (t0 + a0 + 2 * b0, t0 + b0 + 2 * c0, t0 + c0 + 2 * d0, t0 + d0 + 2 * a0,
         t1 + a1 + 2 * b1, t1 + b1 + 2 * c1, t1 + c1 + 2 * d1, t1 + d1 + 2 * a1,
         t2 + a2 + 2 * b2, t2 + b2 + 2 * c2, t2 + c2 + 2 * d2, t2 + d2 + 2 * a2,
         t3 + a3 + 2 * b3, t3 + b3 + 2 * c3, t3 + c3 + 2 * d3, t3 + d3 + 2 * a3)
    col = [y[i] + y[4 + i] + y[8 + i] + y[12 + i] for i in range(4)] * 4
    return [a + b for a, b in zip(y, col)]


def inverse_int(x: int) -> int:
    """x^(p-2) (so 0 -> 0) by CPython's modular inverse, ~4x faster than pow(x, p - 2, p)."""
    return pow(x, -1, P) if x else 0


def inverse_batch(vals: list[int]) -> list[int]:
    """``inverse_int`` of every canonical value (0 -> 0) by Montgomery's trick:
    prefix products, one modular inverse, then back to front
    inv_i = pre_i (x_i ... x_n)^-1. Zeros are inverted as 1 and set back to 0
    afterwards, so the loops carry no branch (~0.55 us a value)."""
    given, has_zero = vals, 0 in vals
    if has_zero:
        vals = [v or 1 for v in vals]
    p, pre, acc = P, [], 1
    for v in vals:
        pre.append(acc)
        acc = acc * v % p
    inv = pow(acc, -1, p)
    out = [0] * len(vals)
    for i in range(len(vals) - 1, -1, -1):
        out[i] = inv * pre[i] % p
        inv = inv * vals[i] % p
    if has_zero:
        out = [o if v else 0 for o, v in zip(out, given)]
    return out


def permute_int(state) -> list[int]:
    """The hemera permutation of one 16-lane state (ints or uint64 array);
    canonical outputs. Lanes may exceed p between rounds (see _external, and
    the partial rounds reduce every other round)."""
    first, partial, last, diag = _constants()
    s = _external([int(x) for x in state])
    for rc in first:
        s = _external(_sbox7(s, rc))
    for r, c in enumerate(partial):
        s[0] = inverse_int((s[0] + c) % P)
        total = sum(s)
        if r & 1:
            s = [(d * x + total) % P for d, x in zip(diag, s)]
        else:  # unreduced every other round: lanes < 2^129, products < 2^193
            s = [d * x + total for d, x in zip(diag, s)]
    for rc in last:
        s = _external(_sbox7(s, rc))
    return [x % P for x in s]


def _sbox7(s: list[int], rc: list[int]) -> list[int]:
    """(x + rc)^7 mod p lane by lane for unreduced x: (y^2 mod p)^3 * y as one
    product, ~3x faster than pow(y, 7, P), and no reduction of x + rc first."""
    out = []
    for x, c in zip(s, rc):
        y = x + c
        y2 = y * y % P
        out.append(y2 * y2 * y2 * y % P)
    return out


def permute_pure(state: np.ndarray) -> np.ndarray:
    """One uint64 state by permute_int, never importing numba: the choice of a
    process that permutes only a handful of states, such as the GPU prover's
    host transcript (docs/ARCHITECTURE.md "Start-up")."""
    return np.array(permute_int(state.tolist()), dtype=np.uint64)


def permute_one(state: np.ndarray) -> np.ndarray:
    """One uint64 state (the transcript's duplex): the compiled permutation where
    numba is available (hemera/compiled.py; the Python version costs
    ~0.3-0.5 ms per state), else permute_pure. Importing numba and loading the
    compiled function costs 0.4-0.9 s once per process: it pays for the
    reference prover and the verifier, which permute thousands of states."""
    from .compiled import compiled_permute

    fast = compiled_permute()
    if fast is not None:
        return fast(state)
    return permute_pure(state)
