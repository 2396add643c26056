"""Basefold on the GPU (docs/PROTOCOL.md §3, §5-6), record-style: the kernels of
shaders/basefold.wgsl and shaders/query_index.wgsl, and the GPU prover's
commit and open steps built from them.

Kernel wrappers ``record_fold_first``, ``record_fold_next``,
``record_final_poly`` and ``record_shift_indices`` have NumPy twins of the same
names without ``record_`` in ``reference.py``. ``record_commit`` and
``record_open`` are the twins of ``prove.prove_commit`` and ``prove.prove_open``;
the verifier's side is ``verify.verify_open``. Nothing here reads back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...gpu import device_table, table_access, table_wgsl
from ...gpu.device_table import DeviceTable
from ...gpu.recorder import u32s
from ...gpu.table_wgsl import Bindings, TableShape, shape_of
from ...gpu.tables import declare
from ...merkle import gpu as merkle_gpu
from ...ntt import gpu as ntt_gpu
from ...ntt import powers
from ...sumcheck.gpu import ProductSumcheckGpu

WG = 64  # @workgroup_size of fold_first / fold_next / shift_indices


@dataclass(frozen=True)
class HSeeds:
    """The seeds of H[t] = 1 / (2 ω_L0^bitrev(t)), t < L0/2, in one buffer: lo
    (2^log_b canonical) then hi (prepared); the fold kernels make each H[t]
    from them (shaders/basefold.wgsl fold_h_at, docs/NTT.md §7), so H itself
    (2 GiB at L0 = 2^29, over one binding) is never stored."""

    buffer: object
    log_b: int
    bits: int  # log2(L0 / 2)


def _build_h(ctx, field, log_len: int) -> HSeeds:
    """The seeds of ``reference.half_inv_twiddles(field, log_len)``: H[t] = 2^-1 (ω_L^-1)^bitrev(t)."""
    half = log_len - 1
    sd = powers.seeds(field, powers.root(field, log_len, inverse=True), half, scale=(field.p + 1) // 2,
                      prepared=False)
    return HSeeds(ctx.upload(np.concatenate([sd.lo, sd.hi]), label="basefold-h"), sd.log_b, half)


def _upload_final_consts(ctx, field, f: int):
    F = field.base
    w_inv = F.inv(np.array([F.root_of_unity(f)], dtype=field.dtype))[0]
    scale = F.inv(np.array([1 << f], dtype=field.dtype))[0]
    return ctx.upload(np.array([w_inv, scale, 0, 0], dtype=field.dtype), label="basefold-final-consts")


H_TABLE = declare("basefold.h", _build_h)  # key (field, log L0): the HSeeds of H[t] = 1 / (2 ω^bitrev(t))
FINAL_CONSTS = declare("basefold.final", _upload_final_consts)  # key (field, f): [ω_f^-1, 2^-f]


def _groups(threads: int) -> int:
    return max(1, -(-threads // WG))


# -- kernel wrappers ------------------------------------------------------------------


FOLD_OTHER = ("var<storage, read> fold_ext: array<Ef>", "var<storage, read> fold_h: array<Fe>",
              "var<storage, read> fold_chal: array<Ef>", "var<storage, read_write> fold_out: array<Fe>",
              "var<uniform> fold_p: FoldParams")  # shaders/basefold.wgsl's bindings after fold_base's


def _kernel(ctx, field, entry: str, base: TableShape | None = None, what: str = "codeword table"):
    """A basefold.wgsl kernel reading a layer-0 table cut as ``base`` (None: one
    segment) through the generated fold_base accessor (gpu/table_wgsl.py)."""
    b = Bindings().table("fold_base", "Fe", base or TableShape.whole(1))
    for text in FOLD_OTHER:
        b.var(text)
    table_access.check_binding_count(ctx, b, 0, what)
    return ctx.kernel(field, ["seed_power", "basefold"], entry, {"WG": WG}, generated=b.source())


def commit_kernel_variants(ctx, field, w: int, n: int) -> None:
    """Build the kernels reading codeword0 as it splits for a w x 2^n trace at
    every blowup (``wgprove shaders`` exports sizes it does not record:
    gpu/export.py), but splits over the binding budget (proofs refuse those)."""
    for log_blowup in range(1, 7):
        shape = table_wgsl.plan(w, 1 << (n + log_blowup), field.base.BYTES, ctx.segment_limit())
        try:
            _kernel(ctx, field, "fold_first", shape)
            merkle_gpu.kernel_variants(ctx, field, shape)
        except MemoryError:
            continue


def _fold_params(size_in: int, width: int, steps: int, first_slot: int, beta_slot: int, h: HSeeds) -> np.ndarray:
    return u32s(size_in, width, steps, first_slot, beta_slot, 0, 0, h.log_b, h.bits, 0, 0, 0)  # FoldParams


def record_fold_first(rec, field, cw0, h: HSeeds, challenges, out, size_in: int, width: int, steps: int,
                      first_slot: int, beta_slot: int) -> None:
    """Combine the ``width`` base columns of ``cw0`` (length ``size_in``; a buffer
    or a DeviceTable) with powers of beta, fold ``steps`` times with challenges
    from ``first_slot`` into ``out`` (Ef)."""
    ctx = rec.ctx
    cw0 = table_access.as_table(cw0, width, size_in, field.base.BYTES, label="codeword0")
    k = _kernel(ctx, field, "fold_first", shape_of(cw0), f"codeword table {cw0.label!r}")
    prm = _fold_params(size_in, width, steps, first_slot, beta_slot, h)
    bind = [*cw0.bindings(), ctx.placeholder("basefold-ext"), h.buffer, challenges, out, prm]
    rec.dispatch(k, bind, _groups(size_in >> steps))


def record_fold_next(rec, field, layer, h: HSeeds, challenges, out, size_in: int, steps: int, first_slot: int) -> None:
    """Fold the extension codeword ``layer`` ``steps`` times into ``out``."""
    k = _kernel(rec.ctx, field, "fold_next")
    prm = _fold_params(size_in, 0, steps, first_slot, 0, h)
    bind = [rec.ctx.placeholder("basefold-base"), layer, h.buffer, challenges, out, prm]
    rec.dispatch(k, bind, _groups(size_in >> steps))


def record_final_poly(rec, field, codeword, challenges, out, out_offset: int, f: int) -> None:
    """Monomial coefficients of the final polynomial (2^f Ef) from the first 2^f
    positions of ``codeword`` into ``out`` at base-element ``out_offset``."""
    k = _kernel(rec.ctx, field, "final_poly")
    consts = FINAL_CONSTS.get(rec.ctx, field, f)
    prm = u32s(0, 0, 0, 0, 0, out_offset, f, 0, 0, 0, 0, 0)  # FoldParams
    rec.dispatch(k, [rec.ctx.placeholder("basefold-base"), codeword, consts, challenges, out, prm], 1)


def record_shift_indices(rec, field, aux, src_word: int, dst_word: int, count: int, shift: int) -> None:
    """aux[dst_word + k] = aux[src_word + k] >> shift for k < count (u32 words;
    ``field`` is unused: indices are field-independent)."""
    k = rec.ctx.kernel(None, ["query_index"], "shift_indices")
    rec.dispatch(k, [aux, u32s(src_word, dst_word, count, shift)], _groups(count))


# -- the protocol steps ---------------------------------------------------------------


@dataclass
class GpuLayer:
    """A committed codeword on the device: layer 0 is w base columns, later ones Ef."""

    buffer: object  # layer 0: the codeword DeviceTable; later layers: one buffer
    tree: merkle_gpu.MerkleTree


def _coefficients(ctx, cw0: DeviceTable, n: int, fe_bytes: int) -> DeviceTable:
    """The coefficient table, cut like codeword0's column groups, so that each
    codeword segment extends the columns of exactly one coefficient segment
    (ntt.gpu._lde_segments; docs/ARCHITECTURE.md §9)."""
    segs = []
    for col, ncols in sorted({(s.col, s.ncols) for s in cw0.segments}):
        part = device_table.allocate(ctx, ncols, 1 << n, fe_bytes, f"coefficients[{col}]")
        if not part.whole:
            raise MemoryError(f"a coefficient column of 2^{n} rows ({fe_bytes << n} bytes) exceeds this device's "
                              f"{ctx.segment_limit()}-byte binding; an NTT across row segments is not supported")
        segs.append(replace(part.segments[0], col=col))
    return DeviceTable(cw0.cols, 1 << n, fe_bytes, tuple(segs), "coefficients")


def record_commit(ch, field, trace, plan) -> GpuLayer:
    """Möbius -> Reed-Solomon encode -> Merkle over folding cosets; sends root0.
    ``trace`` is a DeviceTable (or one buffer); every table here may span
    several bindings (docs/ARCHITECTURE.md §9)."""
    rec, ctx, sc = ch.rec, ch.rec.ctx, plan.sched
    n, w, fe = plan.st.n, plan.st.width, field.base.BYTES
    trace = table_access.as_table(trace, w, 1 << n, fe, label="trace")
    cw0 = device_table.allocate(ctx, w, 1 << sc.log_len(0), fe, "codeword0")
    coeffs = _coefficients(ctx, cw0, n, fe)
    table_access.record_copy(rec, trace, coeffs)
    ntt_gpu.record_mobius(rec, field, coeffs, n, w)
    ntt_gpu.record_lde(rec, field, coeffs, cw0, n, plan.st.params.log_blowup, w)
    tree = merkle_gpu.commit(rec, field, cw0, 1 << sc.log_len(0), w, log_leaf_rows=sc.steps[0])
    ch.send(plan.root0, tree.buffer, tree.root_offset)
    return GpuLayer(cw0, tree)


def _record_layer_end(ch, field, prev: GpuLayer, end, last_slot: int, plan) -> GpuLayer | None:
    """Fold the completed layer into the next one and commit it, or into the final polynomial."""
    rec, ctx, sc, d = ch.rec, ch.rec.ctx, plan.sched, field.ext_degree
    size_in, s = 1 << sc.log_len(end.layer), end.steps
    h = H_TABLE.get(ctx, field, sc.log_len(0))
    out = ctx.buffer((size_in >> s) * d * field.base.BYTES, label=f"codeword{end.layer + 1}")
    if end.layer == 0:
        beta_slot = plan.beta_gamma.slot_of("beta")
        record_fold_first(rec, field, prev.buffer, h, ch.challenges, out, size_in, plan.st.width, s, last_slot + 1 - s,
                          beta_slot)
    else:
        record_fold_next(rec, field, prev.buffer, h, ch.challenges, out, size_in, s, last_slot + 1 - s)
    if end.final:
        record_final_poly(rec, field, out, ch.challenges, *ch.out(end.item), sc.final_vars)
        ch.send(end.item)
        return None
    tree = merkle_gpu.commit(rec, field, out, size_in >> s, 1, log_leaf_rows=sc.steps[end.layer + 1], elems_per_entry=d)
    ch.send(end.item, tree.buffer, tree.root_offset)
    return GpuLayer(out, tree)


def record_queries(ch, field, layers: list[GpuLayer], plan) -> None:
    """Grinding, then per layer the queried leaves and Merkle paths, written into the proof."""
    op, q, mem, rec = plan.opening, plan.st.params.queries, ch.memory, ch.rec
    ch.grind(op.nonce, plan.st.params.pow_bits)
    ch.indices(q, plan.sched.log_leaves(0))
    aux = ch.gt.aux
    for lq, layer in zip(op.queries, layers):
        word = mem.index_word(lq.layer)
        if lq.layer:
            record_shift_indices(rec, field, aux, mem.index_word(0), word, q, lq.shift)
        merkle_gpu.open_leaves(rec, layer.tree, aux, 4 * word, q, ch.proof, lq.leaves.offset)
        merkle_gpu.open_paths(rec, layer.tree, aux, 4 * word, q, ch.proof, lq.paths.offset)


def record_open(ch, field, trace, first: GpuLayer, plan, phase=lambda name: None) -> None:
    """Open the zerocheck claims: the batch sumcheck, folding with the same
    challenges, then (phase "queries") grinding and the query openings.
    ``trace`` is the DeviceTable ``record_commit`` read."""
    rec, chal, n = ch.rec, ch.challenges, plan.st.n
    ps = ProductSumcheckGpu(rec.ctx, field, n, trace, plan.st.width)
    bg = plan.beta_gamma
    ps.record_setup(rec, chal, bg.slot_of("beta"), plan.zerocheck.rho_slot, bg.slot_of("gamma"))
    layers = [first]
    for rnd, end in zip(plan.opening.rounds, plan.opening.ends):
        ps.record_round(rec, rnd.index, chal, *ch.out(rnd.poly))
        ch.send(rnd.poly)
        ch.draw(rnd.challenge)
        ps.record_fold(rec, rnd.index, chal, rnd.challenge.slot)
        if end is not None:
            layers.append(_record_layer_end(ch, field, layers[-1], end, rnd.challenge.slot, plan))
    phase("queries")
    record_queries(ch, field, layers, plan)
