"""The ``wgprove`` commands: each parses its options, calls the library
(wgprover/api.py and friends) and prints. Heavy imports stay inside the
commands, so that ``--help`` and ``verify`` never load the GPU layer."""

from __future__ import annotations

import json
from typing import List, Optional

import typer
from rich.table import Table

from .app import CliError, GpuChoice, app, console, err, gpu_command, parse_public


@app.command()
@gpu_command
def info(as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
         batch_spec: str = typer.Option("all", "--adapters", help="Show the adapters `prove --adapters SPEC` would use."),
         gpu: GpuChoice = None) -> None:
    """Adapters, backend, chosen device, features, key limits and field path."""
    from ..gpu import adapter_report
    from ..gpu.adapters import select_adapters
    from ..gpu.context import backend_report

    batch = [a.as_dict() for a in select_adapters(batch_spec, gpu.backend)]
    adapters = adapter_report()
    backends = backend_report(adapters)
    ctx = gpu()
    keys = ["max-storage-buffer-binding-size", "max-buffer-size", "max-storage-buffers-per-shader-stage",
            "max-compute-workgroup-storage-size", "max-compute-invocations-per-workgroup",
            "max-compute-workgroups-per-dimension"]
    chosen = {"adapter": ctx.adapter_summary, "backend": ctx.description.backend, "profile": ctx.profile,
              "field_path": ctx.field_path, "int64_available": "shader-int64" in set(ctx.adapter.features),
              "timestamps": ctx.has_timestamps, "limits": {k: int(ctx.limits[k]) for k in keys}}
    if as_json:
        print(json.dumps({"adapters": adapters, "backends": backends, "chosen": chosen, "batch": batch}, indent=2))
        return
    t = Table(title="WebGPU adapters")
    for col in ("#", "adapter", "backend", "type", "features", "compute"):
        t.add_column(col)
    for i, a in enumerate(adapters):
        mark = f"{i}*" if a["summary"] == ctx.adapter_summary else str(i)  # i: the --adapters index
        t.add_row(mark, a["summary"], a["backend"], a["type"], ", ".join(a["features"]), a["compute"])
    console.print(t)
    for name, b in backends.items():
        console.print(f"{name}: {b['adapters']} adapter(s), compute " + ("works" if b["compute"] else f"absent ({b['why_not']})"))
    console.print(f"batch workers (prove --adapters {batch_spec}): " + "; ".join(a["label"] for a in batch),
                  markup=False, highlight=False)
    d = Table(title="chosen device", show_header=False)
    for k in ("adapter", "backend", "profile", "field_path", "int64_available", "timestamps"):
        d.add_row(k, str(chosen[k]))
    for k, v in chosen["limits"].items():
        d.add_row(k, f"{v:,}")
    console.print(d)


@app.command()
@gpu_command
def selfcheck(size: int = typer.Option(100_003, min=1, help="Elements per field operation."),
              seed: Optional[int] = typer.Option(None, help="RNG seed (random if omitted)."),
              gpu: GpuChoice = None) -> None:
    """Run every field kernel on the GPU against the NumPy reference."""
    import secrets

    import numpy as np

    from ..field import FIELDS
    from ..field import gpu as fgpu

    ctx = gpu()
    seed = secrets.randbits(32) if seed is None else seed
    rng = np.random.default_rng(seed)
    t = Table(title=f"field self-check on {ctx.adapter_summary} ({ctx.field_path}, seed {seed})")
    for col in ("field", "op", "result"):
        t.add_column(col)
    failed = 0
    for f in FIELDS.values():
        B, E = f.base, f.ext
        a, b = B.random(rng, size), B.random(rng, size)
        x, y = E.random(rng, 4096), E.random(rng, 4096)
        checks = [("add", fgpu.field_op(ctx, f, "add", a, b), B.add(a, b)),
                  ("sub", fgpu.field_op(ctx, f, "sub", a, b), B.sub(a, b)),
                  ("mul", fgpu.field_op(ctx, f, "mul", a, b), B.mul(a, b)),
                  ("inv", fgpu.batch_inv(ctx, f, a[:4096]), B.inv(a[:4096])),
                  (f"ext{E.d} mul", fgpu.ext_op(ctx, f, "mul", x, y), E.mul(x, y))]
        for name, got, want in checks:
            ok = np.array_equal(got, want)
            failed += not ok
            t.add_row(f.name, name, "[green]ok[/]" if ok else "[red]MISMATCH[/]")
    console.print(t)
    if failed:
        raise CliError(f"{failed} field kernel(s) disagree with the NumPy reference (seed {seed})", code=1)


