"""Proving many traces in one process: ``prove_many`` (docs/ARCHITECTURE.md §10).

Three stages run on their own threads and overlap:

    loader  -- checks each trace (header, parameters, output path, device limits)
               and reads it, a few traces ahead of the GPU;
    workers -- one per device (``adapters``): records and submits the proof and
               waits for its one readback; each takes the next loaded trace from
               one shared queue when it is free, so work goes to whichever device
               has the least queued;
    writer  -- writes each proof file atomically (wgprover/files.py) while the
               next proofs run.

Each device keeps its pipelines and tables across proofs (GpuContext caches
them), so only the first proof of a shape on a device pays for compiling. A
proof file is exactly what ``prove_file`` (``wgprove prove``) writes for the
trace: the same checks, the same prover call, the same file bytes. A trace
that fails is one ``BatchResult`` with a one-line reason; the others go on.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .api import DEFAULT_SECURITY, InputError, _prove_columns, gpu_context, open_statement

_WORKERS: dict = {}  # (adapter, k-th worker on it, device choice) -> GpuContext
PREFETCH = 2  # traces loaded ahead of the free workers: host memory holds workers + PREFETCH traces


@dataclass
class BatchResult:
    """One trace's outcome, yielded as soon as its proof file is written (or it failed)."""

    trace: str
    output: str
    ok: bool
    reason: str | None = None  # one line, when not ok
    seconds: float = 0.0  # proving wall time on its worker (0 when it failed before)
    worker: int | None = None  # which worker proved it (0-based; one device each)
    adapter: str | None = None  # that worker's adapter
    gpu_seconds: float | None = None  # GPU time from timestamps, where the adapter has them


@dataclass(frozen=True)
class ProveOptions:
    """What ``prove_file`` takes besides the trace and output: shared by every trace
    of a batch (and sent to Ray workers, so it stays picklable)."""

    air: object = None
    field: object = None
    public: Mapping[str, int] | None = None
    security: int = DEFAULT_SECURITY
    queries: int | None = None
    allow_insecure: bool = False
    cpu: bool = False
    knobs: Mapping[str, int | None] = dataclasses.field(default_factory=dict)

    def open(self, trace: str | Path):
        """(trace header, parameters): every check before the data is read."""
        head, params, _ = open_statement(trace, self.air, self.field, self.public, self.security,
                                         queries=self.queries, allow_insecure=self.allow_insecure, **self.knobs)
        return head, params

    def prove(self, tr, params, context) -> tuple[bytes, dict]:
        """The proof file's bytes for a loaded trace, and the prover's info."""
        from .proof_file import proof_file_bytes

        proof, info = _prove_columns(tr.field, tr.air, np.asarray(tr.columns), tr.public, params, self.cpu,
                                     context, lambda _s: None)
        return proof_file_bytes(proof, tr.air), info

    def prove_path(self, trace: str | Path, context) -> tuple[bytes, dict]:
        head, params = self.open(trace)
        return self.prove(head.load(check=self.cpu), params, context)


def one_line(e: BaseException) -> str:
    """An exception as one line: its message, or its type for an unexpected one."""
    if isinstance(e, OSError) and e.strerror:
        return f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    text = (str(e).strip().splitlines() or [""])[0]
    known = isinstance(e, (ValueError, MemoryError, OSError)) or type(e).__module__.startswith("wgprover")
    return text if known and text else f"{type(e).__name__}: {text}"


def output_paths(traces: Iterable[str | Path], out_dir: str | Path) -> list[tuple[str, Path]]:
    """(trace, out_dir/NAME.proof) per trace, NAME its file stem. Two traces
    with one stem would write one file: InputError."""
    traces = [str(t) for t in traces]
    if not traces:
        raise InputError("no traces given")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out-dir {out_dir}: not a directory")
    pairs, seen = [], {}
    for t in traces:
        name = Path(t).stem + ".proof"
        if name in seen:
            raise InputError(f"{seen[name]} and {t} would both write {out / name}; rename one")
        seen[name] = t
        pairs.append((t, out / name))
    return pairs


def make_out_dir(out_dir: str | Path) -> None:
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"--out-dir {out_dir}: {e.strerror or e}") from None


def worker_contexts(adapters: str | None = None, workers_per_adapter: int = 1, *, context=None,
                    backend: str | None = None, profile: str | None = None, int64: bool | None = None) -> list:
    """One GpuContext per worker: the process's usual context when neither
    ``adapters`` nor several workers are asked for, else a device per worker on
    each adapter the spec names (wgprover/gpu/adapters.py), each repeated
    ``workers_per_adapter`` times. The k-th worker on an adapter keeps its device
    (and compiled pipelines) for the next batch in this process."""
    if workers_per_adapter < 1:
        raise InputError(f"--workers-per-adapter must be at least 1, got {workers_per_adapter}")
    if adapters is None and workers_per_adapter == 1:
        return [gpu_context(context)]
    from .gpu.adapters import open_worker, select_adapters
    from .gpu.context import binding_cap, device_choice

    choice = (*device_choice(profile, int64), binding_cap())
    chosen = [a for a in select_adapters(adapters, backend) for _ in range(workers_per_adapter)]
    out = []
    for k, aid in enumerate(chosen):
        key = (aid, chosen[:k].count(aid), choice)
        if key not in _WORKERS:
            _WORKERS[key] = open_worker(aid, profile, int64)
        out.append(_WORKERS[key])
    return out


