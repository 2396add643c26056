"""What a user waits for: process start-up and whole-process CLI times, cold and warm.

Part 1, phases inside one fresh process (a child) proving the power example's
trace file (16 columns, degree 7), in the order ``wgprove prove`` meets them:
imports of the CLI (typer, rich, and pydantic, which typer imports to parse
options), then, with one BLAS thread as wgprove's entry sets it, numpy, wgpu,
wgpu's native backend (its C header: compiled tables from the per-user cache,
or cffi parsing it) and wgprover (the prover), adapter + device creation,
reading the trace, the first proof (split into pipeline builds and the rest:
host tables, uploads, GPU work; lavapipe defers part of its compiling to the
first dispatch, so there the rest holds some of it; and inside it the host
transcript, the trace upload and cffi's type-string parses), whether numba
was imported, a warm proof, and the teardown after the last line is printed
(``exit_s``).  Run once with an empty driver shader cache
(cold; wgprover's cache of wgpu's compiled header is in the same folder, so
it is empty too), once more with the same cache (warm), and once more warm
with cffi's parser reading wgpu's header and every type string
(``cffi_fast`` false: without gpu/cffi_types.py and gpu/cffi_header.py,
docs/ARCHITECTURE.md "Start-up").

Part 2, whole processes as a user runs them (subprocess, perf_counter from
spawn to exit): ``wgprove example`` (trace generation), ``wgprove prove`` of the
16-column degree-7 power map and ``wgprove demo``, each with a cold (empty)
and then a warm driver cache (bench/cold.py; docs/BENCHMARKS.md "Measuring cold
builds").  Warm runs repeat ``--repeats`` times: median and best.
``prove-serial`` is ``wgprove prove`` with the device opened only when first
needed (not on a thread beside the input checks), for the comparison.

Part 3 (``--cases examples``): every ``wgprove example`` generator as a whole
process at 2^log-rows rows (the hemera ones over Goldilocks only), twice.

Usage: python bench/startup.py [--fields goldilocks,babybear] [--log-rows 20] [--pow-bits 16]
           [--demo-log-rows 12] [--repeats 3] [--cases phases,prove (default),example,prove-serial,demo,examples]
           [--json bench/results/startup.json]
Prints one line per result as it is known (seconds); the JSON file holds every field.
Targets (issue 12): ``wgprove prove`` of 16 x 2^20 warm <= 1.2 s on the H200.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import cache_env, child_json, count_cffi_parses, instrument, python, time_calls, timed_run  # noqa: E402


def child(trace_path: str, pow_bits: int, parser_only: bool = False) -> None:
    """Phases of one process proving the trace file twice; one JSON line.
    ``parser_only``: without gpu/cffi_types.py and gpu/cffi_header.py, cffi's
    parser reads wgpu's header and every type string."""
    t: dict = {}
    t0 = time.perf_counter()
    import wgprover.cli  # noqa: F401 - typer, rich and the commands, as `wgprove` imports them first
    from wgprover.cli.app import single_threaded_blas

    with contextlib.suppress(ImportError):
        import typer._adapters  # noqa: F401 - pydantic, which typer >= 0.2x imports to parse options
    t["import_cli_s"] = time.perf_counter() - t0
    single_threaded_blas()  # as wgprove's main() does before NumPy loads
    t0 = time.perf_counter()
    import numpy as np

    t["import_numpy_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    import wgpu  # noqa: F401

    t["import_wgpu_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    import wgprover.gpu.cffi_types as cffi_types
    from wgprover.gpu.cffi_header import USED

    if parser_only:
        import wgpu.backends.wgpu_native  # noqa: F401 - loads the library, cffi parses its C header

        cffi_types.install = lambda: False
    else:
        cffi_types.install()  # as gpu/context.py: the compiled header tables from the per-user cache, if there
    t["load_wgpu_header_s"] = time.perf_counter() - t0
    t["header_cache"] = dict(USED)
    t0 = time.perf_counter()
    import wgprover.prover as prover
    import wgprover.transcript.gpu as transcript_gpu
    from wgprover.gpu import get_context
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.trace import read_trace

    t["import_wgprover_s"] = time.perf_counter() - t0
    totals: dict = {}
    count_cffi_parses(totals)
    t0 = time.perf_counter()
    ctx = get_context()
    t["adapter_device_s"] = time.perf_counter() - t0
    t["adapter_device_cffi"] = dict(totals)
    builds: list = []
    instrument(ctx.device, builds)
    t0 = time.perf_counter()
    tr = read_trace(trace_path)
    f, air, cols, pub = tr.field, tr.air, np.asarray(tr.columns), tr.public
    t["read_trace_s"] = time.perf_counter() - t0
    params = BasefoldParams.for_security(100, pow_bits=pow_bits)
    count_cffi_parses(totals)  # from zero again: the first proof's own parses
    time_calls(transcript_gpu, "start_transcript", totals, "host_transcript_s")
    time_calls(prover, "stream_upload", totals, "trace_upload_s")
    t0 = time.perf_counter()
    first = prover.prove_gpu(ctx, f, air, cols, pub, params, check=False)
    t["first_proof_s"] = time.perf_counter() - t0
    t["pipeline_builds_s"] = sum(b["module_s"] + b["pipeline_s"] for b in builds)
    t["first_proof_other_s"] = t["first_proof_s"] - t["pipeline_builds_s"]
    t["first_proof_host_s"] = first.host_seconds
    t["first_proof_split"] = dict(totals)  # inside the host "record" phase, pipeline builds aside
    t["numba_imported"] = "numba" in sys.modules
    t0 = time.perf_counter()
    warm = prover.prove_gpu(ctx, f, air, cols, pub, params, check=False)
    t["warm_proof_s"] = time.perf_counter() - t0
    t["warm_proof_gpu_s"] = sum(warm.phases.values())
    t.update(pipelines=len(builds), path=ctx.field_path, adapter=ctx.adapter_summary,
             cffi_fast=not parser_only, blas_threads=os.environ.get("OPENBLAS_NUM_THREADS"))
    t["end_unix"] = time.time()  # the parent takes the teardown from here to the exit (cold.py child_json)
    print(json.dumps(t, default=str), flush=True)


def cli_serial(argv: list[str]) -> None:
    """``wgprove ARGV`` with the device opened when first needed, not on a thread
    beside the input checks (GpuChoice.start a no-op): the whole-process comparison."""
    from wgprover.cli import main as cli_main
    from wgprover.cli.app import GpuChoice

    GpuChoice.start = lambda self: None
    cli_main(argv)


def _cli(*args: str) -> list[str]:
    return [python(), "-m", "wgprover.cli", *args]


def _whole(cmd: list[str], cache: str, repeats: int) -> dict:
    """Cold (the first run on an empty cache) and warm (repeats) wall times of ``cmd``."""
    out: dict = {"cmd": " ".join(cmd[2:])}
    for state, count in (("cold", 1), ("warm", repeats)):
        if count == 0:
            continue
        walls = []
        for _ in range(count):
            wall, res = timed_run(cmd, cache_env(cache))
            if res.returncode != 0:
                raise RuntimeError(f"{out['cmd']} failed ({res.returncode}): {res.stderr[-2000:]}")
            walls.append(wall)
        out[f"{state}_s"] = statistics.median(walls)
        out[f"{state}_best_s"] = min(walls)
    return out


def _phases(args, field: str, trace: str, tmp: str):
    """Cold, warm, and warm again with cffi's parser reading every type string."""
    runs = [("cold", []), ("warm", []), ("warm", ["--parser-only"])][: 1 + 2 * (args.repeats > 0)]
    for state, extra in runs:  # a fresh cache, then the same one again
        res = child_json([python(), __file__, "--child", trace, "--pow-bits", str(args.pow_bits), *extra],
                         cache_env(f"{tmp}/phases-cache"))
        yield {"kind": "phases", "field": field, "cache": state, "log_rows": args.log_rows, **res}


def _example_args(name: str, log_rows: int) -> list[str]:
    """Options giving ``name`` 2^log_rows rows (hemera-sponge: a message of 8 (2^(n-4) - 1)
    elements, whose blocks pad to 2^(n-4) permutations of 16 rows)."""
    if name == "hemera-sponge":
        return ["--length", str(8 * ((1 << (log_rows - 4)) - 1))]
    return ["--log-rows", str(log_rows)]


def _examples(args, field: str, tmp: str) -> list[dict]:
    """Every `wgprove example` generator as a whole process (issue 12: <= 1 s at 2^20
    rows), run twice: the first run may compile the numba kernels, the second loads them."""
    from wgprover.air.examples import EXAMPLES

    rows = []
    for name in EXAMPLES:
        if name.startswith("hemera") and field != "goldilocks":
            continue
        cmd = _cli("example", name, "-o", f"{tmp}/{name}.wgtrace", "--field", field, *_example_args(name, args.log_rows))
        walls = []
        for _ in range(2):
            wall, res = timed_run(cmd, cache_env(None))
            if res.returncode != 0:
                raise RuntimeError(f"wgprove example {name} failed: {res.stderr[-2000:]}")
            walls.append(wall)
        rows.append({"kind": "examples", "field": field, "example": name, "log_rows": args.log_rows,
                     "first_s": walls[0], "second_s": walls[1]})
    return rows


def _field_rows(args, field: str, tmp: str):
    """The rows of one field, each yielded as soon as it is measured."""
    cases = args.cases.split(",")
    trace = f"{tmp}/power-{field}.wgtrace"
    wall, res = timed_run(_cli("example", "power", "-o", trace, "--log-rows", str(args.log_rows), "--field", field),
                          cache_env(None))
    if res.returncode != 0:
        raise RuntimeError(f"wgprove example failed: {res.stderr[-2000:]}")
    if "example" in cases:
        yield {"kind": "example", "field": field, "log_rows": args.log_rows, "wall_s": wall}
    if "examples" in cases:
        yield from _examples(args, field, tmp)
    if "phases" in cases:
        yield from _phases(args, field, trace, tmp)
    pow_bits = ["--pow-bits", str(args.pow_bits)]
    commands = {"prove": _cli("prove", trace, "-o", f"{tmp}/power.proof", *pow_bits),
                "prove-serial": [python(), __file__, "--cli-serial", "prove", trace, "-o", f"{tmp}/power.proof",
                                 *pow_bits],
                "demo": _cli("demo", "--field", field, "--log-rows", str(args.demo_log_rows))}
    for name, cmd in commands.items():
        if name in cases:
            yield {"kind": name, "field": field, **_whole(cmd, f"{tmp}/{name}-cache", args.repeats)}


_PHASES = (("cli", "import_cli_s"), ("numpy", "import_numpy_s"), ("wgpu", "import_wgpu_s"),
           ("header", "load_wgpu_header_s"), ("wgprover", "import_wgprover_s"), ("device", "adapter_device_s"),
           ("read", "read_trace_s"), ("first", "first_proof_s"), ("builds", "pipeline_builds_s"),
           ("warm", "warm_proof_s"), ("exit", "exit_s"), ("child", "process_wall_s"))


def human(row: dict) -> str:
    """One short line of a result row (seconds)."""
    head = f"{row['kind']:<12} {row['field']:<10}"
    if row["kind"] == "phases":
        parts = " ".join(f"{name} {row[key]:.3f}" for name, key in _PHASES if key in row)
        return f"{head} {row['cache']:<4} {'' if row['cffi_fast'] else '(cffi parser) '}{parts}"
    if row["kind"] == "examples":
        return f"{head} {row['example']}: {row['first_s']:.2f} / {row['second_s']:.2f}"
    if "wall_s" in row:
        return f"{head} {row['wall_s']:.2f}"
    warm = f", warm {row['warm_s']:.3f} (best {row['warm_best_s']:.3f})" if "warm_s" in row else ""
    return f"{head} cold {row['cold_s']:.3f}{warm}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", default="goldilocks,babybear")
    ap.add_argument("--log-rows", type=int, default=20, help="rows of the power example (16 columns, degree 7)")
    ap.add_argument("--demo-log-rows", type=int, default=12)
    ap.add_argument("--repeats", type=int, default=3, help="warm runs per case (0: cold only)")
    ap.add_argument("--cases", default="phases,prove",
                    help="of phases,example,prove,prove-serial,demo,examples (default: about 45 s on the H200); "
                         "prove-serial: `wgprove prove` without opening the device on a thread")
    ap.add_argument("--pow-bits", type=int, default=16, help="grinding bits of the proofs (as `wgprove prove --pow-bits`)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--parser-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", default="bench/results/startup.json")
    if sys.argv[1:2] == ["--cli-serial"]:
        return cli_serial(sys.argv[2:])
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.pow_bits, args.parser_only)
    rows = []
    for field in args.fields.split(","):
        with tempfile.TemporaryDirectory(prefix="wgprover-startup-") as tmp:
            for row in _field_rows(args, field, tmp):
                rows.append(row)
                print(human(row), flush=True)
    meta = {"date": datetime.date.today().isoformat(), "commit": os.environ.get("WGPROVER_COMMIT", "unknown"),
            "target_warm_prove_s": 1.2}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
