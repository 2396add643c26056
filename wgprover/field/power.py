"""Square-and-multiply, shared by the base fields and the extensions."""

from __future__ import annotations

from typing import Callable

import numpy as np


def square_and_multiply(a: np.ndarray, e: int, one: np.ndarray, mul: Callable, sqr: Callable) -> np.ndarray:
    """a^e (element-wise, one Python-int exponent e >= 0); ``one`` has a's shape."""
    result = one
    base = a
    e = int(e)
    while e > 0:
        if e & 1:
            result = mul(result, base)
        base = sqr(base)
        e >>= 1
    return result
