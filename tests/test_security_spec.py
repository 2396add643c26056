"""The header's security bits, recomputed from docs/PROTOCOL.md §7.1 alone.

``spec_security_bits`` is written from the document (not from
wgprover/security.py): it reads the header fields itself and applies the three
documented terms with the documented double-precision arithmetic. Every golden
proof's header and a grid of parameters must agree with it.
"""

from __future__ import annotations

import itertools
import json
import math
import struct
from pathlib import Path

import pytest

from wgprover.field import get_field
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.security import report

GOLDEN = Path(__file__).parent / "vectors" / "golden"

# PROTOCOL.md §7: field code -> (extension degree d, base prime p)
FIELDS = {1: (2, 2**64 - 2**32 + 1), 2: (4, 15 * 2**27 + 1)}
HEADER = "<8sIIIIIIIIIIII"  # magic, version, field, n, w, R, k, q, b, f_log, D, security, #public


def spec_security_bits(field_code: int, n: int, w: int, R: int, q: int, b: int, D: int) -> int:
    """PROTOCOL.md §7.1: int(min(q·R + b, d·log2 p − log2(n·D + n + 2), d·log2 p − log2(2w + 4n)))."""
    d, p = FIELDS[field_code]
    field_bits = d * math.log2(p)
    t_query = q * R + b
    t_zc = field_bits - math.log2(n * D + n + 2)
    t_batch = field_bits - math.log2(2 * w + 4 * n)
    return int(min(t_query, t_zc, t_batch))


def header_fields(proof: bytes) -> dict:
    magic, _ver, fcode, n, w, R, k, q, b, f_log, D, sec, _npub = struct.unpack_from(HEADER, proof)
    assert magic == b"WGPROOF1"
    return dict(field_code=fcode, n=n, w=w, R=R, k=k, q=q, b=b, f_log=f_log, D=D, security=sec)


def golden_cases():
    return json.loads((GOLDEN / "manifest.json").read_text())["cases"]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["name"])
def test_golden_header_security_matches_the_documented_formula(case):
    h = header_fields((GOLDEN / case["proof"]).read_bytes())
    par = case["params"]
    assert (h["R"], h["k"], h["q"], h["b"], h["f_log"]) == (
        par["log_blowup"], par["fold"], par["queries"], par["pow_bits"], par["final_log"])
    want = spec_security_bits(h["field_code"], h["n"], h["w"], h["R"], h["q"], h["b"], h["D"])
    assert h["security"] == want


def test_golden_proofs_cover_both_fields():
    codes = {header_fields((GOLDEN / c["proof"]).read_bytes())["field_code"] for c in golden_cases()}
    assert codes == {1, 2}


def _grid():
    """Small and 100-bit parameters, widths up to the format limit, degrees 1..10."""
    params = [(1, 1, 0), (1, 3, 2), (2, 42, 16), (2, 100, 30), (3, 300, 20), (6, 1024, 30)]
    for code, n, w, D, (R, q, b) in itertools.product((1, 2), (1, 2, 3, 5, 12, 20, 30), (1, 2, 3, 16, 100, 4096),
                                                     (1, 2, 3, 8, 9, 10), params):
        yield code, n, w, R, q, b, D


def test_grid_matches_the_implementation():
    checked = 0
    for code, n, w, R, q, b, D in _grid():
        field = get_field({1: "goldilocks", 2: "babybear"}[code])
        params = BasefoldParams(log_blowup=R, fold=4, queries=q, pow_bits=b, final_log=4)
        got = int(report(field, n, w, D, params).bits)
        assert got == spec_security_bits(code, n, w, R, q, b, D), (code, n, w, R, q, b, D)
        checked += 1
    assert checked > 2000


def test_documented_examples():
    # Goldilocks: 2·log2(p) = 127.9999999993282, so a batching cap at 2w + 4n = 16 floors to 123
    assert 2 * math.log2(FIELDS[1][1]) == pytest.approx(127.9999999993282, abs=1e-12)
    assert spec_security_bits(1, n=3, w=2, R=6, q=1024, b=30, D=2) == 123
    # the zerocheck term binds when n·D + n + 2 > 2w + 4n: n = 30, D = 10 -> log2(332)
    assert spec_security_bits(1, n=30, w=1, R=6, q=1024, b=30, D=10) == int(127.9999999993282 - math.log2(332))
    # BabyBear: 4·log2(p) = 123.62756238530045
    assert spec_security_bits(2, n=1, w=1, R=6, q=1024, b=30, D=1) == int(123.62756238530045 - math.log2(6))
    # the query term: q·R + b exactly
    assert spec_security_bits(1, n=20, w=16, R=2, q=42, b=16, D=9) == 100
