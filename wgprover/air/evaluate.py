"""NumPy evaluation of AIR constraints (the reference for the generated WGSL).

Two uses:

* :func:`check_trace` -- every constraint on every row of a base-field trace,
  returning the first violation (the prover refuses such a trace);
* :func:`combined_ext` -- the combined constraint polynomial
  ``C = sum_j alpha^j * sel_j * P_j`` at arbitrary points, given the values of
  all multilinear tables there as extension elements (vectorised over any
  leading shape).  This is what the zerocheck sums (docs/PROTOCOL.md §5).

Traces are column-major arrays of shape ``(w, 2^n)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..field.power import square_and_multiply
from .language import Add, Air, AirError, Col, Const, Expr, Mul, Neg, Per, Pow, Pub, Sub


class _BaseAlg:
    """Base-field ops on arrays of any shape."""

    def __init__(self, field) -> None:
        self.F = field.base
        self.p = field.p
        self.dtype = field.dtype

    def const(self, v: int):
        return np.array(int(v) % self.p, dtype=self.dtype)

    def add(self, a, b):
        return self.F.add(a, b)

    def sub(self, a, b):
        return self.F.sub(a, b)

    def mul(self, a, b):
        return self.F.mul(a, b)

    def neg(self, a):
        return self.F.neg(a)


class _ExtAlg(_BaseAlg):
    """Extension ops on arrays of shape (..., d)."""

    def __init__(self, field) -> None:
        super().__init__(field)
        self.E = field.ext

    def const(self, v: int):
        return self.E.from_base(super().const(v))

    def mul(self, a, b):
        return self.E.mul(a, b)


def eval_expr(e: Expr, alg: Any, leaf: Callable[[Expr], Any], memo: dict | None = None):
    """Evaluate an expression tree with the ops of ``alg``; ``leaf`` gives Col/Per/Pub values.

    Equal subtrees are evaluated once (``memo``), so x^7 or repeated terms are cheap.
    """
    memo = {} if memo is None else memo
    if e in memo:
        return memo[e]
    if isinstance(e, Const):
        r = alg.const(e.value)
    elif isinstance(e, (Col, Per, Pub)):
        r = leaf(e)
    elif isinstance(e, Neg):
        r = alg.neg(eval_expr(e.a, alg, leaf, memo))
    elif isinstance(e, (Add, Sub, Mul)):
        a = eval_expr(e.a, alg, leaf, memo)
        b = eval_expr(e.b, alg, leaf, memo)
        r = alg.add(a, b) if isinstance(e, Add) else alg.sub(a, b) if isinstance(e, Sub) else alg.mul(a, b)
    elif isinstance(e, Pow):
        r = _pow(alg, eval_expr(e.a, alg, leaf, memo), e.e)
    else:
        raise TypeError(f"not an expression node: {e!r}")
    memo[e] = r
    return r


def _pow(alg: Any, a, k: int):
    return square_and_multiply(a, k, alg.const(1), alg.mul, lambda x: alg.mul(x, x))


# --------------------------------------------------------------------------- base field, per row


def periodic_table(air: Air, field, n: int) -> np.ndarray:
    """Periodic columns expanded to full length: shape (n_periodic, 2^n), base field."""
    air.check_rows(n)
    N = 1 << n
    out = np.zeros((len(air.periodic), N), dtype=field.dtype)
    for j, vals in enumerate(air.periodic_values):
        v = np.array([int(x) % field.p for x in vals], dtype=field.dtype)
        out[j] = np.tile(v, N // len(v))
    return out


def _check_trace_shape(air: Air, field, trace: np.ndarray) -> int:
    trace = np.asarray(trace)
    if trace.ndim != 2 or trace.shape[0] != air.width:
        raise AirError(f"trace must have shape (w={air.width}, 2^n), got {trace.shape}")
    N = trace.shape[1]
    if N < 2 or N & (N - 1):
        raise AirError(f"trace length {N} is not a power of two >= 2")
    field.base.check(trace, "trace")
    return N.bit_length() - 1


def constraint_values(air: Air, field, trace: np.ndarray, public) -> np.ndarray:
    """P_j evaluated on every row (next row wraps around): shape (n_constraints, 2^n), base field."""
    n = _check_trace_shape(air, field, trace)
    trace = np.asarray(trace, dtype=field.dtype)
    per = periodic_table(air, field, n)
    pub = air.public_values(field, public)
    nxt = np.roll(trace, -1, axis=1)
    alg = _BaseAlg(field)

    def leaf(e: Expr):
        if isinstance(e, Col):
            return nxt[e.index] if e.next else trace[e.index]
        if isinstance(e, Per):
            return per[e.index]
        return pub[e.index]

    memo: dict = {}
    out = np.empty((len(air.constraints), 1 << n), dtype=field.dtype)
    for j, c in enumerate(air.constraints):
        out[j] = np.broadcast_to(eval_expr(c.expr, alg, leaf, memo), (1 << n,))
    return out


@dataclass(frozen=True)
class Violation:
    """The first failing (row, constraint) of a trace."""

    row: int
    constraint: int
    selector: str
    text: str
    value: int

    def __str__(self) -> str:
        return (
            f"trace violates constraint {self.constraint} [{self.selector}] "
            f"\"{self.text}\" on row {self.row} (value {self.value})"
        )


def check_trace(air: Air, field, trace: np.ndarray, public) -> Violation | None:
    """First violated constraint (smallest row, then smallest constraint index), or None.

    Transition constraints are checked on rows 0 .. 2^n - 2, ``first`` on row 0,
    ``last`` on row 2^n - 1.
    """
    vals = constraint_values(air, field, trace, public)
    N = vals.shape[1]
    mask = np.zeros(vals.shape, dtype=bool)
    for j, c in enumerate(air.constraints):
        if c.selector == "transition":
            mask[j, : N - 1] = True
        elif c.selector == "first":
            mask[j, 0] = True
        else:
            mask[j, N - 1] = True
    bad = (vals != 0) & mask
    if not bad.any():
        return None
    rows = np.flatnonzero(bad.any(axis=0))
    row = int(rows[0])
    j = int(np.flatnonzero(bad[:, row])[0])
    c = air.constraints[j]
    return Violation(row, j, c.selector, c.text, int(vals[j, row]))


def require_valid(air: Air, field, trace: np.ndarray, public) -> None:
    """Raise AirError with the first violation's description if the trace is invalid."""
    v = check_trace(air, field, trace, public)
    if v is not None:
        raise AirError(str(v))


