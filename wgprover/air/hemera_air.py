"""hemera permutation AIR (docs/AIR.md §9.1); the sponge and Merkle-path AIRs built on
it are in :mod:`wgprover.air.hemera_modes`.

The AIRs are built programmatically from :mod:`wgprover.hemera.params` (the
round constants, both matrices and the round counts are read from there,
never retyped) in the ordinary AIR language: trace columns, periodic columns
and ``transition`` / ``first`` constraints.

Layout (docs/AIR.md §9.1): one permutation per *block* of ``rows`` rows
(``rows`` = 16 with the default 4 partial rounds per row).  Row 0 holds the
input state, each following row the state after one step: the initial
external matrix, a full round, or ``ppr`` partial rounds; the remaining rows
copy the output, so the block's last row holds it.  16 state columns
``s0..s15`` and ``ppr`` auxiliary columns ``y1..`` (the inverses of the
partial rounds' S-box inputs: x*y*x = x and x*y*y = y force y = x^(p-2),
0 -> 0).  Periodic columns of period ``rows`` hold the round constants and
the step selectors.

Trace generators are vectorised over the permutations (NumPy; loops only over
rounds), using the hemera reference's own round functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..field import goldilocks as gl
from ..hemera import params as hp
from ..hemera import reference as href
from .examples import Example
from .language import Air

P = hp.P
W = hp.WIDTH
_U64 = np.uint64


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Row schedule of one permutation block."""

    ppr: int  # partial rounds per row

    @property
    def groups(self) -> int:
        return hp.ROUNDS_P // self.ppr

    @property
    def steps(self) -> tuple[str, ...]:
        """Kind of the transition leaving each row: mix, full, part, copy (last row: none)."""
        h = hp.ROUNDS_F_HALF
        core = ("mix",) + ("full",) * h + ("part",) * self.groups + ("full",) * h
        return core + ("copy",) * (self.rows - 1 - len(core))

    @property
    def out_row(self) -> int:
        """First row holding the output (the rows after it copy it)."""
        return 1 + hp.ROUNDS_F + self.groups

    @property
    def rows(self) -> int:
        """Rows per permutation: a power of two with at least one copy row after the output."""
        return 1 << (self.out_row + 1).bit_length()

    @property
    def width(self) -> int:
        return W + self.ppr


def check_ppr(ppr: int) -> None:
    if ppr < 1 or hp.ROUNDS_P % ppr:
        raise ValueError(f"partial rounds per row must divide {hp.ROUNDS_P}, got {ppr}")


# --------------------------------------------------------------------------- expression text


def _coef_text(c: int, term: str) -> str:
    """`c * term` as a signed summand (small negative constants print as subtraction)."""
    c %= P
    if c == 0:
        return ""
    neg = c > P // 2
    m = P - c if neg else c
    body = term if m == 1 else f"{m} * {term}"
    return f"- {body}" if neg else f"+ {body}"


def _lin_text(coefs, terms) -> str:
    """Sum of c_j * term_j (at least "0")."""
    parts = [t for t in (_coef_text(int(c), x) for c, x in zip(coefs, terms)) if t]
    text = " ".join(parts).lstrip("+ ") if parts else "0"
    return f"-{text[2:]}" if text.startswith("- ") else text


def _external_text(v: list[str]) -> list[str]:
    """M_E = circ(2*M4, M4, M4, M4) applied to terms v, as 16 texts sharing subterms.

    y = M4 on each 4-lane chunk, out[4c + r] = y[c][r] + sum_k y[k][r]: the same
    (parenthesised) texts recur across lanes, so the evaluator and the code
    generator compute each once (docs/AIR.md §8: common subexpressions).
    """
    m4 = [[int(x) for x in row] for row in hp.M4]
    y = [[f"({_lin_text(m4[r], v[4 * c: 4 * c + 4])})" for r in range(4)] for c in range(4)]
    col = [f"({' + '.join(y[c][r] for c in range(4))})" for r in range(4)]
    return [f"{y[i // 4][i % 4]} + {col[i % 4]}" for i in range(W)]


