"""Host-side helpers for kernels on device tables across bindings (docs/ARCHITECTURE.md §9).

The WGSL addressing of a split table is generated in one place,
gpu/table_wgsl.py (``Bindings.table``, ``NAME_at``); this module gives the
commit side what it needs around it: a table's shape in Fe units for entries
of several Fe (``fe_shape``), a plain buffer viewed as a one-segment table
(``whole``), the binding-budget check (``check_binding_count``) and copies
between two splits of one table (``record_copy``).
"""

from __future__ import annotations

from dataclasses import replace

from .device_table import DeviceTable, Segment
from .table_wgsl import Bindings, TableShape, shape_of

__all__ = ["check_binding_count", "fe_shape", "record_copy", "as_table"]


def fe_shape(table: DeviceTable, fe_bytes: int) -> TableShape:
    """The table's shape in Fe units (gpu/table_wgsl.py), for a kernel that reads
    entry (c, r) coefficient j as element r * D + j of column c (D Fe per entry)."""
    shape = shape_of(table)
    d = table.elem_bytes // fe_bytes
    if not shape.by_rows or d == 1:
        return shape
    if d & (d - 1):
        raise ValueError(f"table {table.label!r}: a row split needs a power-of-two number of Fe per entry, not {d}")
    return replace(shape, log_rps=shape.log_rps + d.bit_length() - 1)


def as_table(data, cols: int, rows: int, elem_bytes: int, label: str = "") -> DeviceTable:
    """``data`` as a device table: a DeviceTable as it is, a plain buffer as one
    segment viewing it (column-major, offset 0; it must hold the whole table)."""
    if isinstance(data, DeviceTable):
        return data
    need = cols * rows * elem_bytes
    if data.size < need:
        raise ValueError(f"{label or 'table'} buffer holds {data.size} bytes, the {cols} x {rows} table needs {need}")
    return DeviceTable(cols, rows, elem_bytes, (Segment(data, 0, cols, 0, rows, data.size),), label)


def check_binding_count(ctx, bindings: Bindings, shared: int, what: str) -> None:
    """Refuse, in one line, a kernel whose generated ``bindings`` and ``shared``
    group-1 storage tables exceed max-storage-buffers-per-shader-stage."""
    limit = int(ctx.limits.get("max-storage-buffers-per-shader-stage", 8))
    used = sum("var<storage" in d for d in bindings.decl) + shared
    if used > limit:
        raise MemoryError(
            f"{what} needs {used} storage bindings (split over the {ctx.segment_limit()}-byte segment limit, "
            f"docs/ARCHITECTURE.md §9); this device allows {limit} ({ctx.profile} profile)")


def record_copy(rec, src: DeviceTable, dst: DeviceTable) -> None:
    """Copy table ``src`` into ``dst`` (same columns, rows and element size, any
    two splits), buffer to buffer: one copy per overlapping column range of two
    segments holding whole columns, else per column of the overlap."""
    if (src.cols, src.rows, src.elem_bytes) != (dst.cols, dst.rows, dst.elem_bytes):
        raise ValueError(f"copy {src.label!r} -> {dst.label!r}: different shapes")
    eb = src.elem_bytes
    for d in dst.segments:
        for s in src.segments_of_columns(d.col, d.ncols):
            c0, c1 = max(s.col, d.col), min(s.col + s.ncols, d.col + d.ncols)
            r0, r1 = max(s.row, d.row), min(s.row + s.nrows, d.row + d.nrows)
            if r0 >= r1:
                continue
            if s.nrows == d.nrows == src.rows:  # whole columns on both sides: one copy
                rec.copy(s.buffer, (c0 - s.col) * s.nrows * eb, d.buffer, (c0 - d.col) * d.nrows * eb,
                         (c1 - c0) * src.rows * eb)
                continue
            for c in range(c0, c1):
                rec.copy(s.buffer, ((c - s.col) * s.nrows + r0 - s.row) * eb,
                         d.buffer, ((c - d.col) * d.nrows + r0 - d.row) * eb, (r1 - r0) * eb)
