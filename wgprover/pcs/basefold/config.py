"""Basefold parameters and the folding schedule (PROTOCOL.md §5-6)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class BasefoldParams:
    """Rate 2^-log_blowup, fold k variables per committed layer, `queries` query
    repetitions, `pow_bits` of grinding, final polynomial of 2^final_log coefficients."""

    log_blowup: int = 2
    fold: int = 4
    queries: int = 42
    pow_bits: int = 16
    final_log: int = 4

    def validate(self) -> None:
        if not 1 <= self.log_blowup <= 6:
            raise ValueError(f"log_blowup must be in 1..6, got {self.log_blowup}")
        if not 1 <= self.fold <= 6:
            raise ValueError(f"fold must be in 1..6, got {self.fold}")
        if not 1 <= self.queries <= 1024:
            raise ValueError(f"queries must be in 1..1024, got {self.queries}")
        if not 0 <= self.pow_bits <= 30:
            raise ValueError(f"pow_bits must be in 0..30, got {self.pow_bits}")
        if not 0 <= self.final_log <= 8:
            raise ValueError(f"final_log must be in 0..8, got {self.final_log}")

    @classmethod
    def testing(cls, **overrides) -> "BasefoldParams":
        """Small, fast parameters for tests (a few queries, little grinding; far
        below any security target): the preset tests use instead of ad hoc copies,
        with ``overrides`` for the field under test."""
        base = {"log_blowup": 1, "fold": 2, "queries": 3, "pow_bits": 2, "final_log": 1}
        params = cls(**{**base, **overrides})
        params.validate()
        return params

    @classmethod
    def for_security(cls, bits: int, log_blowup: int = 2, fold: int = 4, pow_bits: int = 16, final_log: int = 4) -> "BasefoldParams":
        """The preset behind ``--security BITS``: enough queries that
        queries * log_blowup + pow_bits >= bits (conjectured, docs/PROTOCOL.md §5)."""
        pow_bits = min(pow_bits, max(0, bits - log_blowup))
        queries = max(1, math.ceil((bits - pow_bits) / log_blowup))
        return cls(log_blowup=log_blowup, fold=fold, queries=queries, pow_bits=pow_bits, final_log=final_log)


@dataclass(frozen=True)
class Schedule:
    """Layer i has 2^(n - sum(steps[:i]) + log_blowup) positions and cosets of
    2^steps[i]; after the last step the polynomial has `final_vars` variables."""

    n: int
    log_blowup: int
    steps: tuple[int, ...]
    final_vars: int

    @property
    def layers(self) -> int:
        return len(self.steps)

    def log_len(self, i: int) -> int:
        return self.n - sum(self.steps[:i]) + self.log_blowup

    def log_leaves(self, i: int) -> int:
        return self.log_len(i) - self.steps[i]

    def boundary(self, i: int) -> int:
        """Number of sumcheck rounds after which layer i+1 (or the final poly) exists."""
        return sum(self.steps[: i + 1])


def schedule(n: int, params: BasefoldParams) -> Schedule:
    """Fold `fold` variables per layer; the last step takes the remainder, leaving
    min(final_log, n - 1) variables for the final polynomial (at least one fold)."""
    if n < 1:
        raise ValueError("the trace needs at least 2 rows")
    f = min(params.final_log, n - 1)
    total = n - f
    steps = [params.fold] * (total // params.fold)
    if total % params.fold:
        steps.append(total % params.fold)
    return Schedule(n=n, log_blowup=params.log_blowup, steps=tuple(steps), final_vars=f)
