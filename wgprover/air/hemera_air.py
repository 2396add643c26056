"""hemera AIRs: the permutation, the field-native sponge and Merkle paths (docs/AIR.md §9).

The AIRs are built programmatically from :mod:`wgprover.hemera.params` (the
round constants, both matrices and the round counts are read from there,
never retyped) in the ordinary AIR language: trace columns, periodic columns
and ``transition`` / ``first`` constraints.

Layout (docs/AIR.md §9.1): one permutation per *block* of ``rows`` rows
(``rows`` = 16 with the default 4 partial rounds per row).  Row 0 holds the
input state, each following row the state after one step: the initial
external matrix, a full round, or ``ppr`` partial rounds; the remaining rows
copy the output, so the block's last row holds it.  16 state columns
``s0..s15`` and ``ppr`` auxiliary columns ``y1..`` (the inverses of the
partial rounds' S-box inputs: x*y*x = x and x*y*y = y force y = x^(p-2),
0 -> 0).  Periodic columns of period ``rows`` hold the round constants and
the step selectors.

Trace generators are vectorised over the permutations (NumPy; loops only over
rounds), using the hemera reference's own round functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..field import goldilocks as gl
from ..hemera import params as hp
from ..hemera import reference as href
from .examples import Example
from .language import Air

P = hp.P
W = hp.WIDTH
_U64 = np.uint64


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Row schedule of one permutation block."""

    ppr: int  # partial rounds per row

    @property
    def groups(self) -> int:
        return hp.ROUNDS_P // self.ppr

    @property
    def steps(self) -> tuple[str, ...]:
        """Kind of the transition leaving each row: mix, full, part, copy (last row: none)."""
        h = hp.ROUNDS_F_HALF
        core = ("mix",) + ("full",) * h + ("part",) * self.groups + ("full",) * h
        return core + ("copy",) * (self.rows - 1 - len(core))

    @property
    def out_row(self) -> int:
        """First row holding the output (the rows after it copy it)."""
        return 1 + hp.ROUNDS_F + self.groups

    @property
    def rows(self) -> int:
        """Rows per permutation: a power of two with at least one copy row after the output."""
        return 1 << (self.out_row + 1).bit_length()

    @property
    def width(self) -> int:
        return W + self.ppr


def _check_ppr(ppr: int) -> None:
    if ppr < 1 or hp.ROUNDS_P % ppr:
        raise ValueError(f"partial rounds per row must divide {hp.ROUNDS_P}, got {ppr}")


# --------------------------------------------------------------------------- expression text


def _coef_text(c: int, term: str) -> str:
    """`c * term` as a signed summand (small negative constants print as subtraction)."""
    c %= P
    if c == 0:
        return ""
    neg = c > P // 2
    m = P - c if neg else c
    body = term if m == 1 else f"{m} * {term}"
    return f"- {body}" if neg else f"+ {body}"


def _lin_text(coefs, terms) -> str:
    """Sum of c_j * term_j (at least "0")."""
    parts = [t for t in (_coef_text(int(c), x) for c, x in zip(coefs, terms)) if t]
    text = " ".join(parts).lstrip("+ ") if parts else "0"
    return f"-{text[2:]}" if text.startswith("- ") else text


def _external_text(v: list[str]) -> list[str]:
    """M_E = circ(2*M4, M4, M4, M4) applied to terms v, as 16 texts sharing subterms.

    y = M4 on each 4-lane chunk, out[4c + r] = y[c][r] + sum_k y[k][r]: the same
    (parenthesised) texts recur across lanes, so the evaluator and the code
    generator compute each once (docs/AIR.md §8: common subexpressions).
    """
    m4 = [[int(x) for x in row] for row in hp.M4]
    y = [[f"({_lin_text(m4[r], v[4 * c: 4 * c + 4])})" for r in range(4)] for c in range(4)]
    col = [f"({' + '.join(y[c][r] for c in range(4))})" for r in range(4)]
    return [f"{y[i // 4][i % 4]} + {col[i % 4]}" for i in range(W)]


