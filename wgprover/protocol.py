"""The protocol spine of wgprover-1 (docs/ARCHITECTURE.md §5, docs/PROTOCOL.md §1-7).

One declared, ordered description of the proof: every item the prover sends
(name, kind, length, byte offset) and every challenge the verifier draws (name,
count, challenge slot), in transcript order. The byte layout (``proof.layout``),
the GPU prover, the NumPy prover and the verifier all walk this one
description; the sub-protocols (``sumcheck``, ``pcs.basefold``) each describe
their own segment of it and own its prove and verify functions.

Also here: the statement, the transcript start, the trace check, and the two
host-side channels (prover and verifier) that write/read an item at its offset
and absorb it into the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field

import numpy as np

from .air.evaluate import check_trace as _first_violation
from .field import Field
from .hemera.params import P as GL_P
from .hemera.scalar import permute_one
from .pcs import pcs_for
from .pcs.basefold.config import BasefoldParams, Schedule
from .proof import DIGEST_BYTES, Statement
from .security import report
from .transcript.reference import Transcript, tag_elements

# item kinds: how an item is stored, absorbed and checked
DIGEST = "digest"  # hemera digests, 4 Goldilocks words each; absorbed as such
EXT = "ext"  # extension-field elements (d base elements each); absorbed
NONCE = "nonce"  # the proof-of-work nonce, one u64 word; absorbed by grinding
LEAVES = "leaves"  # opened leaf values, base elements; not absorbed (after the last draw)
PATHS = "paths"  # Merkle sibling digests; not absorbed


class ConstraintViolation(ValueError):
    """The trace does not satisfy the AIR (row and constraint named)."""


@dataclass(frozen=True)
class Item:
    """One proof item: ``count`` units of ``kind`` at byte ``offset``."""

    name: str
    kind: str
    count: int
    offset: int
    nbytes: int

    @property
    def absorbed(self) -> bool:
        return self.kind in (DIGEST, EXT)

    @property
    def end(self) -> int:
        return self.offset + self.nbytes


@dataclass(frozen=True)
class Draw:
    """One squeeze of the transcript: ``parts`` (name, count) of challenges, in
    consecutive slots from ``slot``. Parts of one squeeze cannot be drawn apart
    (a squeeze discards the rest of its last block, docs/PROTOCOL.md §4)."""

    parts: tuple[tuple[str, int], ...]
    slot: int

    @property
    def count(self) -> int:
        return sum(c for _, c in self.parts)

    def slot_of(self, name: str) -> int:
        s = self.slot
        for nm, c in self.parts:
            if nm == name:
                return s
            s += c
        raise KeyError(name)

    def split(self, values: np.ndarray):
        """The squeezed (count, d) values as one array per part; a part of one
        challenge is (d,); a squeeze of one part returns that part alone."""
        out, s = [], 0
        for _, c in self.parts:
            out.append(values[s] if c == 1 else values[s : s + c])
            s += c
        return out[0] if len(out) == 1 else tuple(out)


@dataclass(frozen=True)
class Round:
    """One sumcheck round: the prover sends ``poly``, the verifier draws ``challenge``."""

    index: int
    poly: Item
    challenge: Draw


@dataclass
class Description:
    """Builder and result: items with offsets and draws with slots, in transcript order."""

    st: Statement
    sequence: list = dc_field(default_factory=list)  # Items and Draws, in order
    total: int = 0
    slots: int = 0

    def __post_init__(self) -> None:
        self.total = len(self.st.header_bytes())

    @property
    def fe(self) -> int:
        return self.st.field.base.BYTES

    @property
    def ef(self) -> int:
        return self.fe * self.st.field.ext_degree

    def item(self, name: str, kind: str, count: int) -> Item:
        unit = {DIGEST: DIGEST_BYTES, PATHS: DIGEST_BYTES, EXT: self.ef, NONCE: 8, LEAVES: self.fe}[kind]
        it = Item(name, kind, count, self.total, count * unit)
        assert it.nbytes % 4 == 0
        self.total += it.nbytes
        self.sequence.append(it)
        return it

    def draw(self, **parts: int) -> Draw:
        d = Draw(tuple(parts.items()), self.slots)
        self.slots += d.count
        self.sequence.append(d)
        return d

    def round(self, index: int, prefix: str, degree: int, challenge: str) -> Round:
        poly = self.item(f"{prefix}{index}", EXT, degree + 1)
        return Round(index, poly, self.draw(**{f"{challenge}{index}": 1}))


@dataclass(frozen=True)
class ZerocheckPart:
    """The zerocheck segment (docs/PROTOCOL.md §5): n rounds of degree D, then the claims."""

    rounds: tuple[Round, ...]
    claims: Item

    @property
    def rho_slot(self) -> int:
        """Slot of rho_0; rho_i follows at rho_slot + i (one draw per round, no draw between)."""
        slots = [r.challenge.slot for r in self.rounds]
        assert slots == list(range(slots[0], slots[0] + len(slots)))
        return slots[0]


@dataclass(frozen=True)
class Plan:
    """The whole proof of one statement, in transcript order (docs/PROTOCOL.md §7)."""

    st: Statement
    sched: Schedule  # the PCS's folding schedule (opening.sched)
    root0: Item  # the trace commitment (docs/PROTOCOL.md §3)
    r_alpha: Draw  # r (n challenges) and alpha: the zerocheck's point and batching
    zerocheck: ZerocheckPart
    beta_gamma: Draw  # beta (column combination) and gamma (successor weight)
    opening: object  # the PCS's own segment (pcs.basefold.spec.Opening)
    sequence: tuple  # every Item and Draw, in transcript order
    total: int

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(x for x in self.sequence if isinstance(x, Item))

    @property
    def draws(self) -> tuple[Draw, ...]:
        return tuple(x for x in self.sequence if isinstance(x, Draw))

    @property
    def challenge_slots(self) -> int:
        return sum(d.count for d in self.draws)


def describe(st: Statement) -> Plan:
    """The ordered description of a proof of ``st``: the one place the item order is written."""
    n, w = st.n, st.width
    b = Description(st)
    root0 = b.item("root0", DIGEST, 1)
    r_alpha = b.draw(r=n, alpha=1)
    rounds = tuple(b.round(i, "zc", st.degree, "rho") for i in range(n))
    zc = ZerocheckPart(rounds, b.item("claims", EXT, 2 * w))
    beta_gamma = b.draw(beta=1, gamma=1)
    opening = pcs_for(st.params).spec.describe(b, st)
    return Plan(st, opening.sched, root0, r_alpha, zc, beta_gamma, opening, tuple(b.sequence), b.total)


# -- statement, transcript start, trace check ---------------------------------------


def make_statement(field: Field, air, n: int, public, params: BasefoldParams, digest: bytes) -> Statement:
    """The statement of a proof (docs/PROTOCOL.md §1), with its security level."""
    params.validate()
    degree = air.degree + 1
    pub = air.public_values(field, public).astype(np.uint64)
    sec = report(field, n, air.width, degree, params)
    return Statement(field=field, n=n, width=air.width, degree=degree, air_digest=digest, public=pub,
                     params=params, security_bits=int(sec.bits))


def start_transcript(st: Statement, permute=permute_one) -> Transcript:
    """The transcript after the domain tag and the statement (docs/PROTOCOL.md §4);
    ``permute``: the transcript's one-state permutation (reference.Transcript)."""
    t = Transcript(st.field, permute)
    t.absorb(tag_elements())
    t.absorb(np.array(st.header_words(), dtype=np.uint64))
    return t


