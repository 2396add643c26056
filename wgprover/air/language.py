"""The AIR constraint language: columns, periodic columns, public inputs, constraints.

An AIR describes a trace of ``2^n`` rows by ``w`` named columns and a list of
polynomial constraints, each with a selector (``transition``, ``first`` or
``last``).  Constraint text is parsed by a small hand-written parser (so the
grammar is exactly what is documented in docs/AIR.md, not Python's)::

    expr    := term (("+" | "-") term)*
    term    := unary ("*" unary)*
    unary   := ("-" | "+") unary | power
    power   := atom (("^" | "**") INTEGER)?
    atom    := INTEGER | NAME | "next." COLUMN | "pub." PUBLIC | "(" expr ")"

``NAME`` is a trace column, a periodic column or a public input (names are
unique across the three kinds).  Integers are reduced modulo p when a field is
chosen; ``-`` in front of an integer is ordinary negation.  Errors are
:class:`AirError` with a one-line message naming the constraint, the offending
text and its position.

The canonical form of an AIR (``canonical_bytes``) is a sorted-key compact
JSON document in which every expression is re-printed from its syntax tree, so
whitespace or redundant parentheses do not change it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field as dc_field
from functools import cached_property
from typing import Any, Callable, Iterator, Mapping, Sequence, Union

import numpy as np

SELECTORS = ("transition", "first", "last")
MAX_CONSTRAINT_DEGREE = 8  # deg(P_j) cap; the zerocheck round polynomial has deg(P_j) + 2
MAX_EXPONENT = 64  # exponents are literals; larger ones are almost surely a mistake
MAX_PERIOD_LOG = 20
# An expression's syntax tree is at most MAX_EXPR_DEPTH deep (a sum of t terms
# is t deep), and its text nests at most that many parentheses and, apart,
# that many unary signs: the parser (about 5 frames a parenthesis), printer,
# evaluator and WGSL generator recurse and must stay inside Python's limit of
# 1000 frames. The canonical text of an accepted expression always re-parses.
MAX_EXPR_DEPTH = 100
FORMAT = "wgprover-air-1"
RESERVED = frozenset({"next", "pub"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class AirError(ValueError):
    """A malformed AIR: the message is one line naming the offending item."""


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Const:
    value: int  # any integer; reduced mod p when evaluated


@dataclass(frozen=True)
class Col:
    index: int  # trace column
    next: bool = False  # True: the value on row x + 1 (mod 2^n)


@dataclass(frozen=True)
class Per:
    index: int  # periodic column


@dataclass(frozen=True)
class Pub:
    index: int  # public input


@dataclass(frozen=True)
class Neg:
    a: "Expr"


@dataclass(frozen=True)
class Add:
    a: "Expr"
    b: "Expr"


@dataclass(frozen=True)
class Sub:
    a: "Expr"
    b: "Expr"


@dataclass(frozen=True)
class Mul:
    a: "Expr"
    b: "Expr"


@dataclass(frozen=True)
class Pow:
    a: "Expr"
    e: int


Expr = Union[Const, Col, Per, Pub, Neg, Add, Sub, Mul, Pow]


def degree(e: Expr) -> int:
    """Total degree in the trace/periodic variables (constants and public inputs: 0)."""
    if isinstance(e, (Col, Per)):
        return 1
    if isinstance(e, (Const, Pub)):
        return 0
    if isinstance(e, Neg):
        return degree(e.a)
    if isinstance(e, (Add, Sub)):
        return max(degree(e.a), degree(e.b))
    if isinstance(e, Mul):
        return degree(e.a) + degree(e.b)
    if isinstance(e, Pow):
        return degree(e.a) * e.e
    raise TypeError(f"not an expression node: {e!r}")


def tree_depth(e: Expr) -> int:
    """Depth of the syntax tree (a leaf is 1), without recursion: it bounds the recursion of the others."""
    depth, stack = 0, [(e, 1)]
    while stack:
        node, d = stack.pop()
        depth = max(depth, d)
        stack.extend((child, d + 1) for child in (getattr(node, "a", None), getattr(node, "b", None)) if child is not None)
    return depth


def walk(e: Expr) -> Iterator[Expr]:
    """All nodes of ``e`` (children before parents)."""
    if isinstance(e, Neg):
        yield from walk(e.a)
    elif isinstance(e, (Add, Sub, Mul)):
        yield from walk(e.a)
        yield from walk(e.b)
    elif isinstance(e, Pow):
        yield from walk(e.a)
    yield e


# precedence for printing: sum 1, product 2, unary minus 3, power 4, atom 5
def _prec(e: Expr) -> int:
    if isinstance(e, (Add, Sub)):
        return 1
    if isinstance(e, Mul):
        return 2
    if isinstance(e, Neg):
        return 3
    if isinstance(e, Pow):
        return 4
    return 5


def _paren(s: str, inner: int, need: int) -> str:
    return f"({s})" if inner < need else s


def to_text(e: Expr, names: "Names") -> str:
    """Canonical text of an expression (minimal parentheses, single spaces)."""
    if isinstance(e, Const):
        return str(e.value)
    if isinstance(e, Col):
        return ("next." if e.next else "") + names.columns[e.index]
    if isinstance(e, Per):
        return names.periodic[e.index]
    if isinstance(e, Pub):
        return "pub." + names.public[e.index]
    if isinstance(e, Neg):
        return "-" + _paren(to_text(e.a, names), _prec(e.a), 4)
    if isinstance(e, Add):
        return f"{to_text(e.a, names)} + {_paren(to_text(e.b, names), _prec(e.b), 2)}"
    if isinstance(e, Sub):
        return f"{to_text(e.a, names)} - {_paren(to_text(e.b, names), _prec(e.b), 2)}"
    if isinstance(e, Mul):
        return f"{_paren(to_text(e.a, names), _prec(e.a), 2)} * {_paren(to_text(e.b, names), _prec(e.b), 3)}"
    if isinstance(e, Pow):
        return f"{_paren(to_text(e.a, names), _prec(e.a), 5)}^{e.e}"
    raise TypeError(f"not an expression node: {e!r}")


# --------------------------------------------------------------------------- parser


@dataclass(frozen=True)
class Names:
    """Name tables an expression is resolved against."""

    columns: tuple[str, ...]
    periodic: tuple[str, ...]
    public: tuple[str, ...]


_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F_]+|\d[\d_]*)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*^().])|(?P<bad>\S))"
)


@dataclass
class _Tok:
    kind: str  # num name op end
    text: str
    pos: int  # 0-based character offset


class _Parser:
    def __init__(self, text: str, names: Names, where: str) -> None:
        self.text = text
        self.names = names
        self.where = where
        self.toks = self._lex(text)
        self.i = 0
        self.nesting = {"(": 0, "-": 0}  # open parentheses, pending unary signs

    def fail(self, msg: str, pos: int) -> AirError:
        return AirError(f'{self.where}: {msg} in "{self.text}" at column {pos + 1}')

    def _lex(self, text: str) -> list[_Tok]:
        toks: list[_Tok] = []
        pos = 0
        while True:
            m = _TOKEN_RE.match(text, pos)
            if m is None:  # only trailing whitespace left
                break
            kind = m.lastgroup
            start = m.start(kind)
            tok = m.group(kind)
            if kind == "bad":
                if tok in "/%&|<>=!~,[]{}@":
                    raise self.fail(f"unsupported operator '{tok}' (only + - * ^ ** and parentheses)", start)
                raise self.fail(f"unexpected character '{tok}'", start)
            toks.append(_Tok(kind, tok, start))
            pos = m.end()
        toks.append(_Tok("end", "", len(text.rstrip())))
        return toks

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str, what: str) -> _Tok:
        t = self.take()
        if t.text != text:
            found = "end of expression" if t.kind == "end" else f"'{t.text}'"
            raise self.fail(f"expected {what}, found {found}", t.pos)
        return t

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise self.fail("empty expression", 0)
        e = self.expr()
        t = self.peek()
        if t.kind != "end":
            if t.text in ("^", "**"):
                raise self.fail("chained exponent: add parentheses", t.pos)
            raise self.fail(f"unexpected '{t.text}'", t.pos)
        depth = tree_depth(e)
        if depth > MAX_EXPR_DEPTH:
            raise AirError(f"{self.where}: expression {depth} operations deep (max {MAX_EXPR_DEPTH}); "
                           "split it with an intermediate column")
        return e

    def nest(self, t: _Tok, step: int) -> None:
        kind = "(" if t.text == "(" else "-"
        self.nesting[kind] += step
        if self.nesting[kind] > MAX_EXPR_DEPTH:
            what = "parentheses" if kind == "(" else "unary signs"
            raise self.fail(f"more than {MAX_EXPR_DEPTH} nested {what}", t.pos)

    def expr(self) -> Expr:
        e = self.term()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            rhs = self.term()
            e = Add(e, rhs) if op == "+" else Sub(e, rhs)
        return e

    def term(self) -> Expr:
        e = self.unary()
        while self.peek().text == "*":
            self.take()
            e = Mul(e, self.unary())
        return e

    def unary(self) -> Expr:
        t = self.peek()
        if t.text in ("-", "+"):
            self.nest(self.take(), 1)
            e = self.unary()
            self.nest(t, -1)
            return Neg(e) if t.text == "-" else e
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        t = self.peek()
        if t.text in ("^", "**"):
            self.take()
            et = self.take()
            if et.kind != "num":
                raise self.fail("exponent must be a non-negative integer literal", et.pos)
            e = int(et.text.replace("_", ""), 0)
            if e > MAX_EXPONENT:
                raise self.fail(f"exponent {e} too large (max {MAX_EXPONENT})", et.pos)
            return Pow(base, e)
        return base

    def atom(self) -> Expr:
        t = self.take()
        if t.kind == "num":
            return Const(int(t.text.replace("_", ""), 0))
        if t.text == "(":
            self.nest(t, 1)
            e = self.expr()
            self.expect(")", "')'")
            self.nest(t, -1)
            return e
        if t.kind == "name":
            if t.text in ("next", "pub") and self.peek().text == ".":
                self.take()
                nt = self.take()
                if nt.kind != "name":
                    raise self.fail(f"expected a name after '{t.text}.'", nt.pos)
                return self.prefixed(t.text, nt)
            return self.bare(t)
        if t.kind == "end":
            raise self.fail("unexpected end of expression", t.pos)
        raise self.fail(f"unexpected '{t.text}'", t.pos)

    def prefixed(self, prefix: str, t: _Tok) -> Expr:
        n = self.names
        if prefix == "next":
            if t.text in n.columns:
                return Col(n.columns.index(t.text), True)
            if t.text in n.periodic:
                raise self.fail(f"'next.' is only allowed on trace columns, '{t.text}' is periodic", t.pos)
            raise self.fail(f"unknown column '{t.text}'", t.pos)
        if t.text in n.public:
            return Pub(n.public.index(t.text))
        raise self.fail(f"unknown public input '{t.text}'", t.pos)

    def bare(self, t: _Tok) -> Expr:
        n = self.names
        if t.text in n.columns:
            return Col(n.columns.index(t.text), False)
        if t.text in n.periodic:
            return Per(n.periodic.index(t.text))
        if t.text in n.public:
            return Pub(n.public.index(t.text))
        if t.text in RESERVED:
            raise self.fail(f"'{t.text}' must be followed by '.name'", t.pos)
        raise self.fail(f"unknown column '{t.text}'", t.pos)


def parse_expr(text: str, names: Names, where: str = "expression") -> Expr:
    """Parse one constraint expression; raises :class:`AirError` pointing at the bad text."""
    if not isinstance(text, str):
        raise AirError(f"{where}: expression must be a string, got {type(text).__name__}")
    return _Parser(text, names, where).parse()


# --------------------------------------------------------------------------- AIR


@dataclass(frozen=True)
class Constraint:
    """One constraint ``sel(x) * P(x) = 0``."""

    selector: str  # "transition" | "first" | "last"
    expr: Expr
    text: str  # canonical text of ``expr``
    name: str | None = None

    @cached_property  # a wide AIR's trees are large: walked once, not once per proof
    def degree(self) -> int:
        """Degree of ``P`` (the selector adds one more)."""
        return degree(self.expr)


@dataclass(frozen=True)
class Air:
    """An algebraic intermediate representation (see module docstring and docs/AIR.md)."""

    name: str
    columns: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    public: tuple[str, ...] = ()
    periodic: tuple[tuple[str, tuple[int, ...]], ...] = ()
    max_degree: int = MAX_CONSTRAINT_DEGREE
    _names: Names = dc_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", Names(self.columns, self.periodic_names, self.public))

    def __hash__(self) -> int:
        # the dataclass hash walks every constraint's tree on each call, and the
        # codegen cache is keyed by the AIR on every proof (docs/AIR.md §8)
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.name, self.columns, self.constraints, self.public, self.periodic, self.max_degree))
            self.__dict__["_hash"] = h
        return h

    def __getstate__(self) -> dict:
        # str hashes differ between processes: a pickled AIR recomputes its own
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    # -- shape --------------------------------------------------------------
    @property
    def width(self) -> int:
        """Number of trace columns ``w``."""
        return len(self.columns)

    @property
    def periodic_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.periodic)

    @property
    def periodic_values(self) -> tuple[tuple[int, ...], ...]:
        return tuple(v for _, v in self.periodic)

    @property
    def names(self) -> Names:
        return self._names

    @cached_property
    def degree(self) -> int:
        """max_j deg(P_j) + 1: the degree of sel_j * P_j as a polynomial in the table values."""
        return max((c.degree for c in self.constraints), default=0) + 1

    @property
    def max_period(self) -> int:
        """Largest period among the periodic columns (1 if there are none)."""
        return max((len(v) for _, v in self.periodic), default=1)

    def uses_next(self, column: int) -> bool:
        return any(isinstance(x, Col) and x.next and x.index == column for c in self.constraints for x in walk(c.expr))

    def check_rows(self, n: int) -> None:
        """Raise AirError unless a trace of 2^n rows fits this AIR (periods <= 2^n)."""
        if n < 1:
            raise AirError(f"AIR {self.name!r}: a trace needs at least 2 rows (n >= 1), got n = {n}")
        for name, vals in self.periodic:
            if len(vals) > 1 << n:
                raise AirError(f"periodic column '{name}': period {len(vals)} exceeds the trace length 2^{n}")

    def public_values(self, field, public: Mapping[str, int] | Sequence[int] | None) -> np.ndarray:
        """Public inputs in declaration order as canonical base-field elements."""
        if public is None:
            public = {}
        if isinstance(public, Mapping):
            missing = [p for p in self.public if p not in public]
            extra = [p for p in public if p not in self.public]
            if missing:
                raise AirError(f"AIR {self.name!r}: missing public input '{missing[0]}'")
            if extra:
                raise AirError(f"AIR {self.name!r}: unknown public input '{extra[0]}'")
            vals = [public[p] for p in self.public]
        else:
            vals = list(public)
            if len(vals) != len(self.public):
                raise AirError(f"AIR {self.name!r}: expected {len(self.public)} public inputs, got {len(vals)}")
        for name, v in zip(self.public, vals):
            if not 0 <= int(v) < field.p:
                raise AirError(f"public input '{name}' = {int(v)} is not a canonical {field.name} element")
        return np.array([int(v) for v in vals], dtype=field.dtype)

    # -- serialisation ------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (canonical expression text); ``Air.from_dict(air.to_dict()) == air``."""
        d: dict[str, Any] = {"format": FORMAT, "name": self.name, "columns": list(self.columns)}
        if self.public:
            d["public"] = list(self.public)
        if self.periodic:
            d["periodic"] = {n: list(v) for n, v in self.periodic}
        if self.max_degree != MAX_CONSTRAINT_DEGREE:
            d["max_degree"] = self.max_degree
        cs = []
        for c in self.constraints:
            e: dict[str, Any] = {c.selector: c.text}
            if c.name is not None:
                e["name"] = c.name
            cs.append(e)
        d["constraints"] = cs
        return d

    def canonical_bytes(self) -> bytes:
        """Canonical serialisation: compact sorted-key ASCII JSON of ``to_dict()``.

        Periodic columns keep declaration order (as a list of pairs), because the
        order fixes their numbering; constraints keep theirs (it fixes alpha^j).
        """
        d = self.to_dict()
        if "periodic" in d:
            d["periodic"] = [[n, v] for n, v in d["periodic"].items()]
        return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")

    def digest(self, hasher: Callable[[bytes], bytes] | None = None) -> bytes:
        """``hasher(canonical_bytes())``; the protocol passes hemera, the default (SHA-256) is for caches."""
        data = self.canonical_bytes()
        return hasher(data) if hasher is not None else hashlib.sha256(data).digest()

    @property
    def key(self) -> str:
        """Short hex cache key (SHA-256 of the canonical bytes); not a protocol digest."""
        return self.digest().hex()[:24]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_toml(self) -> str:
        """TOML text equivalent to ``to_dict()`` (read back with ``Air.from_toml``)."""
        d = self.to_dict()
        lines = [f"format = {json.dumps(d['format'])}", f"name = {json.dumps(d['name'])}"]
        lines.append("columns = [" + ", ".join(json.dumps(c) for c in d["columns"]) + "]")
        if "public" in d:
            lines.append("public = [" + ", ".join(json.dumps(c) for c in d["public"]) + "]")
        if "max_degree" in d:
            lines.append(f"max_degree = {d['max_degree']}")
        lines.append("constraints = [")
        for c in d["constraints"]:
            lines.append("  { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in c.items()) + " },")
        lines.append("]")
        if "periodic" in d:
            lines.append("\n[periodic]")
            for n, v in d["periodic"].items():
                lines.append(f"{n} = [" + ", ".join(str(x) for x in v) + "]")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Air":
        """Build and validate an AIR from plain data (see docs/AIR.md for the schema)."""
        return _from_dict(d)

    @classmethod
    def from_toml(cls, text: str) -> "Air":
        try:
            d = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise AirError(f"AIR TOML: {e}") from None
        except RecursionError:
            raise AirError("AIR TOML: nested too deeply") from None
        return _from_dict(d)

    @classmethod
    def from_json(cls, text: str) -> "Air":
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise AirError(f"AIR JSON: {e}") from None
        except RecursionError:
            raise AirError("AIR JSON: nested too deeply") from None
        return _from_dict(d)


