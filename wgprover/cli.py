"""The ``wgprove`` command line."""

from __future__ import annotations

import json
import os
import sys
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

import numpy as np

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
Int64Opt = typer.Option(None, "--int64/--portable", help="Goldilocks field path: shader-int64 or portable u32 pairs; default: int64 where the adapter has it (env WGPROVER_INT64=auto|1|0). Same bytes either way.")


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
    from .gpu.context import backend_report

    _gpu_options(adapter, backend, profile, int64)
    adapters = adapter_report()
    backends = backend_report(adapters)
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
        print(json.dumps({"adapters": adapters, "backends": backends, "chosen": chosen}, indent=2))
        return
    t = Table(title="WebGPU adapters")
    t.add_column("#")
    t.add_column("adapter")
    t.add_column("backend")
    t.add_column("type")
    t.add_column("features")
    t.add_column("compute")
    for i, a in enumerate(adapters):
        mark = "*" if a["summary"] == ctx.adapter_summary else str(i)
        t.add_row(mark, a["summary"], a["backend"], a["type"], ", ".join(a["features"]), a["compute"])
    console.print(t)
    for name, b in backends.items():
        console.print(f"{name}: {b['adapters']} adapter(s), compute " + ("works" if b["compute"] else f"absent ({b['why_not']})"))
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


# -- proving ---------------------------------------------------------------------------

def _parse_public(items: List[str]) -> dict:
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


def _load_air(path: str):
    from .air.language import Air, AirError

    try:
        text = open(path).read()
    except OSError as e:
        raise CliError(f"cannot read AIR file {path}: {e.strerror}") from None
    try:
        return Air.from_json(text) if path.endswith(".json") else Air.from_toml(text)
    except (AirError, ValueError) as e:
        raise CliError(f"{path}: {e}") from None


def _load_trace(path: str, air_path: Optional[str], field: str, public: List[str]):
    from .trace import TraceFormatError, read_array_trace, read_trace

    try:
        if path.endswith((".npy", ".npz")):
            if not air_path:
                raise CliError(f"{path}: an array trace needs --air FILE")
            return read_array_trace(path, _load_air(air_path), field, _parse_public(public))
        tr = read_trace(path)
        if air_path:
            want = _load_air(air_path)
            if want.canonical_bytes() != tr.air.canonical_bytes():
                raise CliError(f"{path}: the trace's AIR differs from {air_path}")
        if public:
            tr.public.update(_parse_public(public))
        return tr
    except TraceFormatError as e:
        raise CliError(str(e)) from None


def _params(security: int, blowup: Optional[int], fold: Optional[int], queries: Optional[int],
            pow_bits: Optional[int], final_log: Optional[int]):
    from .pcs.basefold.config import BasefoldParams

    base = BasefoldParams.for_security(security, log_blowup=blowup or 2, fold=fold or 4,
                                       pow_bits=16 if pow_bits is None else pow_bits,
                                       final_log=4 if final_log is None else final_log)
    if queries is not None:
        base = BasefoldParams(base.log_blowup, base.fold, queries, base.pow_bits, base.final_log)
    try:
        base.validate()
    except ValueError as e:
        raise CliError(str(e)) from None
    return base


def _run_prove(tr, params, cpu: bool, check: bool, progress: bool = True):
    """Prove a loaded trace; returns (proof bytes, info dict)."""
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .air.language import AirError
    from .reference_prover import ConstraintViolation, prove_reference

    info = {}
    t0 = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True, disable=not progress) as prog:
        task = prog.add_task("checking constraints" if cpu and check else "starting", total=None)
        try:
            if cpu:
                if check:
                    from .reference_prover import check_trace

                    check_trace(tr.field, tr.air, np.asarray(tr.columns), tr.public)
                prog.update(task, description="proving with the NumPy reference (CPU)")
                proof = prove_reference(tr.field, tr.air, np.asarray(tr.columns), tr.public, params, check=False)
                info["backend"] = "numpy reference (CPU)"
            else:
                from .gpu import get_context
                from .prover import prove_gpu

                ctx = get_context()
                prog.update(task, description=f"proving on {ctx.adapter_summary}")
                # the GPU proof checks every row itself (prove_gpu: zerocheck sum)
                res = prove_gpu(ctx, tr.field, tr.air, np.asarray(tr.columns), tr.public, params, check=check)
                proof = res.proof
                info.update(backend=ctx.adapter_summary, syncs=res.syncs, gpu_phases=res.phases,
                            host=res.host_seconds)
        except (ConstraintViolation, AirError) as e:
            raise CliError(f"refusing to prove: {e}", code=1) from None
        except ValueError as e:
            raise CliError(str(e)) from None
    info["seconds"] = time.perf_counter() - t0
    return proof, info


