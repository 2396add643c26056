"""Device tables that span several storage bindings (docs/ARCHITECTURE.md §9).

A device table is a column-major matrix of ``cols`` columns x ``rows`` rows of
``elem_bytes``-byte elements (a base-field element, or d of them for an
extension element). A storage binding may hold at most
``ctx.segment_limit()`` bytes (the smaller of the profile's
``max-storage-buffer-binding-size`` and ``max-buffer-size``, lowered by
``WGPROVER_MAX_BINDING`` for tests), so a table is split into segments, each
its own buffer bound whole:

* by columns first: each segment holds whole columns ``col .. col+ncols``
  (groups of equal size except the last);
* by rows when one column alone exceeds the limit: each segment holds rows
  ``row .. row+nrows`` of a single column, ``nrows`` a power of two (so a
  kernel finds an element's segment with a shift).

This module is the one place that knows the split; kernels receive the
segments' bindings (``DeviceTable.bindings``) and the split's shape
(``DeviceTable.shape_words``) and never compute a segment themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DeviceTable", "Segment", "allocate", "split", "upload"]

@dataclass(frozen=True)
class Segment:
    """One storage binding of a table: columns ``col..col+ncols`` x rows ``row..row+nrows``."""

    buffer: object
    col: int
    ncols: int
    row: int
    nrows: int
    nbytes: int

    @property
    def binding(self) -> tuple:
        """(buffer, offset, size) as a dispatch binds it."""
        return (self.buffer, 0, self.nbytes)


@dataclass(frozen=True)
class DeviceTable:
    cols: int
    rows: int
    elem_bytes: int
    segments: tuple[Segment, ...]
    label: str = ""

    @property
    def nbytes(self) -> int:
        return self.cols * self.rows * self.elem_bytes

    @property
    def whole(self) -> bool:
        """One segment: the table is bindable as a single buffer."""
        return len(self.segments) == 1

    @property
    def buffer(self):
        """The single buffer of an unsplit table (a split table has no single buffer)."""
        if not self.whole:
            raise ValueError(f"table {self.label!r} spans {len(self.segments)} bindings")
        return self.segments[0].buffer

    @property
    def cols_per_segment(self) -> int:
        return self.segments[0].ncols

    @property
    def rows_per_segment(self) -> int:
        return self.segments[0].nrows

    def bindings(self) -> list[tuple]:
        return [s.binding for s in self.segments]

    def shape_words(self) -> tuple[int, int]:
        """(columns per segment, log2 rows per segment): what a kernel needs to
        find element (c, r): segment c // cps when the split is by columns,
        else segment c * (rows >> log_rps) + (r >> log_rps)."""
        return self.cols_per_segment, self.rows_per_segment.bit_length() - 1

    def segments_of_columns(self, col: int, ncols: int) -> list[Segment]:
        """The segments holding any of columns ``col .. col+ncols``, in order."""
        return [s for s in self.segments if s.col < col + ncols and col < s.col + s.ncols]


def split(cols: int, rows: int, elem_bytes: int, limit: int) -> list[tuple[int, int, int, int]]:
    """The segments (col, ncols, row, nrows) of a cols x rows table under a
    ``limit``-byte binding: whole columns when one fits, else power-of-two row
    ranges of one column."""
    if cols < 1 or rows < 1:
        raise ValueError(f"a device table needs at least one column and row, got {cols} x {rows}")
    col_bytes = rows * elem_bytes
    if col_bytes <= limit:
        groups = -(-cols // (limit // col_bytes))
        per = -(-cols // groups)  # balanced: all groups equal but the last
        return [(c, min(per, cols - c), 0, rows) for c in range(0, cols, per)]
    if limit < elem_bytes:
        raise MemoryError(f"a {limit}-byte binding cannot hold one {elem_bytes}-byte element")
    nrows = 1 << ((limit // elem_bytes).bit_length() - 1)
    return [(c, 1, r, min(nrows, rows - r)) for c in range(cols) for r in range(0, rows, nrows)]


def allocate(ctx, cols: int, rows: int, elem_bytes: int, label: str) -> DeviceTable:
    """A new table of zero-filled buffers, split under this device's segment limit."""
    segs = []
    for k, (c, nc, r, nr) in enumerate(split(cols, rows, elem_bytes, ctx.segment_limit())):
        nbytes = nc * nr * elem_bytes
        buf = ctx.buffer(nbytes, label=f"{label}[{k}]" if k else label)
        segs.append(Segment(buf, c, nc, r, nr, nbytes))
    return DeviceTable(cols, rows, elem_bytes, tuple(segs), label)


def upload(ctx, data: np.ndarray, label: str) -> DeviceTable:
    """A table holding ``data`` (shape (cols, rows) or (cols, rows, d)): the
    streamed upload of gpu/upload.py (bounded chunks, queued; no sync)."""
    from .upload import stream_upload  # upload.py builds on this module

    return stream_upload(ctx, np.ascontiguousarray(data), label)
