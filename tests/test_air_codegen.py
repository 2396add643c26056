"""Generated WGSL constraint evaluation == NumPy, for a dozen AIRs in both fields
and both code modes (inline straight-line code, interpreted bytecode).

Each AIR runs a full zerocheck on the GPU on a random (not necessarily valid)
trace, so both generated functions are exercised: round 0 (zc_eval_base, base
field) and every later round (zc_eval_ext, extension), with the periodic and
selector tables folded along the way; every round polynomial and the claims
must equal the NumPy reference bit for bit.  The size tests pin the compile
cost: the WGSL of the example AIRs stays small, and it grows at most linearly
with the number of constraints (docs/BENCHMARKS.md "Compile time").
"""

from __future__ import annotations

import re
import numpy as np
import pytest

from wgprover.air import Air, get_example
from wgprover.air import bytecode
from wgprover.air.bytecode import OPCODES
from wgprover.air.codegen import MODES, generate
from wgprover.air.examples import power, random_air
from wgprover.sumcheck import gpu as G
from wgprover.sumcheck import reference as R

EDGE_AIR = Air.from_dict(
    {
        "name": "edges",
        "columns": ["a", "b"],
        "public": ["u"],
        "periodic": {"k": [0, 1, -1, 2**64 + 3]},
        "constraints": [
            {"transition": "a * 0 + 0 * next.b + (3 - 3) * b + 5 - 5"},  # folds to 0: dropped by codegen
            {"transition": "-1 * a + 18446744069414584320 * b - (p)^0".replace("(p)", "k")},
            {"first": "pub.u^3 - 7 + 2^3"},  # no trace variable at all
            {"last": "a^0 * b^1 + k * -u - 12345678901234567890"},
            {"transition": "(a + next.a) * (b - next.b)^2 - 65535 * a + 65536 * k"},
        ],
    }
)

AIRS = {
    "fibonacci": lambda rng: get_example("fibonacci").air,
    "periodic": lambda rng: get_example("periodic").air,
    "boolean": lambda rng: get_example("boolean").air,
    "power7": lambda rng: power(width=2, period=4).air,
    "power5": lambda rng: power(width=1, period=2, exponent=5).air,
    "edges": lambda rng: EDGE_AIR,
    "random-a": lambda rng: random_air(rng, width=2, n_constraints=5, max_degree=4),
    "random-b": lambda rng: random_air(rng, width=3, n_constraints=6, max_degree=6),
    "random-c": lambda rng: random_air(rng, width=1, n_constraints=4, max_degree=3),
    "only-first": lambda rng: Air.from_dict({"columns": ["x"], "public": ["v"], "constraints": [{"first": "x^2 - v"}]}),
    "only-last": lambda rng: Air.from_dict({"columns": ["x", "y"], "constraints": [{"last": "x * y - 1"}]}),
    "no-boundary": lambda rng: Air.from_dict(
        {"columns": ["x"], "periodic": {"c": list(range(16))}, "constraints": [{"transition": "next.x - x^3 - c"}]}
    ),
}


def _random_public(field, air, rng) -> dict:
    return {p: int(v) for p, v in zip(air.public, field.base.random(rng, len(air.public)))}


def check_zerocheck(ctx, field, air, n: int, rng) -> None:
    """GPU zerocheck == NumPy reference, every round and the claims, on a random trace."""
    E = field.ext
    trace = field.base.random(rng, (air.width, 1 << n))
    trace[:, 1] = field.p - 1  # an edge value in every column
    public = _random_public(field, air, rng)
    r, alpha, rho = E.random(rng, n), E.random(rng, ()), E.random(rng, n)
    want = R.zerocheck(field, air, n, trace, public, r, alpha, rho)
    got = G.zerocheck(ctx, field, air, n, trace, public, r, alpha, rho)
    for i in range(n):
        assert np.array_equal(got[0][i], want[0][i]), f"round {i} ({'base' if i == 0 else 'ext'})"
    assert np.array_equal(got[1], want[1]), "claims"


@pytest.mark.parametrize("mode", ["inline", "interp"])
@pytest.mark.parametrize("name", sorted(AIRS))
def test_generated_constraints_match_numpy(ctx, field, rng, name, mode, monkeypatch):
    monkeypatch.setenv("WGPROVER_ZEROCHECK", mode)
    check_zerocheck(ctx, field, AIRS[name](rng), 4, rng)


