"""GPU sumcheck engine (twin of wgprover/sumcheck/reference.py), record-style.

Nothing here submits or reads back: every method records dispatches into a
``Recorder`` (docs/ARCHITECTURE.md §4), and every challenge is read by the
kernels from an ``array<Ef>`` challenge buffer at a slot index, so a GPU
transcript kernel recorded in between can provide it without a host round
trip (docs/PROTOCOL.md §4-5, docs/ARCHITECTURE.md §5).

Outputs go to a caller-owned buffer viewed as an array of base-field
elements; ``out_offset_elems`` counts base elements (an extension value is d
consecutive base elements).  A round polynomial of degree D is written as its
D + 1 values at X = 0, 1, ..., D.

Kernels: shaders/eq.wgsl (eq_expand), shaders/sumcheck_zerocheck.wgsl
(generated per AIR by wgprover/air/codegen.py), shaders/sumcheck_product.wgsl,
shaders/sumcheck_fold.wgsl, shaders/sumcheck_reduce.wgsl,
shaders/sumcheck_emit.wgsl.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..air.codegen import WG as ZC_WG
from ..air.codegen import Layout, default_mode, generate, zerocheck_kernel
from ..air.language import Air
from ..gpu import device_table
from ..gpu.device_table import DeviceTable
from ..gpu.table_wgsl import Bindings, TableShape, allocate_as, locate, plan, shape_of
from ..gpu.recorder import u32s as _u32
from ..gpu.table_access import as_table

WG = 64
ZC_ENTRIES = ("zc_round_base", "zc_round_ext", "zc_fold_base", "zc_fold_ext", "zc_setup")
PS_ENTRIES = ("ps_build_g", "ps_build_w", "ps_round", "ps_fold")
MAX_PARTIALS = 4096  # partial sums (workgroups) of one round kernel; grid-stride beyond


def _groups(threads: int, wg: int = WG) -> int:
    return max(1, -(-threads // wg))


def _check_bindings(ctx, count: int, what: str) -> None:
    """Refuse, in one line, a kernel whose split tables need more storage bindings than allowed."""
    allowed = int(ctx.limits.get("max-storage-buffers-per-shader-stage", 8))
    if count > allowed:
        raise MemoryError(
            f"{what} needs {count} storage bindings (tables split over the {ctx.segment_limit()}-byte "
            f"segment limit, docs/ARCHITECTURE.md §9); this device allows {allowed}"
        )


def _table_kernel(ctx, field, file: str, entry: str, bindings: Bindings, constants: dict | None = None):
    """A kernel of ``file`` whose bindings and table accessors are ``bindings`` (gpu/table_wgsl.py)."""
    return ctx.kernel(field, [file], entry, constants or {}, generated=bindings.source())


def eq_kernel(ctx, field, shape: TableShape):
    """shaders/eq.wgsl's eq_expand on a table cut as ``shape``."""
    _check_bindings(ctx, shape.nseg + 1, f"eq(r, .) over {shape.nseg} segments")
    b = Bindings().var("var<storage, read> eq_chal: array<Ef>").table("eq_tab", "Ef", shape, "read_write")
    return _table_kernel(ctx, field, "eq", "eq_expand", b.var("var<uniform> eqp: EqParams"), {"WG": WG})


def product_kernels(ctx, field, trace: TableShape, state: TableShape) -> dict:
    """shaders/sumcheck_product.wgsl's entries on a trace and a [g | W] state cut as given."""
    b = (Bindings().table("ps_trace", "Fe", trace).table("ps_src", "Ef", state)
         .table("ps_dst", "Ef", state, "read_write").var("var<storage, read_write> ps_part: array<Ef>")
         .var("var<storage, read> ps_chal: array<Ef>").var("var<uniform> pp: PsParams"))
    return {e: _table_kernel(ctx, field, "sumcheck_product", e, b) for e in PS_ENTRIES}