def check_trace(field: Field, air, trace: np.ndarray, public) -> None:
    """Raise ConstraintViolation naming the first row and constraint the trace violates."""
    bad = _first_violation(air, field, trace, public)
    if bad is not None:
        raise ConstraintViolation(str(bad))


def trace_shape(field: Field, air, trace, check: bool = True) -> tuple[np.ndarray, int]:
    """The trace (w, 2^n) and n; a bad shape is a ValueError, before any work.
    With ``check`` the values are checked canonical (a pass over the trace);
    without, they are as given (the GPU prover checks each chunk as it uploads it)."""
    trace = field.base.check(np.asarray(trace), "trace") if check else np.asarray(trace)
    if trace.ndim != 2:
        raise ValueError(f"the trace must be a (columns, rows) table, got shape {trace.shape}")
    w, N = trace.shape
    n = N.bit_length() - 1
    if N != 1 << n or n < 1:
        raise ValueError(f"the trace needs a power-of-two number of rows >= 2, got {N}")
    if w != air.width:
        raise ValueError(f"the trace has {w} columns but the AIR declares {air.width}")
    return trace, n


# -- host-side channels ---------------------------------------------------------------


class ProverChannel:
    """The NumPy prover's side: write an item at its offset and absorb it; draw challenges."""

    def __init__(self, plan: Plan, transcript: Transcript) -> None:
        self.plan, self.t = plan, transcript
        self.buf = bytearray(plan.total)
        head = plan.st.header_bytes()
        self.buf[: len(head)] = head

    def send(self, item: Item, values: np.ndarray) -> None:
        raw = np.ascontiguousarray(values).tobytes()
        if len(raw) != item.nbytes:
            raise AssertionError(f"item {item.name} is {len(raw)} bytes, the plan says {item.nbytes}")
        self.buf[item.offset : item.end] = raw
        if item.kind == DIGEST:
            self.t.absorb(values)
        elif item.kind == EXT:
            self.t.absorb_field(values)

    def draw(self, d: Draw):
        return d.split(self.t.challenges(d.count))

    def grind(self, item: Item, bits: int) -> int:
        nonce = self.t.grind(bits)  # absorbs the nonce
        self.send(item, np.array([nonce], dtype="<u8"))
        return nonce

    def indices(self, count: int, log_range: int) -> np.ndarray:
        return self.t.indices(count, log_range)

    def proof(self) -> bytes:
        return bytes(self.buf)


