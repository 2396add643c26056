"""Compile an AIR's constraints to WGSL (the combined constraint polynomial of the zerocheck).

``generate(air, field)`` emits WGSL for

    C(X) = sum_j alpha^j * sel_j(X) * P_j(T(X), N(X), periodic(X), pub)

at point X of pair k of the current round (docs/PROTOCOL.md §5), in two
variants: ``zc_eval_base`` for round 0, where every table value is a base
element (``fe_*`` arithmetic; alpha^j enters as ``ef_mul_fe``), and
``zc_eval_ext`` for later rounds (``ef_*``, with constants and public inputs
kept in the base field: ``ef_mul_fe``, ``ef_add_fe``).  The code is written
only against the field interfaces (docs/ARCHITECTURE.md §3) and is composed
before shaders/sumcheck_zerocheck.wgsl, which supplies the table accessors.

Emission: one SSA op per distinct subexpression (common subexpressions are
shared), powers by square-and-multiply, compile-time constant folding (exact
in F_p), and boundary constraints evaluated only on the one pair where their
selector is non-zero (first: k = 0, last: k = half - 1).  Integers that do not
fit a small literal live in the ``pubc`` buffer after the public inputs.

Each variant is either rendered inline (straight-line ``let`` statements: the
fastest code, but its size and the driver's compile time grow with columns x
degree x extension degree) or interpreted (bytecode in uniform buffers run
by shaders/zerocheck_interp.wgsl, :mod:`wgprover.air.bytecode`: small WGSL
whatever the AIR).  ``mode`` picks: inline, interp, hybrid (round 0 inline,
where base arithmetic is cheap to compile, the extension rounds interpreted),
or auto (each variant inline while its :func:`inline_cost` is small).
Every mode computes the same field values, so proofs do not depend on it.

The NumPy twin is :func:`wgprover.air.evaluate.combined_ext`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from ..field.power import square_and_multiply
from ..gpu.table_wgsl import Bindings, TableShape
from .bytecode import ProgramTooLong, assemble
from .language import Add, Air, Col, Const, Expr, Mul, Neg, Per, Pow, Pub, Sub

WG = 64  # workgroup size of the generated round kernels
_SMALL = 1 << 16


@dataclass(frozen=True)
class Layout:
    """How the zerocheck tables are split over storage bindings
    (docs/ARCHITECTURE.md §9): the shapes of the trace (w base columns of 2^n),
    of eq(r, .) read by round 0 (one extension column of 2^n) and of the state
    (2w + 1 extension tables of 2^(n-1), both ping-pong halves cut alike).
    One segment each unless a table exceeds the device's segment limit."""

    trace: TableShape
    eq: TableShape
    state: TableShape

    @staticmethod
    def single(width: int) -> "Layout":
        return Layout(TableShape.whole(width), TableShape.whole(1), TableShape.whole(2 * width + 1))

    @property
    def storage_bindings(self) -> int:
        """Storage bindings of the generated kernels: the tables, per, chal, pubc, aux."""
        return self.trace.nseg + self.eq.nseg + 2 * self.state.nseg + 4


@dataclass(frozen=True)
class Generated:
    """WGSL for one (AIR, field) and the data it expects in its buffers."""

    source: str
    constants: tuple[int, ...]  # appended after the public inputs in the pubc buffer
    npts: int  # D + 1 evaluation points per round
    n_constraints: int
    wg: int
    program: object = None  # interpreter bytecode (n, 4) uint32 for the zc_prog uniform(s), or None
    chunk: int = 0  # instructions per program uniform binding (air/bytecode.py)

    @property
    def chunks(self) -> list:
        """The program cut into its uniform bindings' contents (empty without a program)."""
        if self.program is None:
            return []
        return [self.program[lo : lo + self.chunk] for lo in range(0, max(len(self.program), 1), self.chunk)]

    @property
    def key(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:24]


# value kinds: ("k", int) compile-time constant, ("f", name) base element, ("e", name) extension element,
# ("i", int) an immediate operand (column, table or alpha index), ("z", 0) the extension zero
_Val = tuple
# leaves evaluated at point X of pair k: their WGSL calls take (index, k, x, xf)
_LEAVES = ("zc_tr_cur", "zc_tr_next", "zc_per_base", "zc_st_cur", "zc_st_next", "zc_per_ext")


