"""Compile an AIR's constraints to WGSL (the combined constraint polynomial of the zerocheck).

``generate(air, field)`` emits straight-line WGSL for

    C(X) = sum_j alpha^j * sel_j(X) * P_j(T(X), N(X), periodic(X), pub)

at point X of pair k of the current round (DESIGN.md §6 step 2), in two
variants: ``zc_eval_base`` for round 0, where every table value is a base
element (``fe_*`` arithmetic; alpha^j enters as ``ef_mul_fe``), and
``zc_eval_ext`` for later rounds (``ef_*``, with constants and public inputs
kept in the base field: ``ef_mul_fe``, ``ef_add_fe``).  The code is written
only against the field interfaces (docs/ARCHITECTURE.md §3) and is composed
before shaders/sumcheck_zerocheck.wgsl, which supplies the table accessors.

Emission: one SSA ``let`` per distinct subexpression (common subexpressions
are shared), powers by square-and-multiply, compile-time constant folding
(exact in F_p), and boundary constraints evaluated only on the one pair where
their selector is non-zero (first: k = 0, last: k = half - 1).  Integers that
do not fit a small literal live in the ``pubc`` buffer after the public inputs.

The NumPy twin is :func:`wgprover.air.evaluate.combined_ext`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from ..field.power import square_and_multiply
from .language import Add, Air, Col, Const, Expr, Mul, Neg, Per, Pow, Pub, Sub

WG = 64  # workgroup size of the generated round kernels
_SMALL = 1 << 16


@dataclass(frozen=True)
class Layout:
    """How the zerocheck tables are split over storage bindings (chunks of whole tables).

    ``trace_chunks`` bindings of ``cols_per_trace_chunk`` trace columns each, and
    ``state_chunks`` bindings of ``tables_per_state_chunk`` state tables each
    (the state has 2w + 1 tables).  One chunk each unless a table set exceeds
    the device's storage binding limit.
    """

    trace_chunks: int
    cols_per_trace_chunk: int
    state_chunks: int
    tables_per_state_chunk: int

    @staticmethod
    def single(width: int) -> "Layout":
        return Layout(1, width, 1, 2 * width + 1)


@dataclass(frozen=True)
class Generated:
    """WGSL for one (AIR, field) and the data it expects in its buffers."""

    source: str
    constants: tuple[int, ...]  # appended after the public inputs in the pubc buffer
    npts: int  # D + 1 evaluation points per round
    n_constraints: int
    wg: int

    @property
    def key(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:24]


# value kinds: ("k", int) compile-time constant, ("f", name) base element, ("e", name) extension element
_Val = tuple


class _Emitter:
    """Emits SSA lines for expressions in one mode ("base" or "ext")."""

    def __init__(self, air: Air, p: int, mode: str, consts: dict[int, int]) -> None:
        self.air, self.p, self.mode, self.consts = air, p, mode, consts
        self.counter = 0
        self.lines: list[str] = []
        self.memo: dict = {}

    # -- scopes -------------------------------------------------------------
    def child(self) -> "_Emitter":
        c = _Emitter(self.air, self.p, self.mode, self.consts)
        c.counter = self.counter
        c.memo = dict(self.memo)
        return c

    def adopt_counter(self, child: "_Emitter") -> None:
        self.counter = max(self.counter, child.counter)

    def let(self, kind: str, expr: str) -> _Val:
        name = f"v{self.counter}"
        self.counter += 1
        self.lines.append(f"let {name} = {expr};")
        return (kind, name)

    # -- constants ----------------------------------------------------------
    def fe(self, v: _Val) -> str:
        """A base-field WGSL expression for a 'k' or 'f' value."""
        if v[0] == "f":
            return v[1]
        c = v[1] % self.p
        if c == 0:
            return "fe_zero()"
        if c == 1:
            return "fe_one()"
        if c < _SMALL:
            return f"fe_from_u32({c}u)"
        if self.p - c < _SMALL:
            return f"fe_neg(fe_from_u32({self.p - c}u))"
        idx = self.consts.setdefault(c, len(self.consts))
        return f"zc_pubc[{len(self.air.public) + idx}u]"

    def ef(self, v: _Val) -> str:
        return v[1] if v[0] == "e" else f"ef_from_fe({self.fe(v)})"

    # -- operations -----------------------------------------------------------
    def add(self, a: _Val, b: _Val) -> _Val:
        if a[0] == "k" and b[0] == "k":
            return ("k", (a[1] + b[1]) % self.p)
        if a[0] == "k" and a[1] % self.p == 0:
            return b
        if b[0] == "k" and b[1] % self.p == 0:
            return a
        if a[0] != "e" and b[0] != "e":
            return self.let("f", f"fe_add({self.fe(a)}, {self.fe(b)})")
        if a[0] == "e" and b[0] == "e":
            return self.let("e", f"ef_add({a[1]}, {b[1]})")
        e, f = (a, b) if a[0] == "e" else (b, a)
        return self.let("e", f"ef_add_fe({e[1]}, {self.fe(f)})")

    def neg(self, a: _Val) -> _Val:
        if a[0] == "k":
            return ("k", (-a[1]) % self.p)
        return self.let(a[0], f"{'ef' if a[0] == 'e' else 'fe'}_neg({a[1]})")

    def sub(self, a: _Val, b: _Val) -> _Val:
        if a[0] == "k" and b[0] == "k":
            return ("k", (a[1] - b[1]) % self.p)
        if b[0] == "k" and b[1] % self.p == 0:
            return a
        if a[0] == "k" and a[1] % self.p == 0:
            return self.neg(b)
        if a[0] != "e" and b[0] != "e":
            return self.let("f", f"fe_sub({self.fe(a)}, {self.fe(b)})")
        if a[0] == "e" and b[0] == "e":
            return self.let("e", f"ef_sub({a[1]}, {b[1]})")
        if a[0] == "e":
            return self.let("e", f"ef_add_fe({a[1]}, fe_neg({self.fe(b)}))")
        return self.let("e", f"ef_add_fe(ef_neg({b[1]}), {self.fe(a)})")

    def mul(self, a: _Val, b: _Val) -> _Val:
        if a[0] == "k" and b[0] == "k":
            return ("k", a[1] * b[1] % self.p)
        for x, y in ((a, b), (b, a)):
            if x[0] == "k":
                c = x[1] % self.p
                if c == 0:
                    return ("k", 0)
                if c == 1:
                    return y
                if c == self.p - 1:
                    return self.neg(y)
        if a[0] != "e" and b[0] != "e":
            return self.let("f", f"fe_mul({self.fe(a)}, {self.fe(b)})")
        if a[0] == "e" and b[0] == "e":
            return self.let("e", f"ef_mul({a[1]}, {b[1]})")
        e, f = (a, b) if a[0] == "e" else (b, a)
        return self.let("e", f"ef_mul_fe({e[1]}, {self.fe(f)})")

    def sqr(self, a: _Val) -> _Val:
        if a[0] == "k":
            return ("k", a[1] * a[1] % self.p)
        return self.let(a[0], f"{'ef' if a[0] == 'e' else 'fe'}_sqr({a[1]})")

    def pow(self, a: _Val, k: int) -> _Val:
        if a[0] == "k":
            return ("k", pow(a[1], k, self.p))
        return square_and_multiply(a, k, ("k", 1), self.mul, self.sqr)

    # -- leaves and trees -------------------------------------------------------
    def leaf(self, e: Expr) -> _Val:
        args = "k, x, xf"
        if isinstance(e, Pub):
            return self.let("f", f"zc_pubc[{e.index}u]")
        if self.mode == "base":
            if isinstance(e, Col):
                return self.let("f", f"zc_tr_{'next' if e.next else 'cur'}({e.index}u, {args})")
            return self.let("f", f"zc_per_base({e.index}u, {args})")
        if isinstance(e, Col):
            return self.let("e", f"zc_st_{'next' if e.next else 'cur'}({e.index}u, {args})")
        return self.let("e", f"zc_per_ext({e.index}u, {args})")

    def value(self, e: Expr) -> _Val:
        if e in self.memo:
            return self.memo[e]
        if isinstance(e, Const):
            v: _Val = ("k", e.value % self.p)
        elif isinstance(e, (Col, Per, Pub)):
            v = self.leaf(e)
        elif isinstance(e, Neg):
            v = self.neg(self.value(e.a))
        elif isinstance(e, Add):
            v = self.add(self.value(e.a), self.value(e.b))
        elif isinstance(e, Sub):
            v = self.sub(self.value(e.a), self.value(e.b))
        elif isinstance(e, Mul):
            v = self.mul(self.value(e.a), self.value(e.b))
        elif isinstance(e, Pow):
            v = self.pow(self.value(e.a), e.e)
        else:
            raise TypeError(f"not an expression node: {e!r}")
        self.memo[e] = v
        return v

    def weighted_sum(self, idx: list[int]) -> str | None:
        """Emit sum_j alpha^j P_j over constraint indices idx; returns the Ef name (None if empty)."""
        acc: str | None = None
        for j in idx:
            v = self.value(self.air.constraints[j].expr)
            if v[0] == "k" and v[1] % self.p == 0:
                continue
            term = f"ef_mul(zc_alpha({j}u), {v[1]})" if v[0] == "e" else f"ef_mul_fe(zc_alpha({j}u), {self.fe(v)})"
            acc = self.let("e", term if acc is None else f"ef_add({acc}, {term})")[1]
        return acc


def _group(air: Air, sel: str) -> list[int]:
    return [j for j, c in enumerate(air.constraints) if c.selector == sel]


def _eval_function(air: Air, p: int, mode: str, consts: dict[int, int]) -> str:
    """One of zc_eval_base / zc_eval_ext."""
    top = _Emitter(air, p, mode, consts)
    body: list[str] = []
    g_t = top.weighted_sum(_group(air, "transition"))
    body += top.lines
    body.append(f"var c = {g_t or 'ef_zero()'};")
    if mode == "base":
        one_minus_x = "fe_sub(fe_one(), xf)"
        last_sel, trans_sel, first_sel = "xf", one_minus_x, one_minus_x
        scale = lambda g, s: f"ef_mul_fe({g}, {s})"  # noqa: E731
    else:
        last_sel, first_sel = "ef_mul_fe(zc_cl(), xf)", "ef_mul_fe(zc_cf(), fe_sub(fe_one(), xf))"
        trans_sel = "ef_sub(ef_one(), sel_l)"
        scale = lambda g, s: f"ef_mul({g}, {s})"  # noqa: E731
    lasts, firsts = _group(air, "last"), _group(air, "first")
    if g_t is not None or lasts:
        br = top.child()
        g_l = br.weighted_sum(lasts)
        top.adopt_counter(br)
        body.append("if (k == half - 1u) {")
        body += ["    " + ln for ln in br.lines]
        body.append(f"    let sel_l = {last_sel};")
        terms = []
        if g_t is not None:
            terms.append(scale(g_t, trans_sel))
        if g_l is not None:
            terms.append(scale(g_l, "sel_l"))
        body.append(f"    c = {_sum(terms)};")
        body.append("}")
    if firsts:
        br = top.child()
        g_f = br.weighted_sum(firsts)
        top.adopt_counter(br)
        if g_f is not None:
            body.append("if (k == 0u) {")
            body += ["    " + ln for ln in br.lines]
            body.append(f"    c = ef_add(c, {scale(g_f, first_sel)});")
            body.append("}")
    body.append("return c;")
    sig = f"fn zc_eval_{mode}(k: u32, x: u32, xf: Fe, half: u32) -> Ef {{"
    return "\n".join([sig] + ["    " + ln for ln in body] + ["}"])


def _sum(terms: list[str]) -> str:
    if not terms:
        return "ef_zero()"
    acc = terms[0]
    for t in terms[1:]:
        acc = f"ef_add({acc}, {t})"
    return acc


def _chunked(name: str, count: int, per: int, stride: str, index: str, body: str) -> list[str]:
    """Statements selecting chunk ``index / per`` of bindings name0..name{count-1}."""
    if count == 1:
        return [body.format(buf=f"{name}0", i=f"{index} * {stride}")]
    lines = [f"switch ({index} / {per}u) {{"]
    for c in range(count):
        label = "default" if c == count - 1 else f"case {c}u"
        stmt = body.format(buf=f"{name}{c}", i=f"({index} - {c * per}u) * {stride}")
        lines.append(f"    {label}: {{ {stmt} }}")
    lines.append("}")
    return lines


def _bindings(layout: Layout) -> str:
    """Binding declarations and chunk-hiding load/store functions."""
    decl: list[str] = []
    b = 0

    def add(text: str) -> None:
        nonlocal b
        decl.append(f"@group(0) @binding({b}) {text};")
        b += 1

    for c in range(layout.trace_chunks):
        add(f"var<storage, read> zc_trace{c}: array<Fe>")
    for c in range(layout.state_chunks):
        add(f"var<storage, read> zc_st{c}: array<Ef>")
    add("var<storage, read> zc_per: array<Ef>")
    add("var<storage, read> zc_chal: array<Ef>")
    add("var<storage, read> zc_pubc: array<Fe>")
    add("var<storage, read_write> zc_aux: array<Ef>")
    for c in range(layout.state_chunks):
        add(f"var<storage, read_write> zc_out{c}: array<Ef>")
    add("var<uniform> zp: ZcParams")
    t, s = layout, layout
    fns = [
        ("fn zc_tr_load(c: u32, i: u32) -> Fe {",
         _chunked("zc_trace", t.trace_chunks, t.cols_per_trace_chunk, "zp.size", "c", "return {buf}[{i} + i];")),
        ("fn zc_st_load(t: u32, i: u32) -> Ef {",
         _chunked("zc_st", s.state_chunks, s.tables_per_state_chunk, "zp.size", "t", "return {buf}[{i} + i];")),
        ("fn zc_out_store(t: u32, i: u32, v: Ef) {",
         _chunked("zc_out", s.state_chunks, s.tables_per_state_chunk, "zp.half", "t", "{buf}[{i} + i] = v;")),
        ("fn zc_out_part(i: u32, v: Ef) {", ["zc_out0[i] = v;"]),
    ]
    out = decl[:]
    for sig, body in fns:
        out += ["", sig] + ["    " + ln for ln in body] + ["}"]
    return "\n".join(out)


@lru_cache(maxsize=64)
def _generate(air: Air, field_name: str, p: int, wg: int, layout: Layout) -> Generated:
    consts: dict[int, int] = {}
    f_base = _eval_function(air, p, "base", consts)
    f_ext = _eval_function(air, p, "ext", consts)
    npts = air.degree + 2
    header = "\n".join(
        [
            f"// Generated by wgprover.air.codegen for AIR {air.name!r} ({air.key}), field {field_name}.",
            f"const ZC_W: u32 = {air.width}u;",
            f"const ZC_NPER: u32 = {len(air.periodic)}u;",
            f"const ZC_NCONS: u32 = {len(air.constraints)}u;",
            f"const ZC_NPTS: u32 = {npts}u;",
            f"const ZC_WG: u32 = {wg}u;",
        ]
    )
    order = tuple(sorted(consts, key=consts.get))
    source = f"{header}\n\n{_bindings(layout)}\n\n{f_base}\n\n{f_ext}\n"
    return Generated(source, order, npts, len(air.constraints), wg)


def generate(air: Air, field, wg: int = WG, layout: Layout | None = None) -> Generated:
    """WGSL for the combined constraint polynomial of ``air`` over ``field`` (cached)."""
    return _generate(air, field.name, field.p, wg, layout or Layout.single(air.width))


# --------------------------------------------------------------------------- pipelines


def zerocheck_kernel(ctx, field, air: Air, entry: str, layout: Layout | None = None):
    """A pipeline of shaders/sumcheck_zerocheck.wgsl specialised to ``air`` (cached)."""
    return ctx.kernel(field, ["sumcheck_zerocheck"], entry, generated=generate(air, field, layout=layout).source)
