"""The transcript on the GPU: record-style operations over a state buffer.

Each operation is one single-invocation dispatch of shaders/transcript.wgsl;
challenges land in an ``array<Ef>`` buffer (by slot), query indices and the
proof-of-work nonce in a ``u32`` aux buffer, and every absorbed word can be
copied into the proof buffer on the way.  NumPy twin: reference.Transcript.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..field import Field
from ..gpu.recorder import u32s
from ..hemera import gpu as hemera_gpu
from ..hemera.scalar import permute_pure
from ..protocol import DIGEST, start_transcript

NO_PROOF = 0xFFFF_FFFF
KIND_GL, KIND_FE, KIND_NONCE = 0, 1, 2
POW_CHUNKS = 24


@dataclass(frozen=True)
class TranscriptMemory:
    """The device memory map of a transcript (docs/ARCHITECTURE.md §5).

    Challenges: one ``Ef`` per slot, ``challenge_slots`` of them (a proof's
    slots are its draws in order, ``protocol.Draw.slot``). Aux ``u32`` words:
    ``index_blocks`` blocks of ``queries`` query indices (block b from word
    ``index_word(b)``; block i holds the leaf indices of layer i), then the
    proof-of-work nonce at ``pow_word``."""

    challenge_slots: int
    queries: int = 0
    index_blocks: int = 0

    def index_word(self, block: int) -> int:
        if not 0 <= block < max(self.index_blocks, 1):
            raise IndexError(f"index block {block} outside 0..{self.index_blocks - 1}")
        return self.queries * block

    @property
    def pow_word(self) -> int:
        return self.queries * self.index_blocks

    @property
    def aux_words(self) -> int:
        return self.pow_word + 1


class GpuTranscript:
    """Transcript state, challenge slots and aux words resident on the device."""

    def __init__(self, ctx, field: Field, state: np.ndarray, memory: TranscriptMemory) -> None:
        self.ctx = ctx
        self.field = field
        self.memory = memory
        hemera_gpu.tables(ctx)
        self.state = ctx.upload(np.asarray(state, dtype=np.uint64), label="transcript-state")
        slot_bytes = field.ext_degree * field.base.BYTES
        self.challenges = ctx.buffer(max(1, memory.challenge_slots) * slot_bytes, label="challenges")
        self.aux = ctx.upload(np.full(max(4, memory.aux_words), 0xFFFF_FFFF, dtype=np.uint32), label="transcript-aux")
        self._dummy_src = ctx.placeholder("transcript-src")
        self._dummy_proof = ctx.placeholder("transcript-proof")
        self._op = ctx.kernel(field, ["hemera_permutation", "transcript"], "transcript_op")
        self._pow = ctx.kernel(field, ["hemera_permutation", "transcript_pow"], "transcript_pow", {"WG": 64})

    def _dispatch(self, rec, src, proof, params: list[int]) -> None:
        rec.dispatch(
            self._op,
            [self.state, src or self._dummy_src, proof or self._dummy_proof, self.challenges, self.aux, u32s(*params)],
            1,
        )

    def absorb(self, rec, src, src_word: int, count: int, kind: int, proof=None, proof_word: int = NO_PROOF) -> None:
        """Absorb ``count`` elements read from ``src`` at u32 word ``src_word``; also
        copy them into ``proof`` at ``proof_word`` when a proof buffer is given."""
        if count == 0:
            return
        if proof is None:
            proof_word = NO_PROOF
        self._dispatch(rec, src, proof, [0, kind, count, src_word, proof_word, 0, 0, 0])

    def squeeze_challenges(self, rec, slot: int, count: int) -> None:
        self._dispatch(rec, None, None, [1, 0, count, 0, NO_PROOF, slot, 0, 0])

    def squeeze_indices(self, rec, aux_word: int, count: int, log_range: int) -> None:
        self._dispatch(rec, None, None, [2, 0, count, 0, NO_PROOF, 0, aux_word, log_range])

    def grind(self, rec, bits: int, aux_word: int, proof, proof_word: int) -> None:
        """Search the smallest nonce (chunks of 2^(bits+2), in order), then absorb it
        and write it into the proof as one 8-byte word."""
        if bits > 0:
            chunk = 1 << min(bits + 2, 24)
            for c in range(POW_CHUNKS):
                params = u32s(c * chunk, bits, aux_word, chunk)
                rec.dispatch(self._pow, [self.state, self.aux, params], (chunk + 63) // 64)
        self._dispatch(rec, None, proof, [0, KIND_NONCE, 1, 0, proof_word, 0, aux_word, 0])

    def init_aux(self, values: dict[int, int]) -> None:
        """Set aux words before submission (e.g. the nonce slot to 0 when bits = 0)."""
        for word, v in values.items():
            self.ctx.write(self.aux, np.array([v], dtype=np.uint32), offset=4 * word)


_PER_STATEMENT: dict = {}  # (what, field, statement header) -> value
_MAX_PER_STATEMENT = 128


def per_statement(st, what: str, make):
    """``make(st)``, remembered per statement (its header bytes: field, AIR
    digest, shape, parameters and public inputs): the GPU prover's host work
    that follows from the statement alone is done once per statement, not
    per proof (issue 12, docs/ARCHITECTURE.md §4)."""
    key = (what, st.field.name, st.header_bytes())
    value = _PER_STATEMENT.get(key)
    if value is None:
        if len(_PER_STATEMENT) >= _MAX_PER_STATEMENT:
            _PER_STATEMENT.clear()
        value = _PER_STATEMENT[key] = make(st)
    return value


def _absorbed_statement(st) -> np.ndarray:
    # the pure permutation, so that a proving process never imports numba
    # (docs/ARCHITECTURE.md "Start-up")
    state = np.array(start_transcript(st, permute=permute_pure).state, dtype=np.uint64)
    state.flags.writeable = False
    return state


def statement_state(st) -> np.ndarray:
    """The transcript state after the domain tag and the statement ``st``
    (docs/PROTOCOL.md §4), remembered per statement: its few permutations in
    Python were a sixth of a warm proof's host recording."""
    return per_statement(st, "transcript", _absorbed_statement)


