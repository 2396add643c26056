"""The GPU prover: the whole of protocol wgprover-1 recorded into one command
encoder, submitted once, and one readback — the proof (docs/PROTOCOL.md §3-7).

A composition of the protocol spine (wgprover/protocol.py) and the
sub-protocols' GPU recording functions, in the order of ``protocol.describe``.
After the one-time upload of the trace, the host only allocates, binds and
records: commitments, sumchecks, folding, the Fiat-Shamir transcript, grinding
and the query phase all run on the GPU, and every proof item is written in
place into the proof buffer. It never imports the NumPy prover.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field as dc_field

import numpy as np

from .air.language import Air
from .field import Field
from .gpu.device_memory import device_memory
from .gpu.pool import buffer_pool
from .gpu.prebuild import prepare
from .gpu.tables import declare
from .memory_plan import MemoryPlan, check_bindings, check_budget, plan_memory
from .gpu.upload import stream_upload
from .pcs import pcs_for
from .pcs.basefold.config import BasefoldParams
from .proof import air_digest
from .protocol import ConstraintViolation, Plan, check_trace, describe, make_statement, trace_shape
from .sumcheck.gpu import record_zerocheck
from .trace import check_canonical
from .transcript.gpu import GpuChannel, per_statement

__all__ = ["ConstraintViolation", "ProveResult", "check_fits", "prove_gpu"]

MEMORY_PLANS = declare("prover.memory-plans", lambda ctx: {})  # (field, AIR, n, params, timestamps) -> MemoryPlan
TIMESTAMP_BYTES = 8 * 2 * 16  # room for 16 phases of (begin, end) u64 ticks after the proof


@dataclass
class ProveResult:
    proof: bytes
    syncs: int  # host<->device synchronisations during proving (must be 1)
    phases: dict = dc_field(default_factory=dict)  # phase -> GPU seconds (timestamps)
    host_seconds: dict = dc_field(default_factory=dict)


def _zerocheck_sum_is_zero(field: Field, proof: bytes, offset: int, degree: int) -> bool:
    """Whether the first zerocheck round polynomial h_0 has h_0(0) + h_0(1) = 0.

    That sum is sum_x eq(r, x) C(x) over the hypercube for the transcript's
    random r: zero for a trace that satisfies the AIR, and non-zero with
    probability >= 1 - n/|F_ext| otherwise. So the GPU proof itself checks the
    constraints on every row, instead of a pass over the trace in NumPy
    before proving (seconds at 16 x 2^20), and costs no extra sync.
    """
    d = field.ext_degree
    h = np.frombuffer(proof, dtype=np.dtype(field.dtype).newbyteorder("<"), count=(degree + 1) * d, offset=offset)
    h = h.astype(field.dtype).reshape(degree + 1, d)
    return not np.any(field.ext.add(h[0], h[1]))


def check_fits(ctx, field: Field, air: Air, n: int, params: BasefoldParams, max_memory: int | None = None) -> MemoryPlan:
    """Refuse, from the trace's shape alone (before any trace data is read), a
    proof whose memory plan exceeds the device's memory or the ``max_memory``
    budget (docs/ARCHITECTURE.md §11), or that needs a table no binding holds:
    a table not split across bindings (§9), or one trace column longer than a
    segment (the NTT does not span row segments yet). Returns the plan (the
    buffer pool's key)."""
    key = (field.name, air_digest(air), n, params, ctx.has_timestamps)
    plans = MEMORY_PLANS.get(ctx)  # a closed form, but 0.6 ms of host time a proof: once per shape
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = plan_memory(field, air.width, n, air.degree + 1, params, air=air, limits=ctx.limits,
                                        timestamps=ctx.has_timestamps)
    mem = device_memory(ctx)
    check_budget(plan, mem.nbytes, mem.source, max_memory)
    # a table that is not split must fit one binding and one buffer (the segment
    # limit is what split tables aim at; tests may lower it alone to force splits)
    check_bindings(plan, min(ctx.max_binding(), int(ctx.limits["max-buffer-size"])) // 16 * 16, ctx.profile)
    column = field.base.BYTES << n
    if column > ctx.segment_limit():
        raise MemoryError(f"one trace column of 2^{n} rows is {column / 2**20:.0f} MiB, over this device's "
                          f"{ctx.segment_limit() / 2**20:.0f} MiB storage-binding limit ({ctx.profile} profile): "
                          f"the NTT does not span row segments yet; use fewer rows")
    return plan


def _record(ctx, field: Field, air: Air, trace: np.ndarray, public, plan: Plan, timestamps: bool):
    """Upload the trace and record the whole proof; returns (proof buffer, phase names).
    The trace is a device table, split over bindings as the device needs
    (docs/ARCHITECTURE.md §9)."""
    # streamed from the (memory-mapped) trace in chunks, each checked for
    # canonical values as it goes (docs/ARCHITECTURE.md §9)
    trace = stream_upload(ctx, trace, "trace", functools.partial(check_canonical, field), elem_bytes=field.base.BYTES)
    return record_proof(ctx, field, air, trace, public, plan, timestamps)


def record_proof(ctx, field: Field, air: Air, trace, public, plan: Plan, timestamps: bool):
    """Record and submit the whole proof of the uploaded ``trace`` (a device
    table); returns (proof buffer, phase names). gpu/prebuild.py records it
    on a device that runs nothing to list the proof's kernels."""
    proof_buf = ctx.buffer(plan.total + TIMESTAMP_BYTES, label="proof")
    ctx.write(proof_buf, plan.st.header_bytes())
    items = ctx.buffer(plan.total, label="items")  # kernel outputs, at their proof offsets
    rec = ctx.recorder(label="prove")
    phase = rec.phase if timestamps and ctx.has_timestamps else (lambda name: None)
    ch = GpuChannel(rec, field, plan, proof_buf, items)
    pcs = pcs_for(plan.st.params).gpu
    phase("commit")
    first = pcs.record_commit(ch, field, trace, plan)
    ch.draw(plan.r_alpha)
    rec.flush()  # the GPU commits while the host records the rest (still no sync)
    phase("zerocheck")
    record_zerocheck(ch, field, air, trace, public, plan.zerocheck, plan.r_alpha)
    ch.draw(plan.beta_gamma)
    rec.flush()
    phase("open")
    pcs.record_open(ch, field, trace, first, plan, phase)
    names, _ = rec.resolve_timestamps(proof_buf, plan.total) if timestamps and ctx.has_timestamps else ([], None)
    rec.submit()
    return proof_buf, names


def prove_gpu(ctx, field: Field, air: Air, trace: np.ndarray, public, params: BasefoldParams,
              check: bool = True, timestamps: bool = True, max_memory: int | None = None) -> ProveResult:
    """Prove on the GPU; the returned bytes equal ``prove_reference``'s.

    With ``check`` a trace that violates the AIR raises ConstraintViolation
    (naming the first bad row and constraint): detected from the proof's own
    first zerocheck round after the one readback, not by a CPU pass first.
    A second proof of the same memory plan reuses the first one's device
    buffers (gpu/pool.py); ``max_memory`` caps the plan's peak (bytes).
    """
    t_start = time.perf_counter()
    trace, n = trace_shape(field, air, trace, check=False)  # values: checked as they upload
    fits = check_fits(ctx, field, air, n, params, max_memory)
    plan = per_statement(make_statement(field, air, n, public, params, air_digest(air)), "plan", describe)
    host = {"setup": time.perf_counter() - t_start}
    t0 = time.perf_counter()
    prepare(ctx, field, air, public, plan, timestamps)  # a new shape's pipelines, built in parallel
    host["pipelines"] = time.perf_counter() - t0
    t0, syncs0 = time.perf_counter(), ctx.syncs
    with buffer_pool(ctx).session(ctx, fits.key):
        proof_buf, names = _record(ctx, field, air, trace, public, plan, timestamps)
        host["record"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw = ctx.read(proof_buf, np.uint8, plan.total + 16 * len(names))  # the one readback
    host["gpu+readback"] = time.perf_counter() - t0
    proof = raw[: plan.total].tobytes()
    stamps = raw[plan.total :].view(np.uint64)
    phases = {nm: (int(stamps[2 * k + 1]) - int(stamps[2 * k])) * 1e-9 for k, nm in enumerate(names)}
    nonce = plan.opening.nonce
    if params.pow_bits and int.from_bytes(proof[nonce.offset : nonce.end], "little") == 0xFFFF_FFFF:
        raise RuntimeError("proof-of-work search found no nonce (probability < 2^-60); retry")
    if check and not _zerocheck_sum_is_zero(field, proof, plan.zerocheck.rounds[0].poly.offset, plan.st.degree):
        # the trace violates the AIR; name the row and constraint (CPU, only on this path)
        check_trace(field, air, trace, public)
        raise ConstraintViolation("the trace does not satisfy the AIR (its zerocheck sum is not zero)")
    return ProveResult(proof=proof, syncs=ctx.syncs - syncs0, phases=phases, host_seconds=host)
