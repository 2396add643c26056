"""hemera permutation AIR, one permutation per row (docs/AIR.md §9.1, "wide" layout).

The row layout of :mod:`wgprover.air.hemera_air` spends 16 rows on a
permutation and evaluates *every* step's constraint (mix, full, partial,
copy, each times its selector) on every row: the zerocheck pays ~16x the
work of one round per row, at round degree D = 10.  Here a row holds a whole
permutation and its constraints need no selector: each row evaluates one
permutation's worth of arithmetic, and the trace has fewer cells (176 or 304
per permutation instead of 320).  The cost model is in docs/AIR.md §9.1.

Columns (``sbox`` = 7): input ``s0..s15``; for full round r = 0..7, ``u{r}_i``
= x_{r,i}^7 with x_r the round's S-box input, a linear form of the previous
columns plus the round constant (x_0 = M_E s + c_0, x_r = M_E u_{r-1} + c_r,
x_4 = the partial rounds' output + c_4); ``y1..y16`` the inverse S-box outputs
of the partial rounds (x y x = x, x y y = y, as in the row layout); the
output ``o0..o15`` = M_E u_7.  Constraint degree 7, so D = 9.

``sbox`` = 3 adds ``z{r}_i`` = x_{r,i}^3 and constrains u = z^2 x: 304
columns, constraint degree 3, D = 5.

The constraints are ``transition`` constraints: they hold on every row but
the last, so 2^n rows prove 2^n - 1 permutations (the last row is padding).
Stating them again as ``last`` constraints would keep every constraint value
live until the last-row part of the interpreter's program runs (a register
per constraint, docs/AIR.md §8) for one permutation in 2^n.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..field import goldilocks as gl
from ..hemera import params as hp
from ..hemera import reference as href
from .examples import Example
from .hemera_air import COMPILE_FROM_PERMUTATIONS, _external_text, _partial_text, require_goldilocks
from .language import Air

P = hp.P
W = hp.WIDTH
SBOXES = (7, 3)
_U64 = np.uint64


def check_sbox(sbox: int) -> None:
    if sbox not in SBOXES:
        raise ValueError(f"wide hemera S-box split must be one of {SBOXES}, got {sbox}")


def columns(sbox: int = 7) -> list[str]:
    """Trace column names in order: s, (z_r, u_r) per full round, y, o."""
    check_sbox(sbox)
    cols = [f"s{i}" for i in range(W)]
    for r in range(hp.ROUNDS_F):
        if sbox == 3:
            cols += [f"z{r}_{i}" for i in range(W)]
        cols += [f"u{r}_{i}" for i in range(W)]
    return cols + [f"y{k + 1}" for k in range(hp.ROUNDS_P)] + [f"o{i}" for i in range(W)]


def _partials() -> tuple[list[str], list[str]]:
    """(lane-0 S-box inputs without constants, output lanes) of the 16 partial rounds as
    texts over the state M_E u_3 (shared subterms) and y1..y16 (docs/AIR.md §9.1)."""
    before = [f"({t})" for t in _external_text([f"u{hp.ROUNDS_F_HALF - 1}_{j}" for j in range(W)])]
    return _partial_text(before, [f"y{k + 1}" for k in range(hp.ROUNDS_P)])


def _with_const(lin: str, c: int) -> str:
    return f"({lin} + {int(c)})"


def _sbox_inputs() -> list[list[str]]:
    """Texts of the S-box inputs x_{r,i} of the 8 full rounds (constants included)."""
    rcf = hp.rc_full()
    lanes = _partials()[1]
    xs = []
    for r in range(hp.ROUNDS_F):
        if r == hp.ROUNDS_F_HALF:
            lin = [f"({lane})" for lane in lanes]
        else:
            prev = [f"s{j}" for j in range(W)] if r == 0 else [f"u{r - 1}_{j}" for j in range(W)]
            lin = _external_text(prev)
        xs.append([_with_const(lin[i], rcf[r, i]) for i in range(W)])
    return xs


def _full_round(r: int, xr: list[str], sbox: int) -> list[tuple[str, str]]:
    """(name, text) of full round r's S-box constraints, x = its input texts."""
    cons = []
    for i, x in enumerate(xr):
        u = f"u{r}_{i}"
        if sbox == 3:
            cons.append((f"cube{r}_{i}", f"z{r}_{i} - {x}^3"))
            cons.append((f"sbox{r}_{i}", f"{u} - z{r}_{i}^2 * {x}"))
        else:
            cons.append((f"sbox{r}_{i}", f"{u} - {x}^{hp.SBOX_DEGREE}"))
    return cons


