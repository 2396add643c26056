"""What both prime fields derive from their multiplication (docs/ARCHITECTURE.md §2).

A field module defines its representation (``asarray``, ``add``, ``mul``...)
and takes ``sqr, pow, inv, batch_inv, root_of_unity`` from :func:`derived`,
so the two fields cannot drift apart in these.
"""

from __future__ import annotations

import builtins
from typing import Callable

import numpy as np

from .power import square_and_multiply


def derived(name: str, p: int, generator: int, two_adicity: int, asarray: Callable, mul: Callable):
    """(sqr, pow, inv, batch_inv, root_of_unity) of the prime field with ``mul``."""

    def sqr(a):
        return mul(a, a)

    def pow(a, e: int):  # noqa: A001 - the field interface's name (ARCHITECTURE.md §2)
        """a^e for a Python integer exponent e >= 0 (same exponent for all elements)."""
        a = asarray(a)
        if a.size == 1:  # a proof's constants: Python's pow, not ~100 NumPy calls (ARCHITECTURE.md §4 "Start-up")
            return np.full_like(a, builtins.pow(int(a.flat[0]), int(e), p))
        return square_and_multiply(a, e, np.ones_like(a), mul, sqr)

    def inv(a):
        """Multiplicative inverse by Fermat; inv(0) is defined as 0."""
        return pow(a, p - 2)

    def batch_inv(a):
        """Element-wise inverse (zeros map to zero): Montgomery's trick over a
        product tree, so about three multiplications per element and one Fermat
        inversion, vectorised per tree level. Inverses are unique, so this equals
        ``inv`` and is the reference for the GPU's batch inversion."""
        return _tree_batch_inv(asarray(a), mul, inv)

    def root_of_unity(log_n: int) -> int:
        """Primitive 2^log_n-th root of unity: generator^((p-1)/2^log_n)."""
        if not 0 <= log_n <= two_adicity:
            raise ValueError(f"{name} has no 2^{log_n}-th root of unity")
        return builtins.pow(generator, (p - 1) >> log_n, p)

    return sqr, pow, inv, batch_inv, root_of_unity


def _tree_batch_inv(a: np.ndarray, mul: Callable, inv: Callable) -> np.ndarray:
    """Inverses of ``a`` (0 -> 0): products up a binary tree (odd levels padded
    with one), one inversion of the root, then each child's inverse is its
    parent's inverse times its sibling."""
    flat = a.reshape(-1)
    zero = flat == 0
    one = np.ones(1, dtype=a.dtype)
    level = np.where(zero, one, flat)
    levels = []
    while level.size > 1:
        if level.size % 2:
            level = np.concatenate([level, one])
        levels.append(level)
        level = mul(level[0::2], level[1::2])
    up = inv(level)
    for level in reversed(levels):
        up = up[: level.size // 2]  # the parent level may carry a padding one
        down = np.empty_like(level)
        down[0::2] = mul(up, level[1::2])
        down[1::2] = mul(up, level[0::2])
        up = down
    out = up[: flat.size] if flat.size else flat.copy()
    out[zero] = 0
    return out.reshape(a.shape)
