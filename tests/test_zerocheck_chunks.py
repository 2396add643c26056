"""Zerocheck programs longer than one uniform binding (wgprover/air/bytecode.py):
the bytecode is cut into chunks of MAX_OPS instructions, one uniform binding
each, fetched through one generated switch.  The GPU interpreter over several
chunks must equal the NumPy reference bit for bit (a wide real AIR, and a
small AIR with a tiny chunk size so that spans cross chunk boundaries), and
auto mode interprets the 256-column power map instead of emitting ~200 KB of
inline WGSL (docs/BENCHMARKS.md "Compile time")."""

from __future__ import annotations

import numpy as np
import pytest

from test_air_codegen import check_zerocheck  # tests/ is on sys.path (rootdir conftest)
from wgprover.air import bytecode, codegen
from wgprover.air.codegen import generate
from wgprover.air.examples import power
from wgprover.gpu import get_context
from wgprover.sumcheck import gpu as G

PATHS = {"portable": {"int64": False}, "webgpu-default": {"profile": "webgpu-default", "int64": False}}
WIDE = power(width=256).air  # 5,134 instructions: two chunks at the default MAX_OPS
AUTO_WGSL_MAX = 20_000  # inline code of this AIR is ~198,000 characters


@pytest.mark.parametrize("path", sorted(PATHS))
def test_wide_air_over_two_chunks_matches_numpy(field, rng, path, monkeypatch):
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "auto")
    g = generate(WIDE, field)
    assert g.program is not None and len(g.chunks) == 2
    check_zerocheck(get_context(**PATHS[path]), field, WIDE, 3, rng)


@pytest.fixture
def tiny_chunks(monkeypatch):
    """MAX_OPS = 10: a small AIR's program spans several chunks (generate() is
    cached by AIR, so the cache is cleared around the patch)."""
    codegen._generate.cache_clear()
    monkeypatch.setattr(bytecode, "MAX_OPS", 10)
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "interp")
    yield
    codegen._generate.cache_clear()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_small_air_over_many_chunks_matches_numpy(field, rng, path, tiny_chunks):
    air = power(width=2, period=4).air
    g = generate(air, field)
    assert 2 < len(g.chunks) <= bytecode.MAX_CHUNKS and len(g.program) % 10  # a partial last chunk
    assert np.array_equal(np.concatenate(g.chunks), g.program)
    assert g.source.count("var<uniform> zc_prog") == len(g.chunks) and "fn zc_fetch" in g.source
    check_zerocheck(get_context(**PATHS[path]), field, air, 4, rng)


def test_auto_interprets_the_wide_power_map(field):
    g = generate(WIDE, field, mode="auto")
    assert g.program is not None and "round 0 interp, rounds >= 1 interp" in g.source
    assert len(g.source) < AUTO_WGSL_MAX, len(g.source)


def test_one_chunk_keeps_the_single_binding(field):
    g = generate(power(width=64).air, field, mode="interp")
    assert len(g.chunks) == 1 and len(g.program) <= bytecode.MAX_OPS
    assert "var<uniform> zc_prog: array<vec4<u32>, ZC_NOPS>;" in g.source
    assert "zc_prog0" not in g.source and "fn zc_fetch" not in g.source  # shaders/zerocheck_fetch.wgsl


def test_more_chunks_than_uniform_buffers(field, tiny_chunks):
    air = power(width=40, period=4).air
    with pytest.raises(bytecode.ProgramTooLong, match=f"{bytecode.MAX_CHUNKS} uniform buffers"):
        generate(air, field)
    assert generate(air, field, mode="auto").program is None  # auto falls back to inline code


def test_device_with_fewer_uniform_buffers(ctx, field, rng, monkeypatch):
    monkeypatch.setitem(ctx.limits, "max-uniform-buffers-per-shader-stage", 2)  # the parameter block + 1
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "auto")
    n, E = 3, field.ext
    zeros = np.zeros((WIDE.width, 1 << n), dtype=field.dtype)
    with pytest.raises(ValueError, match="needs 2 uniform buffers, the device allows 1"):
        G.zerocheck(ctx, field, WIDE, n, zeros, {"seed": 0, "out": 0}, E.random(rng, n), E.random(rng, ()), E.random(rng, n))
