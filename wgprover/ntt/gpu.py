"""GPU NTT family: batched forward/inverse NTT, coset LDE, bitrev, Möbius/zeta.

Record-style API: ``record_*(rec, field, buf, ...)`` only appends dispatches
to a :class:`~wgprover.gpu.recorder.Recorder` (no host sync; the device is
``rec.ctx``, docs/ARCHITECTURE.md §7), so the
prover chains them freely. ``forward(ctx, field, array)`` etc. upload, record,
submit and read back (one sync) for tests. Conventions and pass counts:
docs/NTT.md. NumPy twins of the same names: ``wgprover.ntt.reference``.

Data layout: ``cols`` columns of 2^log_n elements, column-major (each column
contiguous) in one buffer, 8 bytes/element (Goldilocks) or 4 (BabyBear).
Python here only allocates, binds and records; it never loops over elements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wgprover.field import Field
from wgprover.gpu import table_access
from wgprover.gpu.device_table import DeviceTable
from wgprover.gpu.recorder import u32s
from wgprover.gpu.tables import declare

from . import powers
from . import reference as ref

_MAX_TILE_BITS = 11  # 2^11 beat 2^12/2^13 on an H200 even with one more pass (occupancy; docs/NTT.md §6)
_MIN_RUN_BYTES = 128  # contiguous bytes per tile row in strided passes (coalescing)
_MIN_TABLE_LOG = 12  # smallest twiddle table; tables grow to the largest size used
_BITREV_WG = 256  # @workgroup_size of ntt_bitrev.wgsl

_NTT_FILES = ["ntt_tile", "ntt"]
_LDE_FILES = ["ntt_tile", "ntt", "ntt_lde"]
_MOBIUS_FILES = ["ntt_tile", "mobius"]


@dataclass(frozen=True)
class Pass:
    """One global-memory pass: stage bits [lo_bits, lo_bits + k) of every column,
    with 2^run_bits contiguous elements per tile row (run_bits <= lo_bits)."""

    lo_bits: int
    k: int
    run_bits: int


def plan(log_n: int, tile_bits: int, min_run_bits: int) -> list[Pass]:
    """Passes in DIF order (highest stage bits first).

    The last pass takes the low ``min(log_n, tile_bits)`` bits, whose elements
    are contiguous; the bits above are split evenly into strided passes of at
    most ``tile_bits - min_run_bits`` stages, keeping runs of at least
    2^min_run_bits elements so that loads stay coalesced.
    """
    low = min(log_n, tile_bits)
    rest = log_n - low
    per = max(1, tile_bits - min_run_bits)
    count = -(-rest // per)
    passes = []
    hi = log_n
    for i in range(count):
        k = rest // count + (1 if i < rest % count else 0)
        passes.append(Pass(hi - k, k, tile_bits - k))
        hi -= k
    passes.append(Pass(0, low, 0))
    return passes


def reg_bits(field: Field) -> int:
    """log2 of the elements each invocation holds in registers (NTT_RB in
    shaders/ntt_tile.wgsl, hand-unrolled there: 16 for both fields)."""
    return 4


def tile_bits(ctx, field: Field, log_total: int | None = None) -> int:
    """log2 of the tile: the largest power of two of elements that fits the
    device's workgroup memory (16 KiB under webgpu-default) and invocation
    limit, capped; smaller when the whole batch (2^log_total elements) would
    otherwise give fewer than ~256 tiles, so that small transforms still fill
    the GPU."""
    rb = reg_bits(field)
    by_mem = (int(ctx.limits["max-compute-workgroup-storage-size"]) // field.base.BYTES).bit_length() - 1
    by_inv = int(ctx.limits["max-compute-invocations-per-workgroup"]).bit_length() - 1 + rb
    tb = min(_MAX_TILE_BITS, by_mem, by_inv)
    if log_total is not None:
        tb = min(tb, max(rb + 5, log_total - 8))
    return tb


def _min_run_bits(field: Field) -> int:
    return (_MIN_RUN_BYTES // field.base.BYTES).bit_length() - 1


def _kernel(ctx, field: Field, files: list[str], entry: str, tb: int):
    if tb < reg_bits(field):
        raise ValueError(f"tile of 2^{tb} is smaller than one invocation's 2^{reg_bits(field)} registers")
    return ctx.kernel(field, files, entry, {"TILE": 1 << tb, "WG": 1 << (tb - reg_bits(field))})


def _tile(ctx, field: Field, log_total: int, tile_log: int | None) -> int:
    return tile_bits(ctx, field, log_total) if tile_log is None else tile_log


def passes_for(ctx, field: Field, log_n: int, tb: int | None = None, cols: int = 1) -> list[Pass]:
    """The pass plan of a size-2^log_n transform of ``cols`` columns on this
    device, or with tiles of 2^tb (docs/NTT.md §3)."""
    tb = tile_bits(ctx, field, log_n + (cols - 1).bit_length()) if tb is None else tb
    return plan(log_n, tb, _min_run_bits(field))


# -- device-resident tables -------------------------------------------------------


def _stage_table(ctx, field: Field, log_n: int, inverse: bool):
    """``prepared(reference.stage_twiddles(field, log_n, inverse))`` made on the
    GPU from O(2^(log_n/2)) seeds (docs/NTT.md §7)."""
    sd = powers.seeds(field, powers.root(field, log_n, inverse), max(log_n - 1, 0))  # prepared: the shaders use fe_mul_prepared
    label = f"ntt-{'itw' if inverse else 'tw'}-{field.name}"
    return powers.build(ctx, field, sd, powers.STAGE, log_n, 1 << log_n, label)


def _twiddles(ctx, field: Field, log_cap: int, previous) -> tuple:
    fwd = _stage_table(ctx, field, log_cap, inverse=False)
    inv = _stage_table(ctx, field, log_cap, inverse=True)
    if previous is None:  # 64 constants: host-made
        inv2 = int(field.base.inv(np.array([2], dtype=field.dtype))[0])
        consts = ctx.upload(field.base.prepared(ref.powers(field, inv2, 64)), label=f"ntt-consts-{field.name}")
    else:
        consts = previous[3]
    return (log_cap, fwd, inv, consts)


NTT_TWIDDLES = declare("ntt.twiddles", None)  # grows: (log_cap, forward, inverse, 2^-i), key (field,)


def _tables(ctx, field: Field, log_n: int) -> tuple:
    """(forward twiddles, inverse twiddles, 2^-i constants) on the device.

    One growing table per field: the stage table of size 2^a is a prefix of
    that of 2^b (``reference.stage_twiddles``), so the largest size seen
    serves every smaller one. Made on the GPU from O(sqrt N) seeds.
    """
    hit = NTT_TWIDDLES.peek(ctx, field)
    if hit is None or hit[0] < log_n:
        log_cap = max(log_n, _MIN_TABLE_LOG, hit[0] + 1 if hit else 0)
        hit = _twiddles(ctx, field, min(log_cap, field.base.TWO_ADICITY), hit)
        NTT_TWIDDLES.put(ctx, hit, field)
    return hit[1:]


def _upload_lde_scale(ctx, field: Field, log_n: int, log_blowup: int, shift: int):
    s = ref.coset_shifts(field, log_n, log_blowup, shift)  # (2^R,)
    a = (log_n + 1) // 2
    low = ref.powers(field, s, 1 << a)  # s_c^i, i < 2^a
    high = ref.powers(field, field.base.pow(s, 1 << a), 1 << (log_n - a))  # s_c^(i 2^a)
    return ctx.upload(field.base.prepared(np.concatenate([low, high], axis=1)), label="ntt-lde-scale")


LDE_SCALE = declare("ntt.lde-scale", _upload_lde_scale)  # key (field, log_n, log_blowup, shift)


def _lde_scale(ctx, field: Field, log_n: int, log_blowup: int, shift: int):
    """Per-coset scale tables for ``lde`` (layout in shaders/ntt_lde.wgsl)."""
    return LDE_SCALE.get(ctx, field, log_n, log_blowup, shift % field.p)


# -- recording --------------------------------------------------------------------


def _params(log_n: int, p: Pass, total: int, tb: int, flags: int = 0, aux: int = 0) -> tuple[np.ndarray, int]:
    tiles = -(-total // (1 << tb))
    return u32s(log_n, p.lo_bits, p.k, p.run_bits, total, tiles, flags, aux), tiles


def _chunks(ctx, col_bytes: int, col_elems: int, cols: int, what: str) -> list[tuple[int, int]]:
    """Column ranges (first, count) that fit one storage binding each."""
    limit = int(ctx.limits["max-storage-buffer-binding-size"])
    if col_bytes > limit:
        raise ValueError(f"{what}: one column is {col_bytes} bytes, over the {limit}-byte binding limit ({ctx.profile})")
    per = max(1, min(limit // col_bytes, (1 << 31) // col_elems))  # u32 indices in the shaders
    return [(c, min(per, cols - c)) for c in range(0, cols, per)]


def _check(field: Field, log_n: int, cols: int, extra: int = 0) -> None:
    if not 0 <= log_n or log_n + extra > field.base.TWO_ADICITY:
        raise ValueError(f"no NTT of size 2^{log_n + extra} over {field.name}")
    if cols < 1:
        raise ValueError("cols must be >= 1")


def _record_tiled(rec, field, files, entry, buf, log_n, cols, passes, tb, flags_last=0, tables=None) -> None:
    ctx = rec.ctx
    k = _kernel(ctx, field, files, entry, tb)
    B = field.base.BYTES
    for c0, cc in _chunks(ctx, B << log_n, 1 << log_n, cols, entry):
        view = (buf, c0 * (B << log_n), cc * (B << log_n))
        for i, p in enumerate(passes):
            prm, tiles = _params(log_n, p, cc << log_n, tb, flags_last if i == len(passes) - 1 else 0)
            bindings = [view, *tables, prm] if tables is not None else [view, prm]
            rec.dispatch(k, bindings, tiles)


def _record_ntt(rec, field: Field, buf, log_n: int, cols: int, tile_log: int | None, inverse: bool) -> None:
    ctx = rec.ctx
    _check(field, log_n, cols)
    if log_n == 0:
        return
    tb = _tile(ctx, field, log_n + (cols - 1).bit_length(), tile_log)
    fwd, inv, consts = _tables(ctx, field, log_n)
    passes = passes_for(ctx, field, log_n, tb)
    if inverse:  # DIT: low stage bits first, the 1/N factor fused into the last pass
        _record_tiled(rec, field, _NTT_FILES, "inverse", buf, log_n, cols, passes[::-1], tb, flags_last=1,
                      tables=(inv, consts))
    else:
        _record_tiled(rec, field, _NTT_FILES, "forward", buf, log_n, cols, passes, tb, tables=(fwd, consts))


def record_forward(rec, field: Field, buf, log_n: int, cols: int, *, tile_log: int | None = None) -> None:
    """In place: natural-order coefficients -> evaluations in bit-reversed order
    (out[i] = f(ω_N^bitrev(i))), each of ``cols`` columns of 2^log_n."""
    _record_ntt(rec, field, buf, log_n, cols, tile_log, inverse=False)


def record_inverse(rec, field: Field, buf, log_n: int, cols: int, *, tile_log: int | None = None) -> None:
    """In place: bit-reversed evaluations -> natural-order coefficients (exact
    inverse of ``record_forward``; the 1/N factor is fused into the last pass)."""
    _record_ntt(rec, field, buf, log_n, cols, tile_log, inverse=True)


def record_lde(
    rec,
    field: Field,
    src_buf,
    dst_buf,
    log_n: int,
    log_blowup: int,
    cols: int,
    shift: int = 1,
    *,
    tile_log: int | None = None,
) -> None:
    """Coset LDE: ``cols`` columns of 2^log_n natural-order coefficients in
    ``src_buf`` -> ``cols`` codewords of L = 2^(log_n + log_blowup) in ``dst_buf``
    (column-major), cw[i] = f(shift · ω_L^bitrev(i)). ``src_buf`` is unchanged.
    Both are buffers, or ``dst_buf`` is a DeviceTable (and ``src_buf`` one or a
    buffer of one segment; ``_lde_segments`` says which splits work).

    Each codeword is 2^R size-2^n forward NTTs of scaled copies (docs/NTT.md §2):
    the first pass reads the source and scales it on the fly, so the LDE costs
    the same number of passes as one size-2^n NTT over cols·2^R columns.
    """
    ctx = rec.ctx
    _check(field, log_n, cols, log_blowup)
    if log_blowup < 0:
        raise ValueError("log_blowup must be >= 0")
    if src_buf is dst_buf:
        raise ValueError("lde: source and destination must be different buffers")
    tb = _tile(ctx, field, log_n + log_blowup + (cols - 1).bit_length(), tile_log)
    fwd, _, consts = _tables(ctx, field, log_n)
    tables = (fwd, consts, _lde_scale(ctx, field, log_n, log_blowup, shift))
    kernels = (_kernel(ctx, field, _LDE_FILES, "lde", tb), _kernel(ctx, field, _NTT_FILES, "forward", tb))
    passes = passes_for(ctx, field, log_n, tb)
    if isinstance(dst_buf, DeviceTable):
        src_buf = table_access.as_table(src_buf, cols, 1 << log_n, field.base.BYTES, label="lde-src")
        pieces = _lde_segments(src_buf, dst_buf, log_n, log_blowup)
    else:
        B, log_l = field.base.BYTES, log_n + log_blowup
        pieces = [((src_buf, c0 * (B << log_n), cc * (B << log_n)), (dst_buf, c0 * (B << log_l), cc * (B << log_l)),
                   cc << log_l, 0) for c0, cc in _chunks(ctx, B << log_l, 1 << log_l, cols, "lde")]
    for src, dst, total, first in pieces:
        _record_lde_piece(rec, kernels, tables, src, dst, total, log_n, log_blowup | first << 8, passes, tb)


def _record_lde_piece(rec, kernels, tables, src, dst, total: int, log_n: int, aux: int, passes, tb: int) -> None:
    """The LDE's passes over one destination binding of ``total`` elements (2^log_n blocks)."""
    (k_first, k_rest), (fwd, consts, scale) = kernels, tables
    prm, tiles = _params(log_n, passes[0], total, tb, aux=aux)
    rec.dispatch(k_first, [dst, fwd, consts, prm, src, scale], tiles)
    for p in passes[1:]:
        prm, tiles = _params(log_n, p, total, tb)
        rec.dispatch(k_rest, [dst, fwd, consts, prm], tiles)