@dataclass(frozen=True)
class _Op:
    """One SSA value: ``name = fn(args)`` with result kind "f" or "e"."""

    name: str
    kind: str
    fn: str
    args: tuple


class _Emitter:
    """Builds SSA ops for expressions in one mode ("base" or "ext"): constant folding,
    common subexpressions shared, powers by square-and-multiply.  The ops are
    rendered either as straight-line WGSL (:class:`_Inline`) or as bytecode
    for the interpreter (:mod:`wgprover.air.bytecode`)."""

    def __init__(self, air: Air, p: int, mode: str) -> None:
        self.air, self.p, self.mode = air, p, mode
        self.counter = 0
        self.ops: list[_Op] = []
        self.memo: dict = {}

    # -- scopes -------------------------------------------------------------
    def child(self) -> "_Emitter":
        c = _Emitter(self.air, self.p, self.mode)
        c.counter = self.counter
        c.memo = dict(self.memo)
        return c

    def adopt_counter(self, child: "_Emitter") -> None:
        self.counter = max(self.counter, child.counter)

    def let(self, kind: str, fn: str, *args: _Val) -> _Val:
        name = f"v{self.counter}"
        self.counter += 1
        self.ops.append(_Op(name, kind, fn, args))
        return (kind, name)

    def _typed(self, fn: str, a: _Val, b: _Val) -> _Val:
        """fe_fn / ef_fn / ef_fn_fe of two non-constant-folded operands."""
        if a[0] != "e" and b[0] != "e":
            return self.let("f", f"fe_{fn}", a, b)
        if a[0] == "e" and b[0] == "e":
            return self.let("e", f"ef_{fn}", a, b)
        e, f = (a, b) if a[0] == "e" else (b, a)
        return self.let("e", f"ef_{fn}_fe", e, f)

    # -- operations -----------------------------------------------------------
    def add(self, a: _Val, b: _Val) -> _Val:
        if a[0] == "k" and b[0] == "k":
            return ("k", (a[1] + b[1]) % self.p)
        if a[0] == "k" and a[1] % self.p == 0:
            return b
        if b[0] == "k" and b[1] % self.p == 0:
            return a
        return self._typed("add", a, b)

    def neg(self, a: _Val) -> _Val:
        if a[0] == "k":
            return ("k", (-a[1]) % self.p)
        return self.let(a[0], f"{'ef' if a[0] == 'e' else 'fe'}_neg", a)

    def sub(self, a: _Val, b: _Val) -> _Val:
        if a[0] == "k" and b[0] == "k":
            return ("k", (a[1] - b[1]) % self.p)
        if b[0] == "k" and b[1] % self.p == 0:
            return a
        if a[0] == "k" and a[1] % self.p == 0:
            return self.neg(b)
        if a[0] == b[0] or "e" not in (a[0], b[0]):
            return self.let(a[0] if a[0] != "k" else b[0], f"{'ef' if a[0] == 'e' else 'fe'}_sub", a, b)
        return self.add(a, self.neg(b))  # mixed base/extension: a + (-b)

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
        return self._typed("mul", a, b)

    def sqr(self, a: _Val) -> _Val:
        if a[0] == "k":
            return ("k", a[1] * a[1] % self.p)
        return self.let(a[0], f"{'ef' if a[0] == 'e' else 'fe'}_sqr", a)

    def pow(self, a: _Val, k: int) -> _Val:
        if a[0] == "k":
            return ("k", pow(a[1], k, self.p))
        return square_and_multiply(a, k, ("k", 1), self.mul, self.sqr)

    # -- leaves and trees -------------------------------------------------------
    def leaf(self, e: Expr) -> _Val:
        if isinstance(e, Pub):
            return self.let("f", "zc_pub", ("i", e.index))
        if self.mode == "base":
            if isinstance(e, Col):
                return self.let("f", f"zc_tr_{'next' if e.next else 'cur'}", ("i", e.index))
            return self.let("f", "zc_per_base", ("i", e.index))
        if isinstance(e, Col):
            return self.let("e", f"zc_st_{'next' if e.next else 'cur'}", ("i", e.index))
        return self.let("e", "zc_per_ext", ("i", e.index))

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

    def weighted_sum(self, idx: list[int]) -> _Val | None:
        """Emit sum_j alpha^j P_j over constraint indices idx (None if every term is zero)."""
        acc: _Val | None = None
        for j in idx:
            v = self.value(self.air.constraints[j].expr)
            if v[0] == "k" and v[1] % self.p == 0:
                continue
            fn = "zc_wadd_e" if v[0] == "e" else "zc_wadd_f"  # acc + alpha^j * v
            acc = self.let("e", fn, acc or ("z", 0), ("i", j), v)
        return acc


