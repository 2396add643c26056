"""Trace files (format version 1, little-endian; README "Trace format").

    offset  size  field
    0       8     magic "WGTRACE1"
    8       4     version (1)
    12      4     field code (1 Goldilocks, 2 BabyBear)
    16      4     n: log2 of the number of rows
    20      4     w: number of columns
    24      4     A: length of the AIR text (UTF-8 JSON) in bytes
    28      4     npub: number of public inputs
    32      A     AIR JSON, then zero padding to a multiple of 8
    ...     8*npub public inputs (u64, canonical), in the AIR's `public` order
    ...     w*2^n column-major data: column k's 2^n rows contiguous;
                  8 bytes per element (Goldilocks) or 4 (BabyBear), canonical

The data section is memory-mapped, so a large trace is read once, straight
into the GPU upload. Also accepted: ``.npy`` (w, 2^n) or ``.npz`` (one array
per column name, or an array named ``trace``) of an integer dtype, with a
separate AIR file.

Opening a trace (``open_trace``, ``open_array_trace``) reads only its header:
the field, the shape and the AIR. The caller can refuse an oversize or
mismatched trace from that before ``TraceHeader.load`` reads and scans the data.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .air.language import Air, AirError
from .field import Field, field_from_code, get_field
from .files import write_output

MAGIC = b"WGTRACE1"
VERSION = 1
HEADER = "<8sIIIIII"
HEADER_SIZE = struct.calcsize(HEADER)
MAX_LOG_ROWS = 30


class TraceFormatError(ValueError):
    """The trace file is malformed (one-line message)."""


@dataclass
class Trace:
    field: Field
    air: Air
    columns: np.ndarray  # (w, 2^n) canonical, possibly a read-only memmap
    public: dict

    @property
    def n(self) -> int:
        return self.columns.shape[1].bit_length() - 1

    @property
    def width(self) -> int:
        return self.columns.shape[0]


@dataclass
class TraceHeader:
    """What a trace file says about itself, before its data is read."""

    path: Path
    field: Field
    air: Air
    n: int
    width: int
    public: dict
    _read: Callable[[], np.ndarray]

    def load(self, check: bool = True) -> Trace:
        """Read the columns (memory-mapped where the format allows) and, with
        ``check``, check every value is canonical. Without, the columns are
        as stored (maybe another integer dtype): for a caller that checks each
        chunk as it uploads it (``check_canonical`` in ``gpu.upload.stream_upload``),
        so the data is read once."""
        cols = self._read()
        if check:
            cols = check_canonical(self.field, cols, what=str(self.path))
        return Trace(self.field, self.air, cols, dict(self.public))


def check_canonical(field: Field, block: np.ndarray, col: int = 0, row: int = 0, what: str = "trace") -> np.ndarray:
    """``block`` (columns, rows) as the field's dtype, or TraceFormatError naming the
    first value that is not a canonical element (< p) by its row and column;
    ``block[0, 0]`` is the trace's element at (``row``, ``col``). One pass over
    the data when it is canonical."""
    a = np.asarray(block)
    if a.ndim != 2 or a.dtype.kind not in "ui":
        raise TraceFormatError(f"{what}: expected a 2-D integer array, got {a.dtype} of shape {a.shape}")
    negative = a.dtype.kind == "i" and a.size and a.min() < 0
    if not a.size or (not negative and int(a.max()) < field.p):
        return a.astype(field.dtype, copy=False)
    bad = a >= np.uint64(field.p) if a.dtype.kind == "u" else (a < 0) | (a.astype(np.uint64) >= np.uint64(field.p))
    c, r = divmod(int(np.flatnonzero(bad)[0]), a.shape[1])
    raise TraceFormatError(f"{what}: non-canonical {field.name} element {int(a[c, r])} at row {row + r}, "
                           f"column {col + c} (must be < p = {field.p})")


def write_trace(path: str | os.PathLike, field: Field, air: Air, columns: np.ndarray, public: dict) -> None:
    """Write a trace file (files.write_output: atomic for regular files)."""
    cols = field.base.check(np.asarray(columns), "trace")
    w, N = cols.shape
    n = N.bit_length() - 1
    if N != 1 << n:
        raise TraceFormatError(f"number of rows {N} is not a power of two")
    if w != air.width:
        raise TraceFormatError(f"{w} columns but the AIR declares {air.width}")
    # declaration order, never sort_keys: the order of periodic columns is part of
    # the AIR's canonical bytes and so of its digest (docs/PROTOCOL.md §2.1)
    air_text = json.dumps(air.to_dict()).encode()
    pub = air.public_values(field, public).astype("<u8")
    head = struct.pack(HEADER, MAGIC, VERSION, field.code, n, w, len(air_text), len(pub))
    pad = b"\0" * (-(HEADER_SIZE + len(air_text)) % 8)

    # the columns go out as they are where they already have the file's layout (C order,
    # little-endian): no copy of a 2^20-row trace on its way to the file
    data = np.ascontiguousarray(cols.astype(np.dtype(field.base.DTYPE).newbyteorder("<"), copy=False))

    def write(f) -> None:
        f.write(head + air_text + pad + pub.tobytes())
        f.write(memoryview(data).cast("B"))

    write_output(path, write)


def _read_head(path: Path, f) -> tuple:
    head = f.read(HEADER_SIZE)
    if len(head) < HEADER_SIZE:
        raise TraceFormatError(f"{path}: truncated header ({len(head)} bytes)")
    magic, ver, fcode, n, w, alen, npub = struct.unpack(HEADER, head)
    if magic != MAGIC:
        raise TraceFormatError(f"{path}: not a wgprover trace file (bad magic)")
    if ver != VERSION:
        raise TraceFormatError(f"{path}: unsupported trace version {ver} (this build reads {VERSION})")
    try:
        field = field_from_code(fcode)
    except ValueError:
        raise TraceFormatError(f"{path}: unknown field code {fcode}") from None
    if not 1 <= n <= MAX_LOG_ROWS or not 1 <= w <= 4096 or alen > 1 << 24 or npub > 4096:
        raise TraceFormatError(f"{path}: implausible header (n={n}, w={w}, air={alen} bytes, public={npub})")
    air_text = f.read(alen)
    if len(air_text) < alen:
        raise TraceFormatError(f"{path}: truncated in the AIR section")
    try:
        air = Air.from_json(air_text.decode())
    except (AirError, UnicodeDecodeError) as e:
        raise TraceFormatError(f"{path}: bad AIR: {e}") from None
    return field, n, w, alen, npub, air


def open_trace(path: str | os.PathLike) -> TraceHeader:
    """Read and validate a trace file's header, AIR and public inputs (not its data)."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        field, n, w, alen, npub, air = _read_head(path, f)
    off = HEADER_SIZE + alen + (-(HEADER_SIZE + alen) % 8)
    data_off = off + 8 * npub
    need = data_off + w * (field.base.BYTES << n)
    if size != need:
        kind = "truncated" if size < need else "has trailing bytes"
        raise TraceFormatError(f"{path}: file {kind}: {size} bytes, expected {need} for {w} x 2^{n}")
    if w != air.width:
        raise TraceFormatError(f"{path}: {w} columns but the AIR declares {air.width}")
    if npub != len(air.public):
        raise TraceFormatError(f"{path}: {npub} public inputs but the AIR declares {len(air.public)}")
    pub = np.fromfile(path, dtype="<u8", count=npub, offset=off)
    if np.any(pub >= np.uint64(field.p)):
        raise TraceFormatError(f"{path}: non-canonical public input")
    dtype = np.dtype(field.base.DTYPE).newbyteorder("<")

    def read() -> np.ndarray:
        return np.memmap(path, dtype=dtype, mode="r", offset=data_off, shape=(w, 1 << n))

    public = {name: int(v) for name, v in zip(air.public, pub)}
    return TraceHeader(path, field, air, n, w, public, read)


