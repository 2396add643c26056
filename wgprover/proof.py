"""The proof byte layout (PROTOCOL.md §7): a fixed header, then a body whose every
offset follows from the header alone, so the GPU prover can write each item in
place and the verifier can parse strictly (exact length, canonical values)."""

from __future__ import annotations

import functools

import struct
from dataclasses import dataclass

import numpy as np

from .field import Field, field_from_code
from .pcs.basefold.config import BasefoldParams, Schedule

MAGIC = b"WGPROOF1"
VERSION = 1
HEADER_FMT = "<8sIIIIIIIIIIII"  # magic, version, field, n, w, R, k, q, pow, final_log, D, security, npub
HEADER_FIXED = struct.calcsize(HEADER_FMT)  # 56
DIGEST_BYTES = 32


class ProofFormatError(ValueError):
    """The bytes are not a well-formed wgprover-1 proof."""


@dataclass(frozen=True)
class Statement:
    field: Field
    n: int
    width: int
    degree: int  # zerocheck round-polynomial degree D
    air_digest: bytes
    public: np.ndarray  # canonical field values (uint64 storage)
    params: BasefoldParams
    security_bits: int

    def header_words(self) -> list[int]:
        """The statement as transcript elements (after the tag), PROTOCOL.md §4."""
        p = self.params
        words = [VERSION, self.field.code, self.n, self.width, p.log_blowup, p.fold, p.queries,
                 p.pow_bits, p.final_log, self.degree, len(self.public)]
        words += list(np.frombuffer(self.air_digest, dtype="<u8").astype(object))
        words += [int(v) for v in self.public]
        return [int(x) for x in words]

    def header_bytes(self) -> bytes:
        p = self.params
        head = struct.pack(HEADER_FMT, MAGIC, VERSION, self.field.code, self.n, self.width, p.log_blowup, p.fold,
                           p.queries, p.pow_bits, p.final_log, self.degree, self.security_bits, len(self.public))
        return head + self.air_digest + np.asarray(self.public, dtype="<u8").tobytes()


class Layout:
    """Byte offsets of every body item, read off the protocol description
    (``protocol.describe``, the one place the item order is written)."""

    def __init__(self, plan) -> None:
        self.plan = plan  # protocol.Plan
        self.st: Statement = plan.st
        self.sched: Schedule = plan.sched
        self.total: int = plan.total
        self.offsets = {it.name: it.offset for it in plan.items}

    def leaf_elems(self, i: int) -> int:
        """Base-field elements in one leaf of layer i."""
        return self.plan.opening.queries[i].leaf_elems

    def path_len(self, i: int) -> int:
        return self.plan.opening.queries[i].path_len


def layout(st: Statement) -> Layout:
    from .protocol import describe  # the spine imports this module for Statement

    return Layout(describe(st))


def air_digest(air) -> bytes:
    """hemera hash of the AIR's canonical bytes (PROTOCOL.md §2)."""
    return _digest_of(air.canonical_bytes())


@functools.lru_cache(maxsize=64)
def _digest_of(canonical: bytes) -> bytes:
    # ~30 ms of scalar hemera per AIR: worth remembering across proofs of one AIR
    from .hemera import reference as hemera

    return hemera.hash(canonical)


def parse_header(data: bytes) -> tuple[Statement, int]:
    """Parse and sanity-check the header; returns the statement and the body offset."""
    if len(data) < HEADER_FIXED + DIGEST_BYTES:
        raise ProofFormatError(f"truncated: {len(data)} bytes is shorter than a proof header")
    magic, ver, fcode, n, w, R, k, q, pw, fl, D, sec, npub = struct.unpack_from(HEADER_FMT, data)
    if magic != MAGIC:
        raise ProofFormatError("not a wgprover proof (bad magic)")
    if ver != VERSION:
        raise ProofFormatError(f"unsupported proof version {ver} (this build reads {VERSION})")
    try:
        f = field_from_code(fcode)
    except ValueError as e:
        raise ProofFormatError(str(e)) from None
    if not (1 <= n <= 30 and 1 <= w <= 4096 and 1 <= D <= 64 and npub <= 4096):
        raise ProofFormatError(f"implausible statement sizes (n={n}, w={w}, degree={D}, public={npub})")
    params = BasefoldParams(log_blowup=R, fold=k, queries=q, pow_bits=pw, final_log=fl)
    try:
        params.validate()
    except ValueError as e:
        raise ProofFormatError(f"bad parameters: {e}") from None
    off = HEADER_FIXED
    digest = data[off : off + DIGEST_BYTES]
    off += DIGEST_BYTES
    if len(data) < off + 8 * npub:
        raise ProofFormatError("truncated in the public inputs")
    public = np.frombuffer(data, dtype="<u8", count=npub, offset=off).astype(np.uint64)
    if np.any(public >= np.uint64(f.p)):
        raise ProofFormatError("non-canonical public input")
    off += 8 * npub
    st = Statement(field=f, n=n, width=w, degree=D, air_digest=bytes(digest), public=public, params=params,
                   security_bits=sec)
    return st, off