def _group(air: Air, sel: str) -> list[int]:
    return [j for j, c in enumerate(air.constraints) if c.selector == sel]


@dataclass(frozen=True)
class Segments:
    """The SSA ops of one mode, split by selector group (docs/AIR.md §5):
    the transition sum g_t (every pair), the last-row sum g_l (k = half - 1 only)
    and the first-row sum g_f (k = 0 only); each ``g_*`` names the op holding the
    sum, or is None when the group's sum is identically zero.  Ops of ``last``
    and ``first`` may read values of ``trans`` (shared subexpressions)."""

    trans: tuple[_Op, ...]
    last: tuple[_Op, ...]
    first: tuple[_Op, ...]
    g_t: _Val | None
    g_l: _Val | None
    g_f: _Val | None


def segments(air: Air, p: int, mode: str) -> Segments:
    """The constraint sums of ``air`` in ``mode`` ("base" or "ext") as SSA ops."""
    top = _Emitter(air, p, mode)
    g_t = top.weighted_sum(_group(air, "transition"))
    branch = {}
    for sel in ("last", "first"):
        br = top.child()  # shares top's values, not the other branch's
        g = br.weighted_sum(_group(air, sel))
        top.adopt_counter(br)
        branch[sel] = (tuple(br.ops), g)
    (l_ops, g_l), (f_ops, g_f) = branch["last"], branch["first"]
    return Segments(tuple(top.ops), l_ops, f_ops, g_t, g_l, g_f)


def _selector_code(mode: str) -> tuple[str, str, str, str]:
    """(last selector, transition selector, first selector, scale template) in ``mode``."""
    if mode == "base":
        one_minus_x = "fe_sub(fe_one(), xf)"
        return "xf", one_minus_x, one_minus_x, "ef_mul_fe({g}, {s})"
    return "ef_mul_fe(zc_cl(), xf)", "ef_sub(ef_one(), sel_l)", "ef_mul_fe(zc_cf(), fe_sub(fe_one(), xf))", "ef_mul({g}, {s})"


def combine(seg: Segments, mode: str, run: dict[str, list[str]], g: dict[str, str]) -> list[str]:
    """Body statements of zc_eval_<mode>: c = g_t * sel_t + g_l * sel_l + g_f * sel_f,
    with the boundary groups evaluated only on their one pair.  ``run[part]`` are the
    statements computing a part, ``g[part]`` the WGSL expression of its sum."""
    last_sel, trans_sel, first_sel, scale = _selector_code(mode)
    body = list(run["trans"])
    body.append(f"var c = {g['trans'] if seg.g_t is not None else 'ef_zero()'};")
    if seg.g_t is not None or seg.g_l is not None:
        body.append("if (k == half - 1u) {")
        body += ["    " + ln for ln in run["last"]]
        body.append(f"    let sel_l = {last_sel};")
        terms = []
        if seg.g_t is not None:
            terms.append(scale.format(g=g["trans"], s=trans_sel))
        if seg.g_l is not None:
            terms.append(scale.format(g=g["last"], s="sel_l"))
        body.append(f"    c = {_sum(terms)};")
        body.append("}")
    if seg.g_f is not None:
        body.append("if (k == 0u) {")
        body += ["    " + ln for ln in run["first"]]
        body.append(f"    c = ef_add(c, {scale.format(g=g['first'], s=first_sel)});")
        body.append("}")
    body.append("return c;")
    return body


def eval_function(mode: str, body: list[str]) -> str:
    sig = f"fn zc_eval_{mode}(k: u32, x: u32, xf: Fe, half: u32) -> Ef {{"
    return "\n".join([sig] + ["    " + ln for ln in body] + ["}"])


def _sum(terms: list[str]) -> str:
    if not terms:
        return "ef_zero()"
    acc = terms[0]
    for t in terms[1:]:
        acc = f"ef_add({acc}, {t})"
    return acc


# --------------------------------------------------------------------------- inline (straight-line) mode


