"""The ``wgprove`` command line."""

from __future__ import annotations

import json
import os
import sys
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from .gpu import GpuUnavailable, ShaderError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="wgprover: a portable WebGPU prover (Goldilocks/BabyBear, hemera, sumcheck, Basefold).",
)
console = Console()
err = Console(stderr=True, soft_wrap=True)


class CliError(Exception):
    """A user-facing error: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _gpu_options(adapter: Optional[str], backend: Optional[str], profile: Optional[str], int64: Optional[bool]) -> None:
    """Flags override the WGPROVER_* environment variables read by get_context."""
    if adapter:
        os.environ["WGPROVER_ADAPTER"] = adapter
    if backend:
        os.environ["WGPROVER_BACKEND"] = backend
    if profile:
        os.environ["WGPROVER_PROFILE"] = profile
    if int64 is not None:
        os.environ["WGPROVER_INT64"] = "1" if int64 else "0"


AdapterOpt = typer.Option(None, "--adapter", help="Adapter name substring (env WGPROVER_ADAPTER).")
BackendOpt = typer.Option(None, "--backend", help="vulkan|metal|dx12|gl (env WGPROVER_BACKEND).")
ProfileOpt = typer.Option(None, "--profile", help="Limits profile: max|webgpu-default (env WGPROVER_PROFILE).")
Int64Opt = typer.Option(None, "--int64/--portable", help="Goldilocks field path (env WGPROVER_INT64).")


@app.command()
def info(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """Adapters, backend, chosen device, features, key limits and field path."""
    from .gpu import adapter_report, get_context

    _gpu_options(adapter, backend, profile, int64)
    adapters = adapter_report()
    ctx = get_context()
    keys = [
        "max-storage-buffer-binding-size",
        "max-buffer-size",
        "max-storage-buffers-per-shader-stage",
        "max-compute-workgroup-storage-size",
        "max-compute-invocations-per-workgroup",
        "max-compute-workgroups-per-dimension",
    ]
    chosen = {
        "adapter": ctx.adapter_summary,
        "backend": ctx.description.backend,
        "profile": ctx.profile,
        "field_path": ctx.field_path,
        "int64_available": "shader-int64" in set(ctx.adapter.features),
        "timestamps": ctx.has_timestamps,
        "limits": {k: int(ctx.limits[k]) for k in keys},
    }
    if as_json:
        print(json.dumps({"adapters": adapters, "chosen": chosen}, indent=2))
        return
    t = Table(title="WebGPU adapters")
    t.add_column("#")
    t.add_column("adapter")
    t.add_column("backend")
    t.add_column("type")
    t.add_column("features")
    for i, a in enumerate(adapters):
        mark = "*" if a["summary"] == ctx.adapter_summary else str(i)
        t.add_row(mark, a["summary"], a["backend"], a["type"], ", ".join(a["features"]))
    console.print(t)
    d = Table(title="chosen device", show_header=False)
    for k in ("adapter", "backend", "profile", "field_path", "int64_available", "timestamps"):
        d.add_row(k, str(chosen[k]))
    for k, v in chosen["limits"].items():
        d.add_row(k, f"{v:,}")
    console.print(d)


@app.command()
def selfcheck(
    size: int = typer.Option(100_003, help="Elements per field operation."),
    seed: Optional[int] = typer.Option(None, help="RNG seed (random if omitted)."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """Run every field kernel on the GPU against the NumPy reference."""
    import secrets

    import numpy as np

    from .field import FIELDS
    from .field import gpu as fgpu
    from .gpu import get_context

    _gpu_options(adapter, backend, profile, int64)
    ctx = get_context()
    seed = secrets.randbits(32) if seed is None else seed
    rng = np.random.default_rng(seed)
    t = Table(title=f"field self-check on {ctx.adapter_summary} ({ctx.field_path}, seed {seed})")
    t.add_column("field")
    t.add_column("op")
    t.add_column("result")
    failed = 0
    for f in FIELDS.values():
        B, E = f.base, f.ext
        a, b = B.random(rng, size), B.random(rng, size)
        checks = [
            ("add", fgpu.field_op(ctx, f, "add", a, b), B.add(a, b)),
            ("sub", fgpu.field_op(ctx, f, "sub", a, b), B.sub(a, b)),
            ("mul", fgpu.field_op(ctx, f, "mul", a, b), B.mul(a, b)),
            ("inv", fgpu.batch_inv(ctx, f, a[:4096]), B.inv(a[:4096])),
        ]
        x, y = E.random(rng, 4096), E.random(rng, 4096)
        checks.append((f"ext{E.d} mul", fgpu.ext_op(ctx, f, "mul", x, y), E.mul(x, y)))
        for name, got, want in checks:
            ok = np.array_equal(got, want)
            failed += not ok
            t.add_row(f.name, name, "[green]ok[/]" if ok else "[red]MISMATCH[/]")
    console.print(t)
    if failed:
        raise CliError(f"{failed} field kernel(s) disagree with the NumPy reference (seed {seed})", code=1)


def main(argv: Optional[List[str]] = None) -> None:
    """Console entry point: user errors become one line on stderr and an exit code."""
    try:
        app(args=argv, standalone_mode=False)
    except CliError as e:
        err.print(f"wgprove: error: {e}", markup=False, highlight=False)
        sys.exit(e.code)
    except GpuUnavailable as e:
        err.print(f"wgprove: error: {e}", markup=False, highlight=False)
        sys.exit(3)
    except ShaderError as e:
        err.print(f"wgprove: shader error: {e}", markup=False, highlight=False)
        sys.exit(4)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
        err.print(f"wgprove: error: {e.strerror}: {e.filename}", markup=False, highlight=False)
        sys.exit(2)
    except MemoryError as e:
        err.print(f"wgprove: error: out of memory: {e}", markup=False, highlight=False)
        sys.exit(5)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        err.print("wgprove: aborted")
        sys.exit(130)
    except Exception as e:  # click usage errors and the like
        import click

        if isinstance(e, click.exceptions.ClickException):
            e.show()
            sys.exit(e.exit_code)
        raise


if __name__ == "__main__":
    main()
