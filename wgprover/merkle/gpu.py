"""Field-native Merkle commitments on the GPU (shaders/merkle.wgsl + hemera_tree.wgsl).

NumPy twins: ``wgprover/merkle/reference.py`` (same names).  ``commit``,
``open_paths`` and ``open_leaves`` only record into a Recorder; the tree stays
on the GPU (one buffer, all levels) and nothing is read back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wgprover.field import Field
from wgprover.gpu import table_access
from wgprover.gpu.device_table import DeviceTable
from wgprover.gpu.recorder import u32s
from wgprover.gpu.table_wgsl import Bindings, TableShape
from wgprover.hemera import gpu as hemera_gpu
from wgprover.hemera import lockstep

from .reference import check_shape

WG = 64
DIGEST_BYTES = 32


@dataclass
class MerkleTree:
    """Handle of a committed matrix: the tree buffer and the geometry."""

    buffer: object  # digests (4 Goldilocks, 32 bytes) of all levels back to back
    field: Field
    mat: DeviceTable  # the committed matrix, possibly in several segments (ARCHITECTURE §9)
    mat_offset: int  # bytes (a one-segment matrix only)
    rows: int
    width: int
    elems_per_entry: int
    log_leaf_rows: int
    n_leaves: int

    @property
    def height(self) -> int:
        return self.n_leaves.bit_length() - 1

    @property
    def level_offsets(self) -> list[int]:
        """Digest index of the first node of each level (leaves first, root last)."""
        two_l = 2 * self.n_leaves
        return [two_l - (two_l >> lvl) for lvl in range(self.height + 1)]

    @property
    def root_offset(self) -> int:
        """Byte offset of the root digest in ``buffer``."""
        return self.level_offsets[-1] * DIGEST_BYTES

    @property
    def leaf_size(self) -> int:
        """Elements per leaf, m = 2^k * width * d."""
        return (self.width * self.elems_per_entry) << self.log_leaf_rows

    @property
    def nbytes(self) -> int:
        return (2 * self.n_leaves - 1) * DIGEST_BYTES


def tree_bytes(rows: int, log_leaf_rows: int = 0) -> int:
    """Size of the tree buffer for a matrix of ``rows`` rows."""
    return (2 * (rows >> log_leaf_rows) - 1) * DIGEST_BYTES


MK_OTHER = ("var<storage, read_write> mk_tree: array<Gl>", "var<storage, read> mk_idx: array<u32>",
            "var<storage, read_write> mk_out_gl: array<Gl>", "var<storage, read_write> mk_out_fe: array<Fe>",
            "var<uniform> mk_params: MerkleParams")  # shaders/merkle.wgsl's bindings after mk_mat's


def _kernel(ctx, field: Field, entry: str, shape: TableShape | None = None, what: str = "Merkle matrix",
            lanes: int = 1):
    """A merkle.wgsl kernel reading a matrix cut as ``shape`` (in Fe units:
    table_access.fe_shape; None: one segment) through the generated mk_mat
    accessor (gpu/table_wgsl.py).  ``lanes``: leaves hashed per thread by
    merkle_leaves (hemera/lockstep.py); the other kernels hash nothing and
    keep K = 1."""
    hemera_gpu.tables(ctx)
    b = Bindings().table("mk_mat", "Fe", shape or TableShape.whole(1))
    for text in MK_OTHER:
        b.var(text)
    table_access.check_binding_count(ctx, b, 1, what)  # + HEMERA_RC in group 1
    generated = b.source() + "\n" + lockstep.source(lanes)
    return ctx.kernel(field, hemera_gpu.PERM_FILES + ["merkle"], entry, {"WG": WG}, generated=generated)


def _mat_kernel(ctx, field: Field, entry: str, mat: DeviceTable, lanes: int = 1):
    return _kernel(ctx, field, entry, table_access.fe_shape(mat, np.dtype(field.dtype).itemsize),
                   f"Merkle matrix {mat.label!r}", lanes)


def _params(tree: MerkleTree, idx_off: int = 0, count: int = 0, out_off: int = 0,
            blk_lo: int = 0, blk_hi: int = 0) -> np.ndarray:
    esize = np.dtype(tree.field.dtype).itemsize
    return u32s(tree.mat_offset // esize, tree.rows, tree.width, tree.elems_per_entry, tree.log_leaf_rows,
                tree.n_leaves, tree.height, idx_off, count, out_off, blk_lo, blk_hi)


def _aligned(offset: int, unit: int, what: str) -> int:
    if offset % unit:
        raise ValueError(f"{what} offset {offset} is not a multiple of {unit} bytes")
    return offset // unit


def _as_table(ctx, mat, rows: int, width: int, elem_bytes: int, mat_offset: int) -> DeviceTable:
    """``mat`` as a device table: a DeviceTable as it is, a plain buffer as one
    segment (then the matrix may start at ``mat_offset`` bytes)."""
    if isinstance(mat, DeviceTable):
        if (mat.cols, mat.rows, mat.elem_bytes) != (width, rows, elem_bytes) or mat_offset:
            raise ValueError(f"table {mat.label!r} is {mat.cols}x{mat.rows} of {mat.elem_bytes}-byte entries, "
                             f"not the {width}x{rows} matrix of {elem_bytes}-byte entries committed (offset {mat_offset})")
        return mat
    need = mat_offset + rows * width * elem_bytes
    if need > mat.size:
        raise ValueError(f"matrix buffer holds {mat.size} bytes, the {rows}x{width} matrix needs {need}")
    if mat.size > ctx.max_binding():
        raise ValueError(f"matrix buffer of {mat.size} bytes exceeds the storage binding limit "
                         f"{ctx.max_binding()} ({ctx.profile} profile); pass a DeviceTable")
    return table_access.as_table(mat, width, rows, elem_bytes, label="merkle-matrix")


def commit(rec, field: Field, mat_buf, rows: int, width: int, *, log_leaf_rows: int = 0,
           elems_per_entry: int = 1, mat_offset: int = 0, tree_buf=None, lanes: int | None = None) -> MerkleTree:
    """Record the Merkle commitment of a column-major matrix: ``mat_buf`` is a
    buffer or a DeviceTable whose segments the leaf kernel reads in place.

    Leaves of 2^log_leaf_rows rows x width columns x elems_per_entry
    coefficients are hashed with hemera hash_elements, then every level is
    compressed with hash_node, all into one tree buffer (allocated unless
    ``tree_buf`` is given).  The root digest ends at ``tree.root_offset``.
    ``lanes``: sponges / nodes per thread (hemera/gpu.py lanes_or_default); by
    default the leaves take the path's K and the tree levels K = 1.
    """
    ctx = rec.ctx
    n = check_shape(rows, width, log_leaf_rows, elems_per_entry)
    esize = np.dtype(field.dtype).itemsize
    _aligned(mat_offset, esize, "matrix")
    mat = _as_table(ctx, mat_buf, rows, width, elems_per_entry * esize, mat_offset)
    tree = MerkleTree(tree_buf, field, mat, mat_offset, rows, width, elems_per_entry, log_leaf_rows, n)
    if tree_buf is None:
        tree.buffer = ctx.buffer(tree.nbytes, label="merkle-tree")
    elif tree_buf.size < tree.nbytes:
        raise ValueError(f"tree buffer holds {tree_buf.size} bytes, needs {tree.nbytes}")
    leaf_lanes = hemera_gpu.lanes_or_default(lanes, ctx)
    k = _mat_kernel(ctx, field, "merkle_leaves", mat, leaf_lanes)
    nblocks = max(1, -(-tree.leaf_size // 8))
    step = hemera_gpu.MAX_PERMS_PER_INVOCATION
    # very wide leaves: several dispatches, the sponge states wait in a scratch buffer
    states = ctx.placeholder("merkle-gl") if nblocks <= step else ctx.buffer(n * 128, label="merkle-leaf-states")
    for lo in range(0, nblocks, step):
        rec.dispatch(k, [*mat.bindings(), tree.buffer, ctx.placeholder("merkle-idx"), states, ctx.placeholder("merkle-fe"),
                         _params(tree, blk_lo=lo, blk_hi=min(nblocks, lo + step))], hemera_gpu.lane_groups(n, leaf_lanes))
    offs = tree.level_offsets
    # the levels hold n - 1 nodes in all (a leaf holds up to 32 permutations), and
    # their upper half is one permutation's latency per dispatch, which K > 1
    # lengthens (portable, K = 2: 825 us a level on the H200, docs/BENCHMARKS.md
    # "Per-kernel profile"): levels keep K = 1 unless a K is asked for
    level_lanes = 1 if lanes is None else leaf_lanes
    for lvl in range(tree.height):
        hemera_gpu.record_tree_level(rec, tree.buffer, offs[lvl], n >> lvl, offs[lvl + 1], root=False,
                                     lanes=level_lanes)
    return tree


def kernel_variants(ctx, field: Field, shape: TableShape) -> None:
    """Build the kernels that read a matrix cut as ``shape`` (Fe units), for
    ``wgprove shaders`` (gpu/export.py)."""
    _kernel(ctx, field, "merkle_leaves", shape, lanes=lockstep.lanes(ctx.field_path))
    _kernel(ctx, field, "merkle_open_leaves", shape)


def open_paths(rec, tree: MerkleTree, indices_buf, indices_offset: int, count: int,
               out_buf, out_offset: int) -> None:
    """Record gathering the sibling paths of ``count`` queried leaves.

    Query indices are u32 at byte ``indices_offset`` of indices_buf (taken modulo
    the leaf count).  Output: for each query, ``height`` digests bottom-up
    (32 bytes each, level-0 sibling first), written from byte ``out_offset``.
    """
    idx_off = _aligned(indices_offset, 4, "indices")
    out_off = _aligned(out_offset, 8, "path output")
    k = _kernel(rec.ctx, tree.field, "merkle_open_paths")
    threads = count * tree.height
    rec.dispatch(k, [rec.ctx.placeholder("merkle-mat"), tree.buffer, indices_buf, out_buf, rec.ctx.placeholder("merkle-fe"),
                     _params(tree, idx_off, count, out_off)], (threads + WG - 1) // WG)


def open_leaves(rec, tree: MerkleTree, indices_buf, indices_offset: int, count: int,
                out_buf, out_offset: int) -> None:
    """Record gathering the values of ``count`` queried leaves (m = 2^k * width * d
    elements each, row-major within the leaf, in the field's own element format)
    into out_buf from byte ``out_offset``."""
    esize = np.dtype(tree.field.dtype).itemsize
    idx_off = _aligned(indices_offset, 4, "indices")
    out_off = _aligned(out_offset, esize, "leaf output")
    k = _mat_kernel(rec.ctx, tree.field, "merkle_open_leaves", tree.mat)
    threads = count * tree.leaf_size
    rec.dispatch(k, [*tree.mat.bindings(), rec.ctx.placeholder("merkle-tree"), indices_buf, rec.ctx.placeholder("merkle-gl"),
                     out_buf, _params(tree, idx_off, count, out_off)], (threads + WG - 1) // WG)


def read_root(ctx, tree: MerkleTree) -> np.ndarray:
    """The root digest (4 uint64); one host sync."""
    return ctx.read(tree.buffer, np.uint64, 4, offset=tree.root_offset)


def read_levels(ctx, tree: MerkleTree) -> list[np.ndarray]:
    """All levels (for tests); one host sync."""
    flat = ctx.read(tree.buffer, np.uint64, 4 * (2 * tree.n_leaves - 1)).reshape(-1, 4)
    return [flat[o:o + (tree.n_leaves >> lvl)] for lvl, o in enumerate(tree.level_offsets)]
