"""Square-and-multiply, shared by the base fields, the extensions and the AIR
evaluators (NumPy values and generated WGSL expressions alike)."""

from __future__ import annotations

from typing import Callable


def square_and_multiply(a, e: int, one, mul: Callable, sqr: Callable):
    """a^e for one Python-int exponent e >= 0 over any algebra given by ``mul``
    and ``sqr``; ``one`` (a's shape for arrays) is returned for e = 0. Never
    multiplies by one nor squares past the top bit, so code generators emit
    only the operations needed (for e = 1 the result is ``a`` itself)."""
    result = None
    base = a
    e = int(e)
    while e:
        if e & 1:
            result = base if result is None else mul(result, base)
        e >>= 1
        if e:
            base = sqr(base)
    return one if result is None else result
