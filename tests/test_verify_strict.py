"""The strict verifier (library): minimum security, a pinned AIR digest,
public inputs pinned by name (a subset), a zero nonce without grinding, and
canonical digests; and the top-level ``wgprover.prove`` / ``wgprover.verify``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import wgprover
from wgprover.air.examples import get_example
from wgprover.air.language import AirError
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.hemera.params import P as HEMERA_P
from wgprover.proof import air_digest, layout, parse_header
from wgprover.trace import read_trace
from wgprover.verifier import verify

GOLDEN = Path(__file__).parent / "vectors" / "golden"
CASES = {c["name"]: c for c in json.loads((GOLDEN / "manifest.json").read_text())["cases"]}
SMALL = dict(queries=3, pow_bits=2, log_blowup=1, fold=2, final_log=1, allow_insecure=True)


def _golden(name: str):
    tr = read_trace(GOLDEN / CASES[name]["trace"])
    return tr, (GOLDEN / CASES[name]["proof"]).read_bytes()


def _with_u64(proof: bytes, offset: int, value: int) -> bytes:
    out = bytearray(proof)
    out[offset : offset + 8] = int(value).to_bytes(8, "little")
    return bytes(out)


def test_min_security():
    tr, proof = _golden("gl-boolean-n7-100bit")
    bits = parse_header(proof)[0].security_bits
    assert verify(proof, tr.air, min_security=bits).accepted
    v = verify(proof, tr.air, min_security=bits + 1)
    assert not v.accepted and f"{bits} bits of conjectured security, below the required {bits + 1}" in v.reason
    assert not verify(proof, tr.air).accepted  # the default asks for 100 bits


def test_nonzero_nonce_without_grinding_rejected():
    tr, proof = _golden("gl-periodic-n8")
    st, _ = parse_header(proof)
    assert st.params.pow_bits == 0 and verify(proof, tr.air, min_security=0).accepted
    off = layout(st).offsets["nonce"]
    v = verify(_with_u64(proof, off, 1), tr.air, min_security=0)
    assert not v.accepted and "non-zero proof-of-work nonce" in v.reason


@pytest.mark.parametrize("item,word", [("root0", 0), ("root0", 3), ("paths0", 0), ("paths1", 2)])
@pytest.mark.parametrize("value", [HEMERA_P, 2**64 - 1])
def test_digest_word_at_or_above_p_rejected(item, word, value):
    tr, proof = _golden("gl-fibonacci-n5")
    st, _ = parse_header(proof)
    off = layout(st).offsets[item] + 8 * word
    v = verify(_with_u64(proof, off, value), tr.air, min_security=0)
    assert not v.accepted and "non-canonical digest" in v.reason


def test_header_air_digest_word_at_or_above_p_rejected():
    tr, proof = _golden("bb-fibonacci-n6")
    v = verify(_with_u64(proof, 56, HEMERA_P), tr.air, min_security=0)  # the digest follows the 56-byte header
    assert not v.accepted and "AIR digest" in v.reason


def test_public_inputs_pinned_by_name():
    tr, proof = _golden("bb-fibonacci-n6")
    first, *rest = tr.air.public
    assert verify(proof, tr.air, {first: tr.public[first]}, min_security=0).accepted
    assert verify(proof, tr.air, tr.public, min_security=0).accepted
    assert verify(proof, tr.air, [tr.public[k] for k in tr.air.public], min_security=0).accepted
    v = verify(proof, tr.air, {first: tr.public[first] + 1}, min_security=0)
    assert not v.accepted and f"public input {first}" in v.reason
    with pytest.raises(AirError, match="no public input 'zzz'"):
        verify(proof, tr.air, {"zzz": 1}, min_security=0)


def test_pinned_air_digest():
    tr, proof = _golden("gl-fibonacci-n5")
    assert verify(proof, tr.air, min_security=0, air_digest=air_digest(tr.air)).accepted
    v = verify(proof, tr.air, min_security=0, air_digest=bytes(32))
    assert not v.accepted and "not the pinned" in v.reason


@pytest.mark.parametrize("field", [GOLDILOCKS, BABYBEAR], ids=lambda f: f.name)
def test_top_level_prove_and_verify(field, rng):
    ex = get_example("fibonacci")
    cols, pub = ex.generate(field, 4, rng)
    proof = wgprover.prove(ex.air, cols, pub, field=field, cpu=True, **SMALL)
    assert wgprover.verify(proof, ex.air, pub, min_security=0).accepted
    assert not wgprover.verify(proof, ex.air, pub).accepted  # a few bits: below the default 100
    with pytest.raises(wgprover.InputError, match="below the 100-bit floor"):
        wgprover.prove(ex.air, cols, pub, field=field, cpu=True, **{**SMALL, "allow_insecure": False})


def test_top_level_prove_on_the_gpu_equals_cpu(ctx, rng):
    ex = get_example("power")
    cols, pub = ex.generate(GOLDILOCKS, 4, rng)
    gpu = wgprover.prove(ex.air, cols, pub, context=ctx, **SMALL)
    assert gpu == wgprover.prove(ex.air, cols, pub, cpu=True, **SMALL)
    assert wgprover.verify(gpu, ex.air, min_security=0).accepted


def test_top_level_prove_rejects_bad_input():
    ex = get_example("fibonacci")
    cols, pub = ex.generate(GOLDILOCKS, 3, np.random.default_rng(1))
    with pytest.raises(wgprover.InputError, match="shape"):
        wgprover.prove(ex.air, np.asarray(cols)[:, :6], pub, cpu=True, **SMALL)
    with pytest.raises(wgprover.InputError, match="unknown field"):
        wgprover.prove(ex.air, cols, pub, field="nosuch", cpu=True, **SMALL)
    with pytest.raises(AirError, match="missing public input"):
        wgprover.prove(ex.air, cols, {}, cpu=True, **SMALL)