def product_shapes(ctx, field, w: int, n: int) -> tuple[TableShape, TableShape]:
    """(trace, state) shapes of the product sumcheck of a w x 2^n trace; MemoryError
    when their bindings exceed the device's."""
    lim, ef_bytes = ctx.segment_limit(), field.ext_degree * field.base.BYTES
    trace, state = plan(w, 1 << n, field.base.BYTES, lim), plan(2, 1 << n, ef_bytes, lim)
    _check_bindings(ctx, trace.nseg + 2 * state.nseg + 2, f"product sumcheck of {w} columns x 2^{n} rows")
    return trace, state


def kernel_variants(ctx, field, air: Air, n: int) -> None:
    """Build every sumcheck kernel a 2^n-row trace of ``air`` selects (``wgprove
    shaders`` exports sizes it does not record: gpu/export.py); MemoryError
    when that size does not fit the device."""
    lay = plan_layout(ctx, field, air.width, n)
    for e in ZC_ENTRIES:
        zerocheck_kernel(ctx, field, air, e, lay)
    trace, state = product_shapes(ctx, field, air.width, n)
    product_kernels(ctx, field, trace, state)
    eq_kernel(ctx, field, lay.eq)
    eq_kernel(ctx, field, state)


def record_eq_table(rec, field, challenge_buf, first_slot: int, n: int, table: DeviceTable, col: int = 0) -> None:
    """Record eq(r, x) for all x in {0,1}^n into column ``col`` of ``table`` (Ef,
    2^n rows), r_i = challenge_buf[first_slot + i]; n in-place doubling dispatches
    (shaders/eq.wgsl).  Twin: :func:`wgprover.sumcheck.reference.eq_table`."""
    k = eq_kernel(rec.ctx, field, shape_of(table))
    for i in range(n):
        s = 1 << i
        rec.dispatch(k, [challenge_buf, *table.bindings(), _u32(s, first_slot + i, col, table.rows)], _groups(s))


