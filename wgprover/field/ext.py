"""Binomial extension fields F[u]/(u^d - W), vectorised over arrays of shape (..., d).

Goldilocks uses d = 2, W = 7; BabyBear uses d = 4, W = 11 (docs/ARCHITECTURE.md §2).
Coefficient i of an element is the coefficient of u^i.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .power import square_and_multiply


class Ext:
    """Extension-field arithmetic over a base field module (goldilocks/babybear)."""

    def __init__(self, base: ModuleType, degree: int, w: int) -> None:
        self.base = base
        self.d = degree
        self.w = w
        self.dtype = base.DTYPE
        self.name = f"{base.NAME}^{degree}"

    # -- constructors ---------------------------------------------------------
    def zeros(self, shape=()) -> np.ndarray:
        return np.zeros(tuple(np.atleast_1d(shape)) + (self.d,) if shape != () else (self.d,), dtype=self.dtype)

    def from_base(self, a) -> np.ndarray:
        a = self.base.asarray(a)
        out = np.zeros(a.shape + (self.d,), dtype=self.dtype)
        out[..., 0] = a
        return out

    def one(self) -> np.ndarray:
        return self.from_base(np.array(1, dtype=self.dtype))

    def random(self, rng: np.random.Generator, shape) -> np.ndarray:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return self.base.random(rng, shape + (self.d,))

    # -- ring operations ------------------------------------------------------
    def add(self, a, b):
        return self.base.add(a, b)

    def sub(self, a, b):
        return self.base.sub(a, b)

    def neg(self, a):
        return self.base.neg(a)

    def mul_base(self, a, s):
        """Extension element times base-field scalar (broadcast over the last axis)."""
        return self.base.mul(a, self.base.asarray(s)[..., None])

    def mul(self, a, b):
        a = self.base.asarray(a)
        b = self.base.asarray(b)
        if a.shape == b.shape == (self.d,):
            return self._mul_one(a, b)
        return self._mul_vec(a, b)

    def _mul_one(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """One element times one in Python integers: the verifier's scalar steps
        (zerocheck, sumcheck claims) cost ~0.1 ms each through NumPy's per-call
        overhead and ~3 us here (docs/BENCHMARKS.md "Where `wgprove verify`
        spends its time"). Same canonical result as ``_mul_vec``."""
        x, y, d, p = a.tolist(), b.tolist(), self.d, self.base.P
        acc = [0] * (2 * d - 1)
        for i, xi in enumerate(x):
            for j, yj in enumerate(y):
                acc[i + j] += xi * yj
        out = [(acc[i] + self.w * acc[i + d]) % p for i in range(d - 1)] + [acc[d - 1] % p]
        return np.array(out, dtype=self.dtype)

    def _mul_vec(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Schoolbook product, coefficient by coefficient, then u^d = W."""
        F, d = self.base, self.d
        shape = np.broadcast_shapes(a.shape, b.shape)
        acc = [np.zeros(shape[:-1], dtype=self.dtype) for _ in range(2 * d - 1)]
        for i in range(d):
            for j in range(d):
                acc[i + j] = F.add(acc[i + j], F.mul(a[..., i], b[..., j]))
        w = np.array(self.w, dtype=self.dtype)
        out = np.empty(shape, dtype=self.dtype)
        for i in range(d):
            v = acc[i]
            if i + d < 2 * d - 1:
                v = F.add(v, F.mul(acc[i + d], w))
            out[..., i] = v
        return out

    def sqr(self, a):
        return self.mul(a, a)

    def pow(self, a, e: int):
        a = self.base.asarray(a)
        return square_and_multiply(a, e, np.broadcast_to(self.one(), a.shape).copy(), self.mul, self.sqr)

    def inv(self, a):
        """Inverse as a^(q-2) with q = p^d; inv(0) = 0."""
        return self.pow(a, self.base.P ** self.d - 2)

    def eq(self, a, b) -> np.ndarray:
        return np.all(self.base.asarray(a) == self.base.asarray(b), axis=-1)

    # -- conversions ----------------------------------------------------------
    def to_ints(self, a) -> list:
        """Nested Python ints, for the big-integer oracle and printing."""
        return np.asarray(a).astype(object).tolist()
