"""What `wgprove example` costs: every example generator at 2^log-rows rows.

For each example (hemera ones over Goldilocks only), two kinds of row:

- ``phases`` (run first): one fresh child process split into its phases:
  importing wgprover's example module, building the AIR (``example_shape``),
  the first ``generate`` (for the compiled generators: importing numba and
  loading its cached kernels, or compiling them on a machine without the
  cache, then the trace), a second ``generate`` (the generator alone, warm)
  and ``write_trace`` of the trace file.
- ``process``: then ``wgprove example`` as a whole process (spawn to exit, wall
  and the child's CPU seconds), ``--repeats`` times, median and best
  (docs/BENCHMARKS.md "Example traces").

No example starts after ``--budget-s`` seconds (the rest are listed as skipped).

Target (issue 12 item 3): every generator <= 1 s at 2^20 rows on the H200 host.
Usage: python bench/examples.py [--log-rows 20] [--examples fibonacci,power,...]
           [--fields goldilocks,babybear] [--repeats 2] [--json bench/results/examples.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import child_json, python, timed_run  # noqa: E402


def example_options(name: str, log_rows: int) -> list[str]:
    """CLI options giving ``name`` 2^log_rows rows (hemera-sponge: a message of
    8 * 2^(n-4) elements, 2^(n-4) blocks of 16 rows), except hemera-wide: a
    permutation a row, so 2^(n-4) rows, the permutations of "hemera" at 2^n rows."""
    if name == "hemera-sponge":
        return ["--length", str(8 << (log_rows - 4))]
    return ["--log-rows", str(log_rows - 4 if name == "hemera-wide" else log_rows)]


def _timed(t: dict, key: str, fn):
    """fn()'s result; its wall seconds in t[key + "_s"], its CPU seconds in t[key + "_cpu_s"]
    (a loaded machine stretches the wall time, not the CPU time)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    t[f"{key}_s"], t[f"{key}_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
    return out


def child(name: str, field_name: str, log_rows: int, out: str) -> None:
    """Phases of one fresh process making one example's trace file; one JSON line."""
    t: dict = {}
    examples = _timed(t, "import", lambda: __import__("wgprover.air.examples").air.examples)
    from wgprover.field import get_field
    from wgprover.trace import write_trace

    key, value = example_options(name, log_rows)
    opts = {"length": int(value)} if key == "--length" else {"log_rows": int(value)}
    ex, n = _timed(t, "air", lambda: examples.example_shape(name, **opts))
    f = get_field(field_name)
    _timed(t, "generate_first", lambda: ex.generate(f, n))
    cols, pub = _timed(t, "generate", lambda: ex.generate(f, n))
    _timed(t, "write", lambda: write_trace(out, f, ex.air, cols, pub))
    t["numba_imported"] = "numba" in sys.modules
    t["trace_log_rows"] = n
    print(json.dumps(t), flush=True)


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def process_row(name: str, field: str, args, out: str) -> dict:
    """``wgprove example`` as a whole process: median and best of the repeats."""
    cmd = [python(), "-m", "wgprover.cli", "example", name, "-o", out, "--field", field,
           *example_options(name, args.log_rows)]
    walls, cpus = [], []
    for _ in range(args.repeats):
        cpu0 = _cpu_children()
        wall, res = timed_run(cmd, dict(os.environ), timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"wgprove example {name} failed: {res.stderr[-2000:]}")
        walls.append(wall)
        cpus.append(_cpu_children() - cpu0)
    row = {"kind": "process", "example": name, "field": field, "log_rows": args.log_rows}
    if walls:
        row.update(wall_median_s=statistics.median(walls), wall_best_s=min(walls),
                   cpu_median_s=statistics.median(cpus))
    return row


def _say(row: dict) -> None:
    vals = "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
                     if k not in ("kind", "example", "field", "log_rows"))
    print(f"{row['kind']:8} {row['example']:14} {row['field']:10} 2^{row['log_rows']}  {vals}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log-rows", type=int, default=20)
    ap.add_argument("--examples", default=None, help="comma-separated (default: every example)")
    ap.add_argument("--fields", default="goldilocks,babybear")
    ap.add_argument("--repeats", type=int, default=2, help="measured whole-process runs per example")
    ap.add_argument("--budget-s", type=float, default=50, help="start no example after this many seconds")
    ap.add_argument("--json", default=None)
    ap.add_argument("--child", nargs=4, metavar=("NAME", "FIELD", "LOG_ROWS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, field, n, out = args.child
        return child(name, field, int(n), out)
    if args.examples is None:
        from wgprover.air.examples import EXAMPLES

        args.examples = ",".join(EXAMPLES)
    if args.log_rows < 5:
        ap.error("--log-rows must be >= 5 (a hemera-sponge block is 16 rows)")
    rows, skipped, start = [], [], time.perf_counter()
    cases = [(f, x) for f in args.fields.split(",") for x in args.examples.split(",")
             if f == "goldilocks" or not x.startswith("hemera")]
    with tempfile.TemporaryDirectory(prefix="wgprove-examples-") as tmp:
        for field, name in cases:
            if time.perf_counter() - start > args.budget_s:
                skipped.append(f"{name}/{field}")
                continue
            out = f"{tmp}/{name}.wgtrace"
            cmd = [python(), __file__, "--child", name, field, str(args.log_rows), out]
            rows.append({"kind": "phases", "example": name, "field": field, "log_rows": args.log_rows,
                         **child_json(cmd, dict(os.environ))})
            _say(rows[-1])
            rows.append(process_row(name, field, args, out))
            _say(rows[-1])
    if skipped:
        print(f"skipped (over --budget-s {args.budget_s:g}): {', '.join(skipped)}", flush=True)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "log_rows": args.log_rows, "skipped": skipped,
            "target": "generate_s <= 1 s at 2^20 (issue 12)"}
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