# -- proving -----------------------------------------------------------------------------

def _summary(title: str, rep) -> None:
    t = Table(title=title, show_header=False)
    t.add_row("trace", f"{rep.air.name}: {rep.width} columns x 2^{rep.n} rows, {rep.field.name}")
    t.add_row("prover", rep.backend)
    for name, sec in rep.gpu_phases.items():
        t.add_row(f"  GPU {name}", f"{sec * 1e3:.2f} ms")
    t.add_row("prove time (wall)", f"{rep.seconds * 1e3:.1f} ms")
    if rep.syncs is not None:
        t.add_row("host<->device syncs", str(rep.syncs))
    t.add_row("proof size", f"{len(rep.proof):,} bytes")
    p = rep.params
    t.add_row("parameters", f"rate 2^-{p.log_blowup}, fold {p.fold}, {p.queries} queries, "
                            f"{p.pow_bits} grinding bits, final 2^{p.final_log}")
    for i, line in enumerate(rep.security.lines()):
        t.add_row("security" if i == 0 else "", line.strip())
    console.print(t)


def _spinner():
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                    transient=True)


def _memory_size(text: Optional[str]) -> Optional[int]:
    """--max-memory SIZE in bytes (8GiB, 512MiB, 4096); bad input exits 2."""
    if text is None:
        return None
    from ..memory_plan import parse_size

    try:
        return parse_size(text)
    except ValueError as e:
        raise CliError(f"--max-memory: {e}") from None


def _print_plan(rep) -> None:
    """The memory plan: per table, per phase, the peak against the device's memory."""
    from ..memory_plan import PHASES, format_bytes

    plan = rep.plan
    t = Table(title=f"memory plan: {rep.path} ({plan.w} columns x 2^{plan.n} rows, {plan.field})")
    for col in ("table", "phase", "buffers", "bytes", "note"):
        t.add_column(col, justify="right" if col in ("buffers", "bytes") else "left")
    rows: dict = {}  # placeholders (64-byte stand-ins for unused bindings) summed per phase
    for tab in plan.tables:
        label = "placeholders" if tab.label.startswith("placeholder-") else tab.label
        note = "constant" if tab.constant else "upper bound" if tab.bound else ""
        count, nbytes = rows.get((label, tab.phase, note), (0, 0))
        rows[(label, tab.phase, note)] = (count + tab.buffers, nbytes + tab.nbytes)
    for (label, phase, note), (count, nbytes) in rows.items():
        t.add_row(label, phase, str(count), f"{nbytes:,}", note)
    console.print(t)
    console.print("constant: built by a device's first proof and cached; upper bound: grows with the dispatches",
                  highlight=False)
    p = Table(title="live device memory by phase (nothing is freed before the proof ends)")
    for col in ("phase", "live bytes", ""):
        p.add_column(col, justify="right" if col == "live bytes" else "left")
    for ph in PHASES:
        p.add_row(ph, f"{plan.live(ph):,}", format_bytes(plan.live(ph)))
    console.print(p)
    mem = rep.memory
    device = f"{format_bytes(mem.nbytes)} ({mem.nbytes:,} bytes)" if mem.nbytes else "unknown"
    console.print(f"peak: {format_bytes(plan.peak)} ({plan.peak:,} bytes) in phase {plan.peak_phase}", highlight=False)
    console.print(f"device memory: {device}, from {mem.source}", highlight=False)
    if rep.max_memory is not None:
        console.print(f"--max-memory: {format_bytes(rep.max_memory)} ({rep.max_memory:,} bytes)", highlight=False)
    avail = rep.available
    verdict = (f"refused: {rep.refusal}" if rep.refusal else "unknown (no memory size)" if avail is None
               else "fits")
    console.print(f"verdict: {verdict}", highlight=False)


