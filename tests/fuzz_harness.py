"""Seeded mutations of honest proofs for verifier fuzzing (tests/test_verifier_fuzz.py and
bench/verify_fuzz.py).

Every mutant is a (proof bytes, AIR, expected public inputs) triple that
differs from an honest one: byte flips, truncations, appended bytes, swapped
segments, a non-canonical element, another AIR, other public inputs (expected
or in the header). The verifier must reject each one and never raise
(PROTOCOL.md §5.4).
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from wgprover.air.language import Air
from wgprover.proof import HEADER_FIXED, DIGEST_BYTES, parse_header


@dataclass(frozen=True)
class Subject:
    """An honest proof and the statement it proves."""

    name: str
    proof: bytes
    air: Air
    public: dict


@dataclass(frozen=True)
class Mutant:
    kind: str
    subject: str
    data: bytes
    air: Air
    public: dict | None


def golden_subjects(golden: Path) -> list[Subject]:
    """The stored golden proofs (tests/vectors/golden/manifest.json) as subjects."""
    from wgprover.trace import read_trace

    out = []
    for c in json.loads((golden / "manifest.json").read_text())["cases"]:
        tr = read_trace(golden / c["trace"])
        out.append(Subject(c["name"], (golden / c["proof"]).read_bytes(), tr.air, dict(tr.public)))
    return out


def _flip(rng, s: Subject, _others) -> Mutant:
    b = bytearray(s.proof)
    i = int(rng.integers(len(b)))
    b[i] ^= int(rng.integers(1, 256))
    return Mutant("flip", s.name, bytes(b), s.air, s.public)


def _flips(rng, s: Subject, _others) -> Mutant:
    b = np.frombuffer(s.proof, dtype=np.uint8).copy()
    idx = rng.choice(b.size, size=int(rng.integers(2, 9)), replace=False)
    b[idx] ^= rng.integers(1, 256, size=idx.size, dtype=np.uint8)
    return Mutant("flips", s.name, b.tobytes(), s.air, s.public)


def _truncate(rng, s: Subject, _others) -> Mutant:
    return Mutant("truncate", s.name, s.proof[: int(rng.integers(len(s.proof)))], s.air, s.public)


def _append(rng, s: Subject, _others) -> Mutant:
    extra = rng.integers(0, 256, size=int(rng.integers(1, 65)), dtype=np.uint8).tobytes()
    return Mutant("append", s.name, s.proof + extra, s.air, s.public)


def _swap(rng, s: Subject, _others) -> Mutant:
    """Two equal-length, non-overlapping segments exchanged (aligned to 4 bytes half the time)."""
    n = len(s.proof)
    while True:
        size = int(rng.integers(1, min(64, n // 2) + 1))
        a, b = sorted(int(x) for x in rng.integers(0, n - size + 1, size=2))
        if rng.integers(2):
            a, b, size = a & ~3, b & ~3, max(4, size & ~3)
        if b >= a + size and b + size <= n and s.proof[a : a + size] != s.proof[b : b + size]:
            break
    p = s.proof
    return Mutant("swap", s.name, p[:a] + p[b : b + size] + p[a + size : b] + p[a : a + size] + p[b + size :], s.air,
                  s.public)


def _noncanonical(rng, s: Subject, _others) -> Mutant:
    """One body word replaced by a value >= p (element width of the field)."""
    st, body = parse_header(s.proof)
    width = st.field.base.BYTES
    off = body + DIGEST_BYTES + width * int(rng.integers((len(s.proof) - body - DIGEST_BYTES) // width))
    off -= (off - body) % width
    val = st.field.p + int(rng.integers(0, 16))
    if val >= 1 << (8 * width):
        val = (1 << (8 * width)) - 1
    raw = val.to_bytes(width, "little")
    return Mutant("noncanonical", s.name, s.proof[:off] + raw + s.proof[off + width :], s.air, s.public)


def _other_air(rng, s: Subject, others) -> Mutant:
    pool = [o for o in others if o.air.canonical_bytes() != s.air.canonical_bytes()]
    o = pool[int(rng.integers(len(pool)))]
    return Mutant("air", s.name, s.proof, o.air, o.public)


def _other_public(rng, s: Subject, _others) -> Mutant:
    st, _ = parse_header(s.proof)
    pub = dict(s.public)
    key = list(pub)[int(rng.integers(len(pub)))]
    pub[key] = (pub[key] + int(rng.integers(1, 1 << 20))) % st.field.p
    return Mutant("public", s.name, s.proof, s.air, pub)


def _header_public(rng, s: Subject, _others) -> Mutant:
    """A public input changed inside the proof's header, verified without pinning."""
    st, _ = parse_header(s.proof)
    i = int(rng.integers(len(st.public)))
    off = HEADER_FIXED + DIGEST_BYTES + 8 * i
    (v,) = struct.unpack_from("<Q", s.proof, off)
    new = (v + int(rng.integers(1, 1 << 20))) % st.field.p
    data = s.proof[:off] + struct.pack("<Q", new) + s.proof[off + 8 :]
    return Mutant("header_public", s.name, data, s.air, None)


MUTATORS: dict[str, Callable] = {
    "flip": _flip, "flips": _flips, "truncate": _truncate, "append": _append, "swap": _swap,
    "noncanonical": _noncanonical, "air": _other_air, "public": _other_public, "header_public": _header_public,
}


def mutants(subjects: list[Subject], count: int, seed: int) -> Iterator[Mutant]:
    """``count`` mutants, kinds in turn, subjects drawn at random (reproducible from ``seed``)."""
    rng = np.random.default_rng(seed)
    kinds = list(MUTATORS)
    for i in range(count):
        s = subjects[int(rng.integers(len(subjects)))]
        yield MUTATORS[kinds[i % len(kinds)]](rng, s, subjects)


@dataclass
class FuzzResult:
    total: Counter = dc_field(default_factory=Counter)
    accepted: list = dc_field(default_factory=list)  # (kind, subject, reason)
    raised: list = dc_field(default_factory=list)  # (kind, subject, exception text)
    malformed: Counter = dc_field(default_factory=Counter)  # rejections via a caught Python exception

    def merge(self, other: "FuzzResult") -> None:
        self.total.update(other.total)
        self.accepted += other.accepted
        self.raised += other.raised
        self.malformed.update(other.malformed)

    def counts(self) -> dict:
        return {"mutations": sum(self.total.values()), "by_kind": dict(self.total), "accepted": len(self.accepted),
                "raised": len(self.raised), "malformed_rejections": dict(self.malformed)}


def run(subjects: list[Subject], count: int, seed: int, verify: Callable) -> FuzzResult:
    """Verify ``count`` mutants; collects acceptances and exceptions (both must stay empty).

    ``verify(data, air, public)``: pass one with ``min_security=0`` for small test
    proofs, or the security floor rejects every mutant before any check runs."""
    res = FuzzResult()
    for m in mutants(subjects, count, seed):
        res.total[m.kind] += 1
        try:
            v = verify(m.data, m.air, m.public)
        except Exception as e:  # noqa: BLE001 - the verifier must never raise; count it
            res.raised.append((m.kind, m.subject, f"{type(e).__name__}: {e}"))
            continue
        if v.accepted:
            res.accepted.append((m.kind, m.subject, v.reason))
        elif v.reason.startswith("malformed proof"):
            res.malformed[m.kind] += 1
    return res
