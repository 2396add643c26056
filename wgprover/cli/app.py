"""The typer application, the GPU options shared by every GPU command, and
``main``: every error becomes one line on stderr and a documented exit code
(README "Usage"): 0 ok, 1 invalid trace or REJECT (a batch: some trace
failed), 2 bad input (usage errors included), 3 no GPU adapter, 4 shader error, 5 out of memory, 70 internal
error (a bug: ``--debug`` shows the traceback).

Nothing here imports the GPU layer or NumPy at import time, so ``--help`` and
``verify`` start fast and never load wgpu.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from dataclasses import dataclass
from typing import List, Optional

import typer
from rich.console import Console

from . import plain_options

plain_options.install()  # option values without importing pydantic (plain_options.py)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="wgprover: a portable WebGPU prover (Goldilocks/BabyBear, hemera, sumcheck, Basefold).",
)
console = Console()
err = Console(stderr=True, soft_wrap=True)
STATE = {"debug": False}
EXIT_INTERNAL = 70


class CliError(Exception):
    """A user-facing error: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show the traceback of an internal error.")) -> None:
    STATE["debug"] = debug


# -- GPU options -----------------------------------------------------------------------

@dataclass(frozen=True)
class GpuChoice:
    """The adapter/backend/profile/int64 flags; calling it opens (or reuses) the
    context, so the GPU starts only when a command needs it."""

    adapter: Optional[str] = None
    backend: Optional[str] = None
    profile: Optional[str] = None
    int64: Optional[bool] = None

    def __call__(self):
        from ..gpu import get_context

        return get_context(self.adapter, self.backend, self.profile, self.int64)

    def start(self) -> None:
        """Begin opening this context on a daemon thread (gpu/context.py
        start_context); calling the choice later waits for it."""
        from ..gpu.context import start_context

        start_context(self.adapter, self.backend, self.profile, self.int64)

    def checked(self) -> "GpuChoice":
        """Unknown values, from flags or WGPROVER_* variables, are bad input (exit 2)."""
        from ..gpu.context import BACKENDS, PROFILES

        def pick(value, env):
            return value if value is not None else (os.environ.get(env) or None)

        for what, value, allowed in (("profile", pick(self.profile, "WGPROVER_PROFILE"), PROFILES),
                                     ("backend", pick(self.backend, "WGPROVER_BACKEND"), BACKENDS)):
            if value is not None and value.lower() not in allowed:
                raise CliError(f"unknown {what} {value!r} (--{what} or WGPROVER_{what.upper()}: "
                               f"one of {', '.join(allowed)})")
        int64 = os.environ.get("WGPROVER_INT64") or "auto"
        if self.int64 is None and int64.lower() not in ("auto", "0", "1"):
            raise CliError(f"WGPROVER_INT64 must be auto, 0 or 1, not {int64!r}")
        from ..gpu.context import binding_cap
        from ..gpu.errors import GpuUnavailable
        from ..hemera import lockstep

        lockstep.lanes()  # a bad WGPROVER_HEMERA_LANES is bad input (exit 2), refused before any work

        try:
            binding_cap()
        except GpuUnavailable as e:
            raise CliError(str(e)) from None
        return self


_GPU_PARAMS = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=option)
    for name, kind, option in (
        ("adapter", Optional[str], typer.Option(None, "--adapter", help="Adapter name substring (env WGPROVER_ADAPTER).")),
        ("backend", Optional[str], typer.Option(None, "--backend", help="vulkan|metal|dx12|gl (env WGPROVER_BACKEND).")),
        ("profile", Optional[str], typer.Option(None, "--profile", help="Limits profile: max|webgpu-default (env WGPROVER_PROFILE).")),
        ("int64", Optional[bool], typer.Option(None, "--int64/--portable", help="Goldilocks field path: shader-int64 or portable u32 pairs; default: int64 where the adapter has it (env WGPROVER_INT64=auto|1|0). Same bytes either way.")),
    )
]


def gpu_command(fn):
    """Give a command the four GPU options; it receives them as one ``gpu: GpuChoice``."""
    sig = inspect.signature(fn, eval_str=True)
    params = [p for p in sig.parameters.values() if p.name != "gpu"]

    @functools.wraps(fn)
    def wrapper(*args, adapter=None, backend=None, profile=None, int64=None, **kwargs):
        return fn(*args, gpu=GpuChoice(adapter, backend, profile, int64).checked(), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params + _GPU_PARAMS)
    return wrapper


def parse_public(items: List[str]) -> dict:
    """``NAME=VALUE`` pairs (VALUE in Python integer syntax: 5, 0x1f)."""
    out = {}
    for it in items or []:
        if "=" not in it:
            raise CliError(f"--public expects NAME=VALUE, got {it!r}")
        k, v = it.split("=", 1)
        try:
            out[k.strip()] = int(v, 0)
        except ValueError:
            raise CliError(f"--public {k}: {v!r} is not an integer") from None
    return out


# -- errors ------------------------------------------------------------------------------

# exception class name -> exit code, matched along the exception's class
# hierarchy (by name, so that reporting an error never imports the GPU layer)
_CODES = {
    "ConstraintViolation": 1,
    "InputError": 2, "AirError": 2, "TraceFormatError": 2, "OutputPathError": 2, "AdapterSpecError": 2,
    "GpuUnavailable": 3, "ShaderError": 4, "MemoryError": 5,
}


def _classify(e: BaseException) -> tuple[int, str]:
    if isinstance(e, CliError):
        return e.code, str(e)
    for cls in type(e).__mro__:
        code = _CODES.get(cls.__name__)
        if code is not None and (cls is MemoryError or cls.__module__.startswith("wgprover")):
            prefix = {1: "refusing to prove: ", 4: "shader error: ", 5: "out of memory: "}.get(code, "")
            return code, prefix + str(e)
    if isinstance(e, OSError) and e.strerror:
        return 2, f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    return EXIT_INTERNAL, f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback)"


# BLAS thread pools, read once when NumPy loads its BLAS library
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> None:
    """One BLAS thread unless the user chose a count: wgprover does no BLAS work
    (integer NumPy and GPU kernels), and OpenBLAS starting a thread per core
    made ``import numpy`` cost 0.28 s instead of 0.07 s on a 16-core host
    (docs/ARCHITECTURE.md §4 "Start-up"). Effective only before NumPy is imported."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def main(argv: Optional[List[str]] = None) -> None:
    """Console entry point: typer prints usage errors (exit 2); everything else
    becomes one line on stderr and an exit code (module docstring)."""
    single_threaded_blas()  # first: nothing before it imports NumPy
    STATE["debug"] = False
    try:
        app(args=argv, prog_name="wgprove")
    except KeyboardInterrupt:
        err.print("wgprove: interrupted", markup=False, highlight=False)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the one place every error is reported
        code, message = _classify(e)
        if code == EXIT_INTERNAL and STATE["debug"]:
            raise
        err.print(f"wgprove: error: {message}", markup=False, highlight=False)
        sys.exit(code)