class Reject(Exception):
    """The proof is invalid; the message names the first failed check."""


class VerifierChannel:
    """The verifier's side: read an item at its offset (canonical values only) and
    absorb it; draw the same challenges as the prover."""

    def __init__(self, plan: Plan, data: bytes, transcript: Transcript) -> None:
        self.plan, self.data, self.t = plan, data, transcript
        self.field = plan.st.field

    def _words(self, item: Item, dtype, count: int, bound: int, what: str) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=item.offset).copy()
        if np.any(arr.astype(np.uint64) >= np.uint64(bound)):
            raise Reject(f"non-canonical {what} in {item.name}")
        return arr

    def read(self, item: Item) -> np.ndarray:
        """The item's values without absorbing them: digests (count, 4), extension
        elements (count, d), leaf values (count,)."""
        f = self.field
        if item.kind in (DIGEST, PATHS):
            return self._words(item, "<u8", 4 * item.count, GL_P, "digest").astype(np.uint64).reshape(-1, 4)
        if item.kind == EXT:
            return self._words(item, f.dtype, item.count * f.ext_degree, f.p, "field element").reshape(-1, f.ext_degree)
        if item.kind == LEAVES:
            return self._words(item, f.dtype, item.count, f.p, "field element")
        nonce = np.frombuffer(self.data, dtype="<u8", count=1, offset=item.offset).astype(np.uint64)
        if nonce[0] >= 1 << 32:
            raise Reject("proof-of-work nonce out of range")
        return nonce

    def receive(self, item: Item) -> np.ndarray:
        """Read and absorb (a single digest comes back as (4,))."""
        v = self.read(item)
        if item.kind == DIGEST:
            self.t.absorb(v)
            return v[0] if item.count == 1 else v
        self.t.absorb_field(v)
        return v

    def draw(self, d: Draw):
        return d.split(self.t.challenges(d.count))

    def grind(self, item: Item, bits: int) -> None:
        """Check the proof-of-work nonce, then absorb it (as the prover's search did)."""
        nonce = self.read(item)
        if not bits and nonce[0]:
            # one encoding per proof: without grinding the nonce is 0 (docs/PROTOCOL.md §7)
            raise Reject("non-zero proof-of-work nonce with 0 grinding bits (it must be 0)")
        if bits and not self.t.pow_ok(nonce, bits)[0]:
            raise Reject("proof-of-work check failed")
        self.t.absorb(nonce)

    def indices(self, count: int, log_range: int) -> np.ndarray:
        return self.t.indices(count, log_range)