class GpuChannel:
    """The GPU prover's side of the protocol description (twin of
    ``protocol.ProverChannel``): kernels write extension items into ``items`` at
    their proof offsets, ``send`` absorbs an item and copies it into the proof
    buffer, ``draw`` squeezes challenges into their slots. Everything is recorded
    into ``rec``; nothing is read back."""

    def __init__(self, rec, field: Field, plan, proof_buf, items_buf) -> None:
        p = plan.st.params
        memory = TranscriptMemory(plan.challenge_slots, p.queries, len(plan.opening.queries))
        self.rec, self.field, self.plan = rec, field, plan
        self.proof, self.items = proof_buf, items_buf
        self.gt = GpuTranscript(rec.ctx, field, statement_state(plan.st), memory)
        self.gt.init_aux({memory.pow_word: 0xFFFF_FFFF if p.pow_bits else 0})
        self.challenges, self.memory = self.gt.challenges, memory

    def out(self, item) -> tuple:
        """(buffer, base-element offset) where a kernel writes ``item``'s values."""
        return self.items, item.offset // self.field.base.BYTES

    def send(self, item, src=None, src_offset: int = 0) -> None:
        """Absorb ``item`` and copy it into the proof: a digest from ``src`` at byte
        ``src_offset``, extension elements from ``items`` at the item's offset."""
        if item.kind == DIGEST:
            self.gt.absorb(self.rec, src, src_offset // 4, 4 * item.count, KIND_GL, self.proof, item.offset // 4)
        else:
            count = item.count * self.field.ext_degree
            self.gt.absorb(self.rec, self.items, item.offset // 4, count, KIND_FE, self.proof, item.offset // 4)

    def draw(self, d) -> None:
        self.gt.squeeze_challenges(self.rec, d.slot, d.count)

    def grind(self, item, bits: int) -> None:
        self.gt.grind(self.rec, bits, self.memory.pow_word, self.proof, item.offset // 4)

    def indices(self, count: int, log_range: int) -> None:
        """Query indices into aux block 0."""
        self.gt.squeeze_indices(self.rec, self.memory.index_word(0), count, log_range)
