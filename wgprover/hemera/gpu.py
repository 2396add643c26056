"""hemera on the GPU: batched permutation, byte sponge, tree mode (streaming).

WGSL: shaders/hemera_permutation.wgsl (the permutation, constants at
@group(1) @binding(0)), hemera_field.wgsl (field-native helpers),
hemera_batch.wgsl, hemera_sponge.wgsl, hemera_tree.wgsl.
NumPy twins: the functions of the same name in ``reference.py``.
The batched kernels (permutations, tree levels) run ``lanes`` = K permutations
per thread in lockstep (``lockstep.py``); ``lanes=None`` means
``lockstep.lanes(ctx.field_path)`` (WGPROVER_HEMERA_LANES or the path's default).

``record_*`` functions only record into a :class:`~wgprover.gpu.recorder.Recorder`;
the others upload, submit and read back (one host sync each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..gpu.recorder import u32s as _u32
from ..gpu.tables import declare
from . import lockstep
from . import params as hp
from . import reference as ref

WG = 64
PERM_FILES = ["hemera_permutation", "hemera_field"]
# Permutations one invocation may run per dispatch.  llvmpipe (lavapipe) caps the
# loop iterations of an invocation at 65535 (~1870 permutations of this code);
# NVIDIA has no cap, and a dispatch of 1024 sequential permutations is ~0.2 s there.
MAX_PERMS_PER_INVOCATION = 1024
SPONGE_DISPATCH_BLOCKS = MAX_PERMS_PER_INVOCATION  # blocks absorbed per (single-thread) dispatch


# ---------------------------------------------------------------------------
# constants and kernels
# ---------------------------------------------------------------------------

def _upload_constants(ctx):
    buf = ctx.upload(hp.gpu_table(), label="HEMERA_RC")
    ctx.register_shared(1, 0, buf)
    return buf


HEMERA_RC = declare("hemera.rc", _upload_constants)


def tables(ctx):
    """The hemera constant table, uploaded once per device and registered at
    @group(1) @binding(0) (``HEMERA_RC``); returns the buffer."""
    return HEMERA_RC.get(ctx)


def kernel(ctx, file: str, entry: str, field=None, wg: int = WG, lanes: int | None = None):
    """A hemera kernel (constants registered on first use).  With ``lanes``
    (the files written against hemera_permute_lanes) the lockstep code for K =
    lanes is generated into it."""
    tables(ctx)
    generated = None if lanes is None else lockstep.source(lanes)
    return ctx.kernel(field, PERM_FILES + [file], entry, {"WG": wg}, generated=generated)


def lanes_or_default(lanes: int | None, ctx) -> int:
    """K: ``lanes`` if given, else lockstep.lanes() for the context's field path."""
    return lockstep.lanes(ctx.field_path) if lanes is None else lockstep.check(lanes)


def _groups(n: int, wg: int = WG) -> int:
    return (int(n) + wg - 1) // wg


