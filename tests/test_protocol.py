"""The protocol spine: the one description of the proof (items, draws, memory
map), and end-to-end proofs over every GPU path and over random parameters."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.proof import Statement, layout
from wgprover.protocol import DIGEST, EXT, LEAVES, NONCE, PATHS, Draw, describe
from wgprover.prover import prove_gpu
from wgprover.reference_prover import prove_reference
from wgprover.transcript.gpu import TranscriptMemory
from wgprover.verifier import verify


def _statement(field, n, params, width=3, degree=3):
    return Statement(field=field, n=n, width=width, degree=degree, air_digest=b"\1" * 32,
                     public=np.zeros(2, np.uint64), params=params, security_bits=1)


@pytest.mark.parametrize("n", [1, 2, 5, 9])
@pytest.mark.parametrize("fold,final_log", [(1, 0), (2, 1), (3, 4), (4, 2)])
def test_description_is_contiguous_and_ordered(field, n, fold, final_log):
    params = BasefoldParams.testing(fold=fold, final_log=final_log)
    st = _statement(field, n, params)
    plan = describe(st)
    items = list(plan.items)
    assert items[0].offset == len(st.header_bytes())
    for a, b in zip(items, items[1:]):
        assert a.end == b.offset, f"gap or overlap between {a.name} and {b.name}"
    assert items[-1].end == plan.total == layout(st).total
    assert len({it.name for it in items}) == len(items)
    assert {it.kind for it in items} == {DIGEST, EXT, NONCE, LEAVES, PATHS}
    # challenge slots: consecutive in draw order, from 0
    slot = 0
    for d in plan.draws:
        assert d.slot == slot
        slot += d.count
    assert slot == plan.challenge_slots == 3 * n + 3
    # every round's challenge is drawn right after its polynomial is sent
    seq = list(plan.sequence)
    for rnd in plan.zerocheck.rounds + plan.opening.rounds:
        assert seq[seq.index(rnd.poly) + 1] is rnd.challenge
    # nothing is absorbed after the nonce: only the openings follow it
    after = seq[seq.index(plan.opening.nonce) + 1 :]
    assert {x.kind for x in after} == {LEAVES, PATHS}


def test_draw_parts_split_and_slots():
    d = Draw((("r", 3), ("alpha", 1)), slot=5)
    vals = np.arange(8).reshape(4, 2)
    r, alpha = d.split(vals)
    assert r.shape == (3, 2) and np.array_equal(alpha, [6, 7])
    assert d.slot_of("r") == 5 and d.slot_of("alpha") == 8 and d.count == 4


def test_transcript_memory_map_is_disjoint():
    mem = TranscriptMemory(challenge_slots=10, queries=7, index_blocks=3)
    blocks = [set(range(mem.index_word(b), mem.index_word(b) + 7)) for b in range(3)]
    assert not (blocks[0] & blocks[1]) and not (blocks[1] & blocks[2])
    assert all(mem.pow_word not in b for b in blocks) and mem.pow_word < mem.aux_words
    with pytest.raises(IndexError):
        mem.index_word(3)


def _case(field, name, n, seed):
    ex = get_example(name)
    cols, pub = ex.generate(field, n, np.random.default_rng(seed))
    return ex.air, np.asarray(cols), pub


def test_prove_and_verify_on_every_gpu_path(any_ctx, field):
    air, cols, pub = _case(field, "fibonacci", 4, 11)
    params = BasefoldParams.testing()
    res = prove_gpu(any_ctx, field, air, cols, pub, params)
    assert res.syncs == 1
    assert res.proof == prove_reference(field, air, cols, pub, params)
    v = verify(res.proof, air, pub, min_security=0)
    assert v.accepted, v.reason


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=hs.sampled_from([GOLDILOCKS, BABYBEAR]),
    name=hs.sampled_from(["fibonacci", "boolean", "periodic", "power"]),
    n=hs.integers(3, 5),
    log_blowup=hs.integers(1, 3),
    fold=hs.integers(1, 4),
    queries=hs.integers(1, 3),
    pow_bits=hs.integers(0, 3),
    final_log=hs.integers(0, 3),
    seed=hs.integers(0, 2**16),
)
def test_gpu_equals_reference_and_verifies_for_any_parameters(ctx, field, name, n, log_blowup, fold, queries,
                                                              pow_bits, final_log, seed):
    air, cols, pub = _case(field, name, n, seed)
    params = BasefoldParams.testing(log_blowup=log_blowup, fold=fold, queries=queries, pow_bits=pow_bits,
                                    final_log=final_log)
    res = prove_gpu(ctx, field, air, cols, pub, params)
    assert res.syncs == 1
    assert res.proof == prove_reference(field, air, cols, pub, params)
    v = verify(res.proof, air, pub, min_security=0)
    assert v.accepted, v.reason
