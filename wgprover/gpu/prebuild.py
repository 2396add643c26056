"""A proof's pipelines, known before recording and built in parallel
(docs/ARCHITECTURE.md "Pipeline builds").

Which kernels a proof builds is a function of its shape: field, field path,
profile limits, AIR, rows and parameters, never of the trace's values.
:func:`proof_specs` records the proof against a device that runs nothing
(:mod:`wgprover.gpu.dryrun`) to list them; :func:`build` compiles the ones
the context lacks on a pool of threads (the driver compiles while Python
waits: wgpu-py's C calls release the interpreter lock). :func:`prepare`,
called by ``prove_gpu``, does both once per shape and context, so the CLI,
the batch prover and Ray workers all get it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait

from .dryrun import dry_twin, is_dry
from .errors import InputError
from .kernel import KernelSpec, capture, pipeline_for
from .tables import declare

MAX_BUILD_THREADS = 256

# shapes whose pipelines this context has built (prepare's cache)
PREPARED = declare("prepared-proof-shapes", lambda ctx: set())


def build_threads() -> int:
    """WGPROVER_BUILD_THREADS=N: threads that build pipelines (default
    min(8, CPU count)); 1 builds each kernel when recording first asks for
    it, serially, with no dry run. A bad value is bad input (exit 2)."""
    raw = os.environ.get("WGPROVER_BUILD_THREADS") or None
    if raw is None:
        return min(8, os.cpu_count() or 1)
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_BUILD_THREADS:
        raise InputError(f"WGPROVER_BUILD_THREADS must be an integer from 1 to {MAX_BUILD_THREADS}, not {raw!r}")
    return n


def proof_specs(ctx, field, air, public, plan, timestamps: bool = True) -> list[KernelSpec]:
    """Every distinct kernel the proof of ``plan``'s statement records on
    ``ctx``, in first-use order: the proof recorded on a dry twin of ``ctx``
    over an unwritten trace table (no GPU work, no trace data), with the
    constant tables ``ctx`` holds already (a table built by an earlier proof
    is not built again, nor are its kernels)."""
    from ..prover import record_proof
    from .device_table import allocate

    dry = dry_twin(ctx, with_tables=True)
    with capture(isolated=True) as sink:
        trace = allocate(dry, plan.st.width, 1 << plan.st.n, field.base.BYTES, "trace")
        record_proof(dry, field, air, trace, public, plan, timestamps)
    return list({s.key: s for s in sink}.values())


def build(ctx, specs: list[KernelSpec], threads: int | None = None, wait: bool = True) -> int:
    """Build the pipelines of ``specs`` that ``ctx`` lacks on ``threads`` threads
    (default :func:`build_threads`), largest source first so that the longest
    compile starts first; returns how many. ``wait``: return when all are
    done, raising the first failed one's ShaderError unchanged. Else return at once: a
    kernel the recording asks for while it builds is waited for there
    (kernel.pipeline_for), and one that failed fails again there, the same way."""
    todo = sorted((s for s in specs if s.key not in ctx.pipelines), key=lambda s: -len(s.source))
    threads = build_threads() if threads is None else threads
    if threads <= 1 or len(todo) <= 1:
        for s in todo:
            pipeline_for(ctx, s)
        return len(todo)
    pool = ThreadPoolExecutor(max_workers=min(threads, len(todo)), thread_name_prefix="wgprover-build")
    futures = [pool.submit(pipeline_for, ctx, s) for s in todo]
    pool.shutdown(wait=False)  # the workers exit when the queue is empty
    if wait:
        futures_wait(futures)  # none left in flight, even after an error
        for f in futures:
            f.result()
    return len(todo)


def parallel_builds(ctx) -> bool:
    """Whether ``ctx``'s backend may build pipelines on other threads. Not
    OpenGL: wgpu drives one GL context, and a build on a worker thread while
    the recording thread submitted aborted the process (llvmpipe, CI); a GL
    driver compiles on the context's thread anyway (docs/ARCHITECTURE.md §4
    "Pipeline builds")."""
    return str(ctx.adapter.info.get("backend_type", "")).lower() != "opengl"


def shape_key(plan, timestamps: bool) -> tuple:
    """What decides a proof's kernels besides the context (public values do not)."""
    st = plan.st
    return (st.field.name, st.n, st.width, st.degree, st.air_digest, st.params, bool(timestamps))


def prepare(ctx, field, air, public, plan, timestamps: bool = True, wait: bool = False) -> int:
    """Start building, in parallel, every pipeline the proof of ``plan`` needs,
    the first time this context sees its shape; returns how many (0 for a
    known shape, with WGPROVER_BUILD_THREADS=1, or on a dry context). The
    builds overlap the trace upload and the recording unless ``wait``."""
    threads = build_threads()
    done = PREPARED.get(ctx)
    key = shape_key(plan, timestamps)
    if threads <= 1 or is_dry(ctx) or key in done or not parallel_builds(ctx):
        return 0
    built = build(ctx, proof_specs(ctx, field, air, public, plan, timestamps), threads, wait)
    done.add(key)
    return built
