"""The wgprover-1 verifier (pure Python/NumPy; never calls a GPU kernel).

A composition of the protocol spine (wgprover/protocol.py) and the
sub-protocols' verify functions, walking the same description as the provers
(docs/PROTOCOL.md §3-7). It shares field arithmetic, the hash, the transcript
start and the Merkle path check with the provers. Every check raises
``Reject`` with the first failure; ``verify`` never raises on arbitrary bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .air.language import Air, AirError
from .pcs import pcs_for
from .proof import ProofFormatError, Statement, air_digest, parse_header
from .protocol import Reject, VerifierChannel, describe, start_transcript
from .security import report
from .sumcheck.reference import verify_zerocheck

__all__ = ["Reject", "Verdict", "verify", "verify_bytes"]


@dataclass
class Verdict:
    accepted: bool
    reason: str
    statement: Statement | None


def _pinned_public(air: Air, expected_public) -> list[tuple[int, str, int]]:
    """(index, name, value) of each public input the caller pins. A mapping may
    name a subset; a sequence gives them all in order. Unknown names are the
    caller's error (AirError), not the proof's."""
    if expected_public is None:
        return []
    if isinstance(expected_public, Mapping):
        unknown = [k for k in expected_public if k not in air.public]
        if unknown:
            raise AirError(f"AIR {air.name!r} has no public input {unknown[0]!r} (it has: {', '.join(air.public) or 'none'})")
        items = [(air.public.index(k), k, v) for k, v in expected_public.items()]
    else:
        vals = list(expected_public)
        if len(vals) != len(air.public):
            raise AirError(f"AIR {air.name!r}: expected {len(air.public)} public inputs, got {len(vals)}")
        items = [(i, k, v) for i, (k, v) in enumerate(zip(air.public, vals))]
    try:
        return [(i, k, int(v)) for i, k, v in items]
    except (TypeError, ValueError):
        raise AirError("public inputs must be integers") from None


def _check_statement(st: Statement, air: Air, pinned, pinned_digest: bytes | None, min_security: int) -> None:
    """The statement checks before the transcript (docs/PROTOCOL.md §1, §2, §7):
    the AIR, the pinned digest and public inputs, and the security level."""
    if pinned_digest is not None and st.air_digest != bytes(pinned_digest):
        raise Reject(f"the proof is about AIR digest {st.air_digest.hex()}, not the pinned {bytes(pinned_digest).hex()}")
    if air.width != st.width:
        raise Reject(f"AIR has {air.width} columns but the proof is for {st.width}")
    if air_digest(air) != st.air_digest:
        raise Reject("AIR digest mismatch: the proof is for a different AIR")
    if air.degree + 1 != st.degree:
        raise Reject("degree in the header does not match the AIR")
    if len(st.public) != len(air.public):
        raise Reject("wrong number of public inputs")
    for i, name, want in pinned:
        if int(st.public[i]) != want:
            raise Reject(f"public input {name} is {int(st.public[i])} in the proof, expected {want}")
    if st.security_bits != int(report(st.field, st.n, st.width, st.degree, st.params).bits):
        raise Reject("the header's security level does not match its parameters")
    if st.security_bits < min_security:
        raise Reject(f"{st.security_bits} bits of conjectured security, below the required {min_security}")


def verify_bytes(data: bytes, air: Air, expected_public=None, *, min_security: int = 100,
                 air_digest: bytes | None = None) -> Statement:
    """Verify; returns the statement or raises Reject/ProofFormatError."""
    st, _ = parse_header(data)
    _check_statement(st, air, _pinned_public(air, expected_public), air_digest, min_security)
    plan = describe(st)
    if len(data) != plan.total:
        raise ProofFormatError(f"proof is {len(data)} bytes, expected {plan.total} for this statement")
    f = st.field
    ch = VerifierChannel(plan, data, start_transcript(st))
    root0 = ch.receive(plan.root0)
    r, alpha = ch.draw(plan.r_alpha)
    public = {name: int(v) for name, v in zip(air.public, st.public)}
    rho, claims = verify_zerocheck(ch, f, air, public, plan.zerocheck, r, alpha)
    beta, gamma = ch.draw(plan.beta_gamma)
    pcs_for(st.params).verify.verify_open(ch, f, plan, root0, claims, rho, beta, gamma)
    return st


def verify(data: bytes, air: Air, expected_public=None, *, min_security: int = 100,
           air_digest: bytes | None = None) -> Verdict:
    """ACCEPT/REJECT with the first failed check; never raises on arbitrary bytes.

    ``expected_public`` pins public inputs (a mapping may name a subset);
    ``air_digest`` pins the AIR; ``min_security`` is the least conjectured
    security (bits) accepted. An unknown public-input name is the caller's
    error and raises AirError."""
    _pinned_public(air, expected_public)
    try:
        st = verify_bytes(data, air, expected_public, min_security=min_security, air_digest=air_digest)
        return Verdict(True, "ok", st)
    except (Reject, ProofFormatError) as e:
        return Verdict(False, str(e), None)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as e:
        return Verdict(False, f"malformed proof ({type(e).__name__}: {e})", None)