def _constraints(sbox: int) -> list[dict]:
    """The constraints of one row (``transition``: every row but the last), in the
    permutation's order, so a wrong value is reported by the first step it breaks."""
    xs = _sbox_inputs()
    cons = [c for r in range(hp.ROUNDS_F_HALF) for c in _full_round(r, xs[r], sbox)]
    rcp = hp.rc_partial()
    for k, lin in enumerate(_partials()[0]):
        x, y = _with_const(lin, rcp[k]), f"y{k + 1}"
        cons.append((f"inverse{k + 1}_a", f"{x} * {y} * {x} - {x}"))
        cons.append((f"inverse{k + 1}_b", f"{x} * {y} * {y} - {y}"))
    cons += [c for r in range(hp.ROUNDS_F_HALF, hp.ROUNDS_F) for c in _full_round(r, xs[r], sbox)]
    out = _external_text([f"u{hp.ROUNDS_F - 1}_{j}" for j in range(W)])
    cons += [(f"out{i}", f"o{i} - ({out[i]})") for i in range(W)]
    return [{"transition": text, "name": name} for name, text in cons]


@lru_cache(maxsize=4)
def wide_air(sbox: int = 7) -> Air:
    """2^n - 1 hemera permutations in 2^n rows: ``o`` is the permutation of ``s`` on every row but the last."""
    check_sbox(sbox)
    return Air.from_dict({"name": f"hemera-permutation-wide-x{sbox}", "columns": columns(sbox),
                          "constraints": _constraints(sbox)})


def wide_trace(inputs: np.ndarray, sbox: int = 7) -> np.ndarray:
    """Trace (width, 2^n) of the permutations of ``inputs`` (K, 16), 2^n the smallest power
    of two above K (the rows after the K-th permute zero states); computed with the
    reference's round functions, vectorised over the rows."""
    check_sbox(sbox)
    s = gl.check(np.asarray(inputs, dtype=_U64), "hemera input").reshape(-1, W)
    s = np.concatenate([s, np.zeros(((1 << s.shape[0].bit_length()) - s.shape[0], W), dtype=_U64)])
    if s.shape[0] >= COMPILE_FROM_PERMUTATIONS:
        from ..hemera import compiled

        fast = compiled.wide_trace(s, sbox)  # the same trace, compiled (numba)
        if fast is not None:
            return fast
    cols: list[np.ndarray] = [s]
    rcf, rcp = hp.rc_full(), hp.rc_partial()
    ys = np.zeros((s.shape[0], hp.ROUNDS_P), dtype=_U64)
    s = href.external_linear(s)
    for r in range(hp.ROUNDS_F):
        x = gl.add(s, rcf[r])
        if sbox == 3:
            cols.append(gl.mul(gl.sqr(x), x))
        cols.append(href.pow7(x))
        s = href.external_linear(cols[-1])
        if r == hp.ROUNDS_F_HALF - 1:
            for k in range(hp.ROUNDS_P):
                ys[:, k] = gl.batch_inv(gl.add(s[:, 0], rcp[k]))  # = href.inverse (0 -> 0)
                s = s.copy()
                s[:, 0] = ys[:, k]
                s = href.internal_linear(s)
    return np.ascontiguousarray(np.concatenate(cols + [ys, s], axis=1).T)


def wide_outputs(trace: np.ndarray, count: int) -> np.ndarray:
    """The outputs (count, 16) of the first ``count`` permutations: the last 16 columns."""
    return np.ascontiguousarray(np.asarray(trace)[-W:, :count].T)


def count_for_rows(n: int) -> int:
    """Permutations proved by a 2^n-row wide trace (the last row is padding)."""
    if n < 1:
        raise ValueError(f"a wide hemera trace needs at least 2 rows, got 2^{n}")
    return (1 << n) - 1


def hemera_wide(sbox: int = 7) -> Example:
    """Example (``wgprove example hemera-wide``): 2^n - 1 random (or sequential) hemera
    permutations in 2^n rows of the wide layout; no public inputs."""
    air = wide_air(sbox)

    def generate(field, n: int, rng: np.random.Generator | None = None):
        require_goldilocks(field)
        K = count_for_rows(n)
        inputs = np.arange(K * W, dtype=_U64).reshape(K, W) if rng is None else gl.random(rng, (K, W))
        return wide_trace(inputs, sbox), {}

    return Example(air, generate)