@app.command()
@gpu_command
def prove(
    traces: List[str] = typer.Argument(..., metavar="TRACE...", help="Trace file(s) (.wgtrace), or .npy/.npz with --air."),
    out: Optional[str] = typer.Option(None, "-o", "--output", help="Where to write the proof (one trace)."),
    air: Optional[str] = typer.Option(None, "--air", help="AIR file (TOML/JSON); required for .npy/.npz."),
    field: Optional[str] = typer.Option(None, "--field", help="Field of an .npy/.npz trace (default goldilocks)."),
    public: List[str] = typer.Option([], "--public", help="Public input NAME=VALUE (repeatable)."),
    security: int = typer.Option(100, "--security", help="Target conjectured security in bits."),
    allow_insecure: bool = typer.Option(False, "--allow-insecure", help="Prove even below the 100-bit floor."),
    log_blowup: Optional[int] = typer.Option(None, "--log-blowup", help="Rate 2^-R, R in 1..6 (default 2)."),
    fold: Optional[int] = typer.Option(None, "--fold", help="Variables folded per layer, 1..6 (default 4)."),
    queries: Optional[int] = typer.Option(None, "--queries", help="Override the number of queries (1..1024)."),
    pow_bits: Optional[int] = typer.Option(None, "--pow-bits", help="Grinding bits, 0..30 (default 16)."),
    final_log: Optional[int] = typer.Option(None, "--final-log", help="log2 of the final polynomial size, 0..8 (default 4)."),
    cpu: bool = typer.Option(False, "--cpu", help="Use the NumPy reference prover on the CPU."),
    # batch options (wgprover/cli/batch.py)
    out_dir: Optional[str] = typer.Option(None, "--out-dir", help="Prove every TRACE into DIR/NAME.proof (NAME: the trace's file stem)."),
    adapters: Optional[str] = typer.Option(None, "--adapters", help="Batch adapters: all, or N, N-M, NAME-SUBSTRING, comma-separated (repeat one for two workers on it); `wgprove info` lists them."),
    workers_per_adapter: int = typer.Option(1, "--workers-per-adapter", help="Workers (devices) per batch adapter."),
    ray: Optional[str] = typer.Option(None, "--ray", help="Prove the batch on a Ray cluster: auto or its ADDRESS (pip install 'wgprover\\[ray]')."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Batch progress bar on stderr (default: when stderr is a terminal)."),
    # device memory (wgprover/memory_plan.py)
    plan: bool = typer.Option(False, "--plan", help="Print the device-memory plan (per table, per phase) and exit; "
                                                     "reads only the trace's header."),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE",
                                             help="Device-memory budget, e.g. 8GiB, 512MiB or bytes; a trace whose "
                                                  "plan exceeds it is refused (exit 5)."),
    gpu: GpuChoice = None,
) -> None:
    """Prove a trace into -o PROOF (prints a summary), or many into --out-dir DIR;
    proof files are written atomically. --plan prints the device-memory plan instead."""
    from .batch import batch_requested, prove_batch

    batch = not plan and batch_requested(traces, out, out_dir, adapters, workers_per_adapter, ray, gpu, cpu)
    if not batch and (plan or not cpu):
        # the adapter and device open while this thread imports the prover and
        # reads and checks the trace (docs/ARCHITECTURE.md "Start-up")
        gpu.start()
    from ..api import plan_file, prove_file

    budget = _memory_size(max_memory)
    options = dict(air=air, field=field, public=parse_public(public), security=security, queries=queries,
                   allow_insecure=allow_insecure, log_blowup=log_blowup, fold=fold, pow_bits=pow_bits,
                   final_log=final_log)
    if plan:
        for trace in traces:
            _print_plan(plan_file(trace, context=gpu, max_memory=budget, **options))
        return
    if batch:
        if budget is not None:
            raise CliError("--max-memory applies to one trace proved with -o; a batch is not budgeted yet")
        return prove_batch(traces, out_dir, adapters=adapters, workers=workers_per_adapter, ray=ray,
                           progress=progress, gpu=gpu, options=dict(options, cpu=cpu))
    with _spinner() as prog:
        task = prog.add_task("checking the inputs", total=None)
        rep = prove_file(traces[0], out, context=gpu, cpu=cpu, max_memory=budget,
                         on_stage=lambda s: prog.update(task, description=s), **options)
    _summary(f"proved {traces[0]} -> {out}", rep)


