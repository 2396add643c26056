"""The wgprover-1 verifier (pure Python/NumPy; never calls a GPU kernel).

A composition of the protocol spine (wgprover/protocol.py) and the
sub-protocols' verify functions, walking the same description as the provers
(docs/PROTOCOL.md §3-7). It shares field arithmetic, the hash, the transcript
start and the Merkle path check with the provers. Every check raises
``Reject`` with the first failure; ``verify`` never raises on arbitrary bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .air.language import Air
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


def _check_statement(st: Statement, air: Air, expected_public) -> None:
    """The header against the AIR, the expected public inputs and its own parameters."""
    f = st.field
    if air.width != st.width:
        raise Reject(f"AIR has {air.width} columns but the proof is for {st.width}")
    if air_digest(air) != st.air_digest:
        raise Reject("AIR digest mismatch: the proof is for a different AIR")
    if air.degree + 1 != st.degree:
        raise Reject("degree in the header does not match the AIR")
    if expected_public is not None:
        want = air.public_values(f, expected_public).astype(np.uint64)
        if not np.array_equal(want, st.public):
            raise Reject("public inputs differ from the expected ones")
    if len(st.public) != len(air.public):
        raise Reject("wrong number of public inputs")
    if st.security_bits != int(report(f, st.n, st.width, st.degree, st.params).bits):
        raise Reject("the header's security level does not match its parameters")


def verify_bytes(data: bytes, air: Air, expected_public=None) -> Statement:
    """Verify; returns the statement or raises Reject/ProofFormatError."""
    st, _ = parse_header(data)
    _check_statement(st, air, expected_public)
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


def verify(data: bytes, air: Air, expected_public=None) -> Verdict:
    """ACCEPT/REJECT with the first failed check; never raises on arbitrary bytes."""
    try:
        st = verify_bytes(data, air, expected_public)
        return Verdict(True, "ok", st)
    except (Reject, ProofFormatError) as e:
        return Verdict(False, str(e), None)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as e:
        return Verdict(False, f"malformed proof ({type(e).__name__}: {e})", None)
