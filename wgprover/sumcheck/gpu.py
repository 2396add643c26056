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
from ..gpu.recorder import u32s as _u32

WG = 64
MAX_PARTIALS = 4096  # partial sums (workgroups) of one round kernel; grid-stride beyond


def _groups(threads: int, wg: int = WG) -> int:
    return max(1, -(-threads // wg))


def record_eq_table(rec, field, challenge_buf, first_slot: int, n: int, table_buf) -> None:
    """Record eq(r, x) for all x in {0,1}^n into table_buf[0 .. 2^n) (Ef), with
    r_i = challenge_buf[first_slot + i]; n in-place doubling dispatches (shaders/eq.wgsl).
    Twin: :func:`wgprover.sumcheck.reference.eq_table`."""
    k = rec.ctx.kernel(field, ["eq"], "eq_expand", {"WG": WG})
    for i in range(n):
        s = 1 << i
        rec.dispatch(k, [challenge_buf, table_buf, _u32(s, first_slot + i, 0)], _groups(s))


def _trace_chunks(w: int, n: int, fe_bytes: int, limit: int) -> tuple[int, int]:
    """(chunks, columns per chunk) of the trace table: device_table.split decides."""
    segs = device_table.split(w, 1 << n, fe_bytes, limit)
    if segs[0][3] != 1 << n:
        raise MemoryError(f"a 2^{n}-row trace column exceeds the {limit}-byte storage binding limit")
    return len(segs), segs[0][1]


def plan_layout(ctx, field, w: int, n: int, max_binding: int) -> Layout:
    """How the zerocheck tables of a w-column, 2^n-row trace split over storage
    bindings: the trace as device_table.split cuts it under ``ctx.segment_limit()``,
    the state in chunks of whole tables of ``max_binding`` bytes; MemoryError when
    a table or the binding count does not fit the device."""
    N, fe_bytes = 1 << n, field.base.BYTES
    tab_bytes = max(N // 2, 1) * field.ext_degree * fe_bytes  # largest state table (after fold 0)
    if N * field.ext_degree * fe_bytes > max_binding:
        raise MemoryError(f"a 2^{n}-row table exceeds the storage binding limit {max_binding}")
    tps = min(2 * w + 1, max_binding // tab_bytes)
    lay = Layout(*_trace_chunks(w, n, fe_bytes, ctx.segment_limit()), -(-(2 * w + 1) // tps), tps)
    needed = lay.trace_chunks + 2 * lay.state_chunks + 4
    allowed = int(ctx.limits.get("max-storage-buffers-per-shader-stage", 8))
    if needed > allowed:
        raise MemoryError(
            f"zerocheck of {w} columns x 2^{n} rows needs {needed} storage bindings "
            f"(tables split over the {max_binding}-byte binding limit); this device allows {allowed}"
        )
    return lay


def _as_table(trace, w: int, n: int, fe_bytes: int) -> DeviceTable:
    """``trace`` as a device table; a bare buffer (a caller not yet passing a
    table) is taken as one whole segment of w x 2^n elements."""
    if isinstance(trace, DeviceTable):
        return trace
    nbytes = w * (fe_bytes << n)
    if trace.size < nbytes:
        raise ValueError(f"trace buffer holds {trace.size} bytes, need {nbytes} (w={w}, n={n})")
    return DeviceTable(w, 1 << n, fe_bytes, (device_table.Segment(trace, 0, w, 0, 1 << n, nbytes),), "trace")


def _check_trace(trace: DeviceTable, w: int, n: int, fe_bytes: int) -> None:
    """A trace table of w base-field columns of 2^n rows, split by whole columns."""
    if (trace.cols, trace.rows, trace.elem_bytes) != (w, 1 << n, fe_bytes):
        raise ValueError(f"trace table is {trace.cols} x {trace.rows} of {trace.elem_bytes}-byte elements, "
                         f"need {w} x {1 << n} of {fe_bytes} (w={w}, n={n})")
    if trace.rows_per_segment != trace.rows:
        raise MemoryError(f"a 2^{n}-row trace column exceeds one storage binding "
                          f"({trace.rows_per_segment} rows per segment)")


class _Engine:
    """Shared plumbing: buffer allocation with binding-size checks, eq tables, reduce, emit."""

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

    def _record_eq(self, rec, challenge_buf, table_buf, first_slot: int) -> None:
        """eq(r, .) of size 2^n into table_buf[0 .. 2^n), r_i = challenges[first_slot + i]."""
        record_eq_table(rec, self.field, challenge_buf, first_slot, self.n, table_buf)

    def _record_reduce(self, rec, partial_buf, count: int, npts: int, out_buf, out_offset_elems: int) -> None:
        rec.dispatch(self._k_reduce, [partial_buf, out_buf, _u32(count, npts, out_offset_elems)], 1)

    def _record_emit(self, rec, src_buf, count: int, out_buf, out_offset_elems: int) -> None:
        rec.dispatch(self._k_emit, [src_buf, out_buf, _u32(count, 0, out_offset_elems)], _groups(count * self.d))

    def _record_fold(self, rec, src, dst, challenge_buf, slot: int, ntables: int, size: int) -> None:
        half = size // 2
        params = _u32(half, ntables, slot, size, half, 0, 0)
        rec.dispatch(self._k_fold, [src, dst, challenge_buf, params], _groups(half * ntables))


class ZerocheckGpu(_Engine):
    """Zerocheck sum_x eq(r, x) C(x) = 0 over an AIR, tables resident on the GPU.

    ``trace`` is the base-field trace as a device table (w columns of 2^n
    elements, docs/ARCHITECTURE.md §9).  Record, in order: ``record_setup`` (eq(r, .) from n challenge
    slots, alpha from one), then for i in 0..n-1 ``record_round(i, ...)`` and
    ``record_fold(i, ...)``, then ``record_claims``.  The twin is
    :class:`wgprover.sumcheck.reference.ZerocheckReference`.

    The trace is bound segment by segment; the state tables, when larger than
    one storage binding, are split into chunks of whole tables bound
    separately (``max_binding`` overrides the device limit, for tests).
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
        max_binding: int | None = None,
    ) -> None:
        super().__init__(ctx, field, n, max_partials)
        air.check_rows(n)
        self.air = air
        w, N = air.width, 1 << n
        trace = _as_table(trace, w, n, self.fe_bytes)
        _check_trace(trace, w, n, self.fe_bytes)
        self.trace = trace
        self.max_binding = min(max_binding or ctx.max_binding(), ctx.max_binding())
        self.layout = plan_layout(ctx, field, w, n, self.max_binding)
        self.mode = default_mode()
        self.gen = generate(air, field, layout=self.layout, mode=self.mode)
        self.degree = air.degree + 1
        self.npts = self.degree + 1
        lay = self.layout
        self.eq0 = self._buffer(N, "zc-eq")
        self.state = [self._chunks(N // 2, "zc-state-a"), self._chunks(max(N // 4, 1), "zc-state-b")]
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
        self.partial = self._buffer(max(max_partials, self.npts), "zc-partial")
        # unused chunk slots: one shared read-only dummy, distinct writable dummies
        self._ro_dummy = ctx.placeholder("zc-ro", self.ef_bytes)
        self._rw_dummies = [ctx.placeholder(f"zc-rw-{c}", self.ef_bytes) for c in range(1, lay.state_chunks)]
        if (len(trace.segments), trace.cols_per_segment) != (lay.trace_chunks, lay.cols_per_trace_chunk):
            raise ValueError(f"trace table split {len(trace.segments)} x {trace.cols_per_segment} columns, "
                             f"this device splits it {lay.trace_chunks} x {lay.cols_per_trace_chunk}")
        self._trace_bind = trace.bindings()
        entries = ("zc_round_base", "zc_round_ext", "zc_fold_base", "zc_fold_ext", "zc_setup")
        self._k = {e: zerocheck_kernel(ctx, field, air, e, lay, self.mode) for e in entries}
        self._prog = self._program_binding()

    def _program_binding(self) -> list:
        """The interpreter's bytecode as a uniform buffer (air/bytecode.py), or nothing in inline mode."""
        if self.gen.program is None:
            return []
        import wgpu

        code = self.gen.program
        buf = self.ctx.buffer(code.nbytes, label="zc-program", usage=wgpu.BufferUsage.UNIFORM | wgpu.BufferUsage.COPY_DST)
        self.ctx.write(buf, code)
        return [(buf, 0, code.nbytes)]

    # -- layout bookkeeping ------------------------------------------------------
    def _chunks(self, size: int, label: str) -> list:
        lay, ntab = self.layout, 2 * self.air.width + 1
        return [
            self._buffer(min(lay.tables_per_state_chunk, ntab - c * lay.tables_per_state_chunk) * size, f"{label}{c}")
            for c in range(lay.state_chunks)
        ]

    def _state_for_round(self, i: int):
        """(list of state chunk buffers, eq table index) read by round i."""
        if i == 0:
            return [self.eq0] + [self._ro_dummy] * (self.layout.state_chunks - 1), 0
        return self.state[(i - 1) % 2], 2 * self.air.width

    def _per_for_round(self, i: int):
        """(buffer, table length) of the periodic tables in round i."""
        folds = min(i, self.m)
        return self.per[folds % 2], max(self.period >> i, 1)

    def _bind(self, i: int, challenge_buf, outs: list, params: np.ndarray) -> list:
        st, _ = self._state_for_round(i)
        per, _ = self._per_for_round(i)
        return [*self._trace_bind, *st, per, challenge_buf, self.pubc, self.aux, *outs, params, *self._prog]

    def _partial_outs(self) -> list:
        return [self.partial, *self._rw_dummies]

    def _params(self, i: int, nwg: int = 0, slot: int = 0) -> np.ndarray:
        size = 1 << (self.n - i)
        _, eq_index = self._state_for_round(i)
        _, per_size = self._per_for_round(i)
        return _u32(size, size // 2, per_size, eq_index, nwg, slot)

    # -- recording ---------------------------------------------------------------
    def record_setup(self, rec, challenge_buf, r_slot: int, alpha_slot: int) -> None:
        """eq(r, .) from slots r_slot .. r_slot + n - 1, and alpha^j from alpha_slot."""
        self._record_eq(rec, challenge_buf, self.eq0, r_slot)
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
        bind = self._bind(i, challenge_buf, self.state[i % 2], self._params(i, slot=slot))
        rec.dispatch(self._k[entry], bind, _groups(threads, ZC_WG))
        per, per_size = self._per_for_round(i)
        if self.air.periodic and per_size > 1:
            self._record_fold(rec, per, self.per[(min(i, self.m) + 1) % 2], challenge_buf, slot, len(self.air.periodic), per_size)

    def record_claims(self, rec, out_buf, out_offset_elems: int) -> None:
        """T_0..T_{w-1}(rho), N_0..N_{w-1}(rho) (2w Ef) into out_buf; after the n-th fold."""
        final = self.state[(self.n - 1) % 2]
        per_chunk = self.layout.tables_per_state_chunk
        for c, buf in enumerate(final):
            count = min(per_chunk, 2 * self.air.width - c * per_chunk)
            if count > 0:
                self._record_emit(rec, buf, count, out_buf, out_offset_elems + c * per_chunk * self.d)

    def _check_round(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise ValueError(f"zerocheck round {i} out of range 0..{self.n - 1}")
        return i


class ProductSumcheckGpu(_Engine):
    """Degree-2 sumcheck of sum_y g(y) W(y) (docs/PROTOCOL.md §5), record-style.

    g = sum_k beta^k T_k is built from the base-field trace table (w columns of
    2^n, docs/ARCHITECTURE.md §9), W(y) = eq(rho, y) + gamma eq(rho, y - 1 mod 2^n).  Record
    ``record_setup`` then rounds/folds, then ``record_claims`` (g(c), W(c)).
    Twin: :class:`wgprover.sumcheck.reference.ProductSumcheckReference`.
    """

    degree = 2
    npts = 3

    def __init__(self, ctx, field, n: int, trace: DeviceTable, w: int, max_partials: int = MAX_PARTIALS) -> None:
        super().__init__(ctx, field, n, max_partials)
        N = 1 << n
        trace = _as_table(trace, w, n, self.fe_bytes)
        _check_trace(trace, w, n, self.fe_bytes)
        self.w, self.trace = w, trace
        self.trace_buf = trace.buffer  # one binding (a split trace raises here)
        # st[0] = [g | W] (stride 2^n); st[1] = eq(rho, .) scratch, then ping-pong partner
        self.state = [self._buffer(2 * N, "ps-state-a"), self._buffer(N, "ps-state-b")]
        self.partial = self._buffer(max_partials * self.npts, "ps-partial")
        self._k = {e: ctx.kernel(field, ["sumcheck_product"], e) for e in ("ps_build_g", "ps_build_w", "ps_round")}

    def _params(self, size: int, nwg: int = 0, slot: int = 0) -> np.ndarray:
        return _u32(size, size // 2, nwg, slot, self.w)

    def record_setup(self, rec, challenge_buf, beta_slot: int, rho_slot: int, gamma_slot: int) -> None:
        """g from beta; W from rho_slot .. rho_slot + n - 1 and gamma."""
        N = 1 << self.n
        a, b = self.state
        self._record_eq(rec, challenge_buf, b, rho_slot)
        rec.dispatch(self._k["ps_build_g"], [self.trace_buf, b, a, challenge_buf, self._params(N, slot=beta_slot)], _groups(N))
        rec.dispatch(self._k["ps_build_w"], [self.trace_buf, b, a, challenge_buf, self._params(N, slot=gamma_slot)], _groups(N))

    def _current(self, i: int):
        return self.state[i % 2]

    def record_round(self, rec, round_idx: int, challenge_buf, out_buf, out_offset_elems: int) -> None:
        """s(0), s(1), s(2) (3 Ef) into out_buf at base-element offset."""
        i = self._check_round(round_idx)
        size = 1 << (self.n - i)
        nwg = min(_groups(size // 2), self.max_partials)
        src = self._current(i)
        rec.dispatch(self._k["ps_round"], [self.trace_buf, src, self.partial, challenge_buf, self._params(size, nwg)], nwg)
        self._record_reduce(rec, self.partial, nwg, self.npts, out_buf, out_offset_elems)

    def record_fold(self, rec, round_idx: int, challenge_buf, slot: int) -> None:
        """Bind variable round_idx of g and W to challenge_buf[slot]."""
        i = self._check_round(round_idx)
        size = 1 << (self.n - i)
        src = self._current(i)
        dst = self.state[(i + 1) % 2]
        self._record_fold(rec, src, dst, challenge_buf, slot, 2, size)

    def record_claims(self, rec, out_buf, out_offset_elems: int) -> None:
        """g(c), W(c) (2 Ef) into out_buf; after the n-th fold."""
        self._record_emit(rec, self._current(self.n), 2, out_buf, out_offset_elems)

    def _check_round(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise ValueError(f"product sumcheck round {i} out of range 0..{self.n - 1}")
        return i


# --------------------------------------------------------------------------- one-shot drivers


def zerocheck(ctx, field, air: Air, n: int, trace: np.ndarray, public, r, alpha, challenges,
              max_partials: int = MAX_PARTIALS, max_binding: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Whole zerocheck with explicit challenges, one submit and one readback.

    Same signature and result as :func:`wgprover.sumcheck.reference.zerocheck`
    (plus ctx): (round polys (n, D+1, d), claims (2w, d)).  Challenge buffer
    layout: r at slots 0..n-1, alpha at n, rho_i at n + 1 + i.
    """
    E = field.ext
    chal = np.concatenate([np.asarray(r), np.asarray(alpha)[None], np.asarray(challenges)]).astype(field.dtype)
    table = device_table.upload(ctx, np.ascontiguousarray(trace, dtype=field.dtype), "trace")
    cbuf = ctx.upload(chal, label="challenges")
    zc = ZerocheckGpu(ctx, field, air, n, table, public, max_partials=max_partials, max_binding=max_binding)
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
