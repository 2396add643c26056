"""The GPU transcript reproduces the NumPy duplex bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.transcript.gpu import KIND_FE, KIND_GL, GpuTranscript, TranscriptMemory
from wgprover.transcript.reference import Transcript, tag_elements


def _run_both(ctx, field, rng, bits):
    t = Transcript(field)
    t.absorb(tag_elements())
    gl_data = rng.integers(0, field.p if field.name == "goldilocks" else 2**63, size=11, dtype=np.uint64)
    gl_data = np.minimum(gl_data, np.uint64(0xFFFF_FFFF_0000_0000))
    fe_data = field.base.random(rng, 13)
    mem = TranscriptMemory(challenge_slots=8, queries=20, index_blocks=2)
    g = GpuTranscript(ctx, field, t.state, mem)
    src = ctx.upload(np.concatenate([gl_data.view(np.uint32), fe_data.view(np.uint32)]))
    proof = ctx.buffer(4096)
    rec = ctx.recorder()
    g.absorb(rec, src, 0, gl_data.size, KIND_GL, proof, 0)
    t.absorb(gl_data)
    g.squeeze_challenges(rec, 0, 3)
    want_c1 = t.challenges(3)
    g.absorb(rec, src, 2 * gl_data.size, fe_data.size, KIND_FE, proof, 100)
    t.absorb_field(fe_data)
    g.squeeze_challenges(rec, 3, 5)
    want_c2 = t.challenges(5)
    g.init_aux({mem.pow_word: 0xFFFF_FFFF if bits else 0})
    g.grind(rec, bits, mem.pow_word, proof, 200)
    nonce = t.grind(bits)
    g.squeeze_indices(rec, mem.index_word(0), 20, 10)
    want_idx = t.indices(20, 10)
    rec.submit()
    d = field.ext_degree
    chal = ctx.read(g.challenges, field.dtype, 8 * d).reshape(8, d)
    assert np.array_equal(chal[:3], want_c1)
    assert np.array_equal(chal[3:8], want_c2)
    aux = ctx.read(g.aux, np.uint32, mem.aux_words)
    assert int(aux[mem.pow_word]) == nonce
    assert np.array_equal(aux[mem.index_word(0) : mem.index_word(0) + 20], want_idx)
    words = ctx.read(proof, np.uint32, 300)
    assert np.array_equal(words[: 2 * gl_data.size], gl_data.view(np.uint32))
    assert np.array_equal(words[100 : 100 + fe_data.nbytes // 4], fe_data.view(np.uint32))
    assert int(words[200]) == nonce and int(words[201]) == 0
    assert np.array_equal(ctx.read(g.state, np.uint64, 16), t.state)


@pytest.mark.parametrize("bits", [0, 6])
def test_transcript_gpu_matches_reference(ctx, field, rng, bits):
    _run_both(ctx, field, rng, bits)


def test_transcript_webgpu_default(rng, field):
    from wgprover.gpu import get_context

    _run_both(get_context(profile="webgpu-default"), field, rng, 3)


def test_babybear_challenges_are_canonical(rng):
    from wgprover.field import BABYBEAR

    t = Transcript(BABYBEAR)
    c = t.challenges(100)
    assert c.dtype == np.uint32 and np.all(c < BABYBEAR.p)


def test_statement_state_is_the_absorbed_statement_remembered():
    """The GPU channel's start state is start_transcript's state for that very
    statement (public inputs included), computed once per statement."""
    from wgprover.air.examples import get_example
    from wgprover.field import GOLDILOCKS
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.proof import air_digest
    from wgprover.protocol import make_statement, start_transcript
    from wgprover.transcript.gpu import statement_state

    ex = get_example("fibonacci")
    states = []
    for seed in (1, 2):
        _cols, pub = ex.generate(GOLDILOCKS, 4, np.random.default_rng(seed))
        st = make_statement(GOLDILOCKS, ex.air, 4, pub, BasefoldParams.testing(), air_digest(ex.air))
        got = statement_state(st)
        assert np.array_equal(got, start_transcript(st).state) and statement_state(st) is got
        states.append(got)
    assert not np.array_equal(*states)
