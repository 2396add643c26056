"""Streamed upload (wgprover/gpu/upload.py) and the chunk-wise canonicity check
(trace.check_canonical): a memory-mapped trace reaches the device table
intact across chunks and segments, an offending value is named by row and
column, and host staging memory stays bounded."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from wgprover.gpu import upload
from wgprover.trace import TraceFormatError, check_canonical


@pytest.fixture
def small_segments(ctx, monkeypatch):
    """Segments of 4 KiB, so that a small table splits by columns and by rows."""
    monkeypatch.setattr(ctx, "segment_limit", lambda: 4096)
    return ctx


def _memmap(tmp_path, data: np.ndarray) -> np.ndarray:
    path = tmp_path / "t.npy"
    np.save(path, data)
    return np.load(path, mmap_mode="r")


def _read_table(ctx, table, dtype) -> np.ndarray:
    out = np.zeros((table.cols, table.rows), dtype=dtype)
    for s in table.segments:
        block = ctx.read(s.buffer, dtype, s.ncols * s.nrows).reshape(s.ncols, s.nrows)
        out[s.col : s.col + s.ncols, s.row : s.row + s.nrows] = block
    return out


@pytest.mark.parametrize("shape,chunk", [((3, 1 << 10), 1000), ((2, 1 << 12), 4096), ((5, 8), 1 << 20)])
def test_stream_upload_writes_every_chunk(small_segments, field, rng, tmp_path, shape, chunk):
    ctx = small_segments
    data = field.base.random(rng, shape)
    data[:, :3] = field.base.edge_values()[-3:]
    src = _memmap(tmp_path, data.astype(np.int64) if field.name == "babybear" else data)  # converted per chunk
    seen = []
    syncs = ctx.syncs
    table = upload.stream_upload(ctx, src, "t", functools.partial(check_canonical, field), seen.append, chunk,
                                 elem_bytes=field.base.BYTES)
    assert ctx.syncs == syncs  # queued writes and empty submits only
    assert seen == list(table.segments)
    assert len(table.segments) == -(-data.nbytes // 4096)  # split as the limit says
    assert np.array_equal(_read_table(ctx, table, field.dtype), data)


@pytest.mark.parametrize("where", [(0, 0), (2, 1023), (1, 517)])
def test_offending_value_named_by_row_and_column(small_segments, field, rng, tmp_path, where):
    col, row = where
    data = field.base.random(rng, (3, 1 << 10)).astype(np.uint64)
    data[col, row] = field.p  # the smallest non-canonical value
    src = _memmap(tmp_path, data)
    with pytest.raises(TraceFormatError, match=f"non-canonical {field.name} element {field.p} at row {row}, "
                                               f"column {col} "):
        upload.stream_upload(small_segments, src, "t", functools.partial(check_canonical, field, what="t.npy"),
                             chunk=256, elem_bytes=field.base.BYTES)


def test_check_canonical(field):
    p = field.p
    ok = np.array([[0, 1, p - 1]], dtype=np.uint64)
    assert check_canonical(field, ok).dtype == field.dtype
    assert np.array_equal(check_canonical(field, ok), ok.astype(field.dtype))
    with pytest.raises(TraceFormatError, match="element -1 at row 4, column 7"):
        check_canonical(field, np.array([[0, 0], [3, -1]], dtype=np.int64), col=6, row=3)
    with pytest.raises(TraceFormatError, match=f"element {np.iinfo(np.uint64).max} at row 1, column 0"):
        check_canonical(field, np.array([[5, np.iinfo(np.uint64).max]], dtype=np.uint64))
    with pytest.raises(TraceFormatError, match="2-D integer"):
        check_canonical(field, np.zeros((2, 2), dtype=np.float64))


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def test_host_staging_stays_bounded(ctx, tmp_path):
    """Writing 256 MiB into one 32 MiB buffer repeatedly: without the submits
    after each chunk, wgpu would keep all 256 MiB of staging until the next
    submit (on lavapipe device memory is host memory too, so the buffer
    itself counts once)."""
    src = np.ones((1, 4 << 20), dtype=np.uint64)  # 32 MiB
    table = upload.stream_upload(ctx, src, "bounded", chunk=1 << 20)
    before = _rss_mib()
    for _ in range(8):
        upload.write_table(ctx, src, table, chunk=1 << 20)
    assert _rss_mib() - before < 96, "host staging grew with the bytes written"
    assert np.array_equal(ctx.read(table.segments[0].buffer, np.uint64, 8), src[0, :8])
