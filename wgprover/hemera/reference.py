"""NumPy reference of hemera: permutation, byte sponge, tree mode, field-native hashing.

Every function is vectorised over a batch (of states, messages, chunks or
leaves); Python loops only run over rounds and sponge blocks.  The GPU
kernels in ``shaders/hemera_*.wgsl`` must agree with these bit for bit.

Byte API (hemera spec, returns ``bytes``): :func:`hash`, :func:`keyed_hash`,
:func:`derive_key`, :func:`hash_leaf`, :func:`hash_node_bytes`,
:func:`root_hash`, and the batched :func:`hash_many`.

Field-native API used by the prover (PROTOCOL.md, "Hemera field-native
hashing"): :func:`hash_elements` and :func:`hash_node` on ``uint64`` digests
of 4 Goldilocks elements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from wgprover.field import goldilocks as gl

from . import lanes
from . import params as hp
from . import scalar

_U64 = np.uint64


# ---------------------------------------------------------------------------
# permutation
# ---------------------------------------------------------------------------

_P = _U64(hp.P)
# M_E transposed, as float64: a (..., 16) @ _ME_T product of 32-bit halves is
# below 35 * 2^32 < 2^53 (M_E's row sums are 35), so float64 BLAS is exact.
_ME_T = hp.external_matrix().T.astype(np.float64)
_DIAG_HALVES = lanes.halves(hp.MATRIX_DIAG_16)

# The permutation below takes any uint64 lanes and keeps values lazily reduced
# (< 2^64, hemera/lanes.py) between rounds; every public function returns
# canonical elements.


def external_linear(s: np.ndarray) -> np.ndarray:
    """M_E = circ(2*M4, M4, M4, M4) on states of shape (..., 16).

    One exact float64 matrix product of both 32-bit halves instead of ~30
    modular additions: NumPy's per-call cost dominates the small batches a
    verifier has."""
    h = np.empty((2,) + s.shape, dtype=_U64)
    np.right_shift(s, lanes.S32, out=h[0])
    np.bitwise_and(s, lanes.M32, out=h[1])
    y = (h.astype(np.float64) @ _ME_T).astype(_U64)
    return lanes.combine(y[0], y[1])


def _internal_lazy(s: np.ndarray) -> np.ndarray:
    """M_I = 1 + diag(d), lazily reduced: the lane sum from exact sums of the
    32-bit halves the diagonal product splits anyway."""
    lo, hi = lanes.halves(s)
    total = lanes.combine(hi.sum(axis=-1, dtype=_U64), lo.sum(axis=-1, dtype=_U64))
    return lanes.add(lanes.mul_halves(lo, hi, *_DIAG_HALVES), total[..., None])


def internal_linear(s: np.ndarray) -> np.ndarray:
    """M_I = 1 + diag(d): s'[i] = d[i]*s[i] + sum(s)."""
    return lanes.canonical(_internal_lazy(s))