def _lde_segments(src: DeviceTable, dst: DeviceTable, log_n: int, log_blowup: int) -> list[tuple]:
    """(source binding, destination binding, elements, first block) per destination
    segment: a segment holds whole 2^log_n blocks (cosets) of its columns, all of
    them extending columns of one source segment (ARCHITECTURE §9)."""
    out = []
    for d in dst.segments:
        owners = src.segments_of_columns(d.col, d.ncols)
        if d.nrows < 1 << log_n or len(owners) != 1 or owners[0].nrows != 1 << log_n:
            raise MemoryError(
                f"lde: destination segment (columns {d.col}+{d.ncols}, rows {d.row}+{d.nrows}) is not whole 2^{log_n}-row "
                f"blocks of one source segment; an NTT across row segments is not supported")
        s = owners[0]
        first = ((d.col - s.col) << log_blowup) + (d.row >> log_n)
        if first >= 1 << 24:  # packed above R in NttPass.aux (shaders/ntt_lde.wgsl)
            raise MemoryError(f"lde: source segment of {s.ncols} columns is too wide for one destination binding")
        out.append((s.binding, d.binding, d.ncols * d.nrows, first))
    return out


def _segments_of(table, log_n: int, what: str) -> list[tuple]:
    """(buffer, columns) per segment of a table split by whole columns of 2^log_n."""
    for s in table.segments:
        if s.nrows != 1 << log_n:
            raise MemoryError(f"{what}: a column of 2^{log_n} rows spans several bindings of table {table.label!r}; "
                              f"a transform across row segments is not supported")
    return [(s.buffer, s.ncols) for s in table.segments]