def _partial_totals(ppr: int) -> list[list[int]]:
    """Linear forms over (s0..s15, y1..y_ppr) of the lane sums T_1..T_ppr of ppr partial rounds.

    Partial round k: lane 0 := y_k, T_k = sum of the lanes, lane i := d_i*lane_i + T_k.
    """
    nv = W + ppr
    lanes = [[int(i == j) for j in range(nv)] for i in range(W)]
    diag = [int(d) for d in hp.MATRIX_DIAG_16]
    totals = []
    for k in range(ppr):
        lanes[0] = [int(j == W + k) for j in range(nv)]
        total = [sum(col) % P for col in zip(*lanes)]
        totals.append(total)
        lanes = [[(d * a + t) % P for a, t in zip(lane, total)] for d, lane in zip(diag, lanes)]
    return totals


def _partial_text(lay: "Layout") -> tuple[list[str], list[str]]:
    """(S-box inputs x_k without their constant, output lanes) of one partial-round row.

    With T_m the lane sums (shared texts): x_1 = s0, x_k = d_0*y_(k-1) + T_(k-1);
    output lane 0 = d_0*y_ppr + T_ppr, lane i >= 1 = d_i^ppr*s_i + sum_m d_i^(ppr-m)*T_m.
    """
    s, y = _names(lay)
    ppr = lay.ppr
    diag = [int(d) for d in hp.MATRIX_DIAG_16]
    tt = [f"({_lin_text(t, s + y)})" for t in _partial_totals(ppr)]
    xs = ["s0"] + [_lin_text([diag[0], 1], [y[k - 1], tt[k - 1]]) for k in range(1, ppr)]
    outs = [_lin_text([diag[0], 1], [y[-1], tt[-1]])]
    for i in range(1, W):
        coefs = [pow(diag[i], ppr, P)] + [pow(diag[i], ppr - m - 1, P) for m in range(ppr)]
        outs.append(_lin_text(coefs, [s[i]] + tt))
    return xs, outs


def _names(lay: Layout) -> tuple[list[str], list[str]]:
    s = [f"s{i}" for i in range(W)]
    y = [f"y{k + 1}" for k in range(lay.ppr)]
    return s, y


def _periodic(lay: Layout) -> dict[str, list[int]]:
    """Round constants and step selectors, period ``lay.rows``."""
    steps = lay.steps + ("none",)
    rcf, rcp = hp.rc_full(), hp.rc_partial()
    per: dict[str, list[int]] = {}
    for kind in ("mix", "full", "part", "copy"):
        per[f"sel_{kind}"] = [int(k == kind) for k in steps]
    full_rows = [r for r, k in enumerate(steps) if k == "full"]
    part_rows = [r for r, k in enumerate(steps) if k == "part"]
    for i in range(W):
        col = [0] * lay.rows
        for rnd, r in enumerate(full_rows):
            col[r] = int(rcf[rnd, i])
        per[f"c{i}"] = col
    for k in range(lay.ppr):
        col = [0] * lay.rows
        for g, r in enumerate(part_rows):
            col[r] = int(rcp[g * lay.ppr + k])
        per[f"cp{k + 1}"] = col
    return per


def _round_constraints(lay: Layout) -> list[dict]:
    """Per lane: the step's image of the current row equals the next row; the inverse pairs."""
    s, y = _names(lay)
    mix = _external_text(s)
    full = _external_text([f"(s{j} + c{j})^{hp.SBOX_DEGREE}" for j in range(W)])
    ins, outs = _partial_text(lay)
    cons = []
    for i in range(W):
        nx = f"next.s{i}"
        text = (
            f"sel_mix * ({nx} - ({mix[i]})) + sel_full * ({nx} - ({full[i]}))"
            f" + sel_part * ({nx} - ({outs[i]})) + sel_copy * ({nx} - s{i})"
        )
        cons.append({"transition": text, "name": f"round_lane{i}"})
    for k in range(lay.ppr):
        x = f"({ins[k]} + cp{k + 1})"
        cons.append({"transition": f"sel_part * ({x} * y{k + 1} * {x} - {x})", "name": f"inverse{k + 1}_a"})
        cons.append({"transition": f"sel_part * ({x} * y{k + 1} * y{k + 1} - y{k + 1})", "name": f"inverse{k + 1}_b"})
    return cons


