"""The NumPy reference prover (runs on the CPU; `wgprove prove --cpu`).

A composition of the protocol spine (wgprover/protocol.py) and the
sub-protocols' NumPy prove functions, in the order of ``protocol.describe``
(docs/PROTOCOL.md §3-7). Its bytes equal the GPU prover's (wgprover/prover.py).
"""

from __future__ import annotations

import numpy as np

from .air.language import Air
from .field import Field
from .pcs import pcs_for
from .pcs.basefold.config import BasefoldParams
from .proof import air_digest
from .protocol import (ConstraintViolation, ProverChannel, check_trace, describe, make_statement,
                       start_transcript, trace_shape)
from .sumcheck.reference import prove_zerocheck

__all__ = ["ConstraintViolation", "check_trace", "make_statement", "prove_reference", "start_transcript"]


def prove_reference(field: Field, air: Air, trace: np.ndarray, public, params: BasefoldParams,
                    check: bool = True) -> bytes:
    """Prove that ``trace`` (w, 2^n) satisfies ``air`` with ``public`` inputs."""
    trace, n = trace_shape(field, air, trace)
    if check:
        check_trace(field, air, trace, public)
    plan = describe(make_statement(field, air, n, public, params, air_digest(air)))
    pcs = pcs_for(params).prove
    ch = ProverChannel(plan, start_transcript(plan.st))
    first = pcs.prove_commit(ch, field, trace, plan)
    r, alpha = ch.draw(plan.r_alpha)
    rho, _ = prove_zerocheck(ch, field, air, trace, public, plan.zerocheck, r, alpha)
    beta, gamma = ch.draw(plan.beta_gamma)
    pcs.prove_open(ch, field, trace, first, plan, rho, beta, gamma)
    return ch.proof()
