"""Memory plan vs device memory allocated, the buffer pool, and the refusal time.

Per case (field, example AIR, log rows, GPU path), in one process on a device
nothing has run on: the plan's peak (wgprover/memory_plan.py), the bytes the
first proof allocated (``ctx.allocated``), the tables where that allocation
differs from the plan (``off_plan_tables``: {} when exact), the second
proof's new buffers (0 with the pool) and both proofs' wall times. Then the whole-process time
of ``wgprove prove`` refusing a sparse trace claiming 2^30 rows x 64 columns
(exit 5), with and without ``--max-memory``. docs/ARCHITECTURE.md §11.

Usage: python3 bench/memory_plan.py [--cases goldilocks:fibonacci:20:int64,...] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

DEFAULT_CASES = ("goldilocks:fibonacci:20:int64,goldilocks:fibonacci:22:int64,goldilocks:fibonacci:24:int64,"
                 "goldilocks:fibonacci:22:portable,babybear:fibonacci:22:portable,goldilocks:hemera:16:int64")


def one_case(spec: str, pow_bits: int = 16) -> dict:
    import numpy as np

    from wgprover.air.examples import get_example
    from wgprover.field import get_field
    from wgprover.gpu.context import _open_context, choose_adapter
    from wgprover.gpu.device_memory import device_memory
    from wgprover.memory_plan import plan_memory
    from wgprover.pcs.basefold.config import BasefoldParams
    from wgprover.prover import prove_gpu

    fname, air, n, path = spec.split(":")
    f, ex, n = get_field(fname), get_example(air), int(n)
    ctx = _open_context(choose_adapter(), "max", path == "int64")  # a device nothing has run on
    cols, pub = ex.generate(f, n, np.random.default_rng(1))
    cols = np.asarray(cols)
    params = BasefoldParams.for_security(100, pow_bits=pow_bits)
    plan = plan_memory(f, ex.air.width, n, ex.air.degree + 1, params, air=ex.air, limits=ctx.limits,
                       timestamps=ctx.has_timestamps)
    walls, made = [], []
    for k in range(2):
        before = sum(c for c, _ in ctx.allocated.values())
        t0 = time.perf_counter()
        prove_gpu(ctx, f, ex.air, cols, pub, params, check=False)
        walls.append(time.perf_counter() - t0)
        made.append(sum(c for c, _ in ctx.allocated.values()) - before)
        if k == 0:
            off = off_plan(plan, ctx.allocated)
    allocated = sum(b for _, b in ctx.allocated.values())
    mem = device_memory(ctx)
    return {"case": spec, "width": ex.air.width, "planned_peak": plan.peak, "allocated": allocated,
            "planned_minus_allocated": plan.peak - allocated, "off_plan_tables": off,
            "planned_constants": plan.constant_bytes, "planned_pooled": plan.pooled_bytes,
            "per_phase": plan.per_phase, "buffers_first": made[0], "buffers_second": made[1],
            "wall_first_s": walls[0], "wall_second_s": walls[1], "device_memory": mem.nbytes,
            "device_memory_source": mem.source, "peak_share_of_device": plan.peak / mem.nbytes if mem.nbytes else None}


def off_plan(plan, allocated: dict) -> dict:
    """{table: [allocated (buffers, bytes), planned]} for each table whose first-proof
    allocation differs from the plan (the uniform arena: only when over its bound); {} when exact."""
    from wgprover.memory_plan import table_label

    got: dict = {}
    for label, (count, nbytes) in allocated.items():
        k, b = got.get(table_label(label), (0, 0))
        got[table_label(label)] = (k + count, b + nbytes)
    want: dict = {}
    for t in plan.tables:
        k, b = want.get(t.label, (0, 0))
        want[t.label] = (k + t.buffers, b + t.nbytes)
    bounded = {t.label for t in plan.tables if t.bound}
    return {k: [got.get(k), want.get(k)] for k in sorted(set(got) | set(want))
            if (got.get(k) != want.get(k) if k not in bounded else got.get(k, (0, 0))[1] > want[k][1])}


def refusal_times() -> dict:
    """Whole-process wall time of refusing a sparse 2^30 x 64 trace (exit 5)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_cli_errors import _sparse_trace

    out = {}
    with tempfile.TemporaryDirectory() as d:
        big = Path(d) / "big.wgtrace"
        _sparse_trace(big, 30, 64)
        for name, extra in (("device_memory", []), ("max_memory_8GiB", ["--max-memory", "8GiB"])):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "wgprover.cli", "prove", str(big), "-o", f"{d}/p",
                                "--allow-insecure", *extra], capture_output=True, text=True)
            out[name] = {"seconds": time.perf_counter() - t0, "exit": r.returncode, "stderr": r.stderr.strip()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=DEFAULT_CASES, help="field:air:log_rows:path, comma-separated")
    ap.add_argument("--pow-bits", type=int, default=16, help="grinding bits (the smoke test's 1 skips lavapipe's grind)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    rows = []
    for spec in args.cases.split(","):
        r = subprocess.run([sys.executable, __file__, "--child", spec, str(args.pow_bits)], capture_output=True, text=True)
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0
                    else {"case": spec, "error": (r.stderr.strip().splitlines() or ["?"])[-1]})
        print(json.dumps(rows[-1]), flush=True)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown")}
    doc = {"meta": meta, "rows": rows, "refusal": refusal_times()}
    print(json.dumps(doc["refusal"], indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":  # one case per process: a fresh device and heap
        print(json.dumps(one_case(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
