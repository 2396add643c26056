"""Per-kernel profile of one warm proof: GPU time and host recording time per
kernel name and per prover phase, and the GPU's idle gaps (issue 12 item 4,
docs/BENCHMARKS.md "Per-kernel profile").

Per case and field path, after a warm-up proof: one normal proof (wall, phase
timestamps, host split), one proof with host times logged per command (passes
as in a normal proof), and one proof with every dispatch in its own
timestamped compute pass (gpu/recorder.py ``profiling``). The stamps are
resolved into a buffer, copied into a storage buffer and read once after the
proof (the prover's own pattern). A pass per dispatch adds a little GPU time
per dispatch, so the profiled GPU total is somewhat above the normal proof's;
the gaps between passes are where the GPU waited (for the host's next
submission, or for copies, which are not timed).

Usage: python bench/kernel_profile.py [--cases fibonacci:20,power:20] [--paths int64,portable]
       [--deadline-s 40] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.air.examples import get_example  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.gpu.recorder import HOST_COMMANDS, profiling  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402

TOP = 12  # kernels printed per case (the JSON has all)


def say(line: str) -> None:
    print(line, flush=True)


def logged_proof(ctx, prove, gpu: bool):
    """(result, entries, stamps) of one proof recorded under ``profiling(gpu)``."""
    with profiling(gpu=gpu) as logs:
        res = prove()
    entries, stamps = [], []
    for log in logs:  # one per recorder the proof started (the prover uses one)
        base = sum(len(s) for s in stamps)
        entries += [(n, ph, h, p + base if p >= 0 else -1) for n, ph, h, p in log.entries]
        stamps.append(log.stamps(ctx).astype(np.int64))
    return res, entries, np.concatenate(stamps) if stamps else np.zeros((0, 2), np.int64)


def per_kernel(host_entries, gpu_entries, stamps) -> list[dict]:
    """Count, GPU ms and host ms per kernel name (copies, flushes, the submit: host only)."""
    rows: dict = defaultdict(lambda: {"count": 0, "gpu_ms": 0.0, "host_ms": 0.0})
    for name, _ph, host_s, _p in host_entries:
        rows[name]["count"] += 1
        rows[name]["host_ms"] += host_s * 1e3
    for name, _ph, _h, pair in gpu_entries:
        if pair >= 0:
            rows[name]["gpu_ms"] += (stamps[pair, 1] - stamps[pair, 0]) * 1e-6
    out = []
    for name, r in rows.items():
        c = max(r["count"], 1)
        out.append({"kernel": name, **r, "gpu_mean_us": r["gpu_ms"] * 1e3 / c, "host_mean_us": r["host_ms"] * 1e3 / c})
    return sorted(out, key=lambda r: -(r["gpu_ms"] + r["host_ms"]))


def per_phase(host_entries, gpu_entries, stamps) -> dict:
    out: dict = defaultdict(lambda: {"dispatches": 0, "gpu_ms": 0.0, "host_ms": 0.0})
    for name, ph, host_s, _p in host_entries:
        out[ph]["host_ms"] += host_s * 1e3
        out[ph]["dispatches"] += name not in HOST_COMMANDS
    for _n, ph, _h, pair in gpu_entries:
        if pair >= 0:
            out[ph]["gpu_ms"] += (stamps[pair, 1] - stamps[pair, 0]) * 1e-6
    return dict(out)


def gaps(gpu_entries, stamps) -> dict:
    """Busy, span and idle GPU time over the timed dispatches, and the largest gaps."""
    timed = [(n, ph, p) for n, ph, _h, p in gpu_entries if p >= 0]
    if not timed:
        return {"busy_ms": None, "span_ms": None, "idle_ms": None, "largest": []}
    idx = np.array([p for _n, _ph, p in timed])
    begin, end = stamps[idx, 0], stamps[idx, 1]
    gap = np.maximum(begin[1:] - end[:-1], 0)
    order = np.argsort(-gap)[:5]
    largest = [{"after": timed[i][0], "before": timed[i + 1][0], "phase": timed[i + 1][1], "us": float(gap[i]) * 1e-3}
               for i in order if gap[i] > 0]
    busy = float(np.sum(end - begin)) * 1e-6
    span = float(end[-1] - begin[0]) * 1e-6
    return {"busy_ms": busy, "span_ms": span, "idle_ms": float(np.sum(gap)) * 1e-6, "largest": largest}


def profile_case(ctx, field, air_name: str, n: int, params) -> dict:
    ex = get_example(air_name)
    cols, pub = ex.generate(field, n, np.random.default_rng(1))

    def prove():
        return prove_gpu(ctx, field, ex.air, cols, pub, params, check=False)

    prove()  # pipelines, constant tables, pooled buffers
    t0 = time.perf_counter()
    normal = prove()
    wall = time.perf_counter() - t0
    host_res, host_entries, _ = logged_proof(ctx, prove, gpu=False)
    gpu_res, gpu_entries, stamps = logged_proof(ctx, prove, gpu=True)
    dispatches = sum(1 for e in host_entries if e[0] not in HOST_COMMANDS)
    return {"air": air_name, "width": ex.air.width, "log_rows": n, "path": ctx.field_path,
            "wall_ms": wall * 1e3, "gpu_phases_ms": {k: v * 1e3 for k, v in normal.phases.items()},
            "host_ms": {k: v * 1e3 for k, v in normal.host_seconds.items()},
            "dispatches": dispatches, "copies": sum(1 for e in host_entries if e[0] in ("copy", "clear")),
            "host_logged_ms": sum(e[2] for e in host_entries) * 1e3,
            "identical": normal.proof == host_res.proof == gpu_res.proof, "syncs": gpu_res.syncs,
            "gpu": gaps(gpu_entries, stamps), "kernels": per_kernel(host_entries, gpu_entries, stamps),
            "phases": per_phase(host_entries, gpu_entries, stamps)}


def show(row: dict) -> None:
    g, h = row["gpu"], row["host_ms"]
    fmt = (lambda v: "-" if v is None else f"{v:.1f}")
    say(f"## {row['air']} 2^{row['log_rows']} {row['path']}: wall {row['wall_ms']:.1f} ms, host setup/record/"
        f"gpu+readback {h.get('setup', 0):.1f}/{h.get('record', 0):.1f}/{h.get('gpu+readback', 0):.1f} ms, "
        f"{row['dispatches']} dispatches + {row['copies']} copies, host logged {row['host_logged_ms']:.1f} ms; "
        f"profiled GPU busy {fmt(g['busy_ms'])} / span {fmt(g['span_ms'])} / idle {fmt(g['idle_ms'])} ms; "
        f"identical {row['identical']}")
    say(f"{'kernel':<24}{'count':>6}{'gpu ms':>10}{'gpu us':>11}{'host ms':>10}{'host us':>11}")
    for k in row["kernels"][:TOP]:
        say(f"{k['kernel']:<24}{k['count']:>6}{k['gpu_ms']:>10.2f}{k['gpu_mean_us']:>11.1f}"
            f"{k['host_ms']:>10.2f}{k['host_mean_us']:>11.1f}")
    say("phase: " + ", ".join(f"{ph or '-'} {v['dispatches']} disp gpu {v['gpu_ms']:.2f} host {v['host_ms']:.2f} ms"
                              for ph, v in row["phases"].items()))
    if g["largest"]:
        say("largest gaps: " + ", ".join(f"{x['us']:.0f} us {x['after']}->{x['before']} ({x['phase']})"
                                         for x in g["largest"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="fibonacci:20,power:20", help="AIR:log_rows, comma-separated")
    ap.add_argument("--paths", default="int64,portable")
    ap.add_argument("--field", default="goldilocks")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--pow-bits", type=int, default=16)
    ap.add_argument("--deadline-s", type=float, default=40.0, help="start no new case after this many seconds")
    ap.add_argument("--json", default="bench/results/kernel_profile.json")
    args = ap.parse_args()
    t_start = time.perf_counter()
    field = get_field(args.field)
    params = BasefoldParams.for_security(args.security, pow_bits=args.pow_bits)
    rows, adapter = [], None
    for path in args.paths.split(","):
        ctx = get_context(int64=path == "int64")
        adapter = ctx.adapter_summary
        for case in args.cases.split(","):
            air_name, n = case.split(":")
            if time.perf_counter() - t_start > args.deadline_s:
                say(f"skip {case} {path}: past the {args.deadline_s:.0f} s deadline")
                continue
            rows.append(profile_case(ctx, field, air_name, int(n), params))
            show(rows[-1])
    meta = {"adapter": adapter, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "params": params.__dict__, "field": field.name,
            "seconds": time.perf_counter() - t_start}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)
    say(f"# wrote {args.json} ({meta['seconds']:.1f} s, {adapter})")


if __name__ == "__main__":
    main()
