"""Sumcheck tables across storage bindings (docs/ARCHITECTURE.md §9).

WGPROVER_MAX_BINDING lowers the binding and buffer limits, so tiny traces
split into many segments: by whole columns and, when one column alone is too
big, by power-of-two row ranges.  The zerocheck, the product sumcheck and
eq(r, .) on split tables must equal the NumPy reference exactly, on the
portable and shader-int64 paths and under webgpu-default's 8 storage bindings
(where a layout that needs more is refused in one line).
"""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.air import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import device_table, get_context
from wgprover.gpu.table_wgsl import allocate_as, locate, plan, shape_of
from wgprover.sumcheck import gpu as G
from wgprover.sumcheck import reference as R
from test_sumcheck_gpu import product_matches_reference  # tests/ is on sys.path (rootdir conftest)

PATHS = {"portable": {"int64": False}, "int64": {"int64": True}}


def _ctx(monkeypatch, cap: int, **path):
    monkeypatch.setenv("WGPROVER_MAX_BINDING", str(cap))
    ctx = get_context(**path)
    assert ctx.segment_limit() == cap
    return ctx


def _read(ctx, table, dtype, d: int) -> np.ndarray:
    """A (cols, rows, d) table read back segment by segment (tests only)."""
    out = np.zeros((table.cols, table.rows, d), dtype=dtype)
    for s in table.segments:
        vals = ctx.read(s.buffer, dtype, s.ncols * s.nrows * d)
        out[s.col : s.col + s.ncols, s.row : s.row + s.nrows] = vals.reshape(s.ncols, s.nrows, d)
    return out


@pytest.mark.parametrize("cols, rows, elem, limit", [(5, 64, 8, 1024), (7, 32, 16, 256), (3, 256, 4, 256),
                                                     (1, 1024, 16, 4096), (33, 16, 8, 4096)])