def _air(name: str, lay: Layout, extra_periodic=None, extra_cons=(), public=(), extra_cols=()) -> Air:
    s, y = _names(lay)
    per = _periodic(lay)
    per.update(extra_periodic or {})
    return Air.from_dict({
        "name": name, "columns": s + y + list(extra_cols), "public": list(public), "periodic": per,
        "constraints": _round_constraints(lay) + list(extra_cons),
    })


@lru_cache(maxsize=8)
def permutation_air(ppr: int = 4) -> Air:
    """K hemera permutations, one per block: each block's last row is the permutation of its row 0."""
    _check_ppr(ppr)
    return _air(f"hemera-permutation-ppr{ppr}", Layout(ppr))


# --------------------------------------------------------------------------- trace generation


def permutation_blocks(inputs: np.ndarray, ppr: int = 4) -> np.ndarray:
    """Trace of the permutations of ``inputs`` (K, 16): shape (16 + ppr, K * rows), Goldilocks.

    Also the hemera permutation itself (the block's last row is the output),
    computed with the reference's round functions, vectorised over K.
    """
    _check_ppr(ppr)
    lay = Layout(ppr)
    s = gl.check(np.asarray(inputs, dtype=_U64), "hemera input").reshape(-1, W)
    K = s.shape[0]
    t = np.zeros((lay.width, K, lay.rows), dtype=_U64)
    rcf, rcp = hp.rc_full(), hp.rc_partial()
    t[:W, :, 0] = s.T
    s = href.external_linear(s)
    row, full, part = 1, 0, 0
    for kind in lay.steps[1:]:
        t[:W, :, row] = s.T
        if kind == "full":
            s = href.external_linear(href.pow7(gl.add(s, rcf[full])))
            full += 1
        elif kind == "part":
            for k in range(ppr):
                yk = href.inverse(gl.add(s[:, 0], rcp[part]))
                t[W + k, :, row] = yk
                s = s.copy()
                s[:, 0] = yk
                s = href.internal_linear(s)
                part += 1
        row += 1
    t[:W, :, row:] = s.T[:, :, None]
    return t.reshape(lay.width, K * lay.rows)


def outputs(trace: np.ndarray, ppr: int = 4) -> np.ndarray:
    """The permutation outputs (K, 16) held by a trace's blocks (their last rows)."""
    rows = Layout(ppr).rows
    return np.ascontiguousarray(np.asarray(trace)[:W, rows - 1 :: rows].T)


def _goldilocks(field) -> None:
    if field.name != "goldilocks":
        raise ValueError(f"hemera AIRs are over Goldilocks (hemera's field), not {field.name}")


def count_for_rows(n: int, ppr: int = 4) -> int:
    """K permutations in a 2^n-row trace (the `--log-rows` mapping: K = 2^n / rows)."""
    rows = Layout(ppr).rows
    if (1 << n) < rows:
        raise ValueError(f"a hemera trace needs at least {rows} rows (2^{rows.bit_length() - 1}), got 2^{n}")
    return (1 << n) // rows


def log_rows_for_count(count: int, ppr: int = 4) -> int:
    """n such that 2^n rows hold ``count`` permutations (count: a power of two >= 1)."""
    if count < 1 or count & (count - 1):
        raise ValueError(f"the permutation count must be a power of two >= 1, got {count}")
    return (count * Layout(ppr).rows).bit_length() - 1


def hemera_permutation(ppr: int = 4) -> Example:
    """Example: 2^n / rows random (or sequential) hemera permutations; no public inputs."""
    air = permutation_air(ppr)

    def generate(field, n: int, rng: np.random.Generator | None = None):
        _goldilocks(field)
        K = count_for_rows(n, ppr)
        if rng is None:
            inputs = np.arange(K * W, dtype=_U64).reshape(K, W)
        else:
            inputs = gl.random(rng, (K, W))
        return permutation_blocks(inputs, ppr), {}

    return Example(air, generate)


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