_TOP_KEYS = {"format", "name", "columns", "public", "periodic", "max_degree", "constraints"}


def _name_list(d: Mapping[str, Any], key: str) -> tuple[str, ...]:
    v = d.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise AirError(f"AIR '{key}' must be a list of names")
    for x in v:
        if not _NAME_RE.match(x):
            raise AirError(f"AIR '{key}': '{x}' is not a valid name (letters, digits, _; not starting with a digit)")
        if x in RESERVED:
            raise AirError(f"AIR '{key}': '{x}' is a reserved word")
    return tuple(v)


def _all_ints(vals: list) -> bool:
    """Every value an int and none a bool; by the set of types first, as a periodic
    column may hold 2^20 values (the hemera sponge's selector, docs/AIR.md §9.2)."""
    return set(map(type, vals)) <= {int} or all(isinstance(v, int) and not isinstance(v, bool) for v in vals)


def _periodic(d: Mapping[str, Any]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    per = d.get("periodic", {})
    if isinstance(per, list):  # canonical form: list of [name, values]
        try:
            per = {n: v for n, v in per}
        except (TypeError, ValueError):
            raise AirError("AIR 'periodic' must be a table name -> list of integers") from None
    if not isinstance(per, Mapping):
        raise AirError("AIR 'periodic' must be a table name -> list of integers")
    out = []
    for name, vals in per.items():
        if not isinstance(name, str) or not _NAME_RE.match(name) or name in RESERVED:
            raise AirError(f"periodic column '{name}': not a valid name")
        if not isinstance(vals, list) or not _all_ints(vals):
            raise AirError(f"periodic column '{name}': values must be a list of integers")
        m = len(vals)
        if m == 0 or m & (m - 1):
            raise AirError(f"periodic column '{name}': bad period {m} (must be a power of two >= 1)")
        if m > 1 << MAX_PERIOD_LOG:
            raise AirError(f"periodic column '{name}': period {m} too large (max 2^{MAX_PERIOD_LOG})")
        out.append((name, tuple(vals)))
    return tuple(out)


def _constraint(i: int, c: Any, names: Names, max_deg: int) -> Constraint:
    if not isinstance(c, Mapping):
        raise AirError(f"constraint {i}: must be a table like {{ transition = \"...\" }}")
    sels = [k for k in c if k in SELECTORS]
    unknown = [k for k in c if k not in SELECTORS and k != "name"]
    if unknown:
        raise AirError(f"constraint {i}: unknown key '{unknown[0]}' (expected one of transition, first, last, name)")
    if len(sels) != 1:
        raise AirError(f"constraint {i}: needs exactly one selector key (transition, first or last)")
    sel = sels[0]
    name = c.get("name")
    if name is not None and not isinstance(name, str):
        raise AirError(f"constraint {i}: 'name' must be a string")
    where = f"constraint {i}" + (f" ({name})" if name else "") + f" [{sel}]"
    expr = parse_expr(c[sel], names, where)
    deg = degree(expr)
    if deg > max_deg:
        raise AirError(f'{where}: degree {deg} above the max {max_deg} in "{c[sel]}"')
    return Constraint(sel, expr, to_text(expr, names), name)


def _from_dict(d: Mapping[str, Any]) -> Air:
    if not isinstance(d, Mapping):
        raise AirError("AIR must be a table/object")
    unknown = sorted(set(d) - _TOP_KEYS)
    if unknown:
        raise AirError(f"AIR: unknown key '{unknown[0]}'")
    if d.get("format", FORMAT) != FORMAT:
        raise AirError(f"AIR: unsupported format {d['format']!r} (expected {FORMAT!r})")
    name = d.get("name", "air")
    if not isinstance(name, str):
        raise AirError("AIR 'name' must be a string")
    columns = _name_list(d, "columns")
    if not columns:
        raise AirError("AIR needs at least one column")
    public = _name_list(d, "public")
    periodic = _periodic(d)
    all_names = list(columns) + [n for n, _ in periodic] + list(public)
    dup = next((n for n in all_names if all_names.count(n) > 1), None)
    if dup is not None:
        raise AirError(f"AIR: name '{dup}' is declared twice (columns, periodic and public names must be distinct)")
    max_deg = d.get("max_degree", MAX_CONSTRAINT_DEGREE)
    if not isinstance(max_deg, int) or not 1 <= max_deg <= MAX_CONSTRAINT_DEGREE:
        raise AirError(f"AIR 'max_degree' must be an integer in 1..{MAX_CONSTRAINT_DEGREE}")
    raw = d.get("constraints")
    if not isinstance(raw, list) or not raw:
        raise AirError("AIR needs a non-empty 'constraints' list")
    names = Names(columns, tuple(n for n, _ in periodic), public)
    cons = tuple(_constraint(i, c, names, max_deg) for i, c in enumerate(raw))
    return Air(name, columns, cons, public, periodic, max_deg)
