"""BabyBear field p = 2^31 - 2^27 + 1 = 15 * 2^27 + 1, vectorised over ``np.uint32``.

Host and GPU both keep elements canonical (< p, not Montgomery form); the GPU
module uses a Montgomery reduction internally (see shaders/field_babybear.wgsl).
"""

from __future__ import annotations

import numpy as np

from .common import derived
from .wrapping import wrapping

NAME = "babybear"
P = 15 * (1 << 27) + 1
DTYPE = np.uint32
BYTES = 4
GENERATOR = 31
TWO_ADICITY = 27

_P64 = np.uint64(P)
_P32 = np.uint32(P)


def asarray(x) -> np.ndarray:
    return np.asarray(x, dtype=np.uint32)


def check(x: np.ndarray, what: str = "value") -> np.ndarray:
    """Return ``x`` as uint32, raising ValueError if any element is >= p or < 0."""
    a = np.asarray(x)
    if a.dtype.kind == "i" and a.size and np.any(a < 0):
        raise ValueError(f"{what}: negative value is not a BabyBear element")
    if a.dtype == np.uint32 and (not a.size or a.max() < _P32):  # fast path: one pass
        return a
    flat = a.reshape(-1)
    bad = np.flatnonzero(flat.astype(np.uint64) >= _P64) if a.dtype.itemsize > 4 or a.dtype.kind != "u" else np.flatnonzero(flat >= _P32)
    if bad.size:
        raise ValueError(
            f"{what}: non-canonical BabyBear element {int(flat[bad[0]])} "
            f"at flat index {int(bad[0])} (must be < p = {P})"
        )
    return a.astype(np.uint32)


@wrapping
def add(a, b):
    s = asarray(a).astype(np.uint64) + asarray(b)
    return np.where(s >= _P64, s - _P64, s).astype(np.uint32)


@wrapping
def sub(a, b):
    a = asarray(a)
    b = asarray(b)
    return np.where(a >= b, a - b, a + (_P32 - b)).astype(np.uint32)


@wrapping
def neg(a):
    a = asarray(a)
    return np.where(a == 0, a, _P32 - a).astype(np.uint32)


def mul(a, b):
    return ((asarray(a).astype(np.uint64) * asarray(b).astype(np.uint64)) % _P64).astype(np.uint32)


def prepared(c) -> np.ndarray:
    """Constants in the form ``fe_mul_prepared`` takes (shaders/field_babybear.wgsl):
    Montgomery form c·2^32 mod p, so that multiplying by a table constant costs
    one Montgomery reduction on the GPU instead of two."""
    return ((asarray(c).astype(np.uint64) << np.uint64(32)) % _P64).astype(np.uint32)


sqr, pow, inv, batch_inv, root_of_unity = derived("BabyBear", P, GENERATOR, TWO_ADICITY, asarray, mul)


def random(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(0, P, size=shape, dtype=np.uint32, endpoint=False)


def edge_values() -> np.ndarray:
    vals = [0, 1, 2, P - 1, P - 2, 2**27, 2**27 - 1, 2**30, 2**31 - 2**27, 2**16, 2**16 - 1, P // 2, P // 2 + 1]
    return np.array(sorted(set(v % P for v in vals)), dtype=np.uint32)
