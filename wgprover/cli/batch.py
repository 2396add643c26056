"""``wgprove prove TRACE... --out-dir DIR``: many traces in one process
(wgprover/batch.py), over several adapters (``--adapters``) or on a Ray
cluster (``--ray``, wgprover/ray_tasks.py).

Exit codes (README "Usage"): 0 every trace proved; 1 at least one trace
failed (each failure is one line on stderr, the others are still proved);
2 a bad combination of options, before any trace is read; 3 no adapter.
"""

from __future__ import annotations

import time
from typing import List, Optional

import typer

from .app import CliError, GpuChoice, console, err


def batch_requested(traces: List[str], out: Optional[str], out_dir: Optional[str], adapters: Optional[str],
                    workers: int, ray: Optional[str], gpu: GpuChoice, cpu: bool = False) -> bool:
    """Whether ``prove`` runs as a batch; a bad combination is a CliError (exit 2)."""
    batch_only = [name for name, given in (("--adapters", adapters), ("--ray", ray),
                                           ("--workers-per-adapter", workers != 1)) if given]
    if out is not None and out_dir is not None:
        raise CliError("give -o PROOF (one trace) or --out-dir DIR (any number of traces), not both")
    if out is not None and len(traces) > 1:
        raise CliError(f"-o names one proof file but {len(traces)} traces were given; use --out-dir DIR")
    if out is None and out_dir is None:
        raise CliError("where should the proof go? -o PROOF (one trace) or --out-dir DIR (many)")
    if out is not None and batch_only:
        raise CliError(f"{batch_only[0]} proves a batch: use --out-dir DIR instead of -o")
    if ray is not None and (adapters is not None or workers != 1):
        raise CliError("--ray schedules one GPU per task itself; drop --adapters/--workers-per-adapter")
    if adapters is not None and gpu.adapter is not None:
        raise CliError("give --adapter (one adapter) or --adapters (a batch's adapters), not both")
    if cpu and adapters is not None:
        raise CliError("--cpu proves with the NumPy reference: drop --adapters")
    if workers < 1:
        raise CliError(f"--workers-per-adapter must be at least 1, got {workers}")
    return out_dir is not None


def _progress(total: int, show: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("proving"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]:.2f} proofs/s"), TextColumn("failed: {task.fields[failed]}"),
                    TimeElapsedColumn(), console=err, disable=not show, transient=False)


def prove_batch(traces: List[str], out_dir: str, *, adapters: Optional[str], workers: int, ray: Optional[str],
                progress: Optional[bool], gpu: GpuChoice, options: dict) -> None:
    """Run the batch, one line per trace, a summary; exit 1 if any trace failed."""
    if ray is not None:
        from ..ray_tasks import prove_many_ray

        results = prove_many_ray(traces, out_dir, ray, backend=gpu.backend, profile=gpu.profile,
                                 int64=gpu.int64, **options)
    else:
        from ..batch import prove_many

        results = prove_many(traces, out_dir, adapters=adapters, workers_per_adapter=workers, context=gpu,
                             backend=gpu.backend, profile=gpu.profile, int64=gpu.int64, **options)
    show = err.is_terminal if progress is None else progress
    t0, failed = time.perf_counter(), 0
    with _progress(len(traces), show) as prog:
        task = prog.add_task("prove", total=len(traces), rate=0.0, failed=0)
        for done, r in enumerate(results, 1):
            if r.ok:
                console.print(f"{r.trace} -> {r.output} ({r.seconds:.2f} s)", markup=False, highlight=False)
            else:
                failed += 1
                reason = r.reason if r.reason.startswith(r.trace) else f"{r.trace}: {r.reason}"
                err.print(f"wgprove: {reason}", markup=False, highlight=False)
            prog.update(task, completed=done, rate=(done - failed) / (time.perf_counter() - t0), failed=failed)
    wall = time.perf_counter() - t0
    console.print(f"{len(traces) - failed} of {len(traces)} traces proved in {wall:.1f} s "
                  f"({(len(traces) - failed) / wall:.2f} proofs/s)" + (f"; {failed} failed" if failed else ""),
                  markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)
