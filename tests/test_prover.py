"""End-to-end protocol tests: GPU prover == NumPy reference prover byte for byte,
one host sync, the verifier accepts honest proofs and rejects tampering."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.prover import prove_gpu
from wgprover.reference_prover import ConstraintViolation, prove_reference
from wgprover.verifier import verify

SMALL = BasefoldParams.testing()


def _case(field, name, n, rng):
    ex = get_example(name)
    cols, pub = ex.generate(field, n, rng)
    return ex.air, np.asarray(cols), pub


@pytest.mark.parametrize(
    "field,name,n,params",
    [
        (GOLDILOCKS, "fibonacci", 4, SMALL),
        (GOLDILOCKS, "power", 5, BasefoldParams.testing(log_blowup=2, fold=3, queries=2, pow_bits=3, final_log=2)),
        (GOLDILOCKS, "periodic", 8, BasefoldParams.testing(fold=4, queries=2, pow_bits=0, final_log=3)),
        (BABYBEAR, "fibonacci", 6, SMALL),
        (BABYBEAR, "boolean", 5, BasefoldParams.testing(log_blowup=3, queries=2, pow_bits=1, final_log=0)),
        (GOLDILOCKS, "fibonacci", 12, BasefoldParams.testing(fold=4, queries=2, pow_bits=4, final_log=4)),
    ],
    ids=lambda v: getattr(v, "name", None) if not isinstance(v, (int, str)) else str(v),
)
def test_gpu_proof_identical_to_reference_and_verifies(ctx, rng, field, name, n, params):
    air, cols, pub = _case(field, name, n, rng)
    res = prove_gpu(ctx, field, air, cols, pub, params)
    assert res.syncs == 1, "the whole proof must cost exactly one host<->device sync"
    ref = prove_reference(field, air, cols, pub, params)
    assert res.proof == ref
    v = verify(res.proof, air, min_security=0)
    assert v.accepted, v.reason
    # wrong public inputs are rejected
    wrong = dict(pub)
    k = air.public[0]
    wrong[k] = (int(wrong[k]) + 1) % field.p
    assert not verify(res.proof, air, wrong, min_security=0).accepted


@pytest.fixture(scope="module")
def tiny_proof():
    air, cols, pub = _case(GOLDILOCKS, "fibonacci", 3, np.random.default_rng(7))
    # enough grinding and queries that a flipped nonce cannot pass by chance
    # (probability ~2^-8 * (1/8)^3 per flip); any accepted flip is then a bug
    params = BasefoldParams.testing(fold=1, pow_bits=8)
    return air, pub, prove_reference(GOLDILOCKS, air, cols, pub, params)


def test_every_single_byte_flip_rejected(tiny_proof):
    air, _, proof = tiny_proof
    assert verify(proof, air, min_security=0).accepted
    for i in range(len(proof)):
        bad = bytearray(proof)
        bad[i] ^= 0x5A
        v = verify(bytes(bad), air, min_security=0)
        assert not v.accepted, f"flip at byte {i} accepted"


def test_truncations_and_garbage_rejected(tiny_proof, rng):
    air, _, proof = tiny_proof
    for cut in sorted({0, 1, 7, 8, 55, 56, 100, len(proof) // 2, len(proof) - 1}):
        assert not verify(proof[:cut], air, min_security=0).accepted
    assert not verify(proof + b"\0", air, min_security=0).accepted
    for size in (0, 3, 64, 1000, len(proof)):
        junk = rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()
        assert not verify(junk, air, min_security=0).accepted
    # a valid header followed by random bytes
    body = rng.integers(0, 256, size=len(proof) - 200, dtype=np.uint8).tobytes()
    assert not verify(proof[:200] + body, air, min_security=0).accepted


def test_wrong_air_rejected(tiny_proof):
    _, _, proof = tiny_proof
    other = get_example("periodic").air
    assert not verify(proof, other, min_security=0).accepted


def test_violating_trace_refused_and_forced_proof_fails(rng):
    air, cols, pub = _case(GOLDILOCKS, "fibonacci", 4, rng)
    bad = cols.copy()
    bad[0, 5] = (int(bad[0, 5]) + 1) % GOLDILOCKS.p
    with pytest.raises(ConstraintViolation, match="row"):
        prove_reference(GOLDILOCKS, air, bad, pub, SMALL)
    forced = prove_reference(GOLDILOCKS, air, bad, pub, SMALL, check=False)
    assert not verify(forced, air, min_security=0).accepted


def test_gpu_prover_refuses_violating_trace(ctx, rng):
    air, cols, pub = _case(BABYBEAR, "fibonacci", 4, rng)
    cols = cols.copy()
    cols[1, 15] = (int(cols[1, 15]) + 3) % BABYBEAR.p
    with pytest.raises(ConstraintViolation, match=r"row 1[45]"):
        prove_gpu(ctx, BABYBEAR, air, cols, pub, SMALL)


@pytest.mark.parametrize("where", ["boundary (public output)", "transition (middle row)"])
def test_gpu_prover_detects_violations_from_its_own_zerocheck(ctx, rng, where):
    """No CPU pre-check: the first zerocheck round's sum flags the trace, then
    the error names the row; a satisfying trace passes the same test."""
    air, cols, pub = _case(GOLDILOCKS, "fibonacci", 5, rng)
    assert prove_gpu(ctx, GOLDILOCKS, air, cols, pub, SMALL).syncs == 1
    cols = cols.copy()
    if where.startswith("boundary"):
        pub = dict(pub, out=(int(pub["out"]) + 1) % GOLDILOCKS.p)
    else:
        cols[0, 9] = (int(cols[0, 9]) + 1) % GOLDILOCKS.p
    with pytest.raises(ConstraintViolation, match="row"):
        prove_gpu(ctx, GOLDILOCKS, air, cols, pub, SMALL)
