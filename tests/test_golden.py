"""Golden proofs: the protocol's bytes, frozen (tests/vectors/golden/).

Every stored trace is proved again by the NumPy reference prover and by the
GPU prover on every GPU path, and each proof must equal the stored one byte for
byte; the verifier must accept it. A refactor or a speed-up that moves one
proof byte fails here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.prover import prove_gpu
from wgprover.reference_prover import prove_reference
from wgprover.trace import read_trace
from wgprover.verifier import verify

GOLDEN = Path(__file__).parent / "vectors" / "golden"
CASES = json.loads((GOLDEN / "manifest.json").read_text())["cases"]


def _load(case):
    tr = read_trace(GOLDEN / case["trace"])
    proof = (GOLDEN / case["proof"]).read_bytes()
    assert hashlib.sha256(proof).hexdigest() == case["sha256"], "the stored golden proof itself changed"
    return tr, BasefoldParams(**case["params"]), proof


def test_manifest_covers_both_fields_and_three_airs():
    tr = [read_trace(GOLDEN / c["trace"]) for c in CASES]
    assert {t.field.name for t in tr} == {"goldilocks", "babybear"}
    assert len({t.air.name for t in tr}) >= 3
    assert len({json.dumps(c["params"], sort_keys=True) for c in CASES}) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_prover_reproduces_golden(case):
    tr, params, golden = _load(case)
    assert prove_reference(tr.field, tr.air, np.asarray(tr.columns), tr.public, params) == golden
    v = verify(golden, tr.air, tr.public, min_security=0)
    assert v.accepted, v.reason


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gpu_prover_reproduces_golden_on_every_path(any_ctx, case):
    tr, params, golden = _load(case)
    res = prove_gpu(any_ctx, tr.field, tr.air, np.asarray(tr.columns), tr.public, params)
    assert res.syncs == 1
    assert res.proof == golden
