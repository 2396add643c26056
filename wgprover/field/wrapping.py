"""Intentional modular wrap-around in NumPy integer arithmetic.

The field modules compute with wrapping uint32/uint64 arithmetic on purpose.
NumPy warns only when the operands are scalars (0-d: its scalar arithmetic
checks overflow, its array loops never do), so only a call with a 0-d or
non-array argument runs under an errstate that silences exactly that: the
context manager costs as much as a few array operations, and the verifier
calls these functions thousands of times on small arrays (docs/BENCHMARKS.md
"Where `wgprove verify` spends its time").
"""

from __future__ import annotations

import functools

import numpy as np


def wrapping(fn):
    """Run ``fn`` with integer overflow/underflow warnings silenced where an
    argument is 0-d (a scalar, a Python int, a 0-d array)."""

    @functools.wraps(fn)
    def inner(*args):
        for x in args:
            if not getattr(x, "ndim", 0):
                with np.errstate(over="ignore", under="ignore"):
                    return fn(*args)
        return fn(*args)

    return inner
