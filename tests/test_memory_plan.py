"""The device-memory plan (wgprover/memory_plan.py, docs/ARCHITECTURE.md §11):
checked against the bytes a proof actually allocates, table by table; the
refusal from a trace's header; ``wgprove prove --plan`` and ``--max-memory``."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from test_cli_errors import _sparse_trace, one_line_error, wgprove
from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.memory_plan import (PHASES, SPLIT_TABLES, check_bindings, check_budget, parse_size, plan_memory,
                                  table_label)
from wgprover.pcs.basefold.config import BasefoldParams

GOLDEN_FIB = "tests/vectors/golden/gl-fibonacci-n5.wgtrace"


def fresh_context(profile: str = "max", int64: bool = False):
    """A context with nothing on its device cached but the compiled pipelines:
    no buffers, tables, pool or counters, so that a proof allocates as on a new
    device; its binding limits lowered by WGPROVER_MAX_BINDING when that is set
    (gpu/context.py open_context). The device and its pipelines are the session's
    (get_context): on lavapipe, compiling them again per case took most of a case."""
    from wgprover.gpu.context import get_context, open_context

    with pytest.MonkeyPatch.context() as mp:  # one session device whatever the cap
        mp.delenv("WGPROVER_MAX_BINDING", raising=False)
        base = get_context(profile=profile, int64=int64)
    limits = open_context(base.adapter, profile, int64).limits  # the cap as a new device gets it
    return dataclasses.replace(base, limits=limits, syncs=0, shared={}, tables={}, allocated={}, pool=None)


def allocated_by_table(ctx) -> dict[str, int]:
    out: dict[str, int] = {}
    for label, (_count, nbytes) in ctx.allocated.items():
        out[table_label(label)] = out.get(table_label(label), 0) + nbytes
    return out


def record_sizes(ctx) -> dict[str, list[int]]:
    """From now on, each new device buffer's size under its logical table
    (``ctx.allocated`` keeps only counts and totals)."""
    sizes: dict[str, list[int]] = {}
    create = ctx.create_buffer

    def spy(size, usage, label):
        sizes.setdefault(table_label(label), []).append(size)
        return create(size, usage, label)

    ctx.create_buffer = spy
    return sizes


def planned_by_table(plan) -> dict[str, tuple[int, int, int]]:
    """(buffers, bytes, largest buffer) per logical table of the plan."""
    out: dict[str, tuple[int, int, int]] = {}
    for t in plan.tables:
        k, b, big = out.get(t.label, (0, 0, 0))
        out[t.label] = (k + t.buffers, b + t.nbytes, max(big, t.largest))
    return out


CASES = [  # example, field, log rows, params, profile, int64, WGPROVER_MAX_BINDING, the tables split by it
    ("fibonacci", GOLDILOCKS, 6, BasefoldParams.testing(), "max", False, None, set()),
    # the default parameters but 1 bit of grinding: the same tables (the plan asks only whether
    # pow_bits > 0), without 24 x 2^18 grinding hashes, slow on lavapipe
    ("fibonacci", BABYBEAR, 8, BasefoldParams(pow_bits=1), "max", False, None, set()),
    ("periodic", GOLDILOCKS, 7, BasefoldParams.testing(pow_bits=0), "webgpu-default", False, None, set()),
    ("hemera", GOLDILOCKS, 10, BasefoldParams.testing(), "max", True, 320 << 10, {"zc-state-a", "zc-state-b"}),
    ("power", BABYBEAR, 6, BasefoldParams.testing(fold=3, final_log=2, log_blowup=2), "webgpu-default", False, None,
     set()),
    # 192 KiB (ps-partial's size): the trace and coefficients split by columns, codeword 0, eq and the
    # product state by rows (ps-state-b with one-element placeholder segments), the zerocheck state by columns
    ("fibonacci", GOLDILOCKS, 14, BasefoldParams.testing(fold=4, final_log=2), "max", False, 192 << 10, SPLIT_TABLES),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1].name}-n{c[2]}-{c[4]}-{'int64' if c[5] else 'p'}"
                                                      + (f"-cap{c[6] >> 10}k" if c[6] else ""))
def test_plan_equals_allocated(case, monkeypatch):
    """A first proof on a fresh device allocates exactly the planned buffers:
    per table their count, bytes and the largest (segments of tables split over
    bindings included); the uniform arena, planned as an upper bound, stays
    within it; under a lowered binding limit exactly the expected tables span
    several bindings, all of them in SPLIT_TABLES."""
    from wgprover.prover import prove_gpu

    name, field, n, params, profile, int64, cap, split = case
    if cap is not None:
        monkeypatch.setenv("WGPROVER_MAX_BINDING", str(cap))
    ctx = fresh_context(profile, int64)
    sizes = record_sizes(ctx)
    ex = get_example(name)
    cols, pub = ex.generate(field, n, None)
    prove_gpu(ctx, field, ex.air, np.array(cols), pub, params)
    plan = plan_memory(field, ex.air.width, n, ex.air.degree + 1, params, air=ex.air, limits=ctx.limits,
                       timestamps=ctx.has_timestamps)
    got = {k: (len(v), sum(v), max(v)) for k, v in sizes.items()}
    want = planned_by_table(plan)
    assert {k: b for k, (_, b, _) in got.items()} == allocated_by_table(ctx)
    assert set(got) == set(want), (set(got) ^ set(want))
    bounded = {t.label for t in plan.tables if t.bound}
    assert {k: got[k] for k in want if k not in bounded} == {k: want[k] for k in want if k not in bounded}
    for k in bounded:
        assert 0 < got[k][1] <= want[k][1], (k, got[k], want[k])
    assert sum(b for _, b, _ in got.values()) <= plan.peak
    spanning = {t.label for t in plan.tables if t.buffers > 1 and not t.bound}
    assert spanning == split and spanning <= SPLIT_TABLES
    assert max(t.largest for t in plan.tables) <= ctx.segment_limit()  # the proof ran: every buffer fit one binding


@given(cols=st.integers(1, 40), rows=st.integers(1, 5000), elem=st.sampled_from([4, 8, 16, 32]),
       limit=st.integers(2, 600).map(lambda k: 16 * k))
@settings(max_examples=300, deadline=None)
def test_segment_formulas_are_the_split(cols, rows, elem, limit):
    """The plan's closed form (no segment list) of ``device_table.split`` and of
    ``table_wgsl.allocate_as`` (half the rows, cut as the planned table):
    buffers, bytes and the largest buffer as ``ctx.buffer`` rounds them."""
    from wgprover.gpu import device_table
    from wgprover.gpu.table_wgsl import allocate_as, plan
    from wgprover.memory_plan import _split, _split_as, r16

    assume(elem <= limit)

    def summary(nbytes: list[int]) -> tuple[int, int, int]:
        return len(nbytes), sum(map(r16, nbytes)), max(map(r16, nbytes))

    t = _split("t", "setup", cols, rows, elem, limit)
    want = summary([nc * nr * elem for _, nc, _, nr in device_table.split(cols, rows, elem, limit)])
    assert (t.buffers, t.nbytes, t.largest) == want

    class _Ctx:  # allocate_as asks only for buffers
        def buffer(self, nbytes, label=""):
            return nbytes

    half = max(rows // 2, 1)
    table = allocate_as(_Ctx(), plan(cols, rows, elem, limit), cols, half, elem, "t")
    t = _split_as("t", "setup", cols, half, rows, elem, limit)
    assert (t.buffers, t.nbytes, t.largest) == summary([s.buffer for s in table.segments])


def test_plan_is_closed_form_and_fast():
    """No table grows with n: the largest header the trace format allows plans in milliseconds."""
    t0 = time.perf_counter()
    plan = plan_memory(GOLDILOCKS, 4096, 30, 8, BasefoldParams(), npub=4)
    assert time.perf_counter() - t0 < 0.5
    live = [plan.live(p) for p in PHASES]
    assert live == sorted(live) and plan.peak == live[-1]
    cw0 = next(t for t in plan.tables if t.label == "codeword0")
    assert cw0.nbytes == 4096 * 8 << 32
    assert plan.proof_bytes + plan.constant_bytes == plan.peak


def test_budget_and_binding_refusals_name_the_bytes():
    plan = plan_memory(GOLDILOCKS, 64, 30, 3, BasefoldParams(), npub=0)
    with pytest.raises(MemoryError, match=r"needs .* \([\d,]+ bytes\) of device memory.*8\.00 GiB \(8,589,934,592 bytes\) "
                                          r"available \(the --max-memory budget\)"):
        check_budget(plan, 1 << 40, "a device", max_memory=8 << 30)
    with pytest.raises(MemoryError, match="available \\(a device\\)"):
        check_budget(plan, 1 << 30, "a device", max_memory=8 << 30)
    check_budget(plan, None, "unknown")  # an unknown size refuses nothing
    with pytest.raises(MemoryError, match="storage-binding limit"):
        check_bindings(plan, 128 << 20, "webgpu-default")


def test_budget_threads_through_the_api(ctx):
    from wgprover import api

    ex = get_example("fibonacci")
    cols, pub = ex.generate(GOLDILOCKS, 5, None)
    params = dict(queries=4, pow_bits=2, log_blowup=1, fold=2, final_log=1, allow_insecure=True)
    with pytest.raises(MemoryError, match="--max-memory"):
        api.prove(ex.air, cols, pub, context=ctx, max_memory=4096, **params)
    assert api.prove(ex.air, cols, pub, context=ctx, max_memory=1 << 30, **params)


@pytest.mark.parametrize("text, want", [("8GiB", 8 << 30), ("512MiB", 512 << 20), ("4096", 4096), ("1.5GB", 1_500_000_000),
                                        ("2k", 2048), ("3 TiB", 3 << 40), ("64kB", 64_000)])
def test_parse_size(text, want):
    assert parse_size(text) == want


# -- the CLI -----------------------------------------------------------------------------------

@pytest.mark.parametrize("budget", [None, "8GiB"])
def test_sparse_2_30_x_64_refused_from_its_header(tmp_path, budget):
    """exit 5, one line naming the bytes needed and available, in under 3 s
    (start-up included): a 512 GiB trace is never read."""
    big = tmp_path / "big.wgtrace"
    _sparse_trace(big, 30, 64)
    t0 = time.perf_counter()
    r = wgprove("prove", str(big), "-o", str(tmp_path / "p"), "--allow-insecure",
                *(["--max-memory", budget] if budget else []))
    took = time.perf_counter() - t0
    one_line_error(r, 5, "of device memory", "bytes) available", "2^30 rows")
    if budget:
        assert "8.00 GiB (8,589,934,592 bytes) available (the --max-memory budget)" in r.stderr
    assert took < 3, took
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("bad", ["8XB", "-1", "0", "lots", "1e9"])
def test_max_memory_parse_errors_exit_2(tmp_path, bad):
    one_line_error(wgprove("prove", GOLDEN_FIB, "-o", str(tmp_path / "p"), f"--max-memory={bad}",
                           env={"WGPROVER_ADAPTER": "no-such-adapter"}), 2, "--max-memory")


def test_plan_prints_tables_phases_and_peak_without_proving(tmp_path):
    r = wgprove("prove", GOLDEN_FIB, "--plan", "--max-memory", "1GiB")
    assert r.returncode == 0, r.stderr
    for word in ("codeword0", "zc-state-a", "ps-state-a", "merkle-tree", "uniform-arena", "live device memory",
                 "peak:", "device memory:", "--max-memory: 1.00 GiB", "verdict: fits", *PHASES):
        assert word in r.stdout, word


def test_plan_of_an_oversize_trace_reads_no_data(tmp_path):
    big = tmp_path / "big.wgtrace"
    _sparse_trace(big, 30, 64)
    r = wgprove("prove", str(big), "--plan", "--allow-insecure", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "verdict: refused" in r.stdout and "2^30 rows" in r.stdout


def test_plan_verdict_names_a_binding_refusal():
    """--plan makes the prover's own checks: a table over one binding is a refusal, not "fits"."""
    r = wgprove("prove", GOLDEN_FIB, "--plan", env={"WGPROVER_MAX_BINDING": "4096"})
    assert r.returncode == 0, r.stderr
    assert "verdict: refused" in r.stdout and "storage-binding limit" in r.stdout


def test_prove_without_output_or_plan_is_a_usage_error():
    r = wgprove("prove", GOLDEN_FIB, env={"WGPROVER_ADAPTER": "no-such-adapter"})
    one_line_error(r, 2, "-o PROOF", "--out-dir")  # cli/batch.py

