"""Intentional modular wrap-around in NumPy integer arithmetic.

The field modules compute with wrapping uint32/uint64 arithmetic on purpose;
NumPy warns when the operands are scalars (0-d), so the functions run under
an errstate that silences exactly that.
"""

from __future__ import annotations

import functools

import numpy as np


def wrapping(fn):
    """Run ``fn`` with integer overflow/underflow warnings silenced."""

    @functools.wraps(fn)
    def inner(*args):
        with np.errstate(over="ignore", under="ignore"):
            return fn(*args)

    return inner