@app.command()
def verify(
    proof_path: str = typer.Argument(..., metavar="PROOF", help="Proof file."),
    air: Optional[str] = typer.Option(None, "--air", help="Pin the AIR: expected AIR file (TOML/JSON)."),
    air_digest: Optional[str] = typer.Option(None, "--air-digest", help="Pin the AIR by its digest (64 hex digits)."),
    public: List[str] = typer.Option([], "--public", help="Pin a public input NAME=VALUE (repeatable; others stay free)."),
    min_security: int = typer.Option(100, "--min-security", help="Least conjectured security accepted, in bits."),
) -> None:
    """Verify a proof: prints the statement and ACCEPT (exit 0) or REJECT (exit 1)."""
    import os

    # one proof per process: numba's start-up costs more than its faster hemera
    # saves (docs/BENCHMARKS.md, "Verifier"); WGPROVER_NUMBA=1 asks for it anyway.
    # The variable is read when the compiled modules load; restored for callers of main()
    unset = "WGPROVER_NUMBA" not in os.environ
    os.environ.setdefault("WGPROVER_NUMBA", "0")
    try:
        from ..api import verify_file

        rep = verify_file(proof_path, air=air, air_digest=air_digest, public=parse_public(public),
                          min_security=min_security)
    finally:
        if unset:
            del os.environ["WGPROVER_NUMBA"]
    if rep.air_digest is not None:
        console.print(f"AIR digest {rep.air_digest.hex()}", highlight=False)
    if not rep.pinned:
        console.print("statement taken from the proof file; pin it with --air or --air-digest", highlight=False)
    v = rep.verdict
    if not v.accepted:
        console.print(f"[red]REJECT[/]: {v.reason}", highlight=False)
        raise typer.Exit(1)
    st = v.statement
    t = Table(title="statement", show_header=False)
    t.add_row("AIR", rep.air.name)
    t.add_row("field", st.field.name)
    t.add_row("rows x columns", f"2^{st.n} x {st.width}")
    t.add_row("public inputs", ", ".join(f"{k}={int(x)}" for k, x in zip(rep.air.public, st.public)) or "-")
    t.add_row("security", f"{st.security_bits} bits (conjectured; required {min_security})")
    t.add_row("verify time", f"{rep.seconds * 1e3:.1f} ms")
    console.print(t)
    console.print("[green]ACCEPT[/]")


