"""NumPy reference of the field-native Merkle commitment (PROTOCOL.md, "Hemera
field-native hashing and Merkle commitments").

A committed matrix has ``width`` columns of ``rows`` entries, stored
column-major exactly as on the GPU: entry (row r, column c) is the ``d``
consecutive base elements at flat index ``(c * rows + r) * d`` (d = 1 for base
columns, the extension degree for extension columns).  BabyBear elements are
embedded in Goldilocks by value (``fe_to_gl``), so one hash serves both fields.

* leaf i = rows [i 2^k, (i+1) 2^k) x all columns, flattened row-major within
  the leaf (for row: for column: for coefficient), m = 2^k * width * d
  elements, digest = hemera ``hash_elements`` (domain 0x10);
* node = hemera ``hash_node(left, right)`` (flags lane = PARENT);
* the number of leaves rows / 2^k must be a power of two; levels[0] are the
  leaf digests, levels[h] = [root]; the GPU keeps the same levels back to back
  in one buffer (digest index of level l = 2L - 2L / 2^l).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wgprover.field import Field
from wgprover.hemera import reference as hemera


@dataclass
class Tree:
    levels: list[np.ndarray]  # levels[l]: (L >> l, 4) uint64 digests

    @property
    def root(self) -> np.ndarray:
        return self.levels[-1][0]

    @property
    def n_leaves(self) -> int:
        return self.levels[0].shape[0]

    @property
    def height(self) -> int:
        return len(self.levels) - 1

    def flat(self) -> np.ndarray:
        """All levels back to back, (2L - 1, 4): the GPU tree buffer."""
        return np.concatenate(self.levels)


def check_shape(rows: int, width: int, log_leaf_rows: int, elems_per_entry: int) -> int:
    """Validate the matrix geometry; returns the number of leaves."""
    if width < 1 or elems_per_entry < 1 or log_leaf_rows < 0:
        raise ValueError(f"bad Merkle matrix shape: width={width}, d={elems_per_entry}, k={log_leaf_rows}")
    leaf_rows = 1 << log_leaf_rows
    if rows < leaf_rows or rows % leaf_rows:
        raise ValueError(f"Merkle rows={rows} is not a multiple of the leaf height 2^{log_leaf_rows}")
    n = rows // leaf_rows
    if n & (n - 1):
        raise ValueError(f"Merkle tree needs a power-of-two number of leaves, got rows/2^k = {n}")
    return n


def _as_matrix(field: Field, values, rows: int, width: int, d: int) -> np.ndarray:
    v = field.base.check(np.asarray(values), "Merkle matrix").reshape(-1)
    if v.size != rows * width * d:
        raise ValueError(f"Merkle matrix has {v.size} elements, expected rows*width*d = {rows * width * d}")
    return v.reshape(width, rows, d)


def leaf_values(field: Field, values, rows: int, width: int, log_leaf_rows: int = 0,
                elems_per_entry: int = 1, indices=None) -> np.ndarray:
    """Leaf contents (L or len(indices), m) in native dtype, row-major within a leaf."""
    n = check_shape(rows, width, log_leaf_rows, elems_per_entry)
    mat = _as_matrix(field, values, rows, width, elems_per_entry)  # (w, rows, d)
    k = 1 << log_leaf_rows
    by_leaf = mat.reshape(width, n, k, elems_per_entry).transpose(1, 2, 0, 3)  # (L, k, w, d)
    if indices is not None:
        by_leaf = by_leaf[np.asarray(indices, dtype=np.int64) % n]
    return np.ascontiguousarray(by_leaf).reshape(by_leaf.shape[0], -1)


def leaf_digests(leaves: np.ndarray) -> np.ndarray:
    """hash_elements of leaf contents (any canonical field dtype) -> (L, 4)."""
    return hemera.hash_elements(np.asarray(leaves).astype(np.uint64))


def commit(field: Field, values, rows: int, width: int, log_leaf_rows: int = 0,
           elems_per_entry: int = 1) -> Tree:
    """Merkle tree of a column-major matrix (see module docstring)."""
    levels = [leaf_digests(leaf_values(field, values, rows, width, log_leaf_rows, elems_per_entry))]
    while levels[-1].shape[0] > 1:
        cur = levels[-1]
        levels.append(hemera.hash_node(cur[0::2], cur[1::2]))
    return Tree(levels)


def open_paths(tree: Tree, indices) -> np.ndarray:
    """Sibling paths (count, h, 4), bottom-up; indices are taken modulo the leaf count."""
    idx = np.asarray(indices, dtype=np.int64) % tree.n_leaves
    out = np.zeros((idx.size, tree.height, 4), dtype=np.uint64)
    for lvl in range(tree.height):
        out[:, lvl] = tree.levels[lvl][(idx >> lvl) ^ 1]
    return out


def verify_paths(root, leaf_indices, leaf_digests, paths) -> np.ndarray:
    """Batched verifier: (count,) bools, one per (leaf index, leaf digest, path).

    paths has shape (count, h, 4), bottom-up; h fixes the tree height, and a
    leaf index must be < 2^h.  The root is recomputed with hash_node (left =
    the node whose index bit is 0) and compared with ``root``.
    """
    paths = np.asarray(paths, dtype=np.uint64)
    count, h = paths.shape[0], paths.shape[1]
    idx = np.asarray(leaf_indices, dtype=np.int64).reshape(count)
    cur = np.asarray(leaf_digests, dtype=np.uint64).reshape(count, 4)
    for lvl in range(h):
        cur = hemera.permute(_node_input(cur, paths[:, lvl], idx, lvl))[:, :4]
    return _root_matches(root, idx, h, cur)


def verify_path(root, leaf_index: int, leaf_digest, path) -> bool:
    """Recompute the root from a leaf digest and its bottom-up sibling path (h, 4)."""
    path = np.asarray(path, dtype=np.uint64).reshape(1, -1, 4)
    return bool(verify_paths(root, [leaf_index], leaf_digest, path)[0])


def _node_input(cur: np.ndarray, sib: np.ndarray, idx: np.ndarray, lvl: int) -> np.ndarray:
    """hash_node states of one path level: cur is the right child where bit lvl of idx is 1."""
    right = ((idx >> lvl) & 1).astype(bool)[:, None]
    return hemera.node_states(np.where(right, sib, cur), np.where(right, cur, sib))


def _root_matches(root, idx: np.ndarray, h: int, cur: np.ndarray) -> np.ndarray:
    ok = (idx >= 0) & (idx < (1 << h))
    return ok & np.all(cur == np.asarray(root, dtype=np.uint64).reshape(1, 4), axis=1)


@dataclass
class Opening:
    """The openings of one committed matrix: leaf indices (count,), leaf values
    (count, m) as Goldilocks elements (H.6 leaf order), bottom-up sibling paths
    (count, h, 4), and the root they must reach."""

    root: np.ndarray
    indices: np.ndarray
    values: np.ndarray
    paths: np.ndarray


class _Chain:
    """The hash chains of one Opening: ceil(m / 8) leaf-sponge steps, then h node steps."""

    def __init__(self, o: Opening) -> None:
        self.o = o
        self.idx = np.asarray(o.indices, dtype=np.int64).reshape(-1)
        self.count = self.idx.size
        self.m = o.values.shape[1]
        self.blocks = hemera.element_blocks(np.asarray(o.values, dtype=np.uint64))
        self.paths = np.asarray(o.paths, dtype=np.uint64).reshape(self.count, -1, 4)
        self.nb = self.blocks.shape[1]
        self.steps = self.nb + self.paths.shape[1]
        self.state = hemera.element_sponge_start(self.count)

    def step_input(self, t: int) -> np.ndarray:
        if t < self.nb:
            return hemera.element_sponge_input(self.state, self.blocks, t, self.m)
        lvl = t - self.nb
        return _node_input(self.state[:, :4], self.paths[:, lvl], self.idx, lvl)

    def accepted(self) -> np.ndarray:
        return _root_matches(self.o.root, self.idx, self.paths.shape[1], self.state[:, :4])


def permute_distinct(permute, states: np.ndarray) -> np.ndarray:
    """``permute`` of states (B, 16), each distinct row permuted once: the paths
    of a tree's queries meet towards its root (42 queries of a 2^17-leaf tree
    share most of their top 5 levels; a 16 x 2^20 proof's sweep has 2,931
    distinct states of 3,864), and one sort of the rows costs less than the
    permutations it saves."""
    rows = np.ascontiguousarray(states, dtype=np.uint64)
    keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).reshape(-1)
    _, first, back = np.unique(keys, return_index=True, return_inverse=True)
    if first.size == rows.shape[0]:
        return permute(rows)
    return permute(rows[first])[back.reshape(-1)]


def verify_openings(openings: list[Opening], permute=hemera.permute) -> list[np.ndarray]:
    """Batched check of the leaves and paths of several trees: (count,) bools per Opening.

    Every leaf sponge and every path of every tree advance together, one
    batched hemera permutation per step, max(ceil(m / 8) + h) steps in all:
    small NumPy batches cost per call, not per permutation (PROTOCOL.md H.7).
    Same result as hash_elements then verify_paths, tree by tree; ``permute``
    may be the compiled twin (hemera.compiled.permute_fn()), same outputs."""
    chains = [_Chain(o) for o in openings]
    for t in range(max((c.steps for c in chains), default=0)):
        live = [c for c in chains if t < c.steps]
        out = permute_distinct(permute, np.concatenate([c.step_input(t) for c in live]))
        for c, s in zip(live, np.split(out, np.cumsum([c.count for c in live])[:-1])):
            c.state = s
    return [c.accepted() for c in chains]
