"""hemera sponge and Merkle-path AIRs on top of the permutation AIR (docs/AIR.md §9.2, §9.3).

Both add constraints between permutation blocks of :mod:`wgprover.air.hemera_air`
(chaining, the initial capacity, the digest or root as public inputs) with
selectors that are periodic over the whole trace (sponge) or over one path
(Merkle); the inputs of every block are computed first (the chain is
sequential), then the whole trace in one vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..field import goldilocks as gl
from ..hemera import params as hp
from ..hemera import reference as href
from .examples import Example
from .hemera_air import W, Layout, build_air, check_ppr, permutation_blocks, require_goldilocks
from .language import Air

_U64 = np.uint64


# --------------------------------------------------------------------------- sponge (hash_elements)


def _one_hot(period: int, rows) -> list[int]:
    col = [0] * period
    for r in rows:
        col[r] = 1
    return col


@dataclass(frozen=True)
class SpongeShape:
    """Blocks of a sponge over ``length`` elements (PROTOCOL.md H.4, field-native) or,
    with ``byte_mode``, ``length`` bytes (H.2, hemera ``hash``: 7 bytes per element,
    padding 0x01 0x00*, so the padded blocks are part of the private message)."""

    length: int
    ppr: int = 4
    byte_mode: bool = False

    @property
    def blocks(self) -> int:
        if self.byte_mode:
            return self.length // hp.RATE_BYTES + 1
        return max(1, -(-self.length // hp.RATE))

    @property
    def domain(self) -> int:
        return hp.DOMAIN_HASH if self.byte_mode else hp.DOMAIN_FIELD_ELEMENTS

    @property
    def trace_blocks(self) -> int:
        return 1 << (self.blocks - 1).bit_length()

    @property
    def log_rows(self) -> int:
        return (self.trace_blocks * Layout(self.ppr).rows).bit_length() - 1

    @property
    def tail(self) -> int:
        """Message elements in the last block; its lanes tail..7 absorb zeros (bytes: padded, 8)."""
        return hp.RATE if self.byte_mode else self.length - hp.RATE * (self.blocks - 1)


# The sponge's selectors share one full-length periodic column ``sponge`` (its values
# are the bulk of the AIR's size: 2^n each): 1 on the last row of blocks 0..B-3, 2 on
# that of block B-2, 3 on block B-1's output row, 0 elsewhere; each selector is the
# Lagrange indicator of its value (docs/AIR.md §9.2), of degree <= 3.
_INV2, _INV6 = pow(2, hp.P - 2, hp.P), pow(6, hp.P - 2, hp.P)
CHAIN = f"{_INV2} * sponge * (3 - sponge)"  # value 1 or 2
CHAIN_MID = f"{_INV2} * sponge * (sponge - 2) * (sponge - 3)"  # value 1
CHAIN_END = f"{_INV2} * sponge * (sponge - 1) * (3 - sponge)"  # value 2
FIN = f"{_INV6} * sponge * (sponge - 1) * (sponge - 2)"  # value 3


def _sponge_selector(sh: SpongeShape) -> list[int]:
    rows, B = Layout(sh.ppr).rows, sh.blocks
    col = np.zeros(sh.trace_blocks * rows, dtype=np.int64)
    col[rows - 1: (B - 1) * rows: rows] = 1
    if B > 1:
        col[(B - 1) * rows - 1] = 2
    col[(B - 1) * rows + Layout(sh.ppr).out_row] = 3
    return col.tolist()


def _sponge_constraints(sh: SpongeShape) -> tuple[dict, list[dict]]:
    """The periodic selector column (period = the whole trace) and the chaining/boundary constraints."""
    B = sh.blocks
    per = {"sponge": _sponge_selector(sh)}
    keep = [i for i in range(hp.RATE, W) if i != hp.LANE_LENGTH]
    cons = [{"transition": f"{CHAIN} * (next.s{i} - s{i})", "name": f"chain_capacity{i}"} for i in keep]
    L = hp.LANE_LENGTH
    cons.append({"transition": f"{CHAIN_MID} * (next.s{L} - s{L})", "name": "chain_length_lane"})
    cons.append({"transition": f"{CHAIN_END} * (next.s{L} - pub.length)", "name": "length"})
    zero_lanes = range(sh.tail, hp.RATE)
    if B > 1:
        cons += [{"transition": f"{CHAIN_END} * (next.s{i} - s{i})", "name": f"zero_pad{i}"} for i in zero_lanes]
    cons += [{"transition": f"{FIN} * (s{i} - pub.d{i})", "name": f"digest{i}"} for i in range(hp.OUTPUT_ELEMENTS)]
    init = {i: 0 for i in range(hp.RATE, W)}
    init[hp.LANE_DOMAIN] = sh.domain
    first = [{"first": f"s{i} - {v}", "name": f"init{i}"} for i, v in init.items() if i != L or B > 1]
    if B == 1:
        first.append({"first": f"s{L} - pub.length", "name": "length"})
        first += [{"first": f"s{i}", "name": f"zero_pad{i}"} for i in zero_lanes]
    return per, cons + first


@lru_cache(maxsize=8)
def sponge_air(length: int, ppr: int = 4, byte_mode: bool = False) -> Air:
    """hemera hash_elements(message) = digest for a private message of ``length`` elements
    (``byte_mode``: hemera hash(message) of ``length`` bytes, as padded private blocks).

    Public: ``length`` and the digest ``d0..d3``.  Block b's input row holds the
    sponge state after absorbing block b; its capacity lanes equal block b-1's
    output (lane 10 := length before the last permutation), the zero-padded rate
    lanes of the last block equal the previous output; the first block starts
    from the domain-0x10 state.  The selectors depend on the length, so the AIR
    (and its digest) does too.
    """
    check_ppr(ppr)
    if length < 0:
        raise ValueError(f"the message length must be >= 0, got {length}")
    sh = SpongeShape(length, ppr, byte_mode)
    per, cons = _sponge_constraints(sh)
    pub = ["length"] + [f"d{i}" for i in range(hp.OUTPUT_ELEMENTS)]
    kind = "bytes" if byte_mode else "elements"
    return build_air(f"hemera-sponge-{kind}{length}-ppr{ppr}", Layout(ppr), per, cons, pub)


COMPILE_FROM_BLOCKS = 2048  # numba's start-up pays from here: ~0.3 ms a block in Python


def _initial_state(sh: SpongeShape) -> np.ndarray:
    s = np.zeros(W, dtype=_U64)
    s[hp.LANE_DOMAIN] = sh.domain
    return s


def _sponge_chain(sh: SpongeShape, blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(permutation inputs (trace_blocks, 16), digest (4,)) of absorbing blocks (B, 8).

    The chain is sequential (one reference permutation per block); blocks past
    the message permute the zero state.
    """
    ins = np.zeros((sh.trace_blocks, W), dtype=_U64)
    s = _initial_state(sh)
    if sh.blocks >= COMPILE_FROM_BLOCKS:
        from ..hemera import compiled

        if compiled.sponge_chain(s, blocks[: sh.blocks], sh.length, ins):  # the same loop, compiled
            return ins, s[: hp.OUTPUT_ELEMENTS].copy()
    for b in range(sh.blocks):
        s[: hp.RATE] = gl.add(s[: hp.RATE], blocks[b])
        if b == sh.blocks - 1:
            s[hp.LANE_LENGTH] = sh.length
        ins[b] = s
        s = href.permute(s[None])[0]
    return ins, s[: hp.OUTPUT_ELEMENTS].copy()


