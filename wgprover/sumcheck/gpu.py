"""GPU sumcheck engine (twin of wgprover/sumcheck/reference.py), record-style.

Nothing here submits or reads back: every method records dispatches into a
``Recorder`` (docs/ARCHITECTURE.md §4), and every challenge is read by the
kernels from an ``array<Ef>`` challenge buffer at a slot index, so a GPU
transcript kernel recorded in between can provide it without a host round
trip (DESIGN.md §6-7).

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
from ..air.codegen import generate, zerocheck_kernel
from ..air.language import Air

WG = 64
MAX_PARTIALS = 4096  # partial sums (workgroups) of one round kernel; grid-stride beyond


def _u32(*vals: int) -> np.ndarray:
    v = list(vals) + [0] * (-len(vals) % 4)
    return np.array(v, dtype=np.uint32)


def _groups(threads: int, wg: int = WG) -> int:
    return max(1, -(-threads // wg))


class _Engine:
    """Shared plumbing: buffer allocation with binding-size checks, eq tables, reduce, emit."""

    def __init__(self, ctx, field, n: int) -> None:
        if n < 1:
            raise ValueError(f"sumcheck needs n >= 1 variables, got {n}")
        self.ctx, self.field, self.n = ctx, field, n
        self.d = field.ext_degree
        self.fe_bytes = field.base.BYTES
        self.ef_bytes = self.d * self.fe_bytes
        self._k_eq = ctx.kernel(field, ["eq"], "eq_expand", {"WG": WG})
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
        for i in range(self.n):
            s = 1 << i
            rec.dispatch(self._k_eq, [challenge_buf, table_buf, _u32(s, first_slot + i, 0)], _groups(s))

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

    ``trace_buf`` holds the base-field trace column-major (w columns of 2^n
    elements).  Record, in order: ``record_setup`` (eq(r, .) from n challenge
    slots, alpha from one), then for i in 0..n-1 ``record_round(i, ...)`` and
    ``record_fold(i, ...)``, then ``record_claims``.  The twin is
    :class:`wgprover.sumcheck.reference.ZerocheckReference`.
    """

    def __init__(self, ctx, field, air: Air, n: int, trace_buf, public: Mapping[str, int] | Sequence[int]) -> None:
        super().__init__(ctx, field, n)
        air.check_rows(n)
        self.air = air
        self.gen = generate(air, field)
        self.degree = air.degree + 1
        self.npts = self.degree + 1
        w, N = air.width, 1 << n
        if trace_buf.size < w * N * self.fe_bytes:
            raise ValueError(f"trace buffer holds {trace_buf.size} bytes, need {w * N * self.fe_bytes} (w={w}, n={n})")
        if w * N * self.fe_bytes > ctx.max_binding():
            raise MemoryError(f"trace of {w} x 2^{n} exceeds the storage binding limit {ctx.max_binding()}")
        self.trace_buf = trace_buf
        ntab = 2 * w + 1
        self.eq0 = self._buffer(N, "zc-eq")
        self.state = [self._buffer(ntab * (N // 2), "zc-state-a"), self._buffer(ntab * max(N // 4, 1), "zc-state-b")]
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
        self.partial = self._buffer(MAX_PARTIALS, "zc-partial")
        self._k = {e: zerocheck_kernel(ctx, field, air, e) for e in
                   ("zc_round_base", "zc_round_ext", "zc_fold_base", "zc_fold_ext", "zc_setup")}

    # -- layout bookkeeping ------------------------------------------------------
    def _state_for_round(self, i: int):
        """(buffer, eq table index) read by round i."""
        if i == 0:
            return self.eq0, 0
        return self.state[(i - 1) % 2], 2 * self.air.width

    def _per_for_round(self, i: int):
        """(buffer, table length) of the periodic tables in round i."""
        folds = min(i, self.m)
        return self.per[folds % 2], max(self.period >> i, 1)

    def _bind(self, i: int, challenge_buf, out, params: np.ndarray) -> list:
        st, _ = self._state_for_round(i)
        per, _ = self._per_for_round(i)
        return [self.trace_buf, st, per, challenge_buf, self.pubc, self.aux, out, params]

    def _params(self, i: int, nwg: int = 0, slot: int = 0) -> np.ndarray:
        size = 1 << (self.n - i)
        _, eq_index = self._state_for_round(i)
        _, per_size = self._per_for_round(i)
        return _u32(size, size // 2, per_size, eq_index, nwg, slot, 0)

    # -- recording ---------------------------------------------------------------
    def record_setup(self, rec, challenge_buf, r_slot: int, alpha_slot: int) -> None:
        """eq(r, .) from slots r_slot .. r_slot + n - 1, and alpha^j from alpha_slot."""
        self._record_eq(rec, challenge_buf, self.eq0, r_slot)
        rec.dispatch(self._k["zc_setup"], self._bind(0, challenge_buf, self.partial, self._params(0, slot=alpha_slot)), 1)

    def record_round(self, rec, round_idx: int, challenge_buf, out_buf, out_offset_elems: int) -> None:
        """Round polynomial values s(0..D) (D + 1 Ef) into out_buf at base-element offset."""
        i = self._check_round(round_idx)
        half = 1 << (self.n - i - 1)
        nwg = min(_groups(half, ZC_WG), max(1, MAX_PARTIALS // self.npts))
        entry = "zc_round_base" if i == 0 else "zc_round_ext"
        rec.dispatch(self._k[entry], self._bind(i, challenge_buf, self.partial, self._params(i, nwg)), nwg * self.npts)
        self._record_reduce(rec, self.partial, nwg, self.npts, out_buf, out_offset_elems)

    def record_fold(self, rec, round_idx: int, challenge_buf, slot: int) -> None:
        """Bind variable round_idx to challenge_buf[slot] in every table (and the selectors)."""
        i = self._check_round(round_idx)
        half = 1 << (self.n - i - 1)
        entry = "zc_fold_base" if i == 0 else "zc_fold_ext"
        dst = self.state[i % 2]
        threads = (2 * self.air.width + 1) * half
        rec.dispatch(self._k[entry], self._bind(i, challenge_buf, dst, self._params(i, slot=slot)), _groups(threads, ZC_WG))
        per, per_size = self._per_for_round(i)
        if self.air.periodic and per_size > 1:
            self._record_fold(rec, per, self.per[(min(i, self.m) + 1) % 2], challenge_buf, slot, len(self.air.periodic), per_size)

    def record_claims(self, rec, out_buf, out_offset_elems: int) -> None:
        """T_0..T_{w-1}(rho), N_0..N_{w-1}(rho) (2w Ef) into out_buf; after the n-th fold."""
        self._record_emit(rec, self.state[(self.n - 1) % 2], 2 * self.air.width, out_buf, out_offset_elems)

    def _check_round(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise ValueError(f"zerocheck round {i} out of range 0..{self.n - 1}")
        return i


class ProductSumcheckGpu(_Engine):
    """Degree-2 sumcheck of sum_y g(y) W(y) (DESIGN.md §6 step 3), record-style.

    g = sum_k beta^k T_k is built from the base-field trace buffer (column-major,
    w columns of 2^n), W(y) = eq(rho, y) + gamma eq(rho, y - 1 mod 2^n).  Record
    ``record_setup`` then rounds/folds, then ``record_claims`` (g(c), W(c)).
    Twin: :class:`wgprover.sumcheck.reference.ProductSumcheckReference`.
    """

    degree = 2
    npts = 3

    def __init__(self, ctx, field, n: int, trace_buf, w: int) -> None:
        super().__init__(ctx, field, n)
        N = 1 << n
        if trace_buf.size < w * N * self.fe_bytes:
            raise ValueError(f"trace buffer holds {trace_buf.size} bytes, need {w * N * self.fe_bytes} (w={w}, n={n})")
        self.w, self.trace_buf = w, trace_buf
        # st[0] = [g | W] (stride 2^n); st[1] = eq(rho, .) scratch, then ping-pong partner
        self.state = [self._buffer(2 * N, "ps-state-a"), self._buffer(N, "ps-state-b")]
        self.partial = self._buffer(MAX_PARTIALS * self.npts, "ps-partial")
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
        nwg = min(_groups(size // 2), MAX_PARTIALS)
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