class _Inline:
    """Renders ops as straight-line WGSL ``let`` statements; integers that do not fit a
    small literal go to the ``pubc`` buffer after the public inputs (``consts``)."""

    def __init__(self, air: Air, p: int, consts: dict[int, int]) -> None:
        self.air, self.p, self.consts = air, p, consts

    def fe(self, c: int) -> str:
        c %= self.p
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

    def arg(self, v: _Val) -> str:
        kind = v[0]
        if kind == "k":
            return self.fe(v[1])
        if kind == "i":
            return f"{v[1]}u"
        if kind == "z":
            return "ef_zero()"
        return v[1]

    def lines(self, ops) -> list[str]:
        out = []
        for op in ops:
            args = ", ".join(self.arg(a) for a in op.args)
            if op.fn in _LEAVES:
                args += ", k, x, xf"
            out.append(f"let {op.name} = {op.fn}({args});")
        return out

    def function(self, seg: Segments, mode: str) -> str:
        run = {part: self.lines(getattr(seg, part)) for part in ("trans", "last", "first")}
        g = {part: v[1] for part, v in (("trans", seg.g_t), ("last", seg.g_l), ("first", seg.g_f)) if v is not None}
        return eval_function(mode, combine(seg, mode, run, g))


def _bindings(layout: Layout, program) -> str:
    """Binding declarations and the tables' segment accessors (gpu/table_wgsl.py),
    which sumcheck_zerocheck.wgsl reads and writes the tables through."""
    b = Bindings()
    b.table("zc_trace", "Fe", layout.trace)
    b.table("zc_eq0", "Ef", layout.eq)
    b.table("zc_st", "Ef", layout.state)
    b.var("var<storage, read> zc_per: array<Ef>")
    b.var("var<storage, read> zc_chal: array<Ef>")
    b.var("var<storage, read> zc_pubc: array<Fe>")
    b.var("var<storage, read_write> zc_aux: array<Ef>")
    b.table("zc_out", "Ef", layout.state, "read_write", load=False)
    b.var("var<uniform> zp: ZcParams")
    for decl in program.uniforms() if program is not None else []:
        b.var(decl)
    return b.source()


def _interpreted(seg: Segments, mode: str, spans: dict) -> str:
    """zc_eval_<mode> calling the bytecode interpreter (shaders/zerocheck_interp.wgsl) per part."""
    run, g = {}, {}
    for part in ("trans", "last", "first"):
        lo, hi = spans[part]
        run[part] = [f"let g_{part} = zc_run_{mode}({lo}u, {hi}u, k, x, xf);"] if hi > lo else []
        g[part] = f"g_{part}"
    return eval_function(mode, combine(seg, mode, run, g))


# mode -> how (zc_eval_base, zc_eval_ext) are built; "auto" decides per variant by
# inline_cost (docs/BENCHMARKS.md "Compile time")
MODES = {"inline": ("inline", "inline"), "interp": ("interp", "interp"), "hybrid": ("inline", "interp"),
         "auto": ("auto", "auto")}
DEFAULT_MODE = "auto"
# the largest inline_cost rendered inline in auto mode, per variant.  Extension (rounds
# >= 1): the Fibonacci, boolean and periodic examples stay inline, the 16-column degree-7
# power map is interpreted (lavapipe: its inline extension kernel takes 7 s (Goldilocks) to
# 20 s (BabyBear) to build, an NVIDIA H200 177 s).  Base (round 0, the bulk of the work):
# the hemera permutation, sponge and Merkle AIRs (cost ~500-570) are inline, which on the
# H200 cut the permutation AIR's zerocheck from 791 to 328 ms at 2^23 rows for a 3.8 s cold
# build (docs/BENCHMARKS.md "hemera layouts and zerocheck modes"); the one-permutation-per-row
# AIRs (cost > 2,000) stay interpreted: their inline build took 26-31 s.
AUTO_INLINE_COST = {"base": 600, "ext": 150}


def default_mode() -> str:
    """The zerocheck code mode: WGPROVER_ZEROCHECK if set (one of MODES), else DEFAULT_MODE."""
    mode = os.environ.get("WGPROVER_ZEROCHECK", DEFAULT_MODE)
    if mode not in MODES:
        raise ValueError(f"WGPROVER_ZEROCHECK={mode!r}: expected one of {', '.join(MODES)}")
    return mode


