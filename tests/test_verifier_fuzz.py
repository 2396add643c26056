"""Seeded verifier fuzz: mutants of the golden proofs (both fields, four AIRs) are
all rejected, and the verifier never raises (tests/fuzz_harness.py; bench/verify_fuzz.py
runs 10^5 of them). The compiled hemera accelerator and the NumPy reference give
the same verdicts."""

from __future__ import annotations

from functools import partial

from pathlib import Path

import numpy as np
import pytest

import fuzz_harness as fuzz
from wgprover.hemera import compiled, reference as hemera, small_batch
from wgprover.hemera.scalar import permute_int
from wgprover.verifier import verify

GOLDEN = Path(__file__).parent / "vectors" / "golden"
MUTATIONS = 2000


@pytest.fixture(scope="module")
def subjects():
    subs = fuzz.golden_subjects(GOLDEN)
    assert {parse.field.name for parse in (fuzz.parse_header(s.proof)[0] for s in subs)} == {"goldilocks", "babybear"}
    for s in subs:
        v = verify(s.proof, s.air, s.public, min_security=0)
        assert v.accepted, (s.name, v.reason)
    return subs


def test_fuzz_rejects_every_mutant_and_never_raises(subjects):
    res = fuzz.run(subjects, MUTATIONS, seed=13, verify=partial(verify, min_security=0))
    assert sum(res.total.values()) == MUTATIONS
    assert set(res.total) == set(fuzz.MUTATORS)
    assert not res.raised, res.raised[:5]
    assert not res.accepted, res.accepted[:5]


def test_mutants_differ_from_the_honest_statement(subjects):
    honest = {s.name: s for s in subjects}
    for m in fuzz.mutants(subjects, 300, seed=5):
        s = honest[m.subject]
        changed = (m.data != s.proof, m.air.canonical_bytes() != s.air.canonical_bytes(), m.public not in (None, s.public))
        assert any(changed), m.kind


def test_fuzz_counts_acceptance():
    # the harness itself must be able to fail: an always-accepting verifier is caught
    subs = fuzz.golden_subjects(GOLDEN)[:2]

    class Yes:
        accepted, reason = True, "ok"

    res = fuzz.run(subs, 20, seed=1, verify=lambda *a: Yes())
    assert len(res.accepted) == 20


def test_compiled_and_numpy_verdicts_agree(subjects, monkeypatch):
    assert compiled.available(), "numba is a test dependency (pyproject [test]); the accelerator must be exercised"
    ms = list(fuzz.mutants(subjects, 120, seed=21)) + [fuzz.Mutant("honest", s.name, s.proof, s.air, s.public)
                                                        for s in subjects]
    fast = [verify(m.data, m.air, m.public, min_security=0) for m in ms]
    monkeypatch.setattr(compiled, "compiled_permute", lambda: None)
    assert compiled.permute_fn() is small_batch.permute
    slow = [verify(m.data, m.air, m.public, min_security=0) for m in ms]
    assert [(v.accepted, v.reason) for v in fast] == [(v.accepted, v.reason) for v in slow]
    assert sum(v.accepted for v in fast) == len(subjects)


def test_compiled_permutation_equals_reference():
    assert compiled.available()
    rng = np.random.default_rng(9)
    p = hemera.hp.P
    states = rng.integers(0, p, size=(300, 16), dtype=np.uint64)
    states[0], states[1], states[2] = 0, p - 1, np.arange(16, dtype=np.uint64)
    states[3, ::2] = p - 1
    got = compiled.permute_fn()(states)
    assert np.array_equal(got, hemera.permute_with_constants(states, hemera.hp.round_constants()))
    assert got[2].tolist() == permute_int(states[2])
    with pytest.raises(ValueError):
        compiled.permute_fn()(np.full((2, 16), p, dtype=np.uint64))