def _sponge_constraints(sh: SpongeShape) -> tuple[dict, list[dict]]:
    """Periodic selectors (period = the whole trace) and the chaining/boundary constraints."""
    lay, B = Layout(sh.ppr), sh.blocks
    period = sh.trace_blocks * lay.rows
    ends = [b * lay.rows + lay.rows - 1 for b in range(B - 1)]  # last row of blocks 0..B-2
    per = {"chain": _one_hot(period, ends), "chain_mid": _one_hot(period, ends[:-1]),
           "chain_end": _one_hot(period, ends[-1:]), "fin": _one_hot(period, [(B - 1) * lay.rows + lay.out_row])}
    keep = [i for i in range(hp.RATE, W) if i != hp.LANE_LENGTH]
    cons = [{"transition": f"chain * (next.s{i} - s{i})", "name": f"chain_capacity{i}"} for i in keep]
    L = hp.LANE_LENGTH
    cons.append({"transition": f"chain_mid * (next.s{L} - s{L})", "name": "chain_length_lane"})
    cons.append({"transition": f"chain_end * (next.s{L} - pub.length)", "name": "length"})
    zero_lanes = range(sh.tail, hp.RATE)
    if B > 1:
        cons += [{"transition": f"chain_end * (next.s{i} - s{i})", "name": f"zero_pad{i}"} for i in zero_lanes]
    cons += [{"transition": f"fin * (s{i} - pub.d{i})", "name": f"digest{i}"} for i in range(hp.OUTPUT_ELEMENTS)]
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
    _check_ppr(ppr)
    if length < 0:
        raise ValueError(f"the message length must be >= 0, got {length}")
    sh = SpongeShape(length, ppr, byte_mode)
    per, cons = _sponge_constraints(sh)
    pub = ["length"] + [f"d{i}" for i in range(hp.OUTPUT_ELEMENTS)]
    kind = "bytes" if byte_mode else "elements"
    return _air(f"hemera-sponge-{kind}{length}-ppr{ppr}", Layout(ppr), per, cons, pub)


def _sponge_chain(sh: SpongeShape, blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(permutation inputs (trace_blocks, 16), digest (4,)) of absorbing blocks (B, 8).

    The chain is sequential (one reference permutation per block); blocks past
    the message permute the zero state.
    """
    ins = np.zeros((sh.trace_blocks, W), dtype=_U64)
    s = np.zeros(W, dtype=_U64)
    s[hp.LANE_DOMAIN] = sh.domain
    for b in range(sh.blocks):
        s[: hp.RATE] = gl.add(s[: hp.RATE], blocks[b])
        if b == sh.blocks - 1:
            s[hp.LANE_LENGTH] = sh.length
        ins[b] = s
        s = href.permute(s[None])[0]
    return ins, s[: hp.OUTPUT_ELEMENTS].copy()


def sponge_inputs(message: np.ndarray, ppr: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(permutation inputs, digest) of hash_elements(message), message: Goldilocks elements."""
    m = gl.check(np.asarray(message, dtype=_U64).reshape(-1), "message")
    sh = SpongeShape(m.size, ppr)
    blocks = np.zeros((sh.blocks, hp.RATE), dtype=_U64)
    blocks.reshape(-1)[: m.size] = m
    return _sponge_chain(sh, blocks)


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
        _goldilocks(field)
        if n is not None and n != sh.log_rows:
            raise ValueError(f"hemera-sponge of {length} elements uses 2^{sh.log_rows} rows, not 2^{n}")
        msg = np.arange(1, length + 1, dtype=_U64) if rng is None else gl.random(rng, (length,))
        ins, digest = sponge_inputs(msg, ppr)
        return permutation_blocks(ins, ppr), sponge_public(length, digest)

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
    _check_ppr(ppr)
    if depth < 1 or paths < 1 or paths & (paths - 1):
        raise ValueError(f"Merkle paths need depth >= 1 and a power-of-two count, got depth {depth}, {paths} paths")
    per, cons = _merkle_constraints(MerkleShape(depth, paths, ppr))
    pub = [f"root{i}" for i in range(hp.OUTPUT_ELEMENTS)]
    return _air(f"hemera-merkle-d{depth}-x{paths}-ppr{ppr}", Layout(ppr), per, cons, pub, ["bit"])


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
        _goldilocks(field)
        if n is not None and n != sh.log_rows:
            raise ValueError(f"hemera-merkle of {paths} depth-{depth} paths uses 2^{sh.log_rows} rows, not 2^{n}")
        leaves, idx, sib, root = random_tree_paths(rng, depth, paths)
        trace, _ = merkle_trace(leaves, idx, sib, ppr)
        return trace, {f"root{i}": int(v) for i, v in enumerate(root)}

    return Example(air, generate)
