"""Streamed upload: a (cols, rows) host array — typically the memory map of a
trace file — written into a device table chunk by chunk (docs/ARCHITECTURE.md §9).

``queue.write_buffer`` copies its data into a staging buffer at once, but
wgpu recycles staging only after a submission that follows the write has
completed: written without submits, a whole trace sits in host staging
memory (measured on lavapipe: +64 MiB per 64 MiB written until the next
submit). So each chunk is followed by an empty ``queue.submit``, which is
not a host sync (nothing is waited for or read back): staging stays at a few
chunks, and on a discrete GPU the copy of one chunk overlaps the host's
work on the next. Each chunk is touched once on the host: the optional
``check`` (the trace's canonicity check, ``trace.check_canonical``) runs on
the chunk while it is in cache, just before it is written.

``after(segment)`` is called when a segment is fully written, so that a
caller can record and flush the first work on those columns (Möbius, LDE)
while later segments upload.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import device_table
from .device_table import DeviceTable, Segment

__all__ = ["STREAM_CHUNK", "stream_upload", "write_table"]

# bytes per write: small enough to stay in the host's cache between the check
# and wgpu's staging copy, large enough that a write + submit per chunk is cheap
STREAM_CHUNK = 8 << 20

Check = Callable[[np.ndarray, int, int], np.ndarray]  # (block, first column, first row) -> block to write


def _chunks(seg: Segment, row_step: int):
    """(column, first row, rows) of a segment, column by column in row ranges."""
    for c in range(seg.col, seg.col + seg.ncols):
        for r in range(seg.row, seg.row + seg.nrows, row_step):
            yield c, r, min(row_step, seg.row + seg.nrows - r)


def write_table(ctx, source: np.ndarray, table: DeviceTable, check: Check | None = None,
                after: Callable[[Segment], None] | None = None, chunk: int = STREAM_CHUNK) -> DeviceTable:
    """Write ``source`` (cols, rows) or (cols, rows, d) into ``table`` in chunks of
    at most ``chunk`` bytes, submitting after each (queued; no host sync). Host
    memory beyond ``source`` itself stays O(chunk)."""
    if source.shape[:2] != (table.cols, table.rows):
        raise ValueError(f"source of shape {source.shape} does not fit table {table.label!r} "
                         f"({table.cols} x {table.rows})")
    row_step = max(1, chunk // table.elem_bytes)
    queue = ctx.device.queue
    for seg in table.segments:
        seg_row_bytes = seg.nrows * table.elem_bytes
        for c, r, nr in _chunks(seg, row_step):
            block = source[c : c + 1, r : r + nr]
            if check is not None:
                block = check(block, c, r)
            ctx.write(seg.buffer, block, (c - seg.col) * seg_row_bytes + (r - seg.row) * table.elem_bytes)
            queue.submit([])  # lets wgpu recycle the staging of earlier chunks (not a sync)
        if after is not None:
            after(seg)
    return table


def stream_upload(ctx, source: np.ndarray, label: str, check: Check | None = None,
                  after: Callable[[Segment], None] | None = None, chunk: int = STREAM_CHUNK,
                  elem_bytes: int | None = None) -> DeviceTable:
    """A new device table (``device_table.allocate``) holding ``source`` (cols, rows)
    or (cols, rows, d), written by ``write_table``. ``check`` may convert each
    chunk to the table's element type, of ``elem_bytes`` bytes (default:
    ``source``'s element, d values wide)."""
    cols, rows = source.shape[:2]
    elem_bytes = elem_bytes or source.itemsize * int(np.prod(source.shape[2:], dtype=np.int64))
    table = device_table.allocate(ctx, cols, rows, elem_bytes, label)
    return write_table(ctx, source, table, check, after, chunk)
