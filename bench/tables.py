"""Host time of the constant tables a first proof builds: NumPy-made and
uploaded (before commit d34ab3a) against GPU-made from O(sqrt N) seeds
(docs/NTT.md §7), and the host time of streaming a trace to the device
(wgprover/gpu/upload.py).

Per field and size 2^n (a proof of 2^n rows with blowup 2^R builds the NTT
stage tables of 2^n entries, forward and inverse, and the Basefold H of
2^(n+R-1), of which the device now holds only the seeds: the fold kernels
make H[t] from them): ``host_s`` is the host time to build and queue a table,
``done_s`` the time until the device holds it (one readback, only here; a
proof never waits for its tables). The ``powers`` pipeline is built before
timing. ``upload`` rows: a (16, 2^n) memory-mapped trace written chunk by
chunk, canonicity checked on the way. ``--first-proof AIR:N`` (run it in a
fresh process: it must come before anything else builds tables or pipelines)
first times the first and a warm GPU proof of the example AIR at 2^N rows,
with the first proof's host phases and its pipeline builds separately.

Usage: python bench/tables.py [--fields goldilocks,babybear] [--log-n 20,24]
           [--log-blowup 1] [--first-proof fibonacci:24] [--pow-bits 16] [--json bench/results/tables.json]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import instrument  # noqa: E402
from wgprover.air.examples import get_example  # noqa: E402

from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.gpu import upload as gpu_upload  # noqa: E402
from wgprover.ntt import gpu as ntt_gpu  # noqa: E402
from wgprover.ntt import reference as ref  # noqa: E402
from wgprover.pcs.basefold import gpu as bf_gpu  # noqa: E402
from wgprover.pcs.basefold import reference as bf  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.trace import check_canonical  # noqa: E402


def _host_made(ctx, field, n: int, log_len: int) -> dict:
    """The tables as the prover built them before: NumPy, then one upload each."""
    prep = field.base.prepared
    return {
        "ntt-tw": lambda: ctx.upload(prep(ref.stage_twiddles(field, n))),
        "ntt-itw": lambda: ctx.upload(prep(ref.stage_twiddles(field, n, inverse=True))),
        "basefold-h": lambda: ctx.upload(bf._half_inv_twiddles.__wrapped__(field.name, log_len)),
    }


def _gpu_made(ctx, field, n: int, log_len: int) -> dict:
    return {
        "ntt-tw": lambda: ntt_gpu._stage_table(ctx, field, n, inverse=False),
        "ntt-itw": lambda: ntt_gpu._stage_table(ctx, field, n, inverse=True),
        "basefold-h": lambda: bf_gpu._build_h(ctx, field, log_len).buffer,  # its seeds only
    }


def _time(ctx, build) -> tuple[float, float]:
    t0 = time.perf_counter()
    buf = build()
    host = time.perf_counter() - t0
    ctx.read(buf, np.uint8, 16)  # wait for the device (bench only)
    return host, time.perf_counter() - t0


def table_rows(ctx, field, n: int, log_blowup: int) -> list[dict]:
    _time(ctx, _gpu_made(ctx, field, 2, 2)["ntt-tw"])  # builds the pipeline
    rows = []
    for how, builders in (("numpy", _host_made), ("gpu", _gpu_made)):
        for name, build in builders(ctx, field, n, n + log_blowup).items():
            host, done = _time(ctx, build)
            rows.append({"kind": "table", "field": field.name, "path": ctx.field_path, "log_n": n, "table": name,
                         "made": how, "host_s": host, "done_s": done})
    return rows


def upload_row(ctx, field, n: int, cols: int = 16) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace.bin"
        np.lib.format.open_memmap(path, mode="w+", dtype=field.dtype, shape=(cols, 1 << n))[:] = 1
        src = np.load(path, mmap_mode="r")
        t0 = time.perf_counter()
        table = gpu_upload.stream_upload(ctx, src, "trace", functools.partial(check_canonical, field))
        host = time.perf_counter() - t0
        ctx.read(table.segments[-1].buffer, np.uint8, 16)
        return {"kind": "upload", "field": field.name, "path": ctx.field_path, "log_n": n, "cols": cols,
                "bytes": int(src.nbytes), "host_s": host, "done_s": time.perf_counter() - t0}


def first_proof_rows(ctx, field, spec: str, pow_bits: int = 16) -> list[dict]:
    """The first proof in this process (tables, pipelines, upload: all new) and a warm one."""
    name, n = spec.split(":")
    cols, pub = get_example(name).generate(field, int(n), np.random.default_rng(1))
    air, cols = get_example(name).air, np.asarray(cols)
    builds: list = []
    instrument(ctx.device, builds)
    params = BasefoldParams.for_security(100, pow_bits=pow_bits)
    rows = []
    for which in ("first", "warm"):
        t0 = time.perf_counter()
        res = prove_gpu(ctx, field, air, cols, pub, params, check=False)
        wall = time.perf_counter() - t0
        compile_s = sum(b["module_s"] + b["pipeline_s"] for b in builds)
        rows.append({"kind": "proof", "which": which, "field": field.name, "path": ctx.field_path, "air": name,
                     "log_n": int(n), "wall_s": wall, "host_s": res.host_seconds, "pipeline_builds_s": compile_s,
                     "gpu_s": sum(res.phases.values())})
        builds.clear()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", default="goldilocks,babybear")
    ap.add_argument("--log-n", default="20,24")
    ap.add_argument("--log-blowup", type=int, default=1)
    ap.add_argument("--first-proof", default=None, help="AIR:N, e.g. fibonacci:24 (first field only)")
    ap.add_argument("--pow-bits", type=int, default=16, help="The first proof's grinding bits (smoke test: 1).")
    ap.add_argument("--json", default="bench/results/tables.json")
    args = ap.parse_args()
    ctx = get_context()
    rows = []
    if args.first_proof:
        rows += first_proof_rows(ctx, get_field(args.fields.split(",")[0]), args.first_proof, args.pow_bits)
    for name in args.fields.split(","):
        field = get_field(name)
        for n in (int(v) for v in args.log_n.split(",")):
            rows += table_rows(ctx, field, n, args.log_blowup)
            rows.append(upload_row(ctx, field, n))
    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(), "commit": commit or "unknown"}
    print(f"# constant tables and trace upload on {meta['adapter']} ({meta['date']}, {meta['commit']})")
    for r in (r for r in rows if r["kind"] == "proof"):
        print(f"{r['which']} proof {r['air']} 2^{r['log_n']} {r['field']} {r['path']}: wall {r['wall_s']:.3f} s, "
              f"pipeline builds {r['pipeline_builds_s']:.3f} s, host {json.dumps(r['host_s'])}")
    for r in (r for r in rows if r["kind"] != "proof"):
        what = f"{r['table']} ({r['made']})" if r["kind"] == "table" else f"upload {r['cols']} cols"
        print(f"{r['field']:<11}{r['path']:<9}2^{r['log_n']:<4}{what:<22}host {r['host_s'] * 1e3:9.1f} ms"
              f"   done {r['done_s'] * 1e3:9.1f} ms")
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
