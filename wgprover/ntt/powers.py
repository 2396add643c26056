"""Constant tables of powers made on the GPU from O(sqrt N) host seeds (docs/NTT.md §7).

A table entry is s·w^e for an exponent e that the table's layout gives per
index (``PLAIN``, ``STAGE`` twiddles, ``BITREV``). With e = a·2^log_b + b the
kernel (shaders/powers.wgsl, entry ``powers``) multiplies two seeds,
``lo[b] = s·w^b`` and ``hi[a] = w^(a·2^log_b)`` (prepared), with
``fe_mul_prepared``; the host computes only the 2^log_b + N/2^log_b seeds.
The result is in ``lo``'s form: prepared seeds make a prepared table (what
the NTT reads), canonical ones a canonical table. The Basefold fold kernels
make H[t] from its canonical seeds the same way, without the table.

``expand`` is the NumPy twin of the kernel, ``record_expand`` its recording
wrapper, ``build`` records a table into its own submitted command buffer
(queue order puts it before any later use; no host sync), and ``seeds``
makes the two seed vectors. Field arithmetic is exact, so the tables are
bit-identical to the NumPy-built ones (tests/test_powers.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wgprover.field import Field
from wgprover.gpu.recorder import u32s

from .reference import bitrev_of, powers

PLAIN, STAGE, BITREV = 0, 1, 2  # PowersParams.mode in shaders/powers.wgsl
WG = 64  # @workgroup_size of powers


@dataclass(frozen=True)
class Seeds:
    """lo[b] = s·w^b (b < 2^log_b) and hi[a] = prepared w^(a·2^log_b)."""

    lo: np.ndarray
    hi: np.ndarray
    log_b: int


def root(field: Field, log_n: int, inverse: bool = False) -> int:
    """ω_(2^log_n) (``Field.base.root_of_unity``) or its inverse, by Python integer
    arithmetic: microseconds, where the NumPy square-and-multiply on one
    element takes tens of milliseconds (Goldilocks)."""
    w = field.base.GENERATOR
    if not 0 <= log_n <= field.base.TWO_ADICITY:
        raise ValueError(f"{field.name} has no 2^{log_n}-th root of unity")
    w = pow(w, (field.p - 1) >> log_n, field.p)
    return pow(w, -1, field.p) if inverse else w


def seeds(field: Field, w: int, log_e: int, scale: int = 1, prepared: bool = True) -> Seeds:
    """Seeds for every exponent below 2^log_e of s·w^e (s = ``scale``), in
    prepared form when ``prepared`` (else canonical)."""
    F = field.base
    log_b = (log_e + 1) // 2
    lo = F.mul(powers(field, w, 1 << log_b), np.array([scale % field.p], dtype=field.dtype))
    step = pow(w, 1 << log_b, field.p)
    hi = F.prepared(powers(field, step, 1 << (log_e - log_b)))
    return Seeds(F.prepared(lo) if prepared else lo, hi, log_b)


def exponents(mode: int, bits: int, idx: np.ndarray) -> np.ndarray:
    """The exponent of each entry index in ``idx`` of a table laid out by ``mode`` (int64)."""
    i = np.asarray(idx, dtype=np.int64)
    if mode == STAGE:  # i = h + j, h = 2^lh the highest power of two <= i
        one = np.maximum(i, 1)
        lh = np.floor(np.log2(one)).astype(np.int64)
        lh += (2 << lh) <= one  # float log2 rounds up just below a power of two
        lh -= (1 << lh) > one
        return np.where(i == 0, 0, (one - (1 << lh)) << np.maximum(bits - 1 - lh, 0))
    if mode == BITREV:
        return bitrev_of(i, bits)
    return i


def _mul_prepared(field: Field, a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Twin of fe_mul_prepared: a·c / prepared(1) (prepared(1) is 1 or 2^32 mod p)."""
    F = field.base
    unprep = F.inv(F.prepared(np.ones(1, dtype=field.dtype)))
    return F.mul(F.mul(a, c), unprep)


def expand(field: Field, sd: Seeds, mode: int, bits: int, count: int) -> np.ndarray:
    """NumPy twin of the ``powers`` kernel: out[i] = lo[e mod 2^log_b] ⊗ hi[e >> log_b]."""
    e = exponents(mode, bits, np.arange(count))
    return _mul_prepared(field, sd.lo[e & ((1 << sd.log_b) - 1)], sd.hi[e >> sd.log_b])


def record_expand(rec, field: Field, lo, hi, out, log_b: int, mode: int, bits: int, count: int) -> None:
    """Record the ``powers`` kernel: ``count`` entries into ``out`` from the seed buffers."""
    k = rec.ctx.kernel(field, ["seed_power", "powers"], "powers", {"WG": WG})
    rec.dispatch(k, [lo, hi, out, u32s(count, log_b, mode, bits)], -(-count // WG))


def build(ctx, field: Field, sd: Seeds, mode: int, bits: int, count: int, label: str):
    """A new device buffer holding ``expand(field, sd, mode, bits, count)``,
    recorded and submitted on its own (no readback, no sync)."""
    lo, hi = ctx.upload(sd.lo, label=f"{label}-lo"), ctx.upload(sd.hi, label=f"{label}-hi")
    out = ctx.buffer(count * field.base.BYTES, label=label)
    rec = ctx.recorder(label=label)
    record_expand(rec, field, lo, hi, out, sd.log_b, mode, bits, count)
    rec.submit()
    return out
