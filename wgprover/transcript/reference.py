"""The Fiat-Shamir transcript: a field-native hemera duplex (PROTOCOL.md §4).

State: 16 Goldilocks lanes, initially zero with lane 11 = DOMAIN_TRANSCRIPT.

- ``absorb(elems)``: append the element 1 and zeros up to a multiple of 8 (an
  injective padding); for each block of 8, add it into lanes 0..7 and permute.
- ``squeeze_lanes(k)``: for each block of 8 output lanes: lane 8 += 1, permute,
  output lanes 0..7 (the first k are used).
- Extension challenges: Goldilocks Fp2 takes one lane per coefficient; BabyBear
  Fp4 takes two lanes per coefficient, (l0 + l1·2^64) mod p (bias < 2^-90).
- Query indices: the low 32 bits of a lane, masked to a power-of-two range.
- Proof of work (``grind``): the smallest nonce such that absorbing [nonce]
  leaves lane 0 with its low ``bits`` bits zero; the nonce is then absorbed.

The GPU twin is shaders/transcript.wgsl (wgprover/transcript/gpu.py).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..field import Field
from ..field import goldilocks as gl
from ..hemera import reference as hemera
from ..hemera.scalar import permute_one

DOMAIN_TRANSCRIPT = 0x20
LANE_SQUEEZE = 8
LANE_DOMAIN = 11
RATE = 8
TAG = b"wgprover-1"


def tag_elements() -> np.ndarray:
    """The domain tag as Goldilocks elements (7 bytes each, little-endian)."""
    padded = TAG + b"\0" * (-len(TAG) % 7)
    return np.array([int.from_bytes(padded[i : i + 7], "little") for i in range(0, len(padded), 7)], dtype=np.uint64)


def pad(elems: np.ndarray) -> np.ndarray:
    m = elems.size
    blocks = -(-(m + 1) // RATE)
    out = np.zeros(blocks * RATE, dtype=np.uint64)
    out[:m] = elems
    out[m] = 1
    return out.reshape(blocks, RATE)


class Transcript:
    """NumPy hemera duplex transcript. ``permute`` maps one uint64 state to the
    next: permute_one (compiled where numba is, for the reference prover and the
    verifier) or permute_pure (the GPU prover's few host permutations, without
    numba's start-up; docs/ARCHITECTURE.md "Start-up"). Same outputs."""

    def __init__(self, field: Field, permute: Callable[[np.ndarray], np.ndarray] = permute_one) -> None:
        self.field = field
        self.permute = permute
        self.state = np.zeros(16, dtype=np.uint64)
        self.state[LANE_DOMAIN] = DOMAIN_TRANSCRIPT

    def copy(self) -> "Transcript":
        t = Transcript(self.field, self.permute)
        t.state = self.state.copy()
        return t

    def _permute(self) -> None:
        self.state = self.permute(self.state)

    # -- absorbing ----------------------------------------------------------------
    def absorb(self, elems) -> None:
        """Absorb Goldilocks elements (BabyBear values embed unchanged)."""
        e = gl.check(np.asarray(elems, dtype=np.uint64).reshape(-1), "transcript input")
        for block in pad(e):
            self.state[:RATE] = gl.add(self.state[:RATE], block)
            self._permute()

    def absorb_field(self, values) -> None:
        """Absorb base- or extension-field values (flattened, canonical)."""
        self.absorb(np.asarray(values).astype(np.uint64).reshape(-1))

    # -- squeezing ----------------------------------------------------------------
    def squeeze_lanes(self, k: int) -> np.ndarray:
        out = []
        while len(out) < k:
            self.state[LANE_SQUEEZE] = gl.add(self.state[LANE_SQUEEZE : LANE_SQUEEZE + 1], np.ones(1, np.uint64))[0]
            self._permute()
            out.extend(self.state[:RATE].tolist())
        return np.array(out[:k], dtype=np.uint64)

    def challenges(self, count: int) -> np.ndarray:
        """``count`` extension-field challenges, shape (count, d)."""
        f = self.field
        d = f.ext_degree
        if f.name == "goldilocks":
            return self.squeeze_lanes(count * d).reshape(count, d)
        lanes = self.squeeze_lanes(count * d * 2).reshape(count * d, 2)
        return reduce_lane_pairs(lanes, f.p).astype(np.uint32).reshape(count, d)

    def indices(self, count: int, log_range: int) -> np.ndarray:
        lanes = self.squeeze_lanes(count)
        mask = (1 << log_range) - 1
        return ((lanes & np.uint64(0xFFFF_FFFF)) & np.uint64(mask)).astype(np.int64)

    # -- proof of work ------------------------------------------------------------
    def pow_ok(self, nonces: np.ndarray, bits: int) -> np.ndarray:
        states = np.repeat(self.state[None, :], nonces.size, axis=0)
        states[:, 0] = gl.add(states[:, 0], nonces.astype(np.uint64))
        states[:, 1] = gl.add(states[:, 1], np.ones(nonces.size, np.uint64))
        out = hemera.permute(states)
        mask = np.uint64((1 << bits) - 1)
        return (out[:, 0] & mask) == 0

    def grind(self, bits: int, batch: int = 1 << 14) -> int:
        """Find the smallest nonce (vectorised search), absorb it, return it."""
        start = 0
        while bits > 0:
            nonces = np.arange(start, start + batch, dtype=np.uint64)
            ok = np.flatnonzero(self.pow_ok(nonces, bits))
            if ok.size:
                nonce = int(nonces[ok[0]])
                break
            start += batch
            if start >= 1 << 32:
                raise RuntimeError("proof-of-work: no nonce below 2^32")
        else:
            nonce = 0
        self.absorb(np.array([nonce], dtype=np.uint64))
        return nonce


def reduce_lane_pairs(lanes: np.ndarray, p: int) -> np.ndarray:
    """(l0 + l1 * 2^64) mod p for rows (l0, l1) of Goldilocks lanes, vectorised."""
    r32 = (1 << 32) % p
    r64 = (1 << 64) % p
    lo = lanes & np.uint64(0xFFFF_FFFF)
    hi = lanes >> np.uint64(32)
    # each lane: (hi * 2^32 + lo) mod p, with every product < 2^63
    lane_mod = (hi % np.uint64(p) * np.uint64(r32) + lo % np.uint64(p)) % np.uint64(p)
    return (lane_mod[:, 0] + lane_mod[:, 1] * np.uint64(r64) % np.uint64(p)) % np.uint64(p)
