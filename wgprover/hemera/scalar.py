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
def _constants() -> tuple[list[int], list[int], list[int]]:
    rc = [int(x) for x in hp.round_constants()]
    nf = hp.ROUNDS_F * hp.WIDTH
    return rc[:nf], rc[nf:], [int(x) for x in hp.MATRIX_DIAG_16]


def _m4(a: int, b: int, c: int, d: int) -> tuple[int, int, int, int]:
    return 2 * a + 3 * b + c + d, a + 2 * b + 3 * c + d, a + b + 2 * c + 3 * d, 3 * a + b + c + 2 * d


def _external(s: list[int]) -> list[int]:
    y = []
    for k in range(4):
        y.extend(_m4(*s[4 * k : 4 * k + 4]))
    col = [y[i] + y[4 + i] + y[8 + i] + y[12 + i] for i in range(4)]
    return [(y[i] + col[i % 4]) % P for i in range(16)]


def inverse_int(x: int) -> int:
    """x^(p-2) (so 0 -> 0) by CPython's modular inverse, ~8x faster than pow(x, p - 2, p)."""
    return pow(x, -1, P) if x else 0


def permute_int(state) -> list[int]:
    """The hemera permutation of one 16-lane state (ints or uint64 array)."""
    full, partial, diag = _constants()
    s = [int(x) % P for x in state]
    s = _external(s)
    w = hp.WIDTH
    for r in range(hp.ROUNDS_F_HALF):
        s = _external(_sbox7(s, full[r * w : r * w + w]))
    for r in range(hp.ROUNDS_P):
        s[0] = inverse_int((s[0] + partial[r]) % P)
        total = sum(s)
        s = [(d * x + total) % P for d, x in zip(diag, s)]
    for r in range(hp.ROUNDS_F_HALF, hp.ROUNDS_F):
        s = _external(_sbox7(s, full[r * w : r * w + w]))
    return s


def _sbox7(s: list[int], rc: list[int]) -> list[int]:
    """(x + rc)^7 lane by lane; (y^2)^3 * y as one product is ~3x faster than pow(y, 7, P)."""
    out = []
    for x, c in zip(s, rc):
        y = (x + c) % P
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