def plan_layout(ctx, field, w: int, n: int) -> Layout:
    """How the zerocheck tables of a w-column, 2^n-row trace split over storage
    bindings, as device_table.split cuts them under ``ctx.segment_limit()``;
    MemoryError when the binding count does not fit the device."""
    N, lim = 1 << n, ctx.segment_limit()
    ef_bytes = field.ext_degree * field.base.BYTES
    lay = Layout(plan(w, N, field.base.BYTES, lim), plan(1, N, ef_bytes, lim), plan(2 * w + 1, max(N // 2, 1), ef_bytes, lim))
    _check_bindings(ctx, lay.storage_bindings, f"zerocheck of {w} columns x 2^{n} rows")
    return lay


def _check_trace(trace: DeviceTable, w: int, n: int, fe_bytes: int) -> None:
    if (trace.cols, trace.rows, trace.elem_bytes) != (w, 1 << n, fe_bytes):
        raise ValueError(f"trace table is {trace.cols} x {trace.rows} of {trace.elem_bytes}-byte elements, "
                         f"need {w} x {1 << n} of {fe_bytes} (w={w}, n={n})")


class _Engine:
    """Shared plumbing: small buffers with binding-size checks, reduce, emit."""

    def __init__(self, ctx, field, n: int, max_partials: int = MAX_PARTIALS) -> None:
        if n < 1:
            raise ValueError(f"sumcheck needs n >= 1 variables, got {n}")
        self.ctx, self.field, self.n = ctx, field, n
        self.max_partials = max_partials
        self.d = field.ext_degree
        self.fe_bytes = field.base.BYTES
        self.ef_bytes = self.d * self.fe_bytes
        self._k_fold = ctx.kernel(field, ["sumcheck_fold"], "sumcheck_fold", {"WG": WG})
        self._k_reduce = ctx.kernel(field, ["sumcheck_reduce"], "sumcheck_reduce")
        self._k_emit = ctx.kernel(field, ["sumcheck_emit"], "sumcheck_emit")

    def _buffer(self, n_ef: int, label: str):
        nbytes = max(int(n_ef), 1) * self.ef_bytes
        if nbytes > self.ctx.max_binding():
            raise MemoryError(
                f"sumcheck table {label!r} needs {nbytes} bytes, over the storage binding limit "
                f"{self.ctx.max_binding()} of this device ({self.ctx.profile} profile)"
            )
        return self.ctx.buffer(nbytes, label=label)

    def _table(self, cols: int, rows: int, label: str) -> DeviceTable:
        return device_table.allocate(self.ctx, cols, rows, self.ef_bytes, label)

    def _record_reduce(self, rec, partial_buf, count: int, npts: int, out_buf, out_offset_elems: int) -> None:
        rec.dispatch(self._k_reduce, [partial_buf, out_buf, _u32(count, npts, out_offset_elems)], 1)

    def _record_emit(self, rec, src, count: int, out_buf, out_offset_elems: int, src_off: int = 0) -> None:
        rec.dispatch(self._k_emit, [src, out_buf, _u32(count, src_off, out_offset_elems)], _groups(count * self.d))

    def _record_emit_first_rows(self, rec, table: DeviceTable, shape: TableShape, ncols: int, out_buf, out_off: int) -> None:
        """Row 0 of columns 0 .. ncols-1 of a table folded to length 1, in
        column order: one emit per run of columns adjacent in one segment."""
        at = [locate(shape, c, 0, 1) for c in range(ncols)]
        c = 0
        while c < ncols:
            seg, idx = at[c]
            run = 1
            while c + run < ncols and at[c + run] == (seg, idx + run):
                run += 1
            self._record_emit(rec, table.segments[seg].binding, run, out_buf, out_off + c * self.d, idx)
            c += run

    def _record_fold(self, rec, src, dst, challenge_buf, slot: int, ntables: int, size: int) -> None:
        half = size // 2
        params = _u32(half, ntables, slot, size, half, 0, 0)
        rec.dispatch(self._k_fold, [src, dst, challenge_buf, params], _groups(half * ntables))


class ZerocheckGpu(_Engine):
    """Zerocheck sum_x eq(r, x) C(x) = 0 over an AIR, tables resident on the GPU.

    ``trace`` is the base-field trace as a device table (w columns of 2^n
    elements, docs/ARCHITECTURE.md §9).  Record, in order: ``record_setup``
    (eq(r, .) from n challenge slots, alpha from one), then for i in 0..n-1
    ``record_round(i, ...)`` and ``record_fold(i, ...)``, then
    ``record_claims``.  The twin is
    :class:`wgprover.sumcheck.reference.ZerocheckReference`.

    Every table that grows with the trace (trace, eq(r, .), the two state
    halves) may span several bindings; the layout (:func:`plan_layout`) and the
    kernels' accessors follow the tables' split.
    """

    def __init__(
        self,
        ctx,
        field,
        air: Air,
        n: int,
        trace: DeviceTable,
        public: Mapping[str, int] | Sequence[int],
        max_partials: int = MAX_PARTIALS,
    ) -> None:
        super().__init__(ctx, field, n, max_partials)
        air.check_rows(n)
        self.air = air
        w, N = air.width, 1 << n
        self.trace = as_table(trace, w, 1 << n, self.fe_bytes, "trace")
        _check_trace(self.trace, w, n, self.fe_bytes)
        self.layout = lay = plan_layout(ctx, field, w, n)
        if shape_of(self.trace) != lay.trace:
            raise ValueError(f"trace table cut as {shape_of(self.trace)}, this device cuts it as {lay.trace}")
        self.mode = default_mode()
        self.gen = generate(air, field, layout=lay, mode=self.mode)
        self.degree = air.degree + 1
        self.npts = self.degree + 1
        self.eq0 = self._table(1, N, "zc-eq")
        ef, ntab = self.ef_bytes, 2 * w + 1
        self.state = [self._table(ntab, max(N // 2, 1), "zc-state-a"),
                      allocate_as(ctx, lay.state, ntab, max(N // 4, 1), ef, "zc-state-b")]
        self._setup_small(public)
        self._k = {e: zerocheck_kernel(ctx, field, air, e, lay, self.mode) for e in ZC_ENTRIES}
        self._prog = self._program_binding()

    def _setup_small(self, public) -> None:
        """The tables that do not grow with the trace: periodic columns, public
        inputs and constants, aux, partial sums, placeholders."""
        ctx, air, field = self.ctx, self.air, self.field
        # periodic columns at the common (maximal) period, embedded in E
        self.period = air.max_period
        self.m = self.period.bit_length() - 1
        per = np.zeros((max(len(air.periodic), 1), self.period, self.d), dtype=field.dtype)
        for j, vals in enumerate(air.periodic_values):
            v = np.array([int(x) % field.p for x in vals], dtype=field.dtype)
            per[j, :, 0] = np.tile(v, self.period // len(v))
        self.per = [ctx.upload(per, label="zc-per-a"), self._buffer(per[:, : max(self.period // 2, 1)].size // self.d, "zc-per-b")]
        pub = air.public_values(field, public)
        pubc = np.concatenate([pub, np.array(self.gen.constants, dtype=field.dtype)]).astype(field.dtype)
        self.pubc = ctx.upload(pubc, label="zc-pubc", min_bytes=16)
        self.aux = self._buffer(2 + len(air.constraints), "zc-aux")
        self.partial = self._buffer(max(self.max_partials, self.npts), "zc-partial")
        # the output slots a round kernel leaves unused: distinct writable placeholders
        self._rw_dummies = [ctx.placeholder(f"zc-rw-{c}", self.ef_bytes) for c in range(1, self.layout.state.nseg)]

    def _program_binding(self) -> list:
        """The interpreter's bytecode (air/bytecode.py), one uniform buffer per
        chunk, or nothing in inline mode."""
        chunks = self.gen.chunks
        if not chunks:
            return []
        import wgpu

        lim = self.ctx.limits
        room = min(int(lim["max-uniform-buffers-per-shader-stage"]), int(lim["max-dynamic-uniform-buffers-per-pipeline-layout"]))
        if len(chunks) + 1 > room:  # + the parameter block
            raise ValueError(f"the zerocheck program needs {len(chunks)} uniform buffers, the device allows {room - 1}; "
                             "use WGPROVER_ZEROCHECK=inline")
        out = []
        for c, part in enumerate(chunks):
            buf = self.ctx.buffer(part.nbytes, label=f"zc-program[{c}]", usage=wgpu.BufferUsage.UNIFORM | wgpu.BufferUsage.COPY_DST)
            self.ctx.write(buf, part)
            out.append((buf, 0, part.nbytes))
        return out

    # -- layout bookkeeping ------------------------------------------------------
    def _state_in(self, i: int) -> DeviceTable:
        """The state table round i reads; round 0 reads eq0 and the trace instead,
        and binds the half that fold 0 does not write."""
        return self.state[1] if i == 0 else self.state[(i - 1) % 2]

    def _per_for_round(self, i: int):
        """(buffer, table length) of the periodic tables in round i."""
        folds = min(i, self.m)
        return self.per[folds % 2], max(self.period >> i, 1)

    def _bind(self, i: int, challenge_buf, outs: list, params: np.ndarray) -> list:
        per, _ = self._per_for_round(i)
        tables = [*self.trace.bindings(), *self.eq0.bindings(), *self._state_in(i).bindings()]
        return [*tables, per, challenge_buf, self.pubc, self.aux, *outs, params, *self._prog]

    def _partial_outs(self) -> list:
        return [self.partial, *self._rw_dummies]

    def _params(self, i: int, nwg: int = 0, slot: int = 0) -> np.ndarray:
        size = 1 << (self.n - i)
        _, per_size = self._per_for_round(i)
        return _u32(size, size // 2, per_size, 0, nwg, slot)

    # -- recording ---------------------------------------------------------------
    def record_setup(self, rec, challenge_buf, r_slot: int, alpha_slot: int) -> None:
        """eq(r, .) from slots r_slot .. r_slot + n - 1, and alpha^j from alpha_slot."""
        record_eq_table(rec, self.field, challenge_buf, r_slot, self.n, self.eq0)
        params = self._params(0, slot=alpha_slot)
        rec.dispatch(self._k["zc_setup"], self._bind(0, challenge_buf, self._partial_outs(), params), 1)

    def record_round(self, rec, round_idx: int, challenge_buf, out_buf, out_offset_elems: int) -> None:
        """Round polynomial values s(0..D) (D + 1 Ef) into out_buf at base-element offset."""
        i = self._check_round(round_idx)
        half = 1 << (self.n - i - 1)
        nwg = min(_groups(half, ZC_WG), max(1, self.max_partials // self.npts))
        entry = "zc_round_base" if i == 0 else "zc_round_ext"
        bind = self._bind(i, challenge_buf, self._partial_outs(), self._params(i, nwg))
        rec.dispatch(self._k[entry], bind, nwg * self.npts)
        self._record_reduce(rec, self.partial, nwg, self.npts, out_buf, out_offset_elems)

    def record_fold(self, rec, round_idx: int, challenge_buf, slot: int) -> None:
        """Bind variable round_idx to challenge_buf[slot] in every table (and the selectors)."""
        i = self._check_round(round_idx)
        half = 1 << (self.n - i - 1)
        entry = "zc_fold_base" if i == 0 else "zc_fold_ext"
        threads = (2 * self.air.width + 1) * half
        bind = self._bind(i, challenge_buf, self.state[i % 2].bindings(), self._params(i, slot=slot))
        rec.dispatch(self._k[entry], bind, _groups(threads, ZC_WG))
        per, per_size = self._per_for_round(i)
        if self.air.periodic and per_size > 1:
            self._record_fold(rec, per, self.per[(min(i, self.m) + 1) % 2], challenge_buf, slot, len(self.air.periodic), per_size)

    def record_claims(self, rec, out_buf, out_offset_elems: int) -> None:
        """T_0..T_{w-1}(rho), N_0..N_{w-1}(rho) (2w Ef) into out_buf; after the n-th fold."""
        final = self.state[(self.n - 1) % 2]
        self._record_emit_first_rows(rec, final, self.layout.state, 2 * self.air.width, out_buf, out_offset_elems)

    def _check_round(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise ValueError(f"zerocheck round {i} out of range 0..{self.n - 1}")
        return i


class ProductSumcheckGpu(_Engine):
    """Degree-2 sumcheck of sum_y g(y) W(y) (docs/PROTOCOL.md §5), record-style.

    g = sum_k beta^k T_k is built from the base-field trace table (w columns of
    2^n, docs/ARCHITECTURE.md §9), W(y) = eq(rho, y) + gamma eq(rho, y - 1 mod 2^n).
    The state is a table of two columns [g | W] of 2^n rows and its ping-pong
    partner of 2^(n-1) rows, cut alike; both may span several bindings.  Record
    ``record_setup`` then rounds/folds, then ``record_claims`` (g(c), W(c)).
    Twin: :class:`wgprover.sumcheck.reference.ProductSumcheckReference`.
    """

    degree = 2
    npts = 3

    def __init__(self, ctx, field, n: int, trace: DeviceTable, w: int, max_partials: int = MAX_PARTIALS) -> None:
        super().__init__(ctx, field, n, max_partials)
        N = 1 << n
        self.trace = as_table(trace, w, 1 << n, self.fe_bytes, "trace")
        _check_trace(self.trace, w, n, self.fe_bytes)
        self.w = w
        tshape, self.shape = product_shapes(ctx, field, w, n)
        if shape_of(self.trace) != tshape:
            raise ValueError(f"trace table cut as {shape_of(self.trace)}, this device cuts it as {tshape}")
        self.state = [self._table(2, N, "ps-state-a"),
                      allocate_as(ctx, self.shape, 2, max(N // 2, 1), self.ef_bytes, "ps-state-b")]
        self.partial = self._buffer(max_partials * self.npts, "ps-partial")
        self._k = product_kernels(ctx, field, tshape, self.shape)

    def _params(self, size: int, nwg: int = 0, slot: int = 0) -> np.ndarray:
        return _u32(size, size // 2, nwg, slot, self.w)

    def _bind(self, i: int, challenge_buf, params: np.ndarray) -> list:
        """Round i reads state[i % 2] and writes (folds into) the other half."""
        src, dst = self.state[i % 2], self.state[(i + 1) % 2]
        return [*self.trace.bindings(), *src.bindings(), *dst.bindings(), self.partial, challenge_buf, params]

    def record_setup(self, rec, challenge_buf, beta_slot: int, rho_slot: int, gamma_slot: int) -> None:
        """eq(rho, .) into column 0 of the first half, W from it and gamma into
        column 1, then g from beta over column 0."""
        N = 1 << self.n
        record_eq_table(rec, self.field, challenge_buf, rho_slot, self.n, self.state[0], col=0)
        rec.dispatch(self._k["ps_build_w"], self._bind(1, challenge_buf, self._params(N, slot=gamma_slot)), _groups(N))
        rec.dispatch(self._k["ps_build_g"], self._bind(1, challenge_buf, self._params(N, slot=beta_slot)), _groups(N))

    def record_round(self, rec, round_idx: int, challenge_buf, out_buf, out_offset_elems: int) -> None:
        """s(0), s(1), s(2) (3 Ef) into out_buf at base-element offset."""
        i = self._check_round(round_idx)
        size = 1 << (self.n - i)
        nwg = min(_groups(size // 2), self.max_partials)
        rec.dispatch(self._k["ps_round"], self._bind(i, challenge_buf, self._params(size, nwg)), nwg)
        self._record_reduce(rec, self.partial, nwg, self.npts, out_buf, out_offset_elems)

    def record_fold(self, rec, round_idx: int, challenge_buf, slot: int) -> None:
        """Bind variable round_idx of g and W to challenge_buf[slot]."""
        i = self._check_round(round_idx)
        size = 1 << (self.n - i)
        rec.dispatch(self._k["ps_fold"], self._bind(i, challenge_buf, self._params(size, slot=slot)), _groups(size))

    def record_claims(self, rec, out_buf, out_offset_elems: int) -> None:
        """g(c), W(c) (2 Ef) into out_buf; after the n-th fold."""
        self._record_emit_first_rows(rec, self.state[self.n % 2], self.shape, 2, out_buf, out_offset_elems)

    def _check_round(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise ValueError(f"product sumcheck round {i} out of range 0..{self.n - 1}")
        return i


# --------------------------------------------------------------------------- one-shot drivers


def zerocheck(ctx, field, air: Air, n: int, trace: np.ndarray, public, r, alpha, challenges,
              max_partials: int = MAX_PARTIALS) -> tuple[np.ndarray, np.ndarray]:
    """Whole zerocheck with explicit challenges, one submit and one readback.

    Same signature and result as :func:`wgprover.sumcheck.reference.zerocheck`
    (plus ctx): (round polys (n, D+1, d), claims (2w, d)).  Challenge buffer
    layout: r at slots 0..n-1, alpha at n, rho_i at n + 1 + i.
    """
    E = field.ext
    chal = np.concatenate([np.asarray(r), np.asarray(alpha)[None], np.asarray(challenges)]).astype(field.dtype)
    table = device_table.upload(ctx, np.ascontiguousarray(trace, dtype=field.dtype), "trace")
    cbuf = ctx.upload(chal, label="challenges")
    zc = ZerocheckGpu(ctx, field, air, n, table, public, max_partials=max_partials)
    per_round = zc.npts * E.d
    out = ctx.buffer((n * per_round + 2 * air.width * E.d) * zc.fe_bytes, label="zc-out")
    rec = ctx.recorder(label="zerocheck")
    zc.record_setup(rec, cbuf, 0, n)
    for i in range(n):
        zc.record_round(rec, i, cbuf, out, i * per_round)
        zc.record_fold(rec, i, cbuf, n + 1 + i)
    zc.record_claims(rec, out, n * per_round)
    rec.submit()
    got = ctx.read(out, field.dtype, n * per_round + 2 * air.width * E.d)
    return got[: n * per_round].reshape(n, zc.npts, E.d), got[n * per_round :].reshape(2 * air.width, E.d)


def product_sumcheck(ctx, field, n: int, trace: np.ndarray, beta, rho, gamma, challenges,
                     max_partials: int = MAX_PARTIALS) -> tuple[np.ndarray, np.ndarray]:
    """Whole product sumcheck with explicit challenges (twin of the reference function):
    (round polys (n, 3, d), claims (2, d)).  Slots: beta 0, rho 1..n, gamma n+1, c_i n+2+i."""
    E = field.ext
    trace = np.ascontiguousarray(trace, dtype=field.dtype)
    chal = np.concatenate([np.asarray(beta)[None], np.asarray(rho), np.asarray(gamma)[None], np.asarray(challenges)])
    table = device_table.upload(ctx, trace, "trace")
    cbuf = ctx.upload(chal.astype(field.dtype), label="challenges")
    ps = ProductSumcheckGpu(ctx, field, n, table, trace.shape[0], max_partials=max_partials)
    out = ctx.buffer((n * 3 + 2) * E.d * ps.fe_bytes, label="ps-out")
    rec = ctx.recorder(label="product-sumcheck")
    ps.record_setup(rec, cbuf, 0, 1, n + 1)
    for i in range(n):
        ps.record_round(rec, i, cbuf, out, i * 3 * E.d)
        ps.record_fold(rec, i, cbuf, n + 2 + i)
    ps.record_claims(rec, out, n * 3 * E.d)
    rec.submit()
    got = ctx.read(out, field.dtype, (n * 3 + 2) * E.d)
    return got[: n * 3 * E.d].reshape(n, 3, E.d), got[n * 3 * E.d :].reshape(2, E.d)


# --------------------------------------------------------------------------- protocol step


def record_zerocheck(ch, field, air: Air, trace: DeviceTable, public, part, r_alpha) -> None:
    """The zerocheck segment of a proof (``protocol.ZerocheckPart``) through a GPU
    channel: r and alpha from the slots of ``r_alpha``, each round polynomial
    written at its proof offset, absorbed, and its challenge squeezed on the GPU.
    NumPy twin: ``reference.prove_zerocheck``; verifier: ``reference.verify_zerocheck``."""
    rec, chal = ch.rec, ch.challenges
    zc = ZerocheckGpu(rec.ctx, field, air, len(part.rounds), trace, public)
    zc.record_setup(rec, chal, r_alpha.slot_of("r"), r_alpha.slot_of("alpha"))
    for rnd in part.rounds:
        zc.record_round(rec, rnd.index, chal, *ch.out(rnd.poly))
        ch.send(rnd.poly)
        ch.draw(rnd.challenge)
        zc.record_fold(rec, rnd.index, chal, rnd.challenge.slot)
    zc.record_claims(rec, *ch.out(part.claims))
    ch.send(part.claims)