def test_codegen_is_cached_and_deterministic(field):
    air = get_example("fibonacci").air
    a = generate(air, field)
    assert generate(Air.from_toml(air.to_toml()), field) is a
    assert a.npts == air.degree + 2 and a.n_constraints == 5
    assert "fn zc_eval_base" in a.source and "fn zc_eval_ext" in a.source


def test_codegen_constants_and_folding(field):
    g = generate(EDGE_AIR, field, mode="inline")
    src = g.source
    # the identically-zero constraint 0 contributes nothing
    assert re.search(r"zc_wadd_[ef]\([^,]+, 0u,", src) is None
    assert re.search(r"zc_wadd_[ef]\([^,]+, 1u,", src) is not None
    # big constants go to the pubc buffer (after the 1 public input), reduced mod p
    assert (12345678901234567890 % field.p) in g.constants or (-12345678901234567890 % field.p) in g.constants
    assert all(0 <= c < field.p for c in g.constants)
    assert "zc_pubc[1u]" in src


def test_interpreted_constants_and_folding(field):
    g = generate(EDGE_AIR, field, mode="interp")
    code = g.program
    acc = code[np.isin(code[:, 0], [OPCODES["zc_wadd_f"], OPCODES["zc_wadd_e"]])]
    assert 0 not in acc[:, 2] and 1 in acc[:, 2]  # constraint 0 folds to zero
    # constants under 2^32 are immediates; larger ones are read from pubc after the public input
    assert all(0 <= c < field.p and min(c, field.p - c) >= 1 << 32 for c in g.constants)
    loads = code[code[:, 0] == OPCODES["zc_pub"], 2]
    assert set(loads) <= set(range(1 + len(g.constants)))
    assert "zc_run_base" in g.source and "zc_run_ext" in g.source


def test_modes(field, monkeypatch):
    air = get_example("boolean").air
    sources = {m: generate(air, field, mode=m).source for m in MODES}
    assert len(set(sources.values())) >= 3
    assert generate(air, field, mode="inline").program is None
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "interp")
    assert generate(air, field).program is not None
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "fast")
    with pytest.raises(ValueError, match="WGPROVER_ZEROCHECK"):
        generate(air, field)


def test_program_over_the_uniform_limit(field, monkeypatch):
    monkeypatch.setattr(bytecode, "MAX_OPS", 8)
    air = power(width=15, period=4).air  # not used elsewhere: generate() caches by AIR
    with pytest.raises(bytecode.ProgramTooLong, match="WGPROVER_ZEROCHECK=inline"):
        generate(air, field, mode="interp")
    assert generate(air, field, mode="auto").program is None  # auto falls back to inline code


# Stated bounds (characters of generated WGSL, bytecode instructions); docs/BENCHMARKS.md "Compile time".
EXAMPLE_WGSL_MAX = {"interp": 3_500, "auto": 10_000}
# fixed part: 3,000 before eq(r, .) got its own segment bindings (docs/ARCHITECTURE.md §9)
WGSL_FIXED, WGSL_PER_CONSTRAINT = {"inline": 2_500, "interp": 3_200}, {"inline": 400, "interp": 0}
OPS_PER_CONSTRAINT = 20


@pytest.mark.parametrize("mode", sorted(EXAMPLE_WGSL_MAX))
@pytest.mark.parametrize("name", ["fibonacci", "power", "boolean", "periodic"])
def test_example_wgsl_stays_small(field, name, mode):
    g = generate(get_example(name).air, field, mode=mode)
    assert len(g.source) <= EXAMPLE_WGSL_MAX[mode], f"{name} {mode}: {len(g.source)} characters"


@pytest.mark.parametrize("mode", ["inline", "interp"])
def test_wgsl_grows_at_most_linearly_with_constraints(field, mode):
    for count in (5, 10, 20, 40):
        air = random_air(np.random.default_rng(count), width=4, n_constraints=count, max_degree=6)
        g = generate(air, field, mode=mode)
        assert len(g.source) <= WGSL_FIXED[mode] + WGSL_PER_CONSTRAINT[mode] * count, (count, len(g.source))
        if g.program is not None:
            assert len(g.program) <= OPS_PER_CONSTRAINT * count, (count, len(g.program))


def test_generated_code_uses_only_the_field_interface(field):
    src = generate(get_example("periodic").air, field).source
    for forbidden in ("gl_", "bb_", "vec2<u32>", ".c0", ".c1"):
        assert forbidden not in src
