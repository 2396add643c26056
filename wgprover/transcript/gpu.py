"""The transcript on the GPU: record-style operations over a state buffer.

Each operation is one single-invocation dispatch of shaders/transcript.wgsl;
challenges land in an ``array<Ef>`` buffer (by slot), query indices and the
proof-of-work nonce in a ``u32`` aux buffer, and every absorbed word can be
copied into the proof buffer on the way.  NumPy twin: reference.Transcript.
"""

from __future__ import annotations

import numpy as np

from ..field import Field
from ..hemera import gpu as hemera_gpu

NO_PROOF = 0xFFFF_FFFF
KIND_GL, KIND_FE, KIND_NONCE = 0, 1, 2
POW_CHUNKS = 24


class GpuTranscript:
    """Transcript state, challenge slots and aux words resident on the device."""

    def __init__(self, ctx, field: Field, state: np.ndarray, challenge_slots: int, aux_words: int) -> None:
        self.ctx = ctx
        self.field = field
        hemera_gpu.tables(ctx)
        self.state = ctx.upload(np.asarray(state, dtype=np.uint64), label="transcript-state")
        self.challenges = ctx.buffer(max(1, challenge_slots) * 4 * field.ext_degree * field.base.BYTES, label="challenges")
        self.aux = ctx.upload(np.full(max(4, aux_words), 0xFFFF_FFFF, dtype=np.uint32), label="transcript-aux")
        self._dummy_src = ctx.placeholder("transcript-src")
        self._dummy_proof = ctx.placeholder("transcript-proof")
        self._op = ctx.kernel(field, ["hemera_permutation", "transcript"], "transcript_op")
        self._pow = ctx.kernel(field, ["hemera_permutation", "transcript_pow"], "transcript_pow", {"WG": 64})

    def _dispatch(self, rec, src, proof, params: list[int]) -> None:
        rec.dispatch(
            self._op,
            [self.state, src or self._dummy_src, proof or self._dummy_proof, self.challenges, self.aux, np.array(params, dtype=np.uint32)],
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
                params = np.array([c * chunk, bits, aux_word, chunk], dtype=np.uint32)
                rec.dispatch(self._pow, [self.state, self.aux, params], (chunk + 63) // 64)
        self._dispatch(rec, None, proof, [0, KIND_NONCE, 1, 0, proof_word, 0, aux_word, 0])

    def init_aux(self, values: dict[int, int]) -> None:
        """Set aux words before submission (e.g. the nonce slot to 0 when bits = 0)."""
        for word, v in values.items():
            self.ctx.write(self.aux, np.array([v], dtype=np.uint32), offset=4 * word)
