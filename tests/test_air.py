"""AIR language: parser, errors, serialisation, NumPy evaluation (vs a Python big-integer oracle)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wgprover.air import Air, AirError, check_trace, combined_ext, constraint_values, get_example, require_valid
from wgprover.air.examples import EXAMPLES, random_air
from wgprover.air.language import MAX_CONSTRAINT_DEGREE, Names, parse_expr, to_text

NAMES = Names(("a", "b"), ("k",), ("a0", "out"))


def _air(*constraints, **kw) -> dict:
    d = {"name": "t", "columns": ["a", "b"], "public": ["a0"], "periodic": {"k": [1, 2]}, "constraints": list(constraints)}
    d.update(kw)
    return d


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("next.a - b", "next.a - b"),
        ("next.b-(a+b)", "next.b - (a + b)"),
        ("a ^ 7 + k", "a^7 + k"),
        ("a ** 7 + k", "a^7 + k"),
        ("-a^2", "-a^2"),
        ("(-a)^2", "(-a)^2"),
        ("a - (b - k)", "a - (b - k)"),
        ("(a - b) - k", "a - b - k"),
        ("a * (b * k)", "a * (b * k)"),
        ("2*a*b", "2 * a * b"),
        ("pub.a0 + a0", "pub.a0 + pub.a0"),
        ("+a - -b", "a - -b"),
        ("0x10 * a + 1_000", "16 * a + 1000"),
        ("((a))", "a"),
        ("a^0", "a^0"),
    ],
)
def test_parse_canonical(text, canonical):
    e = parse_expr(text, NAMES)
    assert to_text(e, NAMES) == canonical
    assert parse_expr(canonical, NAMES) == e  # canonical text round-trips


@pytest.mark.parametrize(
    "text, message, col",
    [
        ("a + c", "unknown column 'c'", 5),
        ("next.k - a", "'next.' is only allowed on trace columns", 6),
        ("next.zz", "unknown column 'zz'", 6),
        ("pub.q", "unknown public input 'q'", 5),
        ("a / b", "unsupported operator '/'", 3),
        ("a % b", "unsupported operator '%'", 3),
        ("a ^ b", "exponent must be a non-negative integer literal", 5),
        ("a ^ -1", "exponent must be a non-negative integer literal", 5),
        ("a ^ 65", "exponent 65 too large", 5),
        ("a^2^3", "chained exponent", 4),
        ("(a + b", "expected ')'", 7),
        ("a + ", "unexpected end of expression", 4),
        ("a b", "unexpected 'b'", 3),
        ("", "empty expression", 1),
        ("a $ b", "unexpected character '$'", 3),
        ("next + a", "'next' must be followed by '.name'", 1),
    ],
)
def test_parse_errors(text, message, col):
    with pytest.raises(AirError) as ei:
        parse_expr(text, NAMES, "constraint 3 [transition]")
    msg = str(ei.value)
    assert "\n" not in msg
    assert msg.startswith("constraint 3 [transition]: ")
    assert message in msg
    assert f'"{text}" at column {col}' in msg


@pytest.mark.parametrize(
    "d, message",
    [
        (_air({"transition": "a^9"}), "degree 9 above the max 8"),
        (_air({"transition": "a^3 * b"}, max_degree=3), "degree 4 above the max 3"),
        (_air({"transition": "a"}, periodic={"k": [1, 2, 3]}), "bad period 3"),
        (_air({"transition": "a"}, periodic={"k": []}), "bad period 0"),
        (_air({"transition": "a"}, periodic={"k": [1, "x"]}), "values must be a list of integers"),
        (_air({"transition": "a", "first": "b"}), "exactly one selector"),
        (_air({"always": "a"}), "unknown key 'always'"),
        (_air(), "non-empty 'constraints'"),
        (_air({"first": "a"}, columns=["a", "a"]), "name 'a' is declared twice"),
        (_air({"first": "a"}, public=["k"]), "name 'k' is declared twice"),
        (_air({"first": "a"}, columns=["1a"]), "not a valid name"),
        (_air({"first": "a"}, columns=["next"]), "reserved word"),
        (_air({"first": "a"}, colums=["a"]), "unknown key 'colums'"),
        (_air({"first": 3}), "expression must be a string"),
        (_air({"first": "a"}, max_degree=MAX_CONSTRAINT_DEGREE + 1), "'max_degree' must be an integer"),
        (_air({"first": "a"}, format="v0"), "unsupported format"),
    ],
)
def test_air_errors(d, message):
    with pytest.raises(AirError, match=re.escape(message)):
        Air.from_dict(d)


def test_error_names_constraint_index_and_name():
    with pytest.raises(AirError, match=r'^constraint 1 \(mine\) \[last\]: unknown column .c. in "a \+ c" at column 5$'):
        Air.from_dict(_air({"first": "a"}, {"last": "a + c", "name": "mine"}))


def test_period_longer_than_trace():
    air = Air.from_dict(_air({"first": "a"}, periodic={"k": [1, 2, 3, 4]}))
    air.check_rows(2)
    with pytest.raises(AirError, match="period 4 exceeds the trace length 2\\^1"):
        air.check_rows(1)


def test_bad_toml():
    with pytest.raises(AirError, match="AIR TOML"):
        Air.from_toml("columns = [")


# --------------------------------------------------------------------------- AIR object


def test_fibonacci_metadata():
    air = get_example("fibonacci").air
    assert air.columns == ("a", "b")
    assert air.public == ("a0", "b0", "out")
    assert air.width == 2 and air.degree == 2
    assert [c.selector for c in air.constraints] == ["transition", "transition", "first", "first", "last"]
    assert air.uses_next(0) and air.uses_next(1)


def test_power_degree():
    air = get_example("power").air
    assert air.width == 16 and air.degree == 8 and len(air.periodic) == 16 and air.max_period == 8


# hemera-wide's AIR has ~300k expression nodes: each TOML/JSON parse costs ~3 s
# on the CI machine, and tests/test_hemera_wide.py covers that AIR through proofs.
PARSED_EXAMPLES = sorted(n for n in EXAMPLES if n != "hemera-wide")


@pytest.mark.parametrize("name", PARSED_EXAMPLES)
def test_hash_and_degree_are_remembered(name, monkeypatch):
    """The codegen and pipeline caches hash the AIR on every proof: equal AIRs
    hash equal (also after pickling), and neither the hash nor the degree
    walks the constraint trees again."""
    import pickle

    from wgprover.air import language

    air = get_example(name).air
    twin = Air.from_dict(air.to_dict())
    assert twin is not air and hash(twin) == hash(air) and {air: 1}[twin] == 1
    degree = air.degree
    copy = pickle.loads(pickle.dumps(air))
    assert copy == air and hash(copy) == hash(air)
    monkeypatch.setattr(language, "degree", lambda e: pytest.fail("degree walked the tree again"))
    monkeypatch.setattr(language.Const, "__hash__", lambda self: pytest.fail("hash walked the tree again"))
    assert air.degree == degree and hash(air) == hash(twin)


@pytest.mark.parametrize("name", PARSED_EXAMPLES)
def test_serialisation_round_trips(name):
    air = get_example(name).air
    assert Air.from_dict(air.to_dict()) == air
    assert Air.from_toml(air.to_toml()) == air
    assert Air.from_json(air.to_json()) == air
    assert Air.from_dict(json.loads(air.canonical_bytes())) == air
    assert air.canonical_bytes().decode("ascii")  # ASCII JSON
    assert len(air.digest()) == 32


def test_canonical_bytes_ignore_formatting():
    a = Air.from_dict(_air({"transition": "next.a-(a+b)"}, {"first": "((a)) - pub.a0"}))
    b = Air.from_dict(_air({"transition": "next.a - (a + b)"}, {"first": "a - a0"}))
    assert a.canonical_bytes() == b.canonical_bytes() and a.digest() == b.digest()
    c = Air.from_dict(_air({"transition": "next.a - (a + b)"}, {"last": "a - a0"}))
    assert c.digest() != a.digest()
    assert a.digest(lambda data: data[:5]) == a.canonical_bytes()[:5]


def test_public_values(field):
    air = get_example("fibonacci").air
    assert air.public_values(field, {"a0": 1, "b0": 2, "out": 3}).tolist() == [1, 2, 3]
    assert air.public_values(field, [1, 2, 3]).dtype == field.dtype
    with pytest.raises(AirError, match="missing public input 'out'"):
        air.public_values(field, {"a0": 1, "b0": 2})
    with pytest.raises(AirError, match="unknown public input 'zz'"):
        air.public_values(field, {"a0": 1, "b0": 2, "out": 3, "zz": 4})
    with pytest.raises(AirError, match="not a canonical"):
        air.public_values(field, [1, 2, field.p])


# --------------------------------------------------------------------------- evaluation


def _oracle_values(air: Air, p: int, trace: np.ndarray, public) -> list[list[int]]:
    """Pure-Python big-integer oracle: eval() of the canonical text, row by row."""
    pub = dict(public) if isinstance(public, dict) else dict(zip(air.public, public))
    N = trace.shape[1]
    out = []
    for c in air.constraints:
        src = c.text.replace("^", "**").replace("next.", "next_").replace("pub.", "pub_")
        code = compile(src, "<constraint>", "eval")
        vals = []
        for r in range(N):
            env = {name: int(trace[i, r]) for i, name in enumerate(air.columns)}
            env.update({f"next_{name}": int(trace[i, (r + 1) % N]) for i, name in enumerate(air.columns)})
            env.update({name: vals_[r % len(vals_)] for name, vals_ in air.periodic})
            env.update({f"pub_{k}": int(v) for k, v in pub.items()})
            vals.append(eval(code, {"__builtins__": {}}, env) % p)
        out.append(vals)
    return out


# the hemera examples need Goldilocks and >= 16 rows: tests/test_hemera_air.py covers them
SMALL_EXAMPLES = sorted(n for n in EXAMPLES if not n.startswith("hemera"))


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_examples_are_valid_and_match_oracle(field, rng, name):
    ex = get_example(name)
    for gen_rng in (None, rng):
        trace, public = ex.generate(field, 3, gen_rng)
        assert trace.shape == (ex.air.width, 8) and trace.dtype == field.dtype
        assert check_trace(ex.air, field, trace, public) is None
        require_valid(ex.air, field, trace, public)
        vals = constraint_values(ex.air, field, trace, public)
        assert vals.tolist() == _oracle_values(ex.air, field.p, trace, public)


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_examples_are_valid_at_several_sizes(field, rng, name):
    ex = get_example(name)
    for n in (4, 7, 10):
        for gen_rng in (None, rng):
            trace, public = ex.generate(field, n, gen_rng)
            assert trace.shape == (ex.air.width, 1 << n) and trace.dtype == field.dtype
            assert trace.flags.c_contiguous  # column-contiguous: uploaded without a transpose
            assert check_trace(ex.air, field, trace, public) is None, (name, n)


def test_random_airs_match_oracle(field, rng):
    for _ in range(4):
        air = random_air(rng)
        trace = field.base.random(rng, (air.width, 4))
        public = {"u": int(field.base.random(rng, ())), "v": field.p - 1}
        assert constraint_values(air, field, trace, public).tolist() == _oracle_values(air, field.p, trace, public)


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_single_violation_is_reported(field, rng, name):
    ex = get_example(name)
    n = 3
    trace, public = ex.generate(field, n, rng)
    # corrupt one cell; the first failing (row, constraint) must match a brute-force scan
    col, row = int(rng.integers(0, ex.air.width)), int(rng.integers(0, 1 << n))
    trace[col, row] = field.base.add(trace[col, row], 1)
    oracle = _oracle_values(ex.air, field.p, trace, public)
    N = 1 << n
    active = {"transition": range(N - 1), "first": [0], "last": [N - 1]}
    expected = min(
        ((r, j) for j, c in enumerate(ex.air.constraints) for r in active[c.selector] if oracle[j][r]), default=None
    )
    v = check_trace(ex.air, field, trace, public)
    if expected is None:  # e.g. boolean 0 -> 1 keeps booleanity and can be invisible... never silently
        assert v is None
        return
    assert (v.row, v.constraint) == expected
    assert f"on row {v.row}" in str(v) and ex.air.constraints[v.constraint].text in str(v)
    with pytest.raises(AirError, match=f"constraint {v.constraint} .* on row {v.row}"):
        require_valid(ex.air, field, trace, public)


def test_violation_in_boundary_constraints(field):
    ex = get_example("fibonacci")
    trace, public = ex.generate(field, 3)
    v = check_trace(ex.air, field, trace, dict(public, b0=public["b0"] + 1))
    assert (v.row, v.constraint, v.selector) == (0, 3, "first")
    v = check_trace(ex.air, field, trace, dict(public, out=(public["out"] + 1) % field.p))
    assert (v.row, v.constraint, v.selector) == (7, 4, "last")


def test_last_row_transition_is_not_checked(field):
    air = Air.from_dict({"columns": ["a"], "constraints": [{"transition": "next.a - a - 1"}]})
    trace = np.arange(8, dtype=field.dtype)[None]  # wraps 7 -> 0 on the last row: not a transition
    assert check_trace(air, field, trace, {}) is None


def test_trace_shape_and_canonicity(field):
    air = get_example("fibonacci").air
    with pytest.raises(AirError, match="shape"):
        check_trace(air, field, np.zeros((3, 8), dtype=field.dtype), [0, 0, 0])
    with pytest.raises(AirError, match="power of two"):
        check_trace(air, field, np.zeros((2, 6), dtype=field.dtype), [0, 0, 0])
    bad = np.zeros((2, 8), dtype=np.uint64)
    bad[1, 3] = field.p
    with pytest.raises(ValueError, match="non-canonical"):
        check_trace(air, field, bad, [0, 0, 0])


def test_combined_ext_on_boolean_points_matches_base(field, rng):
    """With table values embedded from the base field, C = sum_j alpha^j sel_j P_j row by row."""
    E = field.ext
    ex = get_example("periodic")
    n = 3
    N = 1 << n
    trace = field.base.random(rng, (2, N))
    public = {"a0": 5, "b0": 6}
    P = constraint_values(ex.air, field, trace, public)
    from wgprover.air.evaluate import periodic_table

    first = np.zeros(N, dtype=field.dtype)
    last = np.zeros(N, dtype=field.dtype)
    first[0] = last[-1] = 1
    alpha = E.random(rng, ())
    got = combined_ext(
        ex.air, field, E.from_base(trace), E.from_base(np.roll(trace, -1, 1)),
        E.from_base(periodic_table(ex.air, field, n)), E.from_base(first), E.from_base(last), public, alpha,
    )
    sel = {"transition": 1 - last, "first": first, "last": last}
    want = np.zeros((N, E.d), dtype=field.dtype)
    apow = E.one()
    for j, c in enumerate(ex.air.constraints):
        want = E.add(want, E.mul_base(np.broadcast_to(apow, (N, E.d)), field.base.mul(sel[c.selector].astype(field.dtype), P[j])))
        apow = E.mul(apow, alpha)
    assert np.array_equal(got, want)


# --------------------------------------------------------------------------- property: printer/parser


_names = st.sampled_from(["a", "b", "k", "next.a", "pub.a0", "out"])


def _exprs():
    leaf = _names | st.integers(0, 2**70).map(str)
    return st.recursive(
        leaf,
        lambda ch: st.one_of(
            st.tuples(ch, st.sampled_from(["+", "-", "*"]), ch).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
            ch.map(lambda s: f"-({s})"),
            st.tuples(ch, st.integers(0, 5)).map(lambda t: f"({t[0]})^{t[1]}"),
        ),
        max_leaves=8,
    )


@settings(max_examples=60, deadline=None)
@given(_exprs())
def test_printer_parser_round_trip(text):
    e = parse_expr(text, NAMES)
    printed = to_text(e, NAMES)
    assert parse_expr(printed, NAMES) == e
    assert to_text(parse_expr(printed, NAMES), NAMES) == printed
