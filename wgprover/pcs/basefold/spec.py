"""Basefold's segment of the proof description (docs/PROTOCOL.md §5-7).

After the zerocheck claims and the draws of beta and gamma: n rounds of the
degree-2 batch sumcheck, each followed by its challenge; after the round that
completes a folding layer, that layer's commitment (or, after the last, the
final polynomial); then the proof-of-work nonce and, per layer, the opened
leaves and their Merkle paths. ``protocol.describe`` calls ``describe`` here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...protocol import DIGEST, EXT, LEAVES, NONCE, PATHS
from .config import Schedule, schedule


@dataclass(frozen=True)
class LayerEnd:
    """After a batch round, layer ``layer`` has been folded ``steps`` times into the
    next layer, committed as ``item`` (a root, or the final polynomial if ``final``)."""

    layer: int
    steps: int
    item: object  # protocol.Item
    final: bool


@dataclass(frozen=True)
class LayerQuery:
    """The openings of layer ``layer``: leaf index = query index >> ``shift``."""

    layer: int
    shift: int
    leaves: object  # protocol.Item
    paths: object  # protocol.Item
    leaf_elems: int  # base elements per leaf
    path_len: int  # digests per path


@dataclass(frozen=True)
class Opening:
    sched: Schedule
    rounds: tuple  # protocol.Round, one per variable
    ends: tuple  # LayerEnd or None, aligned with rounds
    final: object  # protocol.Item
    nonce: object  # protocol.Item
    queries: tuple[LayerQuery, ...]  # one block of query indices per entry (TranscriptMemory)


def layer_ends(sched: Schedule) -> dict[int, int]:
    """Batch round index -> layer completed after it (the schedule walk, written once)."""
    return {sched.boundary(j) - 1: j for j in range(sched.layers)}


def _end(b, sched: Schedule, j: int) -> LayerEnd:
    if j + 1 < sched.layers:
        return LayerEnd(j, sched.steps[j], b.item(f"root{j + 1}", DIGEST, 1), False)
    return LayerEnd(j, sched.steps[j], b.item("final", EXT, 1 << sched.final_vars), True)


def leaf_elems(st, sched: Schedule, i: int) -> int:
    """Base-field elements in one leaf of layer i (all columns at layer 0)."""
    per = st.width if i == 0 else st.field.ext_degree
    return (1 << sched.steps[i]) * per


def describe(b, st) -> Opening:
    """Append Basefold's items and draws to the description builder ``b``."""
    sched = schedule(st.n, st.params)
    ends_at = layer_ends(sched)
    rounds, ends = [], []
    for i in range(st.n):
        rounds.append(b.round(i, "bs", 2, "c"))
        j = ends_at.get(i)
        ends.append(None if j is None else _end(b, sched, j))
    final = next(e.item for e in ends if e is not None and e.final)
    nonce = b.item("nonce", NONCE, 1)
    q, queries, shift = st.params.queries, [], 0
    for i in range(sched.layers):
        shift += sched.steps[i] if i else 0
        per, h = leaf_elems(st, sched, i), sched.log_leaves(i)
        queries.append(LayerQuery(i, shift, b.item(f"leaves{i}", LEAVES, q * per),
                                  b.item(f"paths{i}", PATHS, q * h), per, h))
    return Opening(sched, tuple(rounds), tuple(ends), final, nonce, tuple(queries))
