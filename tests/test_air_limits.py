"""AIR size limits (wgprover/air/language.py MAX_EXPR_DEPTH): the largest
accepted expressions go through every recursive consumer (printer, parser of
their canonical text, evaluator, WGSL generator) without a RecursionError;
anything deeper, and deeply nested AIR files, are one-line AirErrors."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.air.codegen import generate
from wgprover.air.evaluate import check_trace
from wgprover.air.language import MAX_EXPR_DEPTH as D
from wgprover.air.language import Air, AirError
from wgprover.field import BABYBEAR, GOLDILOCKS


def _air(expr: str) -> Air:
    return Air.from_dict({"name": "d", "columns": ["a", "b"], "constraints": [{"transition": expr}]})


def _nested_neg(k: int) -> str:
    e = "a"
    for _ in range(k):
        e = f"-(a - {e})"
    return e


@pytest.mark.parametrize("expr", [
    " + ".join(["a"] * (D - 2)) + " - a*" + str(D - 2),  # depth exactly D
    "(" * D + "a - b" + ")" * D,
    "-" * (D - 1) + "a",
    "a - " * (D - 1) + "a",
    _nested_neg(D // 2 - 1),
], ids=["long-sum", "parentheses", "signs", "long-difference", "nested-negations"])
def test_largest_accepted_expressions_work_everywhere(expr):
    air = _air(expr)
    assert Air.from_json(air.to_json()) == air  # the canonical text re-parses
    for f in (GOLDILOCKS, BABYBEAR):
        check_trace(air, f, np.zeros((2, 8), f.dtype), {})
        generate(air, f)


@pytest.mark.parametrize("expr,match", [
    (" + ".join(["a"] * (D + 1)), "operations deep"),
    (" + ".join(["a"] * 10000), "operations deep"),
    ("(" * (D + 1) + "a" + ")" * (D + 1), "nested parentheses"),
    ("(" * 3000 + "a" + ")" * 3000, "nested parentheses"),
    ("-" * 3000 + "a", "nested unary signs"),
])
def test_deeper_expressions_are_one_line_errors(expr, match):
    with pytest.raises(AirError, match=match) as e:
        _air(expr)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("text,parse", [
    ("[" * 100000 + "]" * 100000, Air.from_json),
    ('{"a": ' * 100000 + "1" + "}" * 100000, Air.from_json),
    ("x = " + "[" * 100000 + "]" * 100000, Air.from_toml),
])
def test_deeply_nested_air_files(text, parse):
    with pytest.raises(AirError, match="nested too deeply|AIR"):
        parse(text)