def _partial_totals(ppr: int) -> list[list[int]]:
    """Linear forms over (s0..s15, y1..y_ppr) of the lane sums T_1..T_ppr of ppr partial rounds.

    Partial round k: lane 0 := y_k, T_k = sum of the lanes, lane i := d_i*lane_i + T_k.
    """
    nv = W + ppr
    lanes = [[int(i == j) for j in range(nv)] for i in range(W)]
    diag = [int(d) for d in hp.MATRIX_DIAG_16]
    totals = []
    for k in range(ppr):
        lanes[0] = [int(j == W + k) for j in range(nv)]
        total = [sum(col) % P for col in zip(*lanes)]
        totals.append(total)
        lanes = [[(d * a + t) % P for a, t in zip(lane, total)] for d, lane in zip(diag, lanes)]
    return totals


def _partial_text(s: list[str], y: list[str]) -> tuple[list[str], list[str]]:
    """(S-box inputs x_k without their constant, output lanes) of len(y) partial rounds
    from the state terms ``s`` (names or parenthesised texts), ``y`` the inverse outputs.

    With T_m the lane sums (shared texts): x_1 = s0, x_k = d_0*y_(k-1) + T_(k-1);
    output lane 0 = d_0*y_ppr + T_ppr, lane i >= 1 = d_i^ppr*s_i + sum_m d_i^(ppr-m)*T_m.
    """
    ppr = len(y)
    diag = [int(d) for d in hp.MATRIX_DIAG_16]
    tt = [f"({_lin_text(t, s + y)})" for t in _partial_totals(ppr)]
    xs = [s[0]] + [_lin_text([diag[0], 1], [y[k - 1], tt[k - 1]]) for k in range(1, ppr)]
    outs = [_lin_text([diag[0], 1], [y[-1], tt[-1]])]
    for i in range(1, W):
        coefs = [pow(diag[i], ppr, P)] + [pow(diag[i], ppr - m - 1, P) for m in range(ppr)]
        outs.append(_lin_text(coefs, [s[i]] + tt))
    return xs, outs


def _names(lay: Layout) -> tuple[list[str], list[str]]:
    s = [f"s{i}" for i in range(W)]
    y = [f"y{k + 1}" for k in range(lay.ppr)]
    return s, y


def _periodic(lay: Layout) -> dict[str, list[int]]:
    """Round constants and step selectors, period ``lay.rows``."""
    steps = lay.steps + ("none",)
    rcf, rcp = hp.rc_full(), hp.rc_partial()
    per: dict[str, list[int]] = {}
    for kind in ("mix", "full", "part", "copy"):
        per[f"sel_{kind}"] = [int(k == kind) for k in steps]
    full_rows = [r for r, k in enumerate(steps) if k == "full"]
    part_rows = [r for r, k in enumerate(steps) if k == "part"]
    for i in range(W):
        col = [0] * lay.rows
        for rnd, r in enumerate(full_rows):
            col[r] = int(rcf[rnd, i])
        per[f"c{i}"] = col
    for k in range(lay.ppr):
        col = [0] * lay.rows
        for g, r in enumerate(part_rows):
            col[r] = int(rcp[g * lay.ppr + k])
        per[f"cp{k + 1}"] = col
    return per


def _round_constraints(lay: Layout) -> list[dict]:
    """Per lane: the step's image of the current row equals the next row; the inverse pairs."""
    s, y = _names(lay)
    mix = _external_text(s)
    full = _external_text([f"(s{j} + c{j})^{hp.SBOX_DEGREE}" for j in range(W)])
    ins, outs = _partial_text(s, y)
    cons = []
    for i in range(W):
        nx = f"next.s{i}"
        text = (
            f"sel_mix * ({nx} - ({mix[i]})) + sel_full * ({nx} - ({full[i]}))"
            f" + sel_part * ({nx} - ({outs[i]})) + sel_copy * ({nx} - s{i})"
        )
        cons.append({"transition": text, "name": f"round_lane{i}"})
    for k in range(lay.ppr):
        x = f"({ins[k]} + cp{k + 1})"
        cons.append({"transition": f"sel_part * ({x} * y{k + 1} * {x} - {x})", "name": f"inverse{k + 1}_a"})
        cons.append({"transition": f"sel_part * ({x} * y{k + 1} * y{k + 1} - y{k + 1})", "name": f"inverse{k + 1}_b"})
    return cons


