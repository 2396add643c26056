"""The application layer: prove and verify with sensible defaults.

``prove`` / ``verify`` take arrays and bytes; ``prove_file`` / ``verify_file``
take the files ``wgprove`` reads and writes. They own what every caller needs:
the GPU or CPU backend, reconciling a trace with an AIR and public inputs,
parameter defaults (100 bits conjectured, docs/PROTOCOL.md §7), the
security floor, and output files. Bad input raises ``InputError`` (or
``AirError`` / ``TraceFormatError``, both ValueErrors) before any expensive
work; an oversize trace raises ``MemoryError`` from its header alone (its
memory plan, docs/ARCHITECTURE.md §11; ``plan_file`` returns the plan).

``context`` is a GpuContext, a function returning one (called only when the
GPU is needed), or None for the best adapter (``wgprover.gpu.get_context()``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field as dc_field
from pathlib import Path

import numpy as np

from .air.language import Air, AirError
from .field import Field, get_field
from .pcs.basefold.config import BasefoldParams
from .security import SecurityReport, batching_bits, report, zerocheck_bits

DEFAULT_SECURITY = 100
# The prover refuses parameters below this many conjectured bits unless
# allow_insecure; it equals the verifier's default minimum, so a default
# prover never makes a proof that a default verifier rejects.
SECURITY_FLOOR = 100
KNOBS = ("log_blowup", "fold", "pow_bits", "final_log")


class InputError(ValueError):
    """Bad input from the caller (one line): a file, a name, a parameter."""


# -- parameters ----------------------------------------------------------------------

def security_bound(field: Field, n: int, width: int, degree: int) -> float:
    """The most conjectured security any parameters reach for this statement:
    the field/sumcheck terms of wgprover/security.py, which no query count lifts."""
    return min(zerocheck_bits(field, n, degree), batching_bits(field, n, width))


def choose_params(field: Field, n: int, width: int, degree: int, security: int = DEFAULT_SECURITY, *,
                  queries: int | None = None, allow_insecure: bool = False,
                  **knobs: int | None) -> tuple[BasefoldParams, SecurityReport]:
    """Parameters for ``security`` bits (``degree`` = the statement's D), with any
    knob (log_blowup, fold, pow_bits, final_log, queries) overridden; checked
    against the ranges, the statement's bound and the floor."""
    unknown = set(knobs) - set(KNOBS)
    if unknown:
        raise TypeError(f"unknown parameter {sorted(unknown)[0]!r}")
    bound = security_bound(field, n, width, degree)
    if not 1 <= security <= bound:
        raise InputError(f"security must be in 1..{int(bound)} bits for this {field.name} statement "
                         f"(2^{n} rows, {width} columns, degree {degree}: the field and sumcheck terms cap it), "
                         f"got {security}")
    chosen = {k: v if v is not None else getattr(BasefoldParams(), k) for k, v in knobs.items()}
    _validated(BasefoldParams(queries=1, **chosen))  # ranges first: for_security divides by log_blowup
    params = BasefoldParams.for_security(security, **chosen)
    if queries is not None:
        params = dataclasses.replace(params, queries=queries)
    sec = report(field, n, width, degree, _validated(params))
    if int(sec.bits) < SECURITY_FLOOR and not allow_insecure:
        raise InputError(f"these parameters give {int(sec.bits)} bits of conjectured security, below the "
                         f"{SECURITY_FLOOR}-bit floor; allow it explicitly (--allow-insecure) to prove anyway")
    return params, sec


def _validated(params: BasefoldParams) -> BasefoldParams:
    try:
        params.validate()
    except ValueError as e:
        raise InputError(str(e)) from None
    return params


# -- inputs ----------------------------------------------------------------------------

def get_air(air: Air | str | Path) -> Air:
    """An Air, or one read from a TOML/JSON file (by its suffix)."""
    if isinstance(air, Air):
        return air
    try:
        text = Path(air).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read AIR file {air}: {getattr(e, 'strerror', None) or e}") from None
    try:
        return Air.from_json(text) if str(air).endswith(".json") else Air.from_toml(text)
    except AirError as e:
        raise InputError(f"{air}: {e}") from None


def as_field(field: Field | str) -> Field:
    """A Field, or the one named (InputError for an unknown name)."""
    if isinstance(field, Field):
        return field
    try:
        return get_field(field)
    except ValueError as e:
        raise InputError(str(e)) from None


def open_trace_file(path: str | Path, air: Air | str | Path | None = None, field: Field | str | None = None,
                    public: Mapping[str, int] | None = None):
    """A trace's header (trace.TraceHeader) reconciled with an expected AIR,
    field and public inputs, checked without reading the trace data."""
    from .trace import open_array_trace, open_trace

    expected = get_air(air) if air is not None else None
    public = dict(public or {})
    if str(path).endswith((".npy", ".npz")):
        if expected is None:
            raise InputError(f"{path}: an array trace needs an AIR (--air FILE)")
        head = open_array_trace(path, expected, as_field(field or "goldilocks").name, public)
    else:
        head = open_trace(path)
        if field is not None and as_field(field) is not head.field:
            raise InputError(f"{path} is a {head.field.name} trace, not {as_field(field).name}")
        if expected is not None and expected.canonical_bytes() != head.air.canonical_bytes():
            raise InputError(f"{path}: the trace's AIR differs from {air}")
        head.air.public_values(head.field, {**head.public, **public})  # unknown names, range
        head.public.update(public)
    head.air.public_values(head.field, head.public)
    head.air.check_rows(head.n)
    return head


def gpu_context(context):
    """The GpuContext for ``context`` (module docstring)."""
    if context is None:
        from .gpu import get_context

        return get_context()
    return context() if callable(context) else context


# -- proving ---------------------------------------------------------------------------

@dataclass
class ProveReport:
    """What ``prove_file`` did: the proof and what a summary shows."""

    proof: bytes
    field: Field
    air: Air
    n: int
    width: int
    params: BasefoldParams
    security: SecurityReport
    backend: str
    seconds: float
    syncs: int | None = None
    gpu_phases: dict = dc_field(default_factory=dict)


def _prove_columns(field: Field, air: Air, cols, public, params, cpu: bool, context,
                   on_stage: Callable[[str], None], max_memory: int | None = None) -> tuple[bytes, dict]:
    """One proof on the chosen backend; ConstraintViolation names the bad row."""
    from .reference_prover import check_trace, prove_reference

    t0 = time.perf_counter()
    if cpu:
        on_stage("checking constraints")
        check_trace(field, air, cols, public)
        on_stage("proving with the NumPy reference (CPU)")
        proof = prove_reference(field, air, cols, public, params, check=False)
        return proof, {"backend": "numpy reference (CPU)", "seconds": time.perf_counter() - t0}
    from .prover import prove_gpu

    ctx = gpu_context(context)
    on_stage(f"proving on {ctx.adapter_summary}")
    res = prove_gpu(ctx, field, air, cols, public, params, check=True, max_memory=max_memory)  # checks every row
    return res.proof, {"backend": ctx.adapter_summary, "seconds": time.perf_counter() - t0,
                       "syncs": res.syncs, "gpu_phases": res.phases}


def open_statement(trace: str | Path, air: Air | str | Path | None = None, field: Field | str | None = None,
                   public: Mapping[str, int] | None = None, security: int = DEFAULT_SECURITY, *,
                   queries: int | None = None, allow_insecure: bool = False, **knobs: int | None):
    """(trace header, parameters, security report) for a trace file, all checked
    before the trace data is read."""
    head = open_trace_file(trace, air, field, public)
    params, sec = choose_params(head.field, head.n, head.width, head.air.degree + 1, security,
                                queries=queries, allow_insecure=allow_insecure, **knobs)
    return head, params, sec


def _refuse_before_gpu(head, params: BasefoldParams, max_memory: int | None) -> None:
    """Refuse, without starting the GPU, a trace over the --max-memory budget or
    over the largest device memory on this machine. Sound: the plan without
    device limits is never larger than any device's plan."""
    from .gpu.device_memory import largest_device_memory
    from .memory_plan import check_budget, plan_memory

    bound = largest_device_memory()
    if max_memory is not None or bound is not None:
        plan = plan_memory(head.field, head.width, head.n, head.air.degree + 1, params, air=head.air)
        check_budget(plan, bound and bound.nbytes, bound.source if bound else "", max_memory)


@dataclass
class PlanReport:
    """What ``plan_file`` found: the memory plan of a trace and the device's memory."""

    path: str
    field: Field
    air: Air
    params: BasefoldParams
    plan: object  # memory_plan.MemoryPlan
    memory: object  # gpu.device_memory.DeviceMemory
    max_memory: int | None
    refusal: str | None = None  # why the prover would refuse this trace (prover.check_fits), or None

    @property
    def available(self) -> int | None:
        caps = [x for x in (self.memory.nbytes, self.max_memory) if x is not None]
        return min(caps) if caps else None


def plan_file(trace: str | Path, *, air: Air | str | Path | None = None, field: Field | str | None = None,
              public: Mapping[str, int] | None = None, security: int = DEFAULT_SECURITY,
              queries: int | None = None, allow_insecure: bool = False, max_memory: int | None = None,
              context=None, **knobs: int | None) -> PlanReport:
    """The device-memory plan of proving a trace file on the GPU, from its header
    alone (docs/ARCHITECTURE.md §11); nothing is proved, no trace data is read."""
    from .gpu.device_memory import device_memory
    from .prover import check_fits

    head, params, _ = open_statement(trace, air, field, public, security, queries=queries,
                                    allow_insecure=allow_insecure, **knobs)
    ctx = gpu_context(context)
    refusal = None
    try:
        plan = check_fits(ctx, head.field, head.air, head.n, params, max_memory)
    except MemoryError as e:  # the same checks a proof makes: memory, bindings, column length
        from .memory_plan import plan_memory

        refusal = str(e)
        plan = plan_memory(head.field, head.width, head.n, head.air.degree + 1, params, air=head.air,
                           limits=ctx.limits, timestamps=ctx.has_timestamps)
    return PlanReport(str(trace), head.field, head.air, params, plan, device_memory(ctx), max_memory, refusal)


def prove_file(trace: str | Path, output: str | Path, *, air: Air | str | Path | None = None,
               field: Field | str | None = None, public: Mapping[str, int] | None = None,
               security: int = DEFAULT_SECURITY, queries: int | None = None, allow_insecure: bool = False,
               cpu: bool = False, context=None, on_stage: Callable[[str], None] | None = None,
               max_memory: int | None = None, **knobs: int | None) -> ProveReport:
    """Prove a trace file (.wgtrace, or .npy/.npz with ``air``) into a proof file.
    On the GPU, a trace whose memory plan exceeds the device's memory or
    ``max_memory`` (bytes) raises MemoryError before its data is read."""
    from .files import check_output
    from .proof_file import write_proof_file

    on_stage = on_stage or (lambda _s: None)
    check_output(output)
    head, params, sec = open_statement(trace, air, field, public, security, queries=queries,
                                       allow_insecure=allow_insecure, **knobs)
    if not cpu:
        from .prover import check_fits

        _refuse_before_gpu(head, params, max_memory)
        on_stage("starting the GPU")
        check_fits(gpu_context(context), head.field, head.air, head.n, params, max_memory)
    on_stage("reading the trace")
    tr = head.load(check=cpu)  # the GPU prover checks each chunk as it uploads it
    proof, info = _prove_columns(tr.field, tr.air, np.asarray(tr.columns), tr.public, params, cpu, context,
                                 on_stage, max_memory)
    write_proof_file(output, proof, tr.air)
    return ProveReport(proof, tr.field, tr.air, head.n, head.width, params, sec, **info)


def prove(air: Air, trace, public: Mapping[str, int] | None = None, *, field: Field | str = "goldilocks",
          security: int = DEFAULT_SECURITY, queries: int | None = None, allow_insecure: bool = False,
          cpu: bool = False, context=None, max_memory: int | None = None, **knobs: int | None) -> bytes:
    """Prove that ``trace`` (w columns x 2^n rows) satisfies ``air``; the proof bytes.

    Defaults: the best adapter, 100 bits of conjectured security. ``cpu`` uses
    the NumPy reference prover (same bytes). ``max_memory`` caps the GPU
    proof's planned device memory (bytes; MemoryError above it)."""
    f = as_field(field)
    try:
        cols = f.base.check(np.asarray(trace), "trace")
    except ValueError as e:
        raise InputError(str(e)) from None
    if cols.ndim != 2 or cols.shape[0] != air.width or cols.shape[1] < 2 or cols.shape[1] & (cols.shape[1] - 1):
        raise InputError(f"the trace must have shape ({air.width}, 2^n) with n >= 1, got {cols.shape}")
    n = cols.shape[1].bit_length() - 1
    air.public_values(f, public)
    air.check_rows(n)
    params, _ = choose_params(f, n, air.width, air.degree + 1, security, queries=queries,
                              allow_insecure=allow_insecure, **knobs)
    proof, _ = _prove_columns(f, air, cols, public, params, cpu, context, lambda _s: None, max_memory)
    return proof


# -- verifying -------------------------------------------------------------------------

@dataclass
class VerifyReport:
    """What ``verify_file`` decided, and about which statement."""

    verdict: object  # verifier.Verdict
    air: Air | None
    air_digest: bytes | None
    pinned: bool  # the AIR came from the caller (air or air_digest), not only the proof file
    seconds: float


def parse_digest(text: str | bytes | None) -> bytes | None:
    """A 32-byte AIR digest from 64 hex digits (or bytes); None stays None."""
    if text is None or isinstance(text, bytes):
        return text
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InputError(f"an AIR digest is 64 hex digits, got {text!r}")
    return raw


def verify(proof: bytes, air: Air | None = None, public: Mapping[str, int] | None = None, *,
           min_security: int = 100, air_digest: bytes | str | None = None):
    """ACCEPT/REJECT a proof (raw bytes, or a proof file's bytes with its AIR).

    ``air`` defaults to the AIR embedded in a proof file; ``public`` pins some or
    all public inputs by name; ``air_digest`` pins the AIR; proofs below
    ``min_security`` conjectured bits are rejected."""
    from .proof_file import split_proof_file
    from .verifier import Verdict, verify as verify_bytes

    body, embedded, problem = split_proof_file(proof)
    if air is not None and embedded is None:
        body = proof
    the_air = air or embedded
    if the_air is None:
        return Verdict(False, problem or "no AIR embedded in the proof; pass the AIR", None)
    return verify_bytes(body, the_air, public, min_security=min_security, air_digest=parse_digest(air_digest))


def _header_digest(proof: bytes) -> bytes | None:
    from .proof import ProofFormatError, parse_header

    try:
        return parse_header(proof)[0].air_digest
    except ProofFormatError:
        return None


def verify_file(path: str | Path, *, air: Air | str | Path | None = None, air_digest: str | bytes | None = None,
                public: Mapping[str, int] | None = None, min_security: int = 100) -> VerifyReport:
    """Verify a proof file; the statement is pinned by ``air`` or ``air_digest`` if given.
    The report's digest is the one in the proof's header (else the AIR's)."""
    from .proof import air_digest as digest_of
    from .proof_file import split_proof_file
    from .verifier import Verdict

    try:
        blob = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    expected = get_air(air) if air is not None else None
    pin = parse_digest(air_digest)
    body, embedded, problem = split_proof_file(blob)
    the_air = expected or embedded
    pinned = expected is not None or pin is not None
    digest = _header_digest(body) or (digest_of(the_air) if the_air is not None else None)
    if the_air is None:
        verdict = Verdict(False, problem or "no AIR embedded in the proof file; pass --air FILE", None)
        return VerifyReport(verdict, None, digest, pinned, 0.0)
    if expected is not None and embedded is not None and digest_of(embedded) != digest_of(expected):
        verdict = Verdict(False, "the proof file embeds a different AIR than the expected one", None)
        return VerifyReport(verdict, the_air, digest, pinned, 0.0)
    t0 = time.perf_counter()
    verdict = verify(blob, the_air, public, min_security=min_security, air_digest=pin)
    return VerifyReport(verdict, the_air, digest, pinned, time.perf_counter() - t0)
