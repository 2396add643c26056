"""Example traces whose rows follow a non-linear recurrence (docs/AIR.md §7).

The power map (x_{r+1} = x_r^e + c_r) and the periodic example
(a' = a k + b, b' = b + m a^2 - 3) are sequential in the row and non-linear,
so no closed form or log-depth scan exists and NumPy cannot vectorise them
over rows. From COMPILE_FROM_STEPS steps on, these loops run compiled with
numba where it is installed (chain_kernels.py: ~20-40 ns per step instead of
~0.5-1 µs in Python); below that, or without numba, they run as the
Python-integer loops that define them: importing numba and loading its cache
costs a process 0.5-1.5 s, more than a small trace takes in Python.
tests/test_examples.py checks that both give the same traces.
"""

from __future__ import annotations

import numpy as np


_U64 = np.uint64
COMPILE_FROM_STEPS = 1 << 18  # rows x columns; Python: ~0.15-0.25 s there


def _kernels():
    """The compiled kernels module, or None (few steps, or no numba)."""
    from . import chain_kernels

    return chain_kernels if chain_kernels.AVAILABLE else None


def _u64(values, p: int) -> np.ndarray:
    """Canonical uint64 copy of a sequence of integers (the kernels take one type);
    element by element, as NumPy would turn a list mixing ints >= 2^63 into float64."""
    return np.array([int(v) % p for v in values], dtype=_U64)


def power_chain(p: int, x: int, e: int, constants: list[int], rows: int) -> list[int]:
    """x_0 = x, x_{r+1} = x_r^e + c[r mod period]: ``rows`` values (Python integers)."""
    c = [v % p for v in constants] * (rows // len(constants))
    out = [0] * rows
    for r in range(rows):
        out[r] = x
        x = (pow(x, e, p) + c[r]) % p
    return out


def periodic_chain(p: int, a: int, b: int, k: list[int], m: list[int], rows: int) -> list[list[int]]:
    """Columns a, b of a' = a k_r + b, b' = b + m_r a^2 - 3 (Python integers)."""
    k, m = [v % p for v in k] * (rows // len(k)), [v % p for v in m] * (rows // len(m))
    out_a, out_b = [0] * rows, [0] * rows
    for r in range(rows):
        out_a[r], out_b[r] = a, b
        a, b = (a * k[r] + b) % p, (b + m[r] * a * a - 3) % p
    return [out_a, out_b]


def power_columns(p: int, x0, exponent: int, constants, rows: int, dtype) -> np.ndarray:
    """(w, rows): column i is x_0 = x0[i], x_{r+1} = x_r^exponent + constants[i][r mod period] (mod p)."""
    k = _kernels() if len(x0) * rows >= COMPILE_FROM_STEPS else None
    if k is None:
        return np.array([power_chain(p, x, exponent, c, rows) for x, c in zip(x0, constants)], dtype=dtype)
    out = np.empty((len(x0), rows), dtype=_U64)
    k.power_kernel(_u64(x0, p), np.stack([_u64(c, p) for c in constants]), _U64(exponent), _U64(p), out)
    return out.astype(dtype, copy=False)


def periodic_columns(p: int, a0: int, b0: int, k, m, rows: int, dtype) -> np.ndarray:
    """(2, rows): a' = a k_r + b, b' = b + m_r a^2 - 3 (mod p), from (a0, b0)."""
    kern = _kernels() if 2 * rows >= COMPILE_FROM_STEPS else None
    if kern is None:
        return np.array(periodic_chain(p, a0, b0, list(k), list(m), rows), dtype=dtype)
    out = np.empty((2, rows), dtype=_U64)
    kern.periodic_kernel(_U64(a0 % p), _U64(b0 % p), _u64(k, p), _u64(m, p), _U64(p), _U64(p - 3), out)
    return out.astype(dtype, copy=False)