def _summary(title: str, proof: bytes, info: dict, params, tr) -> None:
    from .proof import parse_header
    from .security import report

    st, _ = parse_header(proof)
    t = Table(title=title, show_header=False)
    t.add_row("trace", f"{tr.air.name}: {tr.width} columns x 2^{tr.n} rows, {tr.field.name}")
    t.add_row("prover", str(info.get("backend")))
    for name, sec in info.get("gpu_phases", {}).items():
        t.add_row(f"  GPU {name}", f"{sec * 1e3:.2f} ms")
    t.add_row("prove time (wall)", f"{info['seconds'] * 1e3:.1f} ms")
    if "syncs" in info:
        t.add_row("host<->device syncs", str(info["syncs"]))
    t.add_row("proof size", f"{len(proof):,} bytes")
    t.add_row("parameters", f"rate 2^-{params.log_blowup}, fold {params.fold}, {params.queries} queries, "
                            f"{params.pow_bits} grinding bits, final 2^{params.final_log}")
    sec = report(tr.field, tr.n, tr.width, st.degree, params)
    t.add_row("security", f"{sec.bits:.0f} bits (conjectured)")
    console.print(t)


@app.command()
def prove(
    trace: str = typer.Argument(..., help="Trace file (.wgtrace), or .npy/.npz with --air."),
    out: str = typer.Option(..., "-o", "--output", help="Where to write the proof."),
    air: Optional[str] = typer.Option(None, "--air", help="AIR file (TOML/JSON); required for .npy/.npz."),
    field: str = typer.Option("goldilocks", "--field", help="Field of an .npy/.npz trace."),
    public: List[str] = typer.Option([], "--public", help="Public input NAME=VALUE (repeatable)."),
    security: int = typer.Option(100, "--security", help="Target conjectured security in bits."),
    blowup: Optional[int] = typer.Option(None, "--log-blowup", help="Rate 2^-R (default 2)."),
    fold: Optional[int] = typer.Option(None, "--fold", help="Variables folded per layer (default 4)."),
    queries: Optional[int] = typer.Option(None, "--queries", help="Override the number of queries."),
    pow_bits: Optional[int] = typer.Option(None, "--pow-bits", help="Grinding bits (default 16)."),
    final_log: Optional[int] = typer.Option(None, "--final-log", help="log2 of the final polynomial size."),
    cpu: bool = typer.Option(False, "--cpu", help="Use the NumPy reference prover on the CPU."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """Prove a trace; writes the proof (atomically) and prints a summary."""
    from .proof_file import write_proof_file

    _gpu_options(adapter, backend, profile, int64)
    tr = _load_trace(trace, air, field, public)
    params = _params(security, blowup, fold, queries, pow_bits, final_log)
    proof, info = _run_prove(tr, params, cpu, check=True)
    write_proof_file(out, proof, tr.air)
    _summary(f"proved {trace} -> {out}", proof, info, params, tr)


@app.command()
def verify(
    proof_path: str = typer.Argument(..., metavar="PROOF", help="Proof file."),
    air: Optional[str] = typer.Option(None, "--air", help="Expected AIR (TOML/JSON)."),
    public: List[str] = typer.Option([], "--public", help="Expected public input NAME=VALUE (repeatable)."),
) -> None:
    """Verify a proof: prints the statement and ACCEPT (exit 0) or REJECT (exit 1)."""
    import time

    from .proof_file import split_proof_file
    from .verifier import verify as verify_proof

    try:
        blob = open(proof_path, "rb").read()
    except OSError as e:
        raise CliError(f"cannot read {proof_path}: {e.strerror}") from None
    proof, embedded, problem = split_proof_file(blob)
    expected = _load_air(air) if air else None
    the_air = expected or embedded
    if the_air is None:
        console.print(f"[red]REJECT[/]: {problem or 'no AIR embedded in the proof file; pass --air FILE'}")
        raise typer.Exit(1)
    if expected is not None and embedded is not None and embedded.canonical_bytes() != expected.canonical_bytes():
        console.print("[red]REJECT[/]: the proof is about a different AIR than --air")
        raise typer.Exit(1)
    pub = None
    if public:
        pub = dict(_parse_public(public))
    t0 = time.perf_counter()
    v = verify_proof(proof, the_air, pub)
    dt = time.perf_counter() - t0
    if not v.accepted:
        console.print(f"[red]REJECT[/]: {v.reason}")
        raise typer.Exit(1)
    st = v.statement
    t = Table(title="statement", show_header=False)
    t.add_row("AIR", f"{the_air.name} (digest {st.air_digest.hex()[:16]}...)")
    t.add_row("field", st.field.name)
    t.add_row("rows x columns", f"2^{st.n} x {st.width}")
    t.add_row("public inputs", ", ".join(f"{k}={int(x)}" for k, x in zip(the_air.public, st.public)) or "-")
    t.add_row("security", f"{st.security_bits} bits (conjectured)")
    t.add_row("verify time", f"{dt * 1e3:.1f} ms")
    console.print(t)
    console.print("[green]ACCEPT[/]")


@app.command()
def example(
    name: str = typer.Argument(..., help="fibonacci | power | boolean | periodic"),
    out: str = typer.Option(..., "-o", "--output", help="Trace file to write."),
    log_rows: int = typer.Option(10, "--log-rows", help="log2 of the number of rows."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    corrupt: Optional[int] = typer.Option(None, "--corrupt", help="Break a constraint at this row."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random initial values from this seed."),
) -> None:
    """Write an example trace (with its AIR and public inputs)."""
    from .air.examples import EXAMPLES, get_example
    from .field import get_field
    from .trace import write_trace

    if name not in EXAMPLES:
        raise CliError(f"unknown example {name!r} (choose from: {', '.join(EXAMPLES)})")
    if not 2 <= log_rows <= 26:
        raise CliError("--log-rows must be in 2..26")
    try:
        f = get_field(field)
    except ValueError as e:
        raise CliError(str(e)) from None
    ex = get_example(name)
    rng = np.random.default_rng(seed) if seed is not None else None
    cols, pub = ex.generate(f, log_rows, rng)
    cols = np.array(cols)
    if corrupt is not None:
        if not 0 <= corrupt < cols.shape[1]:
            raise CliError(f"--corrupt row must be in 0..{cols.shape[1] - 1}")
        cols[0, corrupt] = f.base.add(cols[0, corrupt:corrupt + 1], np.ones(1, f.dtype))[0]
    write_trace(out, f, ex.air, cols, pub)
    console.print(f"wrote {out}: {name}, {cols.shape[0]} columns x 2^{log_rows} rows, {f.name}")


@app.command()
def demo(
    name: str = typer.Option("fibonacci", "--example", help="Example AIR to prove."),
    log_rows: int = typer.Option(12, "--log-rows", help="log2 of the number of rows."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    security: int = typer.Option(100, "--security", help="Target conjectured security in bits."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """Write an example trace, prove it on the GPU, verify it, print a timing table."""
    import tempfile
    import time

    from .proof_file import split_proof_file, write_proof_file
    from .trace import read_trace
    from .verifier import verify as verify_proof

    _gpu_options(adapter, backend, profile, int64)
    with tempfile.TemporaryDirectory(prefix="wgprove-demo-") as d:
        tpath, ppath = f"{d}/{name}.wgtrace", f"{d}/{name}.proof"
        example(name, tpath, log_rows, field, None, 1)
        tr = read_trace(tpath)
        params = _params(security, None, None, None, None, None)
        proof, info = _run_prove(tr, params, cpu=False, check=True)
        write_proof_file(ppath, proof, tr.air)
        _summary(f"demo: {name}", proof, info, params, tr)
        blob = open(ppath, "rb").read()
        p, a, _ = split_proof_file(blob)
        t0 = time.perf_counter()
        v = verify_proof(p, a)
        dt = time.perf_counter() - t0
    if not v.accepted:
        raise CliError(f"demo proof REJECTED: {v.reason}", code=1)
    console.print(f"verify: [green]ACCEPT[/] in {dt * 1e3:.1f} ms (NumPy verifier, CPU)")


@app.command("hash")
def hash_cmd(
    files: List[str] = typer.Argument(None, help="Files to hash ('-' for stdin)."),
    sponge: bool = typer.Option(False, "--sponge", help="Plain sponge hash instead of the tree root."),
    cpu: bool = typer.Option(False, "--cpu", help="Use the NumPy reference."),
    check: Optional[str] = typer.Option(None, "--check", help="Verify a list of '<hex>  <name>' lines."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """hemera hashes of files, like b3sum."""
    from .hemera.command import hash_files

    _gpu_options(adapter, backend, profile, int64)
    code = hash_files(list(files or []), sponge=sponge, cpu=cpu, check=check)
    if code:
        raise typer.Exit(code)


@app.command()
def bench(
    name: str = typer.Option("fibonacci", "--example", help="Example AIR."),
    log_rows: List[int] = typer.Option([10], "--log-rows", help="Sizes (repeatable)."),
    field: str = typer.Option("goldilocks", "--field"),
    security: int = typer.Option(100, "--security"),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
    profile: Optional[str] = ProfileOpt,
    int64: Optional[bool] = Int64Opt,
) -> None:
    """Machine-readable (JSON lines) proving/verifying timings on the GPU."""
    import time

    from .air.examples import get_example
    from .field import get_field
    from .gpu import get_context
    from .prover import prove_gpu
    from .verifier import verify as verify_proof

    _gpu_options(adapter, backend, profile, int64)
    ctx = get_context()
    f = get_field(field)
    ex = get_example(name)
    params = _params(security, None, None, None, None, None)
    for n in log_rows:
        cols, pub = ex.generate(f, n, np.random.default_rng(1))
        prove_gpu(ctx, f, ex.air, cols, pub, params, check=False)  # warm-up: pipelines, tables
        t0 = time.perf_counter()
        res = prove_gpu(ctx, f, ex.air, cols, pub, params, check=False)
        wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        ok = verify_proof(res.proof, ex.air).accepted
        vt = time.perf_counter() - t0
        print(json.dumps({"example": name, "field": f.name, "log_rows": n, "width": ex.air.width,
                          "adapter": ctx.adapter_summary, "prove_wall_s": wall, "gpu_phases_s": res.phases,
                          "syncs": res.syncs, "proof_bytes": len(res.proof), "verify_s": vt, "accepted": ok}))


@app.command()
def shaders(
    out: str = typer.Option(..., "--out", help="Directory for the .wgsl modules and index.json."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    example_name: Optional[str] = typer.Option(None, "--example", help="Example AIR (default: fibonacci)."),
    air: Optional[str] = typer.Option(None, "--air", help="AIR file (TOML/JSON) instead of an example."),
    profile: str = typer.Option("webgpu-default", "--profile", help="Limits profile: max|webgpu-default."),
    portable: bool = typer.Option(False, "--portable", help="Portable u32-pair Goldilocks even where shader-int64 exists."),
    adapter: Optional[str] = AdapterOpt,
    backend: Optional[str] = BackendOpt,
) -> None:
    """Write every composed WGSL module proving an AIR compiles, and index.json
    (entry point, override constants, bind-group layouts, kernel name per pipeline)."""
    from .air.examples import EXAMPLES, get_example
    from .field import get_field
    from .gpu import get_context
    from .gpu.export import export_shaders

    if example_name and air:
        raise CliError("give --example or --air, not both")
    if (example_name or "fibonacci") not in EXAMPLES:
        raise CliError(f"unknown example {example_name!r} (choose from: {', '.join(EXAMPLES)})")
    try:
        f = get_field(field)
    except ValueError as e:
        raise CliError(str(e)) from None
    the_air = _load_air(air) if air else get_example(example_name or "fibonacci").air
    ctx = get_context(adapter, backend, profile, False if portable else None)
    doc = export_shaders(ctx, f, the_air, out)
    console.print(f"wrote {len(doc['modules'])} modules, {len(doc['pipelines'])} pipelines ({f.name}, {the_air.name}, "
                  f"{ctx.profile}, {ctx.field_path}) to {out}/index.json")


def main(argv: Optional[List[str]] = None) -> None:
    """Console entry point: user errors become one line on stderr and an exit code."""
    try:
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
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