def _sqr_n(x0: np.ndarray, x1: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    for _ in range(n):
        x0, x1 = lanes.halves(lanes.sqr_halves(x0, x1))
    return x0, x1


_INT_INVERSE_MAX = 4096  # below this many lanes, one Python batch inversion beats 73 NumPy multiplies


def _inverse_ints(x: np.ndarray) -> np.ndarray:
    """``inverse`` of canonical x (0 -> 0) by one batch inversion in Python
    integers (scalar.inverse_batch, Montgomery's trick)."""
    return np.array(scalar.inverse_batch(x.reshape(-1).tolist()), dtype=_U64).reshape(x.shape)


def inverse(x: np.ndarray) -> np.ndarray:
    """x^(p-2) (so 0 -> 0) by the addition chain of the WGSL's hemera_inv (64 squarings
    here, 9 muls; the WGSL takes t32 from t31's first squaring: 63).

    p - 2 = 0xFFFFFFFE_FFFFFFFF = (2^31 - 1) * 2^33 + (2^32 - 1); with
    t_k = x^(2^k - 1): t2, t3, t6, t12, t24, t30, t31, t32, then t31^(2^33) * t32.
    Each t_k is kept as its 32-bit halves (lazily reduced, hemera/lanes.py).
    """
    def times(a, b):
        return lanes.halves(lanes.mul_halves(*a, *b))

    t1 = lanes.halves(np.asarray(x, dtype=_U64))
    t2 = times(_sqr_n(*t1, 1), t1)
    t3 = times(_sqr_n(*t2, 1), t1)
    t6 = times(_sqr_n(*t3, 3), t3)
    t12 = times(_sqr_n(*t6, 6), t6)
    t24 = times(_sqr_n(*t12, 12), t12)
    t30 = times(_sqr_n(*t24, 6), t6)
    t31 = times(_sqr_n(*t30, 1), t1)
    t32 = times(_sqr_n(*t31, 1), t1)
    return lanes.canonical(lanes.mul_halves(*_sqr_n(*t31, 33), *t32))


def pow7(x: np.ndarray) -> np.ndarray:
    """x^7 lane by lane, canonical (the full rounds' S-box; the AIR trace builders use it)."""
    return lanes.canonical(lanes.pow7(x))


def _full_round(s: np.ndarray, rc: np.ndarray) -> np.ndarray:
    return external_linear(lanes.pow7(lanes.add(s, rc)))


def _partial_round(s: np.ndarray, rc: int) -> np.ndarray:
    x = lanes.canonical(lanes.add(s[:, 0], _U64(rc)))
    s[:, 0] = inverse(x) if x.size > _INT_INVERSE_MAX else _inverse_ints(x)
    return _internal_lazy(s)


def permute_with_constants(states: np.ndarray, rc: np.ndarray) -> np.ndarray:
    """The hemera permutation of states (..., 16) with a 144-entry constant table
    (RC_FULL[128] then RC_PARTIAL[16]); Hemera_0 is rc = 0."""
    s = np.array(states, dtype=_U64, copy=True)
    if s.shape[-1:] != (hp.WIDTH,):
        raise ValueError(f"hemera state must have last dimension 16, got shape {s.shape}")
    shape = s.shape
    s = s.reshape(-1, hp.WIDTH)
    full = np.asarray(rc[: hp.ROUNDS_F * hp.WIDTH], dtype=_U64).reshape(hp.ROUNDS_F, hp.WIDTH)
    partial = [int(c) for c in rc[hp.ROUNDS_F * hp.WIDTH:]]
    s = external_linear(s)
    for r in range(hp.ROUNDS_F_HALF):
        s = _full_round(s, full[r])
    for r in range(hp.ROUNDS_P):
        s = _partial_round(s, partial[r])
    for r in range(hp.ROUNDS_F_HALF, hp.ROUNDS_F):
        s = _full_round(s, full[r])
    return s.reshape(shape)


def permute(states: np.ndarray) -> np.ndarray:
    """hemera permutation of a batch of states, shape (..., 16), canonical uint64."""
    s = gl.check(np.asarray(states), "hemera state")
    if s.shape[-1:] != (hp.WIDTH,):
        raise ValueError(f"hemera state must have last dimension 16, got shape {s.shape}")
    flat = s.reshape(-1, hp.WIDTH)
    if 0 < flat.shape[0] <= _SCALAR_BATCH:
        # NumPy's per-call overhead dominates small batches: use the integer version
        return np.array([scalar.permute_int(x) for x in flat.tolist()], dtype=_U64).reshape(s.shape)
    return permute_with_constants(s, hp.round_constants())


_SCALAR_BATCH = 12  # below this, the per-state integer version beats NumPy (measured: 16 states ~ even)


# ---------------------------------------------------------------------------
# byte encoding (specs/encoding.md)
# ---------------------------------------------------------------------------

def bytes_to_elements(buf: np.ndarray) -> np.ndarray:
    """uint8 array (..., 7*n) -> uint64 (..., n): 7-byte little-endian words."""
    buf = np.asarray(buf, dtype=np.uint8)
    n = buf.shape[-1] // hp.INPUT_BYTES_PER_ELEMENT
    words = np.zeros(buf.shape[:-1] + (n, 8), dtype=np.uint8)
    words[..., :7] = buf.reshape(buf.shape[:-1] + (n, 7))
    return words.view("<u8")[..., 0].astype(_U64)


def digest_to_bytes(d: np.ndarray) -> bytes:
    """4 canonical elements -> 32 bytes (8-byte little-endian each)."""
    return np.asarray(d, dtype="<u8").tobytes()


def bytes_to_digest(b: bytes) -> np.ndarray:
    """32 bytes -> 4 elements (u64 LE, reduced mod p as hemera's Goldilocks::new does)."""
    if len(b) != hp.OUTPUT_BYTES:
        raise ValueError(f"hemera digest must be {hp.OUTPUT_BYTES} bytes, got {len(b)}")
    v = np.frombuffer(bytes(b), dtype="<u8").astype(_U64)
    return np.where(v >= _U64(hp.P), v - _U64(hp.P), v)


def padded_blocks(msg: bytes | np.ndarray) -> np.ndarray:
    """Message -> its sponge blocks (nblocks, 8): msg || 0x01 || 0x00* to a multiple of 56.

    A message of L bytes has L // 56 + 1 blocks (the last one always carries
    the 0x01 marker, so a 56-byte message gets a second, marker-only block).
    """
    m = np.frombuffer(bytes(msg), dtype=np.uint8) if not isinstance(msg, np.ndarray) else msg
    nb = m.size // hp.RATE_BYTES + 1
    buf = np.zeros(nb * hp.RATE_BYTES, dtype=np.uint8)
    buf[: m.size] = m
    buf[m.size] = 0x01
    return bytes_to_elements(buf.reshape(nb, hp.RATE_BYTES))


# ---------------------------------------------------------------------------
# byte sponge (specs/sponge.md), batched over messages
# ---------------------------------------------------------------------------

def _init_states(batch: int, domain: int) -> np.ndarray:
    s = np.zeros((batch, hp.WIDTH), dtype=_U64)
    s[:, hp.LANE_DOMAIN] = domain
    return s


def sponge_blocks(states: np.ndarray, blocks: np.ndarray, nblocks: np.ndarray,
                  lengths: np.ndarray) -> np.ndarray:
    """Absorb padded blocks into a batch of states; returns the finalized states.

    states (B, 16); blocks (B, maxnb, 8); nblocks (B,) >= 1 real blocks per
    state; lengths (B,) absorbed byte counts.  Block j is added (mod p) to
    lanes 0..7; before the last block's permutation lane 10 := length.
    """
    s = np.array(states, dtype=_U64, copy=True)
    nblocks = np.asarray(nblocks)
    lengths = np.asarray(lengths, dtype=_U64)
    for j in range(int(nblocks.max(initial=0))):
        act = np.flatnonzero(nblocks > j)
        last = nblocks[act] == j + 1
        sub = s[act]
        sub[:, : hp.RATE] = gl.add(sub[:, : hp.RATE], blocks[act, j])
        sub[last, hp.LANE_LENGTH] = lengths[act][last]
        s[act] = permute(sub)
    return s


def _stack_blocks(msgs: Sequence[bytes | np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad a list of messages into (B, maxnb, 8) blocks, block counts and lengths."""
    per = [padded_blocks(m) for m in msgs]
    nb = np.array([b.shape[0] for b in per], dtype=np.int64)
    blocks = np.zeros((len(per), int(nb.max(initial=1)), hp.RATE), dtype=_U64)
    for i, b in enumerate(per):  # one copy per message (no per-element work)
        blocks[i, : b.shape[0]] = b
    lengths = np.array([len(m) for m in msgs], dtype=_U64)
    return blocks, nb, lengths


def sponge_many(msgs: Sequence[bytes | np.ndarray], domain: int = hp.DOMAIN_HASH,
                init: np.ndarray | None = None) -> np.ndarray:
    """Finalized sponge states (B, 16) of a batch of messages."""
    blocks, nb, lengths = _stack_blocks(msgs)
    states = _init_states(len(msgs), domain) if init is None else init
    return sponge_blocks(states, blocks, nb, lengths)


def hash_many(msgs: Sequence[bytes], domain: int = hp.DOMAIN_HASH) -> np.ndarray:
    """Plain sponge digests (B, 4) of a batch of byte messages."""
    if len(msgs) == 0:
        return np.zeros((0, hp.OUTPUT_ELEMENTS), dtype=_U64)
    return sponge_many(msgs, domain)[:, : hp.OUTPUT_ELEMENTS]


def hash(data: bytes) -> bytes:  # noqa: A001 - the spec's name
    """hemera sponge hash (domain 0x00): 32 bytes."""
    return digest_to_bytes(hash_many([data])[0])


def hash_xof(data: bytes, nbytes: int) -> bytes:
    """Extendable output: squeeze 4 lanes (32 bytes) per permutation."""
    s = sponge_many([data])
    out = []
    while len(out) * hp.OUTPUT_BYTES < nbytes:
        out.append(digest_to_bytes(s[0, : hp.OUTPUT_ELEMENTS]))
        s = permute(s)
    return b"".join(out)[:nbytes]


def keyed_hash(key: bytes, data: bytes) -> bytes:
    """Keyed hash (domain 0x01): the 32-byte key is absorbed as the first input bytes."""
    if len(key) != hp.OUTPUT_BYTES:
        raise ValueError(f"hemera key must be {hp.OUTPUT_BYTES} bytes, got {len(key)}")
    return digest_to_bytes(hash_many([bytes(key) + bytes(data)], hp.DOMAIN_KEYED)[0])


def derive_key(context: str | bytes, material: bytes) -> bytes:
    """Key derivation: context phase (domain 0x02) then material phase (domain 0x03).

    The material sponge starts from permute([ctx_digest, 0,0,0,0, 0,0,0,3, 0,0,0,0]).
    """
    ctx = context.encode() if isinstance(context, str) else bytes(context)
    ctx_digest = hash_many([ctx], hp.DOMAIN_DERIVE_KEY_CONTEXT)
    s = _init_states(1, hp.DOMAIN_DERIVE_KEY_MATERIAL)
    s[:, : hp.OUTPUT_ELEMENTS] = ctx_digest
    s = permute(s)
    return digest_to_bytes(sponge_many([material], init=s)[0, : hp.OUTPUT_ELEMENTS])


# ---------------------------------------------------------------------------
# tree mode (specs/tree.md)
# ---------------------------------------------------------------------------

def bind_leaves(base: np.ndarray, counters: np.ndarray, is_root: bool | np.ndarray) -> np.ndarray:
    """hash_leaf's structural pass: permute([base(4), 0*4, counter, CHUNK|ROOT?, 0*6])[:4]."""
    b = base.shape[0]
    s = np.zeros((b, hp.WIDTH), dtype=_U64)
    s[:, : hp.OUTPUT_ELEMENTS] = base
    s[:, hp.LANE_COUNTER] = np.asarray(counters, dtype=_U64)
    s[:, hp.LANE_FLAGS] = hp.FLAG_CHUNK | np.where(np.asarray(is_root), hp.FLAG_ROOT, 0).astype(_U64)
    return permute(s)[:, : hp.OUTPUT_ELEMENTS]


def hash_node_flags(left: np.ndarray, right: np.ndarray, flags: int | np.ndarray) -> np.ndarray:
    """Node compression with an explicit flags lane: permute([l(4), r(4), 0, flags, 0*6])[:4]."""
    return permute(node_states(left, right, flags))[..., : hp.OUTPUT_ELEMENTS]


def node_states(left: np.ndarray, right: np.ndarray, flags: int | np.ndarray = hp.FLAG_PARENT) -> np.ndarray:
    """The states a node compression permutes: [l(4), r(4), 0, flags, 0*6]."""
    left = np.asarray(left, dtype=_U64)
    right = np.asarray(right, dtype=_U64)
    s = np.zeros(left.shape[:-1] + (hp.WIDTH,), dtype=_U64)
    s[..., 0:4] = left
    s[..., 4:8] = right
    s[..., hp.LANE_FLAGS] = flags
    return s


def hash_leaf(data: bytes, counter: int, is_root: bool) -> bytes:
    base = hash_many([data])
    return digest_to_bytes(bind_leaves(base, np.array([counter]), is_root)[0])


def hash_node_bytes(left: bytes, right: bytes, is_root: bool) -> bytes:
    flags = hp.FLAG_PARENT | (hp.FLAG_ROOT if is_root else 0)
    return digest_to_bytes(hash_node_flags(bytes_to_digest(left), bytes_to_digest(right), flags))


def chunk_digests(data: bytes | np.ndarray, first_counter: int = 0, is_root: bool = False) -> np.ndarray:
    """Chaining values (N, 4) of all 4096-byte chunks of data, hashed as one batch."""
    buf = np.frombuffer(bytes(data), dtype=np.uint8) if not isinstance(data, np.ndarray) else data
    n = max(1, -(-buf.size // hp.CHUNK_SIZE))
    chunks = [buf[i * hp.CHUNK_SIZE:(i + 1) * hp.CHUNK_SIZE] for i in range(n)]
    base = hash_many(chunks)
    return bind_leaves(base, np.arange(first_counter, first_counter + n), is_root)


def reduce_tree(level: np.ndarray, root: bool = True) -> np.ndarray:
    """Left-balanced tree of N >= 1 chaining values, reduced level by level.

    Adjacent pairs are compressed (PARENT); an odd last node is promoted
    unchanged; with ``root`` the final compression gets PARENT | ROOT.  This
    equals the spec's recursive split at 2^(ceil(log2 N) - 1).
    """
    while level.shape[0] > 1:
        n = level.shape[0]
        pairs = n // 2
        flags = hp.FLAG_PARENT | (hp.FLAG_ROOT if root and n == 2 else 0)
        parents = hash_node_flags(level[0:2 * pairs:2], level[1:2 * pairs:2], flags)
        level = np.concatenate([parents, level[2 * pairs:]]) if n % 2 else parents
    return level[0]


def root_hash(data: bytes) -> bytes:
    """hemera tree hash (4096-byte chunks, left-balanced binary tree)."""
    return root_hash_many([data])[0]


def root_hash_many(msgs: Sequence[bytes]) -> list[bytes]:
    """Tree hashes of several messages; the chunks of all messages form one batch."""
    bufs = [np.frombuffer(bytes(m), dtype=np.uint8) for m in msgs]
    counts = [max(1, -(-b.size // hp.CHUNK_SIZE)) for b in bufs]
    chunks = [b[i * hp.CHUNK_SIZE:(i + 1) * hp.CHUNK_SIZE] for b, n in zip(bufs, counts) for i in range(n)]
    counters = np.concatenate([np.arange(n) for n in counts]) if counts else np.zeros(0, np.int64)
    is_root = np.concatenate([np.full(n, n == 1) for n in counts]) if counts else np.zeros(0, bool)
    if not chunks:
        return []
    cvs = bind_leaves(hash_many(chunks), counters, is_root)
    out, start = [], 0
    for n in counts:
        level = cvs[start:start + n]
        out.append(digest_to_bytes(level[0] if n == 1 else reduce_tree(level)))
        start += n
    return out


# ---------------------------------------------------------------------------
# streaming (bounded memory): shared by the NumPy and GPU drivers
# ---------------------------------------------------------------------------

def iter_pieces(source, size: int) -> Iterator[memoryview]:
    """Consecutive pieces of exactly ``size`` bytes of a bytes-like object or a
    binary file (the last may be shorter; at least one piece, possibly empty).
    Files are read by a helper thread one piece ahead, so reading overlaps the
    hashing; at most three pieces are alive at a time."""
    if not hasattr(source, "read"):
        mv = memoryview(np.ascontiguousarray(source) if isinstance(source, np.ndarray) else source).cast("B")
        if len(mv) == 0:
            yield mv
        for i in range(0, len(mv), size):
            yield mv[i:i + size]
        return

    import queue  # here: a verifier never streams, and its start-up pays every import
    import threading

    q: queue.Queue = queue.Queue(maxsize=1)

    def reader() -> None:
        try:
            while True:
                buf = _read_exact(source, size)
                q.put(buf)
                if len(buf) < size:
                    return
        except BaseException as e:  # noqa: BLE001 - re-raised by the consumer
            q.put(e)

    threading.Thread(target=reader, daemon=True, name="hemera-reader").start()
    while True:
        item = q.get()
        if isinstance(item, BaseException):
            raise item
        yield memoryview(item)
        if len(item) < size:
            return


def _read_exact(f, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        b = f.read(n - got)
        if not b:
            break
        parts.append(b)
        got += len(b)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def with_last(pieces: Iterable[memoryview]) -> Iterator[tuple[memoryview, bool]]:
    """(piece, is_last) pairs; an empty trailing piece is dropped (except alone)."""
    it = iter(pieces)
    cur = next(it)
    for nxt in it:
        if len(nxt) == 0:
            break
        yield cur, False
        cur = nxt
    yield cur, True


def root_hash_stream(source, segment_chunks: int = 256,
                     progress: Callable[[int], None] | None = None) -> bytes:
    """root_hash of bytes or a binary file in bounded memory.

    Segments of 2^s chunks are complete, aligned subtrees of the left-balanced
    tree: each is reduced to one chaining value, then the segment values are
    reduced with PARENT | ROOT on the final compression (the GPU driver
    ``gpu.root_hash`` does the same)."""
    if segment_chunks & (segment_chunks - 1):
        raise ValueError("segment_chunks must be a power of two")
    tops, counter = [], 0
    for piece, last in with_last(iter_pieces(source, segment_chunks * hp.CHUNK_SIZE)):
        single = last and not tops
        buf = np.frombuffer(piece, dtype=np.uint8)
        n = max(1, -(-buf.size // hp.CHUNK_SIZE))
        cvs = chunk_digests(buf, counter, is_root=single and n == 1)
        tops.append(reduce_tree(cvs, root=single))
        counter += n
        if progress is not None:
            progress(len(piece))
    return digest_to_bytes(tops[0] if len(tops) == 1 else reduce_tree(np.stack(tops), root=True))


def hash_stream(source, domain: int = hp.DOMAIN_HASH, segment_bytes: int = 56 << 10,
                progress: Callable[[int], None] | None = None) -> bytes:
    """Plain sponge hash of bytes or a binary file in bounded memory (sequential:
    one permutation per 56 bytes)."""
    segment_bytes = max(1, segment_bytes // hp.RATE_BYTES) * hp.RATE_BYTES
    s = _init_states(1, domain)
    total = 0
    for piece, last in with_last(iter_pieces(source, segment_bytes)):
        total += len(piece)
        if last:
            blocks = padded_blocks(np.frombuffer(piece, dtype=np.uint8))
            s = sponge_blocks(s, blocks[None], np.array([blocks.shape[0]]), np.array([total]))
        else:
            blocks = bytes_to_elements(np.frombuffer(piece, dtype=np.uint8).reshape(-1, hp.RATE_BYTES))
            for blk in blocks:
                s[:, : hp.RATE] = gl.add(s[:, : hp.RATE], blk)
                s = permute(s)
        if progress is not None:
            progress(len(piece))
    return digest_to_bytes(s[0, : hp.OUTPUT_ELEMENTS])


# ---------------------------------------------------------------------------
# field-native hashing (PROTOCOL.md, "Hemera field-native hashing")
# ---------------------------------------------------------------------------

def hash_elements(elems: np.ndarray) -> np.ndarray:
    """Leaf digests (B, 4) of B rows of m Goldilocks elements each.

    state := 0; lane 11 := DOMAIN_FIELD_ELEMENTS (0x10).  The m elements are
    absorbed in blocks of 8 (added mod p into lanes 0..7; the last block is
    zero-filled); a permutation follows each block, and lane 10 := m is
    written just before the last one.  m = 0 absorbs one all-zero block.
    Digest = lanes 0..3.  ceil(max(m, 1) / 8) permutations.
    """
    e = gl.check(np.asarray(elems), "hash_elements input")
    if e.ndim != 2:
        raise ValueError(f"hash_elements expects a (B, m) array, got shape {e.shape}")
    blocks = element_blocks(e)
    s = element_sponge_start(e.shape[0])
    for j in range(blocks.shape[1]):
        s = permute(element_sponge_input(s, blocks, j, e.shape[1]))
    return s[:, : hp.OUTPUT_ELEMENTS]


def element_blocks(e: np.ndarray) -> np.ndarray:
    """Rows of m elements -> zero-filled blocks (B, max(1, ceil(m / 8)), 8)."""
    b, m = e.shape
    nb = max(1, -(-m // hp.RATE))
    blocks = np.zeros((b, nb * hp.RATE), dtype=_U64)
    blocks[:, :m] = e
    return blocks.reshape(b, nb, hp.RATE)


def element_sponge_start(batch: int) -> np.ndarray:
    """Initial hash_elements states: zero, lane 11 = DOMAIN_FIELD_ELEMENTS."""
    return _init_states(batch, hp.DOMAIN_FIELD_ELEMENTS)


def element_sponge_input(states: np.ndarray, blocks: np.ndarray, j: int, m: int) -> np.ndarray:
    """The states to permute for block j of hash_elements: block added into lanes
    0..7; before the last block's permutation, lane 10 := m."""
    s = states.copy()
    s[:, : hp.RATE] = gl.add(s[:, : hp.RATE], blocks[:, j])
    if j == blocks.shape[1] - 1:
        s[:, hp.LANE_LENGTH] = m
    return s


def hash_node(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Merkle node digests (..., 4): hemera hash_node(left, right, is_root=False)."""
    return hash_node_flags(left, right, hp.FLAG_PARENT)


# ---------------------------------------------------------------------------
# self-bootstrap (specs/bootstrap.md)
# ---------------------------------------------------------------------------

def bootstrap_constants() -> np.ndarray:
    """The 144 round constants: Hemera_0 (all constants 0) absorbs the seed as the
    byte sponge (one padded block, lane 10 = 5), then 8 rate lanes are squeezed
    per permutation until 144 elements are out (18 squeezes, 17 permutations after
    the absorbing one)."""
    zero = np.zeros(hp.NUM_CONSTANTS, dtype=_U64)
    s = np.zeros(hp.WIDTH, dtype=_U64)
    s[: hp.RATE] = padded_blocks(hp.GENESIS_SEED)[0]
    s[hp.LANE_LENGTH] = len(hp.GENESIS_SEED)
    s = permute_with_constants(s, zero)
    out = []
    while len(out) * hp.RATE < hp.NUM_CONSTANTS:
        if out:
            s = permute_with_constants(s, zero)
        out.append(s[: hp.RATE].copy())
    return np.concatenate(out)[: hp.NUM_CONSTANTS]