def lane_groups(n: int, lanes: int) -> int:
    """Workgroups for n items hashed ``lanes`` per thread."""
    return _groups(-(-int(n) // lanes))


def _lohi(x: int) -> tuple[int, int]:
    return int(x) & 0xFFFF_FFFF, (int(x) >> 32) & 0xFFFF_FFFF


# ---------------------------------------------------------------------------
# batched permutation
# ---------------------------------------------------------------------------

def record_permute(rec, in_buf, out_buf, n: int, reps: int = 1, lanes: int | None = None) -> None:
    """Record ``reps`` permutations of n states (16 Goldilocks each) in_buf -> out_buf."""
    if not 1 <= reps <= MAX_PERMS_PER_INVOCATION:
        raise ValueError(f"reps must be in 1..{MAX_PERMS_PER_INVOCATION}")
    lanes = lanes_or_default(lanes, rec.ctx)
    k = kernel(rec.ctx, "hemera_batch", "hemera_permute_batch", lanes=lanes)
    rec.dispatch(k, [in_buf, out_buf, _u32(n, reps)], lane_groups(n, lanes))


def permute(ctx, states: np.ndarray, lanes: int | None = None) -> np.ndarray:
    """GPU twin of reference.permute: states (..., 16) canonical uint64."""
    from wgprover.field import goldilocks as gl

    s = gl.check(np.asarray(states), "hemera state")
    if s.shape[-1:] != (hp.WIDTH,):
        raise ValueError(f"hemera state must have last dimension 16, got shape {s.shape}")
    flat = np.ascontiguousarray(s.reshape(-1, hp.WIDTH))
    n = flat.shape[0]
    if n == 0:
        return s.copy()
    src = ctx.upload(flat, label="hemera-in")
    dst = ctx.buffer(flat.nbytes, label="hemera-out")
    rec = ctx.recorder("hemera-permute")
    record_permute(rec, src, dst, n, lanes=lanes)
    rec.submit()
    return ctx.read(dst, np.uint64, flat.size).reshape(s.shape)


def inverse(ctx, x: np.ndarray, lanes: int | None = None) -> np.ndarray:
    """GPU twin of reference.inverse (x^(p-2), 0 -> 0) through the partial rounds'
    K-lane Montgomery inversion (hemera_batch.wgsl::hemera_inverse_batch)."""
    from wgprover.field import goldilocks as gl

    flat = np.ascontiguousarray(gl.check(np.asarray(x), "hemera lane").reshape(-1))
    if flat.size == 0:
        return flat.reshape(np.shape(x))
    lanes = lanes_or_default(lanes, ctx)
    src = ctx.upload(flat, label="hemera-inv-in")
    dst = ctx.buffer(flat.nbytes, label="hemera-inv-out")
    rec = ctx.recorder("hemera-inverse")
    k = kernel(ctx, "hemera_batch", "hemera_inverse_batch", lanes=lanes)
    rec.dispatch(k, [src, dst, _u32(flat.size, 1)], lane_groups(flat.size, lanes))
    rec.submit()
    return ctx.read(dst, np.uint64, flat.size).reshape(np.shape(x))


def _write(ctx, buf, piece: memoryview) -> None:
    """queue.write_buffer without extra host copies (pads only a ragged tail)."""
    n = len(piece)
    body = n // 4 * 4
    if body:
        ctx.device.queue.write_buffer(buf, 0, piece[:body])
    if n > body:
        tail = bytes(piece[body:]) + b"\0" * (4 - (n - body))
        ctx.device.queue.write_buffer(buf, body, tail)


# ---------------------------------------------------------------------------
# plain sponge
# ---------------------------------------------------------------------------



def record_absorb(rec, data_buf, word_off: int, nbytes: int, state_buf, state_off: int, *,
                  init: bool, final: bool, total_len: int = 0, domain: int = hp.DOMAIN_HASH) -> None:
    """Record absorbing ``nbytes`` bytes (from word ``word_off`` of data_buf) into the
    sponge state at ``state_buf[state_off .. +16]`` (Goldilocks elements).
    ``init`` starts a fresh state (lane 11 = domain); ``final`` pads, writes
    lane 10 = total_len and permutes (the digest is then lanes 0..3).
    Non-final calls take a multiple of 56 bytes.  Long inputs are split into
    several dispatches."""
    if not final and nbytes % hp.RATE_BYTES:
        raise ValueError("a non-final sponge segment must be a multiple of 56 bytes")
    k = kernel(rec.ctx, "hemera_sponge", "hemera_sponge_absorb")
    step = SPONGE_DISPATCH_BLOCKS * hp.RATE_BYTES
    pos = 0
    while True:
        n = min(step, nbytes - pos)
        last = final and pos + n == nbytes
        if last and n == step:  # keep the padded block for its own dispatch
            n -= hp.RATE_BYTES
            last = False
        mode = (1 if init and pos == 0 else 0) | (2 if last else 0)
        lo, hi = _lohi(total_len)
        params = _u32(word_off + pos // 4, n, mode, domain, lo, hi, state_off, 0, 0, 0, 0, 0)
        rec.dispatch(k, [data_buf, state_buf, params], 1)
        pos += n
        if pos >= nbytes and (last or not final):
            return


def _pack_messages(msgs: Sequence[bytes]) -> tuple[np.ndarray, list[int]]:
    """Messages concatenated at 4-byte aligned offsets (plus 12 spare bytes)."""
    offs, total = [], 0
    for m in msgs:
        offs.append(total)
        total += (len(m) + 3) // 4 * 4
    buf = np.zeros(total + 16, dtype=np.uint8)
    for o, m in zip(offs, msgs):
        buf[o:o + len(m)] = np.frombuffer(bytes(m), dtype=np.uint8)
    return buf, offs


def hash_many(ctx, msgs: Sequence[bytes], domain: int = hp.DOMAIN_HASH) -> np.ndarray:
    """GPU twin of reference.hash_many: digests (B, 4) of a batch of messages
    (one sequential sponge per message, all recorded in one submit)."""
    if len(msgs) == 0:
        return np.zeros((0, 4), dtype=np.uint64)
    data, offs = _pack_messages(msgs)
    dbuf = ctx.upload(data, label="hemera-msgs")
    sbuf = ctx.buffer(len(msgs) * hp.WIDTH * 8, label="hemera-states")
    rec = ctx.recorder("hemera-hash-many")
    for i, (o, m) in enumerate(zip(offs, msgs)):
        record_absorb(rec, dbuf, o // 4, len(m), sbuf, hp.WIDTH * i, init=True, final=True,
                      total_len=len(m), domain=domain)
    rec.submit()
    return ctx.read(sbuf, np.uint64, len(msgs) * hp.WIDTH).reshape(-1, hp.WIDTH)[:, :4]


def hash(ctx, source, domain: int = hp.DOMAIN_HASH, segment_bytes: int = 56 << 16,  # noqa: A001
         progress: Callable[[int], None] | None = None) -> bytes:
    """Plain hemera sponge hash of bytes or a binary file (streamed in segments of
    ``segment_bytes``, a multiple of 56).  The sponge is sequential: one GPU thread."""
    segment_bytes = max(hp.RATE_BYTES, segment_bytes // hp.RATE_BYTES * hp.RATE_BYTES)
    sbuf = ctx.buffer(hp.WIDTH * 8, label="hemera-state")
    dbuf = None
    total = 0
    first = True
    for piece, last in ref.with_last(ref.iter_pieces(source, segment_bytes)):
        n = len(piece)
        if dbuf is None:
            dbuf = ctx.buffer(max(n, 4) + 16, label="hemera-segment")
        _write(ctx, dbuf, piece)
        total += n
        rec = ctx.recorder("hemera-hash")
        record_absorb(rec, dbuf, 0, n, sbuf, 0, init=first, final=last, total_len=total, domain=domain)
        rec.submit()
        first = False
        if progress is not None:
            progress(n)
        if not last:
            ctx.read(sbuf, np.uint8, 16)  # bound queued work (and host memory) per segment
    return ref.digest_to_bytes(ctx.read(sbuf, np.uint64, 4))


def keyed_hash(ctx, key: bytes, data: bytes) -> bytes:
    """Keyed hash (domain 0x01): the key is absorbed as the first 32 input bytes."""
    if len(key) != hp.OUTPUT_BYTES:
        raise ValueError(f"hemera key must be {hp.OUTPUT_BYTES} bytes, got {len(key)}")
    return ref.digest_to_bytes(hash_many(ctx, [bytes(key) + bytes(data)], hp.DOMAIN_KEYED)[0])


def derive_key(ctx, context: str | bytes, material: bytes) -> bytes:
    """Key derivation (domains 0x02 / 0x03), as reference.derive_key."""
    ctx_bytes = context.encode() if isinstance(context, str) else bytes(context)
    ctx_digest = hash_many(ctx, [ctx_bytes], hp.DOMAIN_DERIVE_KEY_CONTEXT)[0]
    init = np.zeros((1, hp.WIDTH), dtype=np.uint64)
    init[0, :4] = ctx_digest
    init[0, hp.LANE_DOMAIN] = hp.DOMAIN_DERIVE_KEY_MATERIAL
    data, _ = _pack_messages([material])
    sin = ctx.upload(init, label="hemera-derive-init")
    sbuf = ctx.buffer(hp.WIDTH * 8, label="hemera-derive-state")
    dbuf = ctx.upload(data, label="hemera-derive-material")
    rec = ctx.recorder("hemera-derive-key")
    record_permute(rec, sin, sbuf, 1)
    record_absorb(rec, dbuf, 0, len(material), sbuf, 0, init=False, final=True, total_len=len(material))
    rec.submit()
    return ref.digest_to_bytes(ctx.read(sbuf, np.uint64, 4))


# ---------------------------------------------------------------------------
# tree mode
# ---------------------------------------------------------------------------

def record_leaves(rec, data_buf, word_off: int, nbytes: int, cv_buf, cv_off: int,
                  counter0: int = 0, is_root: bool = False) -> int:
    """Record hash_leaf of every 4096-byte chunk of ``nbytes`` bytes (starting at
    word ``word_off``) into digests ``cv_off ..`` of cv_buf; returns the chunk count."""
    n = max(1, -(-nbytes // hp.CHUNK_SIZE))
    k = kernel(rec.ctx, "hemera_sponge", "hemera_leaves")
    lo, hi = _lohi(counter0)
    params = _u32(word_off, nbytes, 1 if is_root else 0, 0, 0, 0, cv_off, hp.CHUNK_SIZE, lo, hi, n, 0)
    rec.dispatch(k, [data_buf, cv_buf, params], _groups(n))
    return n


def record_tree_level(rec, cv_buf, in_off: int, n_in: int, out_off: int, root: bool,
                      lanes: int | None = None) -> int:
    """Record one tree level (digest indices); returns the output node count."""
    lanes = lanes_or_default(lanes, rec.ctx)
    k = kernel(rec.ctx, "hemera_tree", "hemera_tree_level", lanes=lanes)
    n_out = (n_in + 1) // 2
    rec.dispatch(k, [cv_buf, _u32(in_off, n_in, out_off, 1 if root else 0)], lane_groups(n_out, lanes))
    return n_out


def record_reduce(rec, cv_buf, off: int, n: int, scratch_off: int, root: bool, lanes: int | None = None) -> int:
    """Record the left-balanced reduction of digests [off, off + n) of cv_buf.
    Each level is written after the previous one from digest ``scratch_off`` on
    (at most n + log2(n) digests); returns the digest index of the result.
    ``root`` puts PARENT | ROOT on the final compression (n >= 2)."""
    pos, out = off, scratch_off
    while n > 1:
        m = record_tree_level(rec, cv_buf, pos, n, out, root, lanes)
        pos, out, n = out, out + m, m
    return pos


def _segment_chunks(ctx, segment_bytes: int | None) -> int:
    limit = min(ctx.max_binding(), int(ctx.limits["max-buffer-size"])) - 64
    want = segment_bytes if segment_bytes else 128 << 20
    chunks = max(1, min(want, limit) // hp.CHUNK_SIZE)
    return 1 << (chunks.bit_length() - 1)  # a power of two: segments are complete subtrees


def root_hash(ctx, source, segment_bytes: int | None = None,
              progress: Callable[[int], None] | None = None) -> bytes:
    """hemera tree hash of bytes or a binary file on the GPU.

    The input is processed in segments of 2^s chunks (default 128 MiB, capped
    by the binding limit): all chunks of a segment are hashed in parallel, the
    segment is reduced to one chaining value on the GPU (a complete subtree,
    since segments are aligned powers of two), and finally the segment values
    are reduced with PARENT | ROOT on the last compression."""
    seg_chunks = _segment_chunks(ctx, segment_bytes)
    seg_bytes = seg_chunks * hp.CHUNK_SIZE
    # digests: [0, S) chunk CVs, then the upper levels
    cv_buf = ctx.buffer((2 * seg_chunks + 64) * 32, label="hemera-cvs")
    dbuf = None
    tops: list[np.ndarray] = []
    counter = 0
    for piece, last in ref.with_last(ref.iter_pieces(source, seg_bytes)):
        n = len(piece)
        single = last and not tops
        if dbuf is None:
            dbuf = ctx.buffer(max(n, 4) + 16, label="hemera-segment")
        _write(ctx, dbuf, piece)
        rec = ctx.recorder("hemera-root-hash")
        nch = record_leaves(rec, dbuf, 0, n, cv_buf, 0, counter0=counter,
                            is_root=single and n <= hp.CHUNK_SIZE)
        top = record_reduce(rec, cv_buf, 0, nch, seg_chunks, root=single)
        rec.submit()
        counter += nch
        tops.append(ctx.read(cv_buf, np.uint64, 4, offset=32 * top))
        if progress is not None:
            progress(n)
    if len(tops) == 1:
        return ref.digest_to_bytes(tops[0])
    top_buf = ctx.upload(np.concatenate(tops + [np.zeros(4 * (len(tops) + 64), np.uint64)]), label="hemera-tops")
    rec = ctx.recorder("hemera-root-hash-top")
    top = record_reduce(rec, top_buf, 0, len(tops), len(tops), root=True)
    rec.submit()
    return ref.digest_to_bytes(ctx.read(top_buf, np.uint64, 4, offset=32 * top))