def read_trace(path: str | os.PathLike) -> Trace:
    """Read and validate a trace file; the columns are memory-mapped."""
    return open_trace(path).load()


def _npy_header(f) -> tuple[tuple, np.dtype]:
    version = np.lib.format.read_magic(f)
    reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _fortran, dtype = reader(f)
    return shape, dtype


def _array_headers(path: Path) -> dict[str, tuple[tuple, np.dtype]]:
    """name -> (shape, dtype) of every array in an .npy (name "") or .npz, from headers only."""
    if path.suffix != ".npz":
        with open(path, "rb") as f:
            return {"": _npy_header(f)}
    with zipfile.ZipFile(path) as z:
        out = {}
        for member in z.namelist():
            with z.open(member) as f:
                out[member.removesuffix(".npy")] = _npy_header(f)
        return out


BAD_ARRAY = (OSError, ValueError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError)


def _array_layout(path: Path, air: Air) -> tuple[list[str], tuple]:
    """Which arrays make the trace and its (w, N) shape; refuses non-integer dtypes."""
    try:
        heads = _array_headers(path)
    except BAD_ARRAY as e:
        raise TraceFormatError(f"{path}: cannot read array: {e}") from None
    names = [""] if "" in heads else ["trace"] if "trace" in heads else list(air.columns)
    missing = [c for c in names if c not in heads]
    if missing:
        raise TraceFormatError(f"{path}: no array for column(s) {', '.join(missing)}")
    for name in names:
        shape, dtype = heads[name]
        if dtype.kind not in "ui":
            what = f"array {name!r}" if name else "array"
            raise TraceFormatError(f"{path}: {what} has dtype {dtype}; a trace needs an integer dtype")
    if len(names) == 1:
        shape = heads[names[0]][0]
    else:
        shapes = {heads[c][0] for c in names}
        if len(shapes) != 1 or len(next(iter(shapes))) != 1:
            raise TraceFormatError(f"{path}: the column arrays must be 1-D of one length, got {sorted(shapes)}")
        shape = (len(names), next(iter(shapes))[0])
    return names, shape


def open_array_trace(path: str | os.PathLike, air: Air, field_name: str, public: dict) -> TraceHeader:
    """A ``.npy`` (w, 2^n) or ``.npz`` trace plus a separate AIR: headers only."""
    field = get_field(field_name)
    path = Path(path)
    names, shape = _array_layout(path, air)
    if len(shape) != 2 or shape[0] != air.width:
        raise TraceFormatError(f"{path}: expected shape ({air.width}, 2^n), got {shape}")
    N = shape[1]
    if N < 2 or N & (N - 1):
        raise TraceFormatError(f"{path}: number of rows {N} is not a power of two >= 2")

    def read() -> np.ndarray:
        try:
            if names == [""]:
                return np.load(path, mmap_mode="r")
            with np.load(path) as z:
                return z["trace"] if names == ["trace"] else np.stack([z[c] for c in names])
        except BAD_ARRAY as e:
            raise TraceFormatError(f"{path}: cannot read array: {e}") from None

    return TraceHeader(path, field, air, N.bit_length() - 1, shape[0], dict(public), read)


def read_array_trace(path: str | os.PathLike, air: Air, field_name: str, public: dict) -> Trace:
    """A ``.npy``/``.npz`` trace, read and checked (public inputs included)."""
    head = open_array_trace(path, air, field_name, public)
    try:
        air.public_values(head.field, public)
    except ValueError as e:
        raise TraceFormatError(f"{path}: {e}") from None
    return head.load()
