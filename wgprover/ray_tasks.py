"""Proving a batch on a Ray cluster: ``wgprove prove TRACE... --out-dir DIR --ray auto|ADDRESS``
(docs/ARCHITECTURE.md §10). Ray is an optional extra (``pip install 'wgprover[ray]'``),
imported only here and only when ``--ray`` is given.

Each trace is one Ray task. The driver reads the trace file and passes its
bytes through the object store, so workers need no shared filesystem (but do
need wgprover installed); the task proves it exactly as ``prove_file`` does
and returns the proof file's bytes; only the driver writes files, atomically
(wgprover/files.py). A task whose worker dies is retried (``max_retries``);
a trace that is bad (an exception in the task) fails once, in one line, and
is not retried; a partial proof is never written.

GPU assignment: a task asks for ``num_gpus=1`` when the cluster has GPUs.
Ray tells the task which GPU it got (``ray.get_gpu_ids()``) and sets
CUDA_VISIBLE_DEVICES, which Vulkan ignores; so GPU id k selects the k-th
adapter of the node's batch adapters (``wgprove info``: ``--adapters all``,
enumeration order). Ray never hands one id to two running tasks, so two tasks
never share a card. On a cluster without GPUs (lavapipe in CI) a task asks
for one unit of the custom resource ``wgpu`` where nodes declare it
(``ray start --resources '{"wgpu": 2}'``), else for one CPU, and proves on
the node's best adapter.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .api import DEFAULT_SECURITY, InputError
from .batch import BatchResult, ProveOptions, make_out_dir, one_line, output_paths

MAX_RETRIES = 3  # a task whose worker process dies is run again up to this many times
_WORKER_CONTEXTS: dict = {}  # in a Ray worker process: GPU id -> GpuContext, reused across tasks


def _ray():
    try:
        import ray
    except ImportError:
        raise InputError("--ray needs Ray, which is not installed: pip install 'wgprover[ray]'") from None
    return ray


def _task_context(choice: dict):
    """The GpuContext for this task's GPU (module doc), opened once per worker process."""
    ray = _ray()
    ids = ray.get_gpu_ids()
    key = int(ids[0]) if ids else None
    if key not in _WORKER_CONTEXTS:
        from .gpu.adapters import batch_adapters, open_worker
        from .gpu.context import get_context

        if key is None:
            _WORKER_CONTEXTS[key] = get_context(None, choice["backend"], choice["profile"], choice["int64"])
        else:
            pool = batch_adapters(choice["backend"])
            if key >= len(pool):
                raise RuntimeError(f"Ray assigned GPU {key} but this node has {len(pool)} batch adapter(s)")
            _WORKER_CONTEXTS[key] = open_worker(pool[key], choice["profile"], choice["int64"])
    return _WORKER_CONTEXTS[key]


def prove_trace(name: str, data: bytes, options: ProveOptions, choice: dict) -> bytes:
    """The Ray task: a proof file's bytes for a trace file's bytes (``name``
    keeps its suffix: .wgtrace, .npy or .npz)."""
    with tempfile.TemporaryDirectory(prefix="wgprover-ray-") as d:
        path = Path(d) / name
        path.write_bytes(data)
        blob, _ = options.prove_path(path, None if options.cpu else _task_context(choice))
    return blob


def _task_resources(ray, cpu: bool) -> tuple[dict, int]:
    """(the task's resource request, how many tasks the cluster runs at once)."""
    have = ray.cluster_resources()
    if not cpu and have.get("GPU", 0) >= 1:
        return {"num_gpus": 1}, int(have["GPU"])
    if not cpu and have.get("wgpu", 0) >= 1:
        return {"num_cpus": 0, "resources": {"wgpu": 1}}, int(have["wgpu"])
    return {"num_cpus": 1}, max(1, int(have.get("CPU", 1)))


def connect(address: str):
    """Connect to (or, for ``auto`` with none running, start) a Ray cluster."""
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=None if address == "auto" else address, log_to_driver=False)
    return ray


def prove_many_ray(traces: Iterable[str | Path], out_dir: str | Path, address: str = "auto", *,
                   backend: str | None = None, profile: str | None = None, int64: bool | None = None,
                   max_retries: int = MAX_RETRIES, air=None, field=None, public=None,
                   security: int = DEFAULT_SECURITY, queries: int | None = None, allow_insecure: bool = False,
                   cpu: bool = False, **knobs: int | None) -> Iterator[BatchResult]:
    """``prove_many`` on a Ray cluster: yields one BatchResult per trace as it
    finishes (module doc); ``seconds`` counts from the task's submission."""
    from .api import get_air

    jobs = output_paths(traces, out_dir)
    ray = connect(address)
    make_out_dir(out_dir)
    options = ProveOptions(get_air(air) if air is not None else None, field, dict(public or {}), security, queries,
                           allow_insecure, cpu, dict(knobs))
    request, slots = _task_resources(ray, cpu)
    task = ray.remote(prove_trace).options(max_retries=max_retries, retry_exceptions=False, **request)
    choice = {"backend": backend, "profile": profile, "int64": int64}
    return _drive(ray, task, jobs, options, choice, window=2 * slots)


def _drive(ray, task, jobs, options, choice, window: int) -> Iterator[BatchResult]:
    """Keep ``window`` tasks in flight; write each proof as its task returns."""
    from .files import check_output, write_output

    todo, pending = iter(jobs), {}
    while True:
        for trace, out in todo:
            try:
                check_output(out)
                ref = task.remote(Path(trace).name, Path(trace).read_bytes(), options, choice)
            except Exception as e:  # noqa: BLE001 - one trace's failure is its result
                yield BatchResult(trace, str(out), False, one_line(e))
                continue
            pending[ref] = (trace, out, time.perf_counter())
            if len(pending) >= window:
                break
        if not pending:
            return
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        trace, out, t0 = pending.pop(ref)
        try:
            blob = ray.get(ref)
            write_output(out, lambda f: f.write(blob))
            yield BatchResult(trace, str(out), True, None, time.perf_counter() - t0, adapter="ray")
        except Exception as e:  # noqa: BLE001
            yield BatchResult(trace, str(out), False, _ray_reason(e), time.perf_counter() - t0, adapter="ray")


def _ray_reason(e: BaseException) -> str:
    """One line for a failed task: the task's own exception where Ray carries it."""
    cause = getattr(e, "cause", None)
    return one_line(cause if isinstance(cause, BaseException) else e)