def build_air(name: str, lay: Layout, extra_periodic=None, extra_cons=(), public=(), extra_cols=()) -> Air:
    """The permutation AIR of ``lay`` plus a mode's columns, periodic columns, constraints and public inputs."""
    s, y = _names(lay)
    per = _periodic(lay)
    per.update(extra_periodic or {})
    return Air.from_dict({
        "name": name, "columns": s + y + list(extra_cols), "public": list(public), "periodic": per,
        "constraints": _round_constraints(lay) + list(extra_cons),
    })


@lru_cache(maxsize=8)
def permutation_air(ppr: int = 4) -> Air:
    """K hemera permutations, one per block: each block's last row is the permutation of its row 0."""
    check_ppr(ppr)
    return build_air(f"hemera-permutation-ppr{ppr}", Layout(ppr))


# --------------------------------------------------------------------------- trace generation


# from here on numba's start-up (0.5-1.5 s a process) pays: NumPy takes ~90 µs a permutation
COMPILE_FROM_PERMUTATIONS = 4096


def permutation_blocks(inputs: np.ndarray, ppr: int = 4) -> np.ndarray:
    """Trace of the permutations of ``inputs`` (K, 16): shape (16 + ppr, K * rows), Goldilocks.

    Also the hemera permutation itself (the block's last row is the output),
    computed with the reference's round functions, vectorised over K.
    """
    check_ppr(ppr)
    lay = Layout(ppr)
    s = gl.check(np.asarray(inputs, dtype=_U64), "hemera input").reshape(-1, W)
    if s.shape[0] >= COMPILE_FROM_PERMUTATIONS:
        from ..hemera import compiled

        fast = compiled.permutation_trace(s, lay.steps, ppr)  # the same trace, compiled (numba)
        if fast is not None:
            return fast
    K = s.shape[0]
    t = np.zeros((lay.width, K, lay.rows), dtype=_U64)
    rcf, rcp = hp.rc_full(), hp.rc_partial()
    t[:W, :, 0] = s.T
    s = href.external_linear(s)
    row, full, part = 1, 0, 0
    for kind in lay.steps[1:]:
        t[:W, :, row] = s.T
        if kind == "full":
            s = href.external_linear(href.pow7(gl.add(s, rcf[full])))
            full += 1
        elif kind == "part":
            for k in range(ppr):
                yk = gl.batch_inv(gl.add(s[:, 0], rcp[part]))  # = href.inverse, by a product tree
                t[W + k, :, row] = yk
                s = s.copy()
                s[:, 0] = yk
                s = href.internal_linear(s)
                part += 1
        row += 1
    t[:W, :, row:] = s.T[:, :, None]
    return t.reshape(lay.width, K * lay.rows)


def outputs(trace: np.ndarray, ppr: int = 4) -> np.ndarray:
    """The permutation outputs (K, 16) held by a trace's blocks (their last rows)."""
    rows = Layout(ppr).rows
    return np.ascontiguousarray(np.asarray(trace)[:W, rows - 1 :: rows].T)


def require_goldilocks(field) -> None:
    if field.name != "goldilocks":
        raise ValueError(f"hemera AIRs are over Goldilocks (hemera's field), not {field.name}")


def count_for_rows(n: int, ppr: int = 4) -> int:
    """K permutations in a 2^n-row trace (the `--log-rows` mapping: K = 2^n / rows)."""
    rows = Layout(ppr).rows
    if (1 << n) < rows:
        raise ValueError(f"a hemera trace needs at least {rows} rows (2^{rows.bit_length() - 1}), got 2^{n}")
    return (1 << n) // rows


def log_rows_for_count(count: int, ppr: int = 4) -> int:
    """n such that 2^n rows hold ``count`` permutations (count: a power of two >= 1)."""
    if count < 1 or count & (count - 1):
        raise ValueError(f"the permutation count must be a power of two >= 1, got {count}")
    return (count * Layout(ppr).rows).bit_length() - 1


def hemera_permutation(ppr: int = 4) -> Example:
    """Example: 2^n / rows random (or sequential) hemera permutations; no public inputs."""
    air = permutation_air(ppr)

    def generate(field, n: int, rng: np.random.Generator | None = None):
        require_goldilocks(field)
        K = count_for_rows(n, ppr)
        if rng is None:
            inputs = np.arange(K * W, dtype=_U64).reshape(K, W)
        else:
            inputs = gl.random(rng, (K, W))
        return permutation_blocks(inputs, ppr), {}

    return Example(air, generate)