def prove_many(traces: Iterable[str | Path], out_dir: str | Path, *, adapters: str | None = None,
               workers_per_adapter: int = 1, context=None, backend: str | None = None, profile: str | None = None,
               int64: bool | None = None, air=None, field=None, public: Mapping[str, int] | None = None,
               security: int = DEFAULT_SECURITY, queries: int | None = None, allow_insecure: bool = False,
               cpu: bool = False, **knobs: int | None) -> Iterator[BatchResult]:
    """Prove each trace into ``out_dir/NAME.proof``; yields one BatchResult per
    trace as it finishes (module doc). Bad arguments and a missing adapter raise
    here, before any trace is read; a bad trace is a failed result."""
    options = ProveOptions(air, field, dict(public or {}), security, queries, allow_insecure, cpu, dict(knobs))
    jobs = output_paths(traces, out_dir)
    if cpu:
        contexts = [None] * workers_per_adapter
    else:
        contexts = worker_contexts(adapters, workers_per_adapter, context=context, backend=backend,
                                   profile=profile, int64=int64)
    make_out_dir(out_dir)
    return _Pipeline(options, contexts).run(jobs)


class _Pipeline:
    """The loader, worker and writer threads of one batch (module doc)."""

    def __init__(self, options: ProveOptions, contexts: list) -> None:
        self.options, self.contexts = options, contexts
        self.ready: queue.Queue = queue.Queue(maxsize=len(contexts) + PREFETCH)
        self.written: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.live = len(contexts)
        self.lock = threading.Lock()

    def run(self, jobs: list[tuple[str, Path]]) -> Iterator[BatchResult]:
        threads = [threading.Thread(target=self._load, args=(jobs,), name="wgprover-load", daemon=True),
                   threading.Thread(target=self._write, name="wgprover-write", daemon=True)]
        threads += [threading.Thread(target=self._work, args=(i, c), name=f"wgprover-worker-{i}", daemon=True)
                    for i, c in enumerate(self.contexts)]
        for t in threads:
            t.start()
        try:
            for _ in jobs:
                yield self.results.get()
        finally:
            self.stop.set()  # a closed generator: stop reading and proving new traces

    def _put(self, q: queue.Queue, item) -> bool:
        while not self.stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _load(self, jobs: list[tuple[str, Path]]) -> None:
        from .files import check_output

        for trace, out in jobs:
            if self.stop.is_set():
                break
            try:
                check_output(out)
                head, params = self.options.open(trace)
                self._check_fits(head, params)
                job = (trace, out, head.load(check=self.options.cpu), params)  # GPU: checked as it uploads
            except Exception as e:  # noqa: BLE001 - one trace's failure is its result, the batch goes on
                self.results.put(BatchResult(trace, str(out), False, one_line(e)))
                continue
            self._put(self.ready, job)
        for _ in self.contexts:
            self.ready.put(None)  # never full: workers drain it

    def _check_fits(self, head, params) -> None:
        from .prover import check_fits

        for ctx in {id(c): c for c in self.contexts if c is not None}.values():
            check_fits(ctx, head.field, head.air, head.n, params)

    def _work(self, worker: int, ctx) -> None:
        label = ctx.adapter_summary if ctx is not None else "numpy reference (CPU)"
        while (job := self.ready.get()) is not None:
            trace, out, tr, params = job
            if self.stop.is_set():
                continue
            t0 = time.perf_counter()
            try:
                blob, info = self.options.prove(tr, params, ctx)
            except Exception as e:  # noqa: BLE001
                self.results.put(BatchResult(trace, str(out), False, one_line(e), time.perf_counter() - t0,
                                             worker, label))
                continue
            gpu = sum(info.get("gpu_phases", {}).values()) or None
            self.written.put((BatchResult(trace, str(out), True, None, time.perf_counter() - t0, worker, label, gpu), blob))
        with self.lock:
            self.live -= 1
            if not self.live:
                self.written.put(None)

    def _write(self) -> None:
        from .files import write_output

        while (item := self.written.get()) is not None:
            res, blob = item
            try:
                write_output(res.output, lambda f: f.write(blob))
            except Exception as e:  # noqa: BLE001
                res = dataclasses.replace(res, ok=False, reason=one_line(e))
            self.results.put(res)