@app.command()
def example(
    name: str = typer.Argument(..., help="fibonacci | power | boolean | periodic | hemera | hemera-wide | hemera-sponge"),
    out: str = typer.Option(..., "-o", "--output", help="Trace file to write."),
    log_rows: Optional[int] = typer.Option(None, "--log-rows", min=2, max=26,
                                           help="log2 of the number of rows (default 10; hemera: or --count)."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    corrupt: Optional[int] = typer.Option(None, "--corrupt", help="Break a constraint at this row."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random initial values from this seed."),
    count: Optional[int] = typer.Option(None, "--count", help="hemera: permutations, a power of two (16 rows each)."),
    length: Optional[int] = typer.Option(None, "--length",
                                         help="hemera-sponge: message length in field elements (default 61; sets the rows)."),
) -> None:
    """Write an example trace (with its AIR and public inputs)."""
    import numpy as np

    from ..air.examples import EXAMPLES, example_shape
    from ..api import as_field
    from ..files import check_output
    from ..trace import write_trace

    if name not in EXAMPLES:
        raise CliError(f"unknown example {name!r} (choose from: {', '.join(EXAMPLES)})")
    f = as_field(field)
    if name.startswith("hemera") and f.name != "goldilocks":
        raise CliError(f"the hemera examples are over Goldilocks (hemera's field), not {f.name}")
    try:
        ex, log_rows = example_shape(name, log_rows, count, length)
    except ValueError as e:
        raise CliError(str(e)) from None
    if corrupt is not None and not 0 <= corrupt < 1 << log_rows:
        raise CliError(f"--corrupt row must be in 0..{(1 << log_rows) - 1}")
    check_output(out)
    cols, pub = ex.generate(f, log_rows, np.random.default_rng(seed) if seed is not None else None)
    if corrupt is not None:
        cols = np.array(cols)  # the generator's array may be shared or read-only; only this path writes it
        cols[0, corrupt] = f.base.add(cols[0, corrupt:corrupt + 1], np.ones(1, f.dtype))[0]
    write_trace(out, f, ex.air, cols, pub)
    console.print(f"wrote {out}: {name}, {cols.shape[0]} columns x 2^{log_rows} rows, {f.name}")


@app.command()
@gpu_command
def demo(
    name: str = typer.Option("fibonacci", "--example", help="Example AIR to prove."),
    log_rows: int = typer.Option(12, "--log-rows", min=2, max=26, help="log2 of the number of rows."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    security: int = typer.Option(100, "--security", help="Target conjectured security in bits."),
    gpu: GpuChoice = None,
) -> None:
    """Write an example trace, prove it on the GPU, verify it, print a timing table."""
    import tempfile

    from ..api import prove_file, verify_file

    with tempfile.TemporaryDirectory(prefix="wgprove-demo-") as d:
        tpath, ppath = f"{d}/{name}.wgtrace", f"{d}/{name}.proof"
        example(name, tpath, log_rows, field, None, 1, None, None)
        with _spinner() as prog:
            task = prog.add_task("starting", total=None)
            rep = prove_file(tpath, ppath, security=security, context=gpu,
                             on_stage=lambda s: prog.update(task, description=s))
        _summary(f"demo: {name}", rep)
        v = verify_file(ppath, air=rep.air)
    if not v.verdict.accepted:
        raise CliError(f"demo proof REJECTED: {v.verdict.reason}", code=1)
    console.print(f"verify: [green]ACCEPT[/] in {v.seconds * 1e3:.1f} ms (NumPy verifier, CPU)")


@app.command("hash")
@gpu_command
def hash_cmd(
    files: List[str] = typer.Argument(None, help="Files to hash ('-' for stdin)."),
    sponge: bool = typer.Option(False, "--sponge", help="Plain sponge hash instead of the tree root."),
    cpu: bool = typer.Option(False, "--cpu", help="Use the NumPy reference."),
    check: Optional[str] = typer.Option(None, "--check", help="Verify a list of '<hex>  <name>' lines."),
    gpu: GpuChoice = None,
) -> None:
    """hemera hashes of files, like b3sum."""
    from .hash import hash_files

    code = hash_files(list(files or []), sponge=sponge, cpu=cpu, check=check, context=gpu)
    if code:
        raise typer.Exit(code)


@app.command()
def shaders(
    out: str = typer.Option(..., "--out", help="Directory for the .wgsl modules and index.json."),
    field: str = typer.Option("goldilocks", "--field", help="goldilocks | babybear"),
    example_name: Optional[str] = typer.Option(None, "--example", help="Example AIR (default: fibonacci)."),
    air: Optional[str] = typer.Option(None, "--air", help="AIR file (TOML/JSON) instead of an example."),
    profile: str = typer.Option("webgpu-default", "--profile", help="Limits profile: max|webgpu-default."),
    portable: bool = typer.Option(False, "--portable", help="Portable u32-pair Goldilocks even where shader-int64 exists."),
    adapter: Optional[str] = typer.Option(None, "--adapter", help="Adapter name substring (env WGPROVER_ADAPTER)."),
    backend: Optional[str] = typer.Option(None, "--backend", help="vulkan|metal|dx12|gl (env WGPROVER_BACKEND)."),
) -> None:
    """Write every composed WGSL module proving an AIR compiles, and index.json
    (entry point, override constants, bind-group layouts, kernel name per pipeline)."""
    from .. import api
    from ..air.examples import EXAMPLES, get_example
    from ..gpu.export import export_shaders

    if example_name and air:
        raise CliError("give --example or --air, not both")
    if (example_name or "fibonacci") not in EXAMPLES:
        raise CliError(f"unknown example {example_name!r} (choose from: {', '.join(EXAMPLES)})")
    f = api.as_field(field)
    the_air = api.get_air(air) if air else get_example(example_name or "fibonacci").air
    ctx = GpuChoice(adapter, backend, profile, False if portable else None).checked()()
    doc = export_shaders(ctx, f, the_air, out)
    console.print(f"wrote {len(doc['modules'])} modules, {len(doc['pipelines'])} pipelines ({f.name}, {the_air.name}, "
                  f"{ctx.profile}, {ctx.field_path}) to {out}/index.json")