def _element_blocks(message: np.ndarray, ppr: int) -> tuple[SpongeShape, np.ndarray]:
    """(shape, blocks (B, 8)) of hash_elements(message): the message, zero-padded."""
    m = gl.check(np.asarray(message, dtype=_U64).reshape(-1), "message")
    sh = SpongeShape(m.size, ppr)
    blocks = np.zeros((sh.blocks, hp.RATE), dtype=_U64)
    blocks.reshape(-1)[: m.size] = m
    return sh, blocks


def sponge_inputs(message: np.ndarray, ppr: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(permutation inputs, digest) of hash_elements(message), message: Goldilocks elements."""
    return _sponge_chain(*_element_blocks(message, ppr))


def sponge_trace(message: np.ndarray, ppr: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(trace, digest) of hash_elements(message): ``permutation_blocks`` of ``sponge_inputs``.
    From COMPILE_FROM_BLOCKS blocks on, one compiled pass computes both (the chain's
    permutations written as trace blocks: each permutation once)."""
    sh, blocks = _element_blocks(message, ppr)
    if sh.blocks >= COMPILE_FROM_BLOCKS:
        from ..hemera import compiled

        fast = compiled.sponge_trace(_initial_state(sh), blocks, sh.length, Layout(ppr).steps, ppr, sh.trace_blocks)
        if fast is not None:
            return fast
    ins, digest = _sponge_chain(sh, blocks)
    return permutation_blocks(ins, ppr), digest


def byte_sponge_inputs(message: bytes, ppr: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(permutation inputs, digest) of hemera hash(message) (the byte sponge, domain 0)."""
    return _sponge_chain(SpongeShape(len(message), ppr, True), href.padded_blocks(bytes(message)))


def sponge_public(length: int, digest) -> dict[str, int]:
    return {"length": int(length), **{f"d{i}": int(v) for i, v in enumerate(digest)}}


def hemera_sponge(length: int = 61, ppr: int = 4) -> Example:
    """Example: hash_elements of a random (or sequential) ``length``-element message.

    The trace length is fixed by the length (``SpongeShape.log_rows``); ``n``
    must equal it.
    """
    air = sponge_air(length, ppr)
    sh = SpongeShape(length, ppr)

    def generate(field, n: int | None = None, rng: np.random.Generator | None = None):
        require_goldilocks(field)
        if n is not None and n != sh.log_rows:
            raise ValueError(f"hemera-sponge of {length} elements uses 2^{sh.log_rows} rows, not 2^{n}")
        msg = np.arange(1, length + 1, dtype=_U64) if rng is None else gl.random(rng, (length,))
        trace, digest = sponge_trace(msg, ppr)
        return trace, sponge_public(length, digest)

    return Example(air, generate)


# --------------------------------------------------------------------------- Merkle paths


@dataclass(frozen=True)
class MerkleShape:
    """``paths`` authentication paths of ``depth`` compressions each (a power-of-two count)."""

    depth: int
    paths: int
    ppr: int = 4

    @property
    def path_blocks(self) -> int:
        return 1 << (self.depth - 1).bit_length()

    @property
    def log_rows(self) -> int:
        return (self.paths * self.path_blocks * Layout(self.ppr).rows).bit_length() - 1


def _merkle_constraints(sh: MerkleShape) -> tuple[dict, list[dict]]:
    lay = Layout(sh.ppr)
    period = sh.path_blocks * lay.rows
    per = {
        "m_in": _one_hot(period, [b * lay.rows for b in range(sh.depth)]),
        "m_chain": _one_hot(period, [b * lay.rows + lay.rows - 1 for b in range(sh.depth - 1)]),
        "m_root": _one_hot(period, [(sh.depth - 1) * lay.rows + lay.out_row]),
    }
    cap = {i: 0 for i in range(hp.RATE, W)}
    cap[hp.LANE_FLAGS] = hp.FLAG_PARENT
    cons = [{"transition": f"m_in * (s{i} - {v})", "name": f"node_capacity{i}"} for i, v in cap.items()]
    cons.append({"transition": "m_in * bit * (bit - 1)", "name": "bit_boolean"})
    h = hp.OUTPUT_ELEMENTS
    cons += [
        {"transition": f"m_chain * ((1 - next.bit) * (next.s{i} - s{i}) + next.bit * (next.s{i + h} - s{i}))",
         "name": f"chain{i}"}
        for i in range(h)
    ]
    cons += [{"transition": f"m_root * (s{i} - pub.root{i})", "name": f"root{i}"} for i in range(h)]
    return per, cons


@lru_cache(maxsize=8)
def merkle_air(depth: int, paths: int, ppr: int = 4) -> Air:
    """``paths`` Merkle paths of ``depth`` hash_node compressions to the public ``root0..root3``.

    Column ``bit`` holds each level's direction (0: the running digest is the
    left child); leaves and siblings are private.  Node compression is hemera
    hash_node (PROTOCOL.md H.5): permute([left, right, 0, PARENT, 0...])[:4].
    """
    check_ppr(ppr)
    if depth < 1 or paths < 1 or paths & (paths - 1):
        raise ValueError(f"Merkle paths need depth >= 1 and a power-of-two count, got depth {depth}, {paths} paths")
    per, cons = _merkle_constraints(MerkleShape(depth, paths, ppr))
    pub = [f"root{i}" for i in range(hp.OUTPUT_ELEMENTS)]
    return build_air(f"hemera-merkle-d{depth}-x{paths}-ppr{ppr}", Layout(ppr), per, cons, pub, ["bit"])


def merkle_trace(leaves: np.ndarray, index: np.ndarray, siblings: np.ndarray, ppr: int = 4):
    """Trace and root of paths: leaves (P, 4), leaf indices (P,), siblings (P, depth, 4).

    Level j compresses the running digest with siblings[:, j] (on the left
    when bit j of the index is 0), vectorised over the P paths.
    """
    P_, depth = siblings.shape[:2]
    sh = MerkleShape(depth, P_, ppr)
    lay = Layout(ppr)
    ins = np.zeros((P_, sh.path_blocks, W), dtype=_U64)
    bits = ((np.asarray(index)[:, None] >> np.arange(depth)) & 1).astype(bool)
    cur = np.asarray(leaves, dtype=_U64)
    h = hp.OUTPUT_ELEMENTS
    for j in range(depth):
        b = bits[:, j, None]
        ins[:, j, :h] = np.where(b, siblings[:, j], cur)
        ins[:, j, h: 2 * h] = np.where(b, cur, siblings[:, j])
        ins[:, j, hp.LANE_FLAGS] = hp.FLAG_PARENT
        cur = href.permute(ins[:, j])[:, :h]
    trace = permutation_blocks(ins.reshape(-1, W), ppr)
    bitcol = np.zeros((P_, sh.path_blocks), dtype=_U64)
    bitcol[:, :depth] = bits
    return np.concatenate([trace, np.repeat(bitcol.reshape(-1), lay.rows)[None]]), cur


def random_tree_paths(rng: np.random.Generator | None, depth: int, paths: int):
    """A hemera Merkle tree of 2^depth random leaves and ``paths`` of its authentication paths:
    (leaves (P, 4), indices (P,), siblings (P, depth, 4), root (4,))."""
    h = hp.OUTPUT_ELEMENTS
    rng = rng or np.random.default_rng(0)
    levels = [gl.random(rng, (1 << depth, h))]
    while levels[-1].shape[0] > 1:
        lv = levels[-1]
        levels.append(href.hash_node(lv[0::2], lv[1::2]))
    idx = rng.choice(1 << depth, size=paths, replace=paths > 1 << depth)
    sib = np.stack([levels[j][(idx >> j) ^ 1] for j in range(depth)], axis=1)
    return levels[0][idx], idx, sib, levels[-1][0]


def hemera_merkle(depth: int = 4, paths: int = 4, ppr: int = 4) -> Example:
    """Example: ``paths`` authentication paths of a random depth-``depth`` hemera Merkle tree."""
    air = merkle_air(depth, paths, ppr)
    sh = MerkleShape(depth, paths, ppr)

    def generate(field, n: int | None = None, rng: np.random.Generator | None = None):
        require_goldilocks(field)
        if n is not None and n != sh.log_rows:
            raise ValueError(f"hemera-merkle of {paths} depth-{depth} paths uses 2^{sh.log_rows} rows, not 2^{n}")
        leaves, idx, sib, root = random_tree_paths(rng, depth, paths)
        trace, _ = merkle_trace(leaves, idx, sib, ppr)
        return trace, {f"root{i}": int(v) for i, v in enumerate(root)}

    return Example(air, generate)
