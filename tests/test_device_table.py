"""Device tables across bindings (wgprover/gpu/device_table.py, gpu/table_access.py;
docs/ARCHITECTURE.md §9): the split, allocation, upload, copies between two
splits, the generated accessor's binding budget, and WGPROVER_MAX_BINDING."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.field import GOLDILOCKS
from wgprover.gpu import device_table as dt
from wgprover.gpu import table_access as ta


def _coverage(cols: int, rows: int, segs) -> np.ndarray:
    """How many segments hold each element of a cols x rows table."""
    hits = np.zeros((cols, rows), dtype=np.int64)
    for c, nc, r, nr in segs:
        hits[c:c + nc, r:r + nr] += 1
    return hits


@pytest.mark.parametrize("cols,rows,eb,limit", [
    (10, 8, 8, 3 * 64), (7, 16, 4, 10_000), (1, 1, 8, 8), (5, 32, 16, 512 + 16), (16, 64, 8, 256),  # columns
    (2, 64, 8, 200), (3, 1 << 10, 4, 256), (1, 8, 16, 16), (4, 32, 8, 257),  # rows
])
def test_split_covers_each_element_once_within_the_limit(cols, rows, eb, limit):
    segs = dt.split(cols, rows, eb, limit)
    assert (_coverage(cols, rows, segs) == 1).all()
    assert all(nc * nr * eb <= limit for _, nc, _, nr in segs)
    if rows * eb <= limit:  # whole columns, groups of equal size but the last
        assert all(nr == rows for *_, nr in segs)
        assert len({nc for _, nc, _, _ in segs[:-1]}) <= 1 and segs[-1][1] <= segs[0][1]
    else:  # power-of-two row ranges of one column, as large as the limit allows
        nr = segs[0][3]
        assert all(nc == 1 for _, nc, _, _ in segs) and nr & (nr - 1) == 0 and 2 * nr * eb > limit


def test_split_refuses_impossible_tables():
    with pytest.raises(ValueError, match="at least one column"):
        dt.split(0, 8, 8, 1024)
    with pytest.raises(MemoryError, match="cannot hold one"):
        dt.split(1, 8, 16, 8)


def _read(ctx, table: dt.DeviceTable, dtype) -> np.ndarray:
    """The table back on the host (one read per segment: tests only)."""
    out = np.zeros((table.cols, table.rows, table.elem_bytes // np.dtype(dtype).itemsize), dtype=dtype)
    for s in table.segments:
        got = ctx.read(s.buffer, dtype, s.nbytes // np.dtype(dtype).itemsize)
        out[s.col:s.col + s.ncols, s.row:s.row + s.nrows] = got.reshape(s.ncols, s.nrows, -1)
    return out.reshape(table.cols, table.rows, -1).squeeze(-1) if out.shape[2] == 1 else out


@pytest.mark.parametrize("limit", [256, 1024, 4096, 1 << 20])
def test_upload_then_copy_into_another_split(ctx, rng, monkeypatch, limit):
    data = GOLDILOCKS.base.random(rng, 5 * 64).reshape(5, 64)
    monkeypatch.setattr(ctx, "segment_limit", lambda: limit)
    src = dt.upload(ctx, data, "src")
    assert len(src.segments) == len(dt.split(5, 64, 8, limit)) and (len(src.segments) > 1) == (limit < 5 * 512)
    monkeypatch.setattr(ctx, "segment_limit", lambda: 3 * 512)  # whole columns, groups of 3 and 2
    dst = dt.allocate(ctx, 5, 64, 8, "dst")
    rec = ctx.recorder()
    ta.record_copy(rec, src, dst)
    rec.submit()
    assert np.array_equal(_read(ctx, src, np.uint64), data)
    assert np.array_equal(_read(ctx, dst, np.uint64), data)


def test_max_binding_env_splits_tables(rng, monkeypatch):
    from wgprover.gpu import get_context

    monkeypatch.setenv("WGPROVER_MAX_BINDING", "1024")
    ctx = get_context(int64=False)
    assert ctx.segment_limit() == 1024 and ctx.max_binding() == 1024
    data = GOLDILOCKS.base.random(rng, 3 * 256).reshape(3, 256)  # 2 KiB columns: split by rows
    table = dt.upload(ctx, data, "trace")
    assert len(table.segments) == 6 and table.rows_per_segment == 128
    assert np.array_equal(_read(ctx, table, np.uint64), data)


def test_fe_shape_counts_rows_in_fe(ctx, monkeypatch):
    from wgprover.gpu.table_wgsl import TableShape

    monkeypatch.setattr(ctx, "segment_limit", lambda: 256)
    rows = dt.allocate(ctx, 2, 64, 16, "rows")  # 1 KiB columns of 2-Fe entries: 16 rows (32 Fe) per segment
    assert ta.fe_shape(rows, 8) == TableShape(8, 1, 5, 4)
    cols = dt.allocate(ctx, 5, 8, 8, "cols")  # 64-byte columns, 4 fit: balanced groups of 3 and 2
    assert ta.fe_shape(cols, 8) == TableShape(2, 3)