def record_mobius(rec, field: Field, buf, log_n: int, cols: int, *, tile_log: int | None = None) -> None:
    """In place: evaluation tables on {0,1}^log_n -> monomial coefficients
    (for each bit i: t[x | 2^i] -= t[x]); several variables per pass. ``buf`` is
    a buffer or a DeviceTable split by whole columns (each segment in turn)."""
    ctx = rec.ctx
    _check(field, log_n, cols)
    if log_n:
        tb = _tile(ctx, field, log_n + (cols - 1).bit_length(), tile_log)
        parts = _segments_of(buf, log_n, "mobius") if isinstance(buf, DeviceTable) else [(buf, cols)]
        for part, pc in parts:
            _record_tiled(rec, field, _MOBIUS_FILES, "mobius", part, log_n, pc, passes_for(ctx, field, log_n, tb), tb)


def record_zeta(rec, field: Field, buf, log_n: int, cols: int, *, tile_log: int | None = None) -> None:
    """In place: monomial coefficients -> evaluation tables (inverse of ``record_mobius``)."""
    ctx = rec.ctx
    _check(field, log_n, cols)
    if log_n:
        tb = _tile(ctx, field, log_n + (cols - 1).bit_length(), tile_log)
        _record_tiled(rec, field, _MOBIUS_FILES, "zeta", buf, log_n, cols, passes_for(ctx, field, log_n, tb), tb)