# --------------------------------------------------------------------------- extension, at points


def constraint_values_ext(air: Air, field, cur, nxt, per, public) -> list[np.ndarray]:
    """P_j at points given table values in E: cur/nxt (w, ..., d), per (n_periodic, ..., d)."""
    alg = _ExtAlg(field)
    pub = field.ext.from_base(air.public_values(field, public))

    def leaf(e: Expr):
        if isinstance(e, Col):
            return nxt[e.index] if e.next else cur[e.index]
        if isinstance(e, Per):
            return per[e.index]
        return pub[e.index]

    memo: dict = {}
    return [eval_expr(c.expr, alg, leaf, memo) for c in air.constraints]


def combined_ext(
    air: Air,
    field,
    cur: np.ndarray,
    nxt: np.ndarray,
    per: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    public: Mapping[str, int] | Sequence[int],
    alpha: np.ndarray,
) -> np.ndarray:
    """C = sum_j alpha^j * sel_j * P_j at points (vectorised over the leading shape).

    ``cur``/``nxt``: (w, ..., d) values of T_k and N_k; ``per``: (n_periodic, ..., d);
    ``first``/``last``: (..., d) values of the first/last selector polynomials;
    sel_transition = 1 - last.  Returns (..., d).
    """
    E = field.ext
    P = constraint_values_ext(air, field, cur, nxt, per, public)
    sel = {"first": first, "last": last, "transition": E.sub(E.one(), last)}
    shape = np.broadcast_shapes(first.shape, last.shape)
    acc = np.zeros(shape, dtype=field.dtype)
    apow = E.one()
    for c, pj in zip(air.constraints, P):
        acc = E.add(acc, E.mul(apow, E.mul(sel[c.selector], pj)))
        apow = E.mul(apow, alpha)
    return acc
