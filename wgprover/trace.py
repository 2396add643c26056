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
per column name, or an array named ``trace``) with a separate AIR file.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .air.language import Air
from .field import Field, field_from_code, get_field

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


def write_trace(path: str | os.PathLike, field: Field, air: Air, columns: np.ndarray, public: dict) -> None:
    """Write a trace file atomically (temporary file, then rename)."""
    cols = field.base.check(np.asarray(columns), "trace")
    w, N = cols.shape
    n = N.bit_length() - 1
    if N != 1 << n:
        raise TraceFormatError(f"number of rows {N} is not a power of two")
    if w != air.width:
        raise TraceFormatError(f"{w} columns but the AIR declares {air.width}")
    air_text = json.dumps(air.to_dict(), sort_keys=True).encode()
    pub = air.public_values(field, public).astype("<u8")
    head = struct.pack(HEADER, MAGIC, VERSION, field.code, n, w, len(air_text), len(pub))
    pad = b"\0" * (-(HEADER_SIZE + len(air_text)) % 8)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=".wgtrace-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(head + air_text + pad + pub.tobytes())
            f.write(np.ascontiguousarray(cols).astype(np.dtype(field.base.DTYPE).newbyteorder("<")).tobytes())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_trace(path: str | os.PathLike) -> Trace:
    """Read and validate a trace file; the columns are memory-mapped."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(HEADER_SIZE)
        if len(head) < HEADER_SIZE:
            raise TraceFormatError(f"{path}: truncated header ({size} bytes)")
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
            air = Air.from_dict(json.loads(air_text.decode()))
        except (ValueError, UnicodeDecodeError) as e:
            raise TraceFormatError(f"{path}: bad AIR: {e}") from None
    off = HEADER_SIZE + alen + (-(HEADER_SIZE + alen) % 8)
    data_off = off + 8 * npub
    elem = field.base.BYTES
    need = data_off + w * (elem << n)
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
    cols = np.memmap(path, dtype=np.dtype(field.base.DTYPE).newbyteorder("<"), mode="r", offset=data_off, shape=(w, 1 << n))
    try:
        field.base.check(cols, "trace")
    except ValueError as e:
        raise TraceFormatError(f"{path}: {e}") from None
    return Trace(field, air, cols, {name: int(v) for name, v in zip(air.public, pub)})


def read_array_trace(path: str | os.PathLike, air: Air, field_name: str, public: dict) -> Trace:
    """A ``.npy`` (w, 2^n) or ``.npz`` trace plus a separate AIR."""
    field = get_field(field_name)
    path = Path(path)
    try:
        if path.suffix == ".npz":
            z = np.load(path)
            if "trace" in z:
                cols = z["trace"]
            else:
                missing = [c for c in air.columns if c not in z]
                if missing:
                    raise TraceFormatError(f"{path}: no array for column(s) {', '.join(missing)}")
                cols = np.stack([z[c] for c in air.columns])
        else:
            cols = np.load(path)
    except (OSError, ValueError) as e:
        raise TraceFormatError(f"{path}: cannot read array: {e}") from None
    if cols.ndim != 2 or cols.shape[0] != air.width:
        raise TraceFormatError(f"{path}: expected shape ({air.width}, 2^n), got {cols.shape}")
    N = cols.shape[1]
    if N < 2 or N & (N - 1):
        raise TraceFormatError(f"{path}: number of rows {N} is not a power of two >= 2")
    try:
        cols = field.base.check(cols, "trace")
        air.public_values(field, public)
    except ValueError as e:
        raise TraceFormatError(f"{path}: {e}") from None
    return Trace(field, air, cols, dict(public))
