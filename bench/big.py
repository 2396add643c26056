"""Large-trace proving benchmark: traces whose tables span several storage
bindings (docs/ARCHITECTURE.md §9), e.g. 16 x 2^24 or 256 x 2^20 at degree 7.

Usage: python3 bench/big.py --cases pow7:16:22,pow7:16:24,pow7:64:22,pow7:256:20,fibonacci:2:27
       [--field goldilocks|babybear] [--path int64|portable] [--repeats 3] [--json OUT]

AIR ``pow7``: w/2 pairs of columns (x_i, y_i) with next.y_i = x_i^7 (degree 7),
x random: its trace is generated with vectorised NumPy in seconds at any size,
unlike the sequential power map (``power`` is accepted too, for w x 2^n where
its Python generator is fast enough). Each row reports the warm wall time
(median of --repeats after one warm-up proof), the GPU time from timestamps,
the device bytes allocated per proof (sum of the buffers created by the warm
proofs: an upper bound of the peak), the segments of the split tables, the
proof size and whether it verifies.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.air.examples import fibonacci, power  # noqa: E402
from wgprover.air.language import Air  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.gpu import device_table, get_context  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.prover import prove_gpu  # noqa: E402
from wgprover.verifier import verify  # noqa: E402


def pow7(field, w: int, n: int, rng):
    """The pow7 AIR of ``w`` columns and a satisfying 2^n-row trace (vectorised)."""
    k = w // 2
    cols = [f"x{i}" for i in range(k)] + [f"y{i}" for i in range(k)]
    air = Air.from_dict({"name": f"pow7x{w}", "columns": cols, "public": [],
                         "constraints": [{"transition": f"next.y{i} - x{i}^7"} for i in range(k)]})
    x = field.base.random(rng, (k, 1 << n))
    y = np.empty_like(x)
    y[:, 0] = field.base.random(rng, k)
    y[:, 1:] = field.base.pow(x[:, :-1], 7)
    return air, np.concatenate([x, y]), {}


def make_case(field, air_name: str, w: int, n: int, rng):
    if air_name == "pow7":
        return pow7(field, w, n, rng)
    ex = fibonacci() if air_name == "fibonacci" else power(width=w)
    trace, public = ex.generate(field, n, rng)
    return ex.air, trace, public


class Allocations:
    """Bytes of device buffers created while counting (wraps ctx.buffer)."""

    def __init__(self, ctx) -> None:
        self.bytes, self.on = 0, False
        orig = ctx.buffer

        def counted(nbytes, label="", usage=None):
            if self.on:
                self.bytes += int(nbytes)
            return orig(nbytes, label, usage)

        ctx.buffer = counted


def segments_of_tables() -> dict:
    """{label: segments} of the device tables allocated from now on."""
    seen: dict = {}
    orig = device_table.allocate

    def allocate(*a, **k):
        t = orig(*a, **k)
        seen[t.label] = len(t.segments)
        return t

    device_table.allocate = allocate
    return seen


def run_case(ctx, field, spec: str, params, repeats: int, alloc: Allocations, segs: dict) -> dict:
    air_name, w, n = spec.split(":")
    air, trace, public = make_case(field, air_name, int(w), int(n), np.random.default_rng(1))
    prove_gpu(ctx, field, air, trace, public, params, check=False)  # warm-up: pipelines, constant tables
    walls, best = [], None
    alloc.bytes, alloc.on = 0, True
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = prove_gpu(ctx, field, air, trace, public, params, check=False)
        walls.append(time.perf_counter() - t0)
        best = res if best is None or walls[-1] <= min(walls) else best
    alloc.on = False
    v = verify(best.proof, air, public, min_security=0)
    return {"case": spec, "field": field.name, "path": ctx.field_path, "width": air.width, "log_rows": int(n),
            "warm_wall_s": float(np.median(walls)), "gpu_s": sum(best.phases.values()), "gpu_phases_s": best.phases,
            "device_bytes_per_proof": alloc.bytes // repeats, "segments": dict(segs), "syncs": best.syncs,
            "proof_bytes": len(best.proof), "accepted": v.accepted}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="pow7:16:22,pow7:16:24,pow7:64:22,pow7:256:20,fibonacci:2:27")
    ap.add_argument("--field", default="goldilocks")
    ap.add_argument("--path", choices=["portable", "int64"], default="int64")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default="bench/results/big.json")
    args = ap.parse_args()
    ctx = get_context(int64=args.path == "int64")
    field, params = get_field(args.field), BasefoldParams.for_security(args.security)
    alloc, segs = Allocations(ctx), segments_of_tables()
    rows = []
    for spec in args.cases.split(","):
        segs.clear()
        try:
            row = run_case(ctx, field, spec, params, args.repeats, alloc, segs)
        except MemoryError as e:
            row = {"case": spec, "field": field.name, "refused": str(e)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "params": params.__dict__,
            "segment_limit": ctx.segment_limit(), "limits": {k: int(v) for k, v in ctx.limits.items()}}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