def inline_cost(seg: Segments, d: int) -> float:
    """Size of the inline code of ``seg`` in base multiplications (an extension
    multiplication of degree d costs d^2, additions a quarter of a multiplication)."""
    weight = {"fe_mul": 1, "fe_sqr": 1, "ef_mul": d * d, "ef_sqr": d * d, "ef_mul_fe": d,
              "zc_wadd_f": d, "zc_wadd_e": d * d, "ef_add": d / 4, "ef_sub": d / 4, "ef_neg": d / 4}
    ops = [*seg.trans, *seg.last, *seg.first]
    return sum(weight.get(op.fn, 0.25 * (d if op.kind == "e" else 1)) for op in ops)


def _how(segs: dict, mode: str, d: int) -> dict:
    """{"base": "inline" | "interp", "ext": ...} for ``mode``."""
    how = dict(zip(("base", "ext"), MODES[mode]))
    for m, h in how.items():
        if h == "auto":
            how[m] = "inline" if inline_cost(segs[m], d) <= AUTO_INLINE_COST[m] else "interp"
    return how


def _program(air: Air, p: int, segs: dict, how: dict, consts: dict, mode: str):
    """The bytecode of the interpreted variants (None if none); in auto mode a program
    over the uniform-size limit falls back to inline code (``how`` is updated)."""
    interp = {m: segs[m] for m in segs if how[m] == "interp"}
    if not interp:
        return None
    try:
        return assemble(interp, p, len(air.public), consts)
    except ProgramTooLong:
        if mode != "auto":
            raise
        how.update(base="inline", ext="inline")
        return None


@lru_cache(maxsize=64)
def _generate(air: Air, field_name: str, p: int, d: int, wg: int, layout: Layout, mode: str) -> Generated:
    consts: dict[int, int] = {}
    segs = {m: segments(air, p, m) for m in ("base", "ext")}
    how = _how(segs, mode, d)
    inline = _Inline(air, p, consts)
    program = _program(air, p, segs, how, consts, mode)
    funcs = [
        inline.function(segs[m], m) if how[m] == "inline" else _interpreted(segs[m], m, program.spans[m])
        for m in ("base", "ext")
    ]
    npts = air.degree + 2
    header = [
        f"// Generated by wgprover.air.codegen for AIR {air.name!r} ({air.key}), field {field_name}, "
        f"mode {mode}: round 0 {how['base']}, rounds >= 1 {how['ext']}.",
        f"const ZC_W: u32 = {air.width}u;",
        f"const ZC_NPER: u32 = {len(air.periodic)}u;",
        f"const ZC_NCONS: u32 = {len(air.constraints)}u;",
        f"const ZC_NPTS: u32 = {npts}u;",
        f"const ZC_WG: u32 = {wg}u;",
    ] + (program.header() if program else [])
    order = tuple(sorted(consts, key=consts.get))
    fetch = [] if program is None or program.fetch() is None else [program.fetch()]
    source = "\n\n".join(["\n".join(header), _bindings(layout, program), *fetch, *funcs]) + "\n"
    if program is None:
        return Generated(source, order, npts, len(air.constraints), wg)
    return Generated(source, order, npts, len(air.constraints), wg, program.code, program.chunk)


def generate(air: Air, field, wg: int = WG, layout: Layout | None = None, mode: str | None = None) -> Generated:
    """WGSL for the combined constraint polynomial of ``air`` over ``field`` (cached);
    ``mode`` (inline, interp, hybrid) defaults to :func:`default_mode`."""
    return _generate(air, field.name, field.p, field.ext_degree, wg, layout or Layout.single(air.width), mode or default_mode())


# --------------------------------------------------------------------------- pipelines


def zerocheck_kernel(ctx, field, air: Air, entry: str, layout: Layout | None = None, mode: str | None = None):
    """A pipeline of shaders/sumcheck_zerocheck.wgsl specialised to ``air`` (cached)."""
    gen = generate(air, field, layout=layout, mode=mode)
    files = ["sumcheck_zerocheck"]
    if gen.program is not None:  # one chunk: the static fetch from zc_prog, else the generated one
        files += (["zerocheck_fetch"] if len(gen.chunks) == 1 else []) + ["zerocheck_interp"]
    return ctx.kernel(field, files, entry, generated=gen.source)
