"""Soundness terms, one function each, and the report used by the CLI and the
proof header (docs/PROTOCOL.md §7.1). The security is *conjectured* (Basefold/FRI
proximity-gap conjecture for the query term); the argument is not zero-knowledge."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .field import Field
from .pcs.basefold.config import BasefoldParams


def query_bits(params: BasefoldParams) -> float:
    """Conjectured: each query catches a far codeword with probability 1 - rate."""
    return params.queries * params.log_blowup


def grinding_bits(params: BasefoldParams) -> float:
    return float(params.pow_bits)


def ext_field_bits(field: Field) -> float:
    return field.ext_degree * math.log2(field.p)


def zerocheck_bits(field: Field, n: int, degree: int) -> float:
    """Schwartz-Zippel over n rounds of degree-`degree` polynomials, plus the
    random linear combination of constraints (alpha) and the eq(r, .) batching."""
    return ext_field_bits(field) - math.log2(n * degree + 2 + n)


def batching_bits(field: Field, n: int, width: int) -> float:
    """beta/gamma batching of 2w claims and the degree-2 product sumcheck; the
    Basefold folding challenges add n terms of degree 1."""
    return ext_field_bits(field) - math.log2(2 * width + 2 * n + 2 * n)


@dataclass
class SecurityReport:
    terms: dict

    @property
    def bits(self) -> float:
        return min(self.terms.values())

    def lines(self) -> list[str]:
        return [f"{v:7.1f} bits -- {k}" for k, v in self.terms.items()] + [f"{self.bits:7.1f} bits -- total (conjectured)"]


def report(field: Field, n: int, width: int, degree: int, params: BasefoldParams) -> SecurityReport:
    return SecurityReport(
        terms={
            "queries + grinding (conjectured)": query_bits(params) + grinding_bits(params),
            "zerocheck (Schwartz-Zippel)": zerocheck_bits(field, n, degree),
            "batching + folding": batching_bits(field, n, width),
        }
    )