def record_bitrev(rec, field: Field, buf, log_n: int, cols: int) -> None:
    """In place: out[i] = in[bitrev_{log_n}(i)] in each column."""
    ctx = rec.ctx
    _check(field, log_n, cols)
    if log_n == 0:
        return
    k = ctx.kernel(field, ["ntt_bitrev"], "bitrev")
    B = field.base.BYTES
    for c0, cc in _chunks(ctx, B << log_n, 1 << log_n, cols, "bitrev"):
        total = cc << log_n
        prm = u32s(log_n, total)
        rec.dispatch(k, [(buf, c0 * (B << log_n), total * B), prm], -(-total // _BITREV_WG))


# -- convenience wrappers (upload, record, submit, read back) ---------------------


def _batch(field: Field, array: np.ndarray, what: str) -> tuple[np.ndarray, bool, int]:
    a = field.base.check(np.asarray(array), what)
    one = a.ndim == 1
    a = np.ascontiguousarray(a.reshape(1, -1) if one else a, dtype=field.dtype)
    if a.ndim != 2:
        raise ValueError(f"{what}: expected shape (N,) or (cols, N), got {np.shape(array)}")
    return a, one, ref.log2_exact(a.shape[1])


def _in_place(ctx, field: Field, array: np.ndarray, record, what: str) -> np.ndarray:
    a, one, log_n = _batch(field, array, what)
    buf = ctx.upload(a, label=what)
    rec = ctx.recorder(label=what)
    record(rec, field, buf, log_n, a.shape[0])
    rec.submit()
    out = ctx.read(buf, field.dtype, a.size).reshape(a.shape)
    return out[0] if one else out


def forward(ctx, field: Field, array: np.ndarray) -> np.ndarray:
    """GPU ``reference.forward``: array (cols, N) or (N,) -> bit-reversed evaluations."""
    return _in_place(ctx, field, array, record_forward, "forward")


def inverse(ctx, field: Field, array: np.ndarray) -> np.ndarray:
    """GPU ``reference.inverse``: bit-reversed evaluations -> coefficients."""
    return _in_place(ctx, field, array, record_inverse, "inverse")


def mobius(ctx, field: Field, array: np.ndarray) -> np.ndarray:
    """GPU ``reference.mobius``."""
    return _in_place(ctx, field, array, record_mobius, "mobius")


def zeta(ctx, field: Field, array: np.ndarray) -> np.ndarray:
    """GPU ``reference.zeta``."""
    return _in_place(ctx, field, array, record_zeta, "zeta")


def bitrev(ctx, field: Field, array: np.ndarray) -> np.ndarray:
    """GPU ``reference.bitrev``."""
    return _in_place(ctx, field, array, record_bitrev, "bitrev")


def lde(ctx, field: Field, array: np.ndarray, log_blowup: int, shift: int = 1) -> np.ndarray:
    """GPU ``reference.lde``: coefficients (cols, N) or (N,) -> codewords (cols, N·2^R)."""
    a, one, log_n = _batch(field, array, "lde")
    src = ctx.upload(a, label="lde-src")
    dst = ctx.buffer(a.nbytes << log_blowup, label="lde-dst")
    rec = ctx.recorder(label="lde")
    record_lde(rec, field, src, dst, log_n, log_blowup, a.shape[0], shift)
    rec.submit()
    out = ctx.read(dst, field.dtype, a.size << log_blowup).reshape(a.shape[0], -1)
    return out[0] if one else out


def record_copy(rec, field, src_buf, dst_buf, nbytes: int) -> None:
    """Copy ``nbytes`` (a multiple of 16) with a plain kernel: the bandwidth
    baseline of bench/ntt.py (a copy kernel, not copy_buffer_to_buffer, so it
    sees the same binding and dispatch path as the transforms)."""
    if nbytes % 16:
        raise ValueError("record_copy: nbytes must be a multiple of 16")
    ctx = rec.ctx
    k = ctx.kernel(None, ["ntt_copy"], "copy")  # no field: a plain word copy
    limit = int(ctx.limits["max-storage-buffer-binding-size"]) // 256 * 256
    for off in range(0, nbytes, limit):
        size = min(limit, nbytes - off)
        words = size // 16
        rec.dispatch(k, [(src_buf, off, size), (dst_buf, off, size), u32s(words)],
                     -(-words // 256))


def tile_kernels(ctx, field: Field, files: list[str], entry: str) -> list:
    """A tiled kernel at every tile size ``tile_bits`` can pick on this device
    (the tile shrinks for small batches): ``wgprove shaders`` exports them all."""
    return [_kernel(ctx, field, files, entry, tb) for tb in range(tile_bits(ctx, field, 0), tile_bits(ctx, field) + 1)]