def test_locate_is_the_split(cols, rows, elem, limit):
    """The kernels' addressing (locate) finds every element of a split table in
    the segment device_table.split gave it, packed column-major; a table cut as
    another (allocate_as, fewer rows) is addressed by the same shape."""
    shape = plan(cols, rows, elem, limit)
    segs = device_table.split(cols, rows, elem, limit)
    assert shape.nseg == len(segs)
    for c in range(cols):
        for i in range(rows):
            k, idx = locate(shape, c, i, rows)
            col, ncols, row, nrows = segs[k]
            assert col <= c < col + ncols and row <= i < row + nrows
            assert idx == (c - col) * nrows + (i - row)

    class _Ctx:  # allocate_as needs only buffers of the right size
        def buffer(self, nbytes, label=""):
            return type("B", (), {"size": nbytes})()

    half = allocate_as(_Ctx(), shape, cols, rows // 2, elem, "t")
    assert len(half.segments) == shape.nseg
    for c in range(cols):
        for i in range(rows // 2):
            k, idx = locate(shape, c, i, rows // 2)
            s = half.segments[k]
            assert s.col <= c < s.col + s.ncols and idx < s.nbytes // elem


@pytest.mark.parametrize("path", ["portable", "webgpu-default"])
def test_eq_table_split_by_rows(monkeypatch, field, rng, path):
    ctx = _ctx(monkeypatch, 256, **({"profile": "webgpu-default"} if path == "webgpu-default" else PATHS[path]))
    E, n = field.ext, 6
    r = E.random(rng, n + 1)
    table = device_table.allocate(ctx, 1, 1 << n, E.d * field.base.BYTES, "eq")
    assert shape_of(table).by_rows and len(table.segments) == 4
    rec = ctx.recorder()
    G.record_eq_table(rec, field, ctx.upload(r), 1, n, table)
    rec.submit()
    assert np.array_equal(_read(ctx, table, field.dtype, E.d)[0], R.eq_table(E, r[1:]))


# (field, axis) -> (n, cap): the trace splits along that axis (BabyBear's trace
# columns are a quarter of its state columns, so its row splits stay in eq and
# the state within lavapipe's 32 bindings)
ZC_CASES = [pytest.param(GOLDILOCKS, "cols", 6, 512, id="goldilocks-cols"),
            pytest.param(GOLDILOCKS, "rows", 7, 512, id="goldilocks-rows"),
            pytest.param(BABYBEAR, "cols", 7, 512, id="babybear-cols")]


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("field, axis, n, cap", ZC_CASES)
def test_zerocheck_on_split_tables(monkeypatch, rng, path, field, axis, n, cap):
    ctx = _ctx(monkeypatch, cap, **PATHS[path])
    ex, E = get_example("fibonacci"), field.ext
    lay = G.plan_layout(ctx, field, ex.air.width, n)
    assert lay.trace.nseg > 1 and lay.trace.by_rows == (axis == "rows")
    assert lay.eq.by_rows and lay.eq.nseg > 1 and lay.state.nseg > 1
    trace, public = ex.generate(field, n, rng)
    r, alpha, rho = E.random(rng, n), E.random(rng, ()), E.random(rng, n)
    got = G.zerocheck(ctx, field, ex.air, n, trace, public, r, alpha, rho, max_partials=6)
    want = R.zerocheck(field, ex.air, n, trace, public, r, alpha, rho)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_zerocheck_split_refused_under_browser_limits(monkeypatch, field, rng):
    """webgpu-default allows 8 storage bindings: a split zerocheck layout is
    refused in one line before any pipeline is built."""
    ctx = _ctx(monkeypatch, 512, profile="webgpu-default")
    ex = get_example("fibonacci")
    n = 7
    trace, public = ex.generate(field, n, rng)
    with pytest.raises(MemoryError, match=r"needs \d+ storage bindings .* this device allows 8$"):
        G.ZerocheckGpu(ctx, field, ex.air, n, device_table.upload(ctx, trace, "trace"), public, max_partials=6)


PS_CASES = [pytest.param(GOLDILOCKS, "cols", 6, 3, 512, id="goldilocks-cols"),
            pytest.param(GOLDILOCKS, "rows", 7, 3, 512, id="goldilocks-rows"),
            pytest.param(BABYBEAR, "cols", 7, 3, 512, id="babybear-cols")]
# under webgpu-default (8 bindings): trace and state each in two column groups
PS_BROWSER = {"goldilocks": (6, 3, 1024), "babybear": (6, 5, 1024)}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("field, axis, n, w, cap", PS_CASES)
def test_product_sumcheck_on_split_tables(monkeypatch, rng, path, field, axis, n, w, cap):
    ctx = _ctx(monkeypatch, cap, **PATHS[path])
    trace_shape = plan(w, 1 << n, field.base.BYTES, cap)
    state_shape = plan(2, 1 << n, field.ext.d * field.base.BYTES, cap)
    assert trace_shape.nseg > 1 and trace_shape.by_rows == (axis == "rows")
    assert state_shape.nseg > 1 and state_shape.by_rows
    product_matches_reference(ctx, field, rng, n, w)


def test_product_sumcheck_split_under_browser_limits(monkeypatch, field, rng):
    n, w, cap = PS_BROWSER[field.name]
    ctx = _ctx(monkeypatch, cap, profile="webgpu-default")
    trace_shape = plan(w, 1 << n, field.base.BYTES, cap)
    state_shape = plan(2, 1 << n, field.ext.d * field.base.BYTES, cap)
    assert trace_shape.nseg == 2 and state_shape.nseg == 2 and not state_shape.by_rows
    product_matches_reference(ctx, field, rng, n, w)


def test_product_sumcheck_refused_over_browser_bindings(monkeypatch, field):
    ctx = _ctx(monkeypatch, 256, profile="webgpu-default")
    n = 7
    trace = device_table.allocate(ctx, 3, 1 << n, field.base.BYTES, "trace")
    with pytest.raises(MemoryError, match=r"product sumcheck of 3 columns x 2\^7 rows needs \d+ storage bindings"):
        G.ProductSumcheckGpu(ctx, field, n, trace, 3, max_partials=3)
