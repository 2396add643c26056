"""The wide hemera permutation AIR (one permutation per row, docs/AIR.md §9.1):
traces match the hemera reference, the compiled trace equals the NumPy one, honest
traces prove (GPU == reference bytes, Vulkan paths) and verify, a wrong value is
refused naming its row and constraint; and the bench's variant parsing.

The reference proof of this AIR (176 columns) is slow in NumPy, so the GPU tests
share one 4-row trace and its reference proof (module fixture).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from wgprover.air import hemera_wide as hw
from wgprover.air.evaluate import check_trace
from wgprover.field import GOLDILOCKS
from wgprover.hemera import compiled
from wgprover.hemera import params as hp
from wgprover.hemera import reference as href
from wgprover.hemera import scalar
from wgprover.prover import prove_gpu
from wgprover.reference_prover import ConstraintViolation, prove_reference
from wgprover.verifier import verify

from test_hemera_air import NO_GL, SMALL, edge_inputs, gl_random

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.parametrize("sbox", hw.SBOXES)
@pytest.mark.parametrize("count", [1, 5])
def test_wide_trace_matches_reference(rng, sbox, count):
    inputs = edge_inputs(rng, count)
    trace = hw.wide_trace(inputs, sbox)
    rows = 1 << count.bit_length()
    assert trace.shape == (len(hw.columns(sbox)), rows) == (hw.wide_air(sbox).width, rows)
    out = hw.wide_outputs(trace, count)
    assert np.array_equal(out, href.permute(inputs))
    assert [int(v) for v in out[-1]] == scalar.permute_int(inputs[-1])  # big-integer oracle
    assert not trace[:16, count:].any()  # padding rows permute zero states
    assert check_trace(hw.wide_air(sbox), GOLDILOCKS, trace, {}) is None


@pytest.mark.parametrize("sbox", hw.SBOXES)
def test_compiled_wide_trace_equals_numpy(rng, sbox):
    states = gl_random(rng, 64)
    states[3] = states[63] = 0  # wide_trace pads 63 states with one zero state
    fast = compiled.wide_trace(states, sbox)
    assert fast is None or np.array_equal(fast, hw.wide_trace(states[:63], sbox))


def test_wide_air_shape_and_constants():
    air7, air3 = hw.wide_air(7), hw.wide_air(3)
    assert (air7.width, air7.degree, len(air7.constraints)) == (176, 8, 176)
    assert (air3.width, air3.degree, len(air3.constraints)) == (304, 4, 304)
    assert all(c.selector == "transition" for c in air7.constraints + air3.constraints)
    texts = {c.name: c.text for c in air7.constraints}
    assert str(int(hp.rc_full()[0, 5])) in texts["sbox0_5"]  # constants from hemera.params
    assert str(int(hp.rc_full()[4, 0])) in texts["sbox4_0"]
    assert str(int(hp.rc_partial()[15])) in texts["inverse16_a"]
    assert hw.count_for_rows(4) == 15
    with pytest.raises(ValueError, match="one of"):
        hw.wide_air(5)
    with pytest.raises(ValueError, match="at least 2 rows"):
        hw.count_for_rows(0)


@pytest.mark.parametrize("sbox,col,what", [(7, 16 + 3 * 16 + 2, "sbox3_2"), (7, 16 + 8 * 16 + 4, "inverse5"),
                                           (3, 16 + 32 * 5 + 1, "cube5_1"), (7, 175, "out15")])
def test_wide_wrong_value_names_row_and_constraint(rng, sbox, col, what):
    trace = hw.wide_trace(gl_random(rng, 7), sbox)
    bad = trace.copy()
    bad[col, 5] = (int(bad[col, 5]) + 1) % hp.P
    v = check_trace(hw.wide_air(sbox), GOLDILOCKS, bad, {})
    assert v is not None and v.row == 5, v
    assert what in hw.wide_air(sbox).constraints[v.constraint].name


def test_bench_variants_parse_and_cost_model():
    from hemera_variants import Variant, cost_model, parse_variants

    vs = parse_variants("ppr4/interp,wide7,wide3/hybrid")
    assert [v.name for v in vs] == ["ppr4/interp", "wide7/auto", "wide3/hybrid"]
    assert (vs[1].count(4), vs[1].log_rows(4), vs[0].count(4), vs[0].log_rows(4)) == (15, 4, 16, 8)
    for bad in ("wide5", "ppr4/fast", "ppr3"):
        with pytest.raises(ValueError, match="bad variant"):
            parse_variants(bad)
    m = cost_model(Variant("wide7"))
    assert (m["width"], m["cells_per_perm"], m["degree_D"]) == (176, 176, 9)
    assert m["zc_ops_per_perm"] < cost_model(Variant("ppr4"))["zc_ops_per_perm"] / 3


# --------------------------------------------------------------------------- GPU proofs


@pytest.fixture(scope="module")
def wide_case():
    air = hw.wide_air(7)
    trace = hw.wide_trace(GOLDILOCKS.base.random(np.random.default_rng(23), (3, 16)), 7)  # 4 rows
    return air, trace, prove_reference(GOLDILOCKS, air, trace, {}, SMALL)


@pytest.fixture(params=NO_GL, scope="module")
def vk_ctx(request):
    from conftest import GPU_PATHS
    from wgprover.gpu import get_context

    return get_context(**GPU_PATHS[request.param])


def test_wide_gpu_equals_reference_and_verifies(vk_ctx, wide_case):
    air, trace, ref = wide_case
    res = prove_gpu(vk_ctx, GOLDILOCKS, air, trace, {}, SMALL)
    assert res.syncs == 1
    assert res.proof == ref
    v = verify(res.proof, air, {}, min_security=0)
    assert v.accepted, v.reason
    assert not verify(res.proof, hw.wide_air(3), {}, min_security=0).accepted  # another AIR


def test_wide_wrong_round_value_refused(ctx, wide_case):
    air, trace, _ = wide_case
    bad = trace.copy()
    bad[16 + 6 * 16 + 9, 0] = (int(bad[16 + 6 * 16 + 9, 0]) + 1) % hp.P  # x^7 of lane 9, full round 6
    with pytest.raises(ConstraintViolation, match=r"on row 0 ") as e:
        prove_gpu(ctx, GOLDILOCKS, air, bad, {}, SMALL)
    names = [c.name for c in air.constraints]
    assert f"constraint {names.index('sbox6_9')} " in str(e.value) and '"u6_9 - (' in str(e.value)
