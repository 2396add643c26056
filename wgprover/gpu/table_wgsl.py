"""WGSL access to device tables split over bindings (docs/ARCHITECTURE.md §9).

A kernel that reads or writes a :class:`~wgprover.gpu.device_table.DeviceTable`
declares one binding per segment and reaches element (column c, row i) through
two functions generated here from the table's :class:`TableShape`:

    fn NAME_at(c: u32, i: u32, stride: u32) -> T
    fn NAME_put(c: u32, i: u32, stride: u32, v: T)      (read_write tables)

``stride`` is the length at which the kernel packs its columns (a sumcheck
table shrinks by half each round and stays packed at its current length).
Segments holding whole columns are found by ``c / cps``; segments holding a
power-of-two row range of one column by ``c * spc + (i >> log_rps)``.
:func:`locate` is the NumPy-side twin of that addressing; nothing else
computes a segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import device_table
from .device_table import DeviceTable, Segment

__all__ = ["Bindings", "TableShape", "allocate_as", "locate", "plan", "shape_of"]


@dataclass(frozen=True)
class TableShape:
    """How a table's segments cut it: ``nseg`` bindings of ``cps`` whole columns
    (``log_rps == -1``), or of 2^log_rps rows of one column, ``spc`` per column."""

    nseg: int
    cps: int
    log_rps: int = -1
    spc: int = 1

    @property
    def by_rows(self) -> bool:
        return self.log_rps >= 0

    @staticmethod
    def whole(cols: int) -> "TableShape":
        return TableShape(1, cols)


def _from_split(rows: int, segs: list[tuple[int, int, int, int]]) -> TableShape:
    nrows = segs[0][3]
    if nrows == rows:
        return TableShape(len(segs), segs[0][1])
    log = nrows.bit_length() - 1
    return TableShape(len(segs), 1, log, -(-rows // nrows))


def plan(cols: int, rows: int, elem_bytes: int, limit: int) -> TableShape:
    """The shape :func:`device_table.split` gives a cols x rows table under ``limit``."""
    return _from_split(rows, device_table.split(cols, rows, elem_bytes, limit))


def shape_of(table: DeviceTable) -> TableShape:
    return _from_split(table.rows, [(s.col, s.ncols, s.row, s.nrows) for s in table.segments])


def locate(shape: TableShape, c: int, i: int, stride: int) -> tuple[int, int]:
    """(segment, element index in it) of column c, row i; the kernels' addressing."""
    if shape.by_rows:
        return c * shape.spc + (i >> shape.log_rps), i & ((1 << shape.log_rps) - 1)
    return c // shape.cps, (c % shape.cps) * stride + i


def allocate_as(ctx, shape: TableShape, cols: int, rows: int, elem_bytes: int, label: str) -> DeviceTable:
    """A zeroed cols x rows table cut as ``shape`` (planned for as many rows or
    more), so one kernel addresses both; a row range past ``rows`` is a one-element
    placeholder segment, so the binding count stays ``shape.nseg``."""
    if shape.by_rows:
        cuts = [(c, 1, r << shape.log_rps, min(1 << shape.log_rps, max(rows - (r << shape.log_rps), 0)))
                for c in range(cols) for r in range(shape.spc)]
    else:
        cuts = [(c, min(shape.cps, cols - c), 0, rows) for c in range(0, cols, shape.cps)]
    segs = []
    for k, (c, nc, r, nr) in enumerate(cuts):
        nbytes = max(nc * nr, 1) * elem_bytes
        segs.append(Segment(ctx.buffer(nbytes, label=f"{label}[{k}]" if k else label), c, nc, r, nr, nbytes))
    return DeviceTable(cols, rows, elem_bytes, tuple(segs), label)


class Bindings:
    """Group-0 binding declarations of one kernel, numbered in order, and the
    accessor functions of its tables: WGSL composed before the kernel's file."""

    def __init__(self) -> None:
        self.decl: list[str] = []
        self.fns: list[str] = []

    @property
    def count(self) -> int:
        return len(self.decl)

    def var(self, text: str) -> "Bindings":
        self.decl.append(f"@group(0) @binding({len(self.decl)}) {text};")
        return self

    def table(self, name: str, elem: str, shape: TableShape, access: str = "read", load: bool = True) -> "Bindings":
        """Segment bindings of a table and its accessors (``load=False``: a
        write-only table gets no NAME_at)."""
        for k in range(shape.nseg):
            self.var(f"var<storage, {access}> {name}{k}: array<{elem}>")
        if load:
            self.fns.append(_function(f"fn {name}_at(c: u32, i: u32, stride: u32) -> {elem}",
                                      name, shape, "return {buf}[{i}];"))
        if access == "read_write":
            self.fns.append(_function(f"fn {name}_put(c: u32, i: u32, stride: u32, v: {elem})",
                                      name, shape, "{buf}[{i}] = v;"))
        return self

    def source(self) -> str:
        return "\n".join(self.decl) + "\n\n" + "\n\n".join(self.fns) + "\n"


def _function(sig: str, name: str, shape: TableShape, stmt: str) -> str:
    """An accessor: a switch over the segments (segment and index as :func:`locate`)."""
    if shape.by_rows:
        seg, idx = f"c * {shape.spc}u + (i >> {shape.log_rps}u)", f"i & {(1 << shape.log_rps) - 1}u"
    else:
        seg, idx = f"c / {shape.cps}u", f"(c % {shape.cps}u) * stride + i"
    if shape.nseg == 1:  # one line: the generated zerocheck stays small (tests/test_air_codegen.py)
        return f"{sig} {{ {stmt.format(buf=f'{name}0', i='c * stride + i')} }}"
    body = [f"let k = {idx};", f"switch ({seg}) {{"]
    for s in range(shape.nseg):
        label = "default" if s == shape.nseg - 1 else f"case {s}u"
        body.append(f"    {label}: {{ {stmt.format(buf=f'{name}{s}', i='k')} }}")
    body.append("}")
    return "\n".join([sig + " {"] + ["    " + ln for ln in body] + ["}"])
