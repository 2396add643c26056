"""Zerocheck throughput: a full zerocheck (setup, n rounds + folds, claims) on the GPU.

AIRs: Fibonacci (w = 2, degree 2) and the degree-7 power map (w = 16, 16
periodic columns).  Traces are random base-field tables (the cost does not
depend on validity; generating valid 2^24-row power-map traces on the host
would dominate); correctness is checked against the NumPy reference at 2^8
rows first.  Times are GPU time from timestamp queries when the device has
them (else synchronised wall-clock), median of repeats: ``total`` is one
compute pass holding the whole zerocheck; ``rounds`` times each round (round
kernel + reduce + fold) in its own pass.

Usage: python bench/sumcheck.py [--fields goldilocks,babybear] [--log-n 16,18,20,22,24]
                                [--airs fibonacci,power] [--modes inline,interp,hybrid,auto]
                                [--json bench/results/sumcheck.json]
With several --modes, one JSON per mode: sumcheck-<mode>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.air.codegen import default_mode
from wgprover.air.examples import fibonacci, power
from wgprover.field import get_field
from wgprover.gpu import device_table, get_context
from wgprover.gpu.timing import gpu_time
from wgprover.sumcheck import reference as R
from wgprover.sumcheck.gpu import ZerocheckGpu

AIRS = {"fibonacci": fibonacci, "power": power}


def _record_all(zc: ZerocheckGpu, rec, cbuf, out, n: int, phases: bool = False) -> None:
    d = zc.d
    zc.record_setup(rec, cbuf, 0, n)
    for i in range(n):
        if phases:
            rec.phase(f"round{i}")
        zc.record_round(rec, i, cbuf, out, i * zc.npts * d)
        zc.record_fold(rec, i, cbuf, n + 1 + i)
    zc.record_claims(rec, out, n * zc.npts * d)


def _setup(ctx, field, ex, n: int, rng, valid: bool):
    if valid:
        trace, public = ex.generate(field, n, rng)
    else:
        trace = field.base.random(rng, (ex.air.width, 1 << n))
        public = {p: 1 for p in ex.air.public}
    E = field.ext
    chal = E.random(rng, 2 * n + 1)
    tbuf, cbuf = device_table.upload(ctx, np.ascontiguousarray(trace), "trace"), ctx.upload(chal)
    zc = ZerocheckGpu(ctx, field, ex.air, n, tbuf, public)
    out = ctx.buffer((n * zc.npts + 2 * ex.air.width) * zc.ef_bytes)
    return zc, trace, public, chal, cbuf, out


def check(ctx, field, ex, rng, n: int = 8) -> None:
    """GPU == NumPy reference on a small valid trace, before timing."""
    zc, trace, public, chal, cbuf, out = _setup(ctx, field, ex, n, rng, valid=True)
    rec = ctx.recorder()
    _record_all(zc, rec, cbuf, out, n)
    rec.submit()
    got = ctx.read(out, field.dtype)
    polys, claims = R.zerocheck(field, ex.air, n, trace, public, chal[:n], chal[n], chal[n + 1 :])
    want = np.concatenate([polys.reshape(-1), claims.reshape(-1)])
    assert np.array_equal(got[: want.size], want), f"zerocheck GPU != NumPy ({field.name}, {ex.air.name})"


def round_times(ctx, zc, cbuf, out, n: int, repeats: int) -> list[float] | None:
    """Per-round GPU time (ms) with one timestamped pass per round; None without timestamps."""
    if not ctx.has_timestamps:
        return None
    samples = []
    for _ in range(repeats):
        rec = ctx.recorder(label="bench-rounds")
        _record_all(zc, rec, cbuf, out, n, phases=True)
        names, buf = rec.resolve_timestamps()
        rec.submit()
        ts = ctx.read(buf, np.uint64, 2 * len(names)).astype(np.int64)
        samples.append((ts[1::2] - ts[0::2]) * 1e-6)
    return [float(v) for v in np.median(np.stack(samples), axis=0)]


class _PerDispatch:
    """A recorder proxy that opens a timestamped phase before every dispatch (profiling)."""

    def __init__(self, rec) -> None:
        self.rec = rec

    def dispatch(self, kernel, bindings, groups) -> None:
        self.rec.phase(kernel.name)
        self.rec.dispatch(kernel, bindings, groups)


def profile(ctx, field, name: str, log_n: int) -> None:
    """Print GPU time per kernel (one pass per dispatch; needs timestamp queries)."""
    ex = AIRS[name]()
    zc, _, _, _, cbuf, out = _setup(ctx, field, ex, log_n, np.random.default_rng(1), valid=False)
    for _ in range(2):
        rec = ctx.recorder(label="profile")
        _record_all(zc, _PerDispatch(rec), cbuf, out, log_n)
        names, buf = rec.resolve_timestamps()
        rec.submit()
        ts = ctx.read(buf, np.uint64, 2 * len(names)).astype(np.int64)
    per: dict[str, list[float]] = {}
    for nm, dt in zip(names, (ts[1::2] - ts[0::2]) * 1e-3):
        per.setdefault(nm, []).append(float(dt))
    print(f"profile {field.name} {ex.air.name} 2^{log_n} ({ctx.field_path}): us per dispatch")
    for nm, v in per.items():
        print(f"  {nm:<16} total {sum(v):9.1f}  " + " ".join(f"{x:.0f}" for x in v))


def measure(ctx, field, name: str, log_n: int, repeats: int) -> dict:
    ex = AIRS[name]()
    rng = np.random.default_rng(log_n)
    row = {"field": field.name, "path": ctx.field_path, "air": ex.air.name, "w": ex.air.width,
           "degree": ex.air.degree + 1, "log_n": log_n, "mode": default_mode()}
    try:
        zc, _, _, _, cbuf, out = _setup(ctx, field, ex, log_n, rng, valid=False)
    except MemoryError as e:
        row["skipped"] = str(e)
        return row
    row["bindings"] = {"trace": zc.layout.trace.nseg, "eq": zc.layout.eq.nseg, "state": zc.layout.state.nseg}
    t0 = time.perf_counter()
    t, method = gpu_time(ctx, lambda rec: _record_all(zc, rec, cbuf, out, log_n), repeats=repeats, warmup=2)
    row.update({"total_ms": t * 1e3, "method": method, "bench_wall_s": time.perf_counter() - t0})
    rt = round_times(ctx, zc, cbuf, out, log_n, max(1, repeats // 2))
    if rt is not None:
        row["rounds_ms"] = rt
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", default="goldilocks,babybear")
    ap.add_argument("--airs", default="fibonacci,power")
    ap.add_argument("--log-n", default="16,18,20,22,24")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", default="bench/results/sumcheck.json")
    ap.add_argument("--int64", action="store_true", help="the shader-int64 Goldilocks path")
    ap.add_argument("--profile", action="store_true", help="time every dispatch instead")
    ap.add_argument("--modes", default=None,
                    help="zerocheck code modes to compare (inline,interp,hybrid,auto; default: WGPROVER_ZEROCHECK or auto)")
    args = ap.parse_args()
    for mode in (args.modes or default_mode()).split(","):
        os.environ["WGPROVER_ZEROCHECK"] = mode  # read by ZerocheckGpu (wgprover/air/codegen.py)
        run(args)


def run(args) -> None:
    ctx = get_context(int64=bool(args.int64))
    if args.profile:
        for fname in args.fields.split(","):
            for name in args.airs.split(","):
                for log_n in (int(v) for v in args.log_n.split(",")):
                    profile(ctx, get_field(fname), name, log_n)
        return
    rows = []
    json_path = args.json if args.modes is None or "," not in args.modes else args.json.replace(".json", f"-{default_mode()}.json")
    for fname in args.fields.split(","):
        field = get_field(fname)
        for name in args.airs.split(","):
            check(ctx, field, AIRS[name](), np.random.default_rng(0))
            for log_n in (int(v) for v in args.log_n.split(",")):
                rows.append(measure(ctx, field, name, log_n, args.repeats))
                r = rows[-1]
                print(f"  {fname} {name} 2^{log_n}: " + (f"{r['total_ms']:.3f} ms" if "total_ms" in r else r["skipped"]), flush=True)
    commit = os.environ.get("WGPROVER_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    meta = {"adapter": ctx.adapter_summary, "path": ctx.field_path, "date": datetime.date.today().isoformat(),
            "commit": commit or "unknown", "mode": default_mode()}
    print(f"# zerocheck on {meta['adapter']} ({meta['date']}, {meta['commit']}, {meta['path']} field path, "
          f"{meta['mode']} constraint code)")
    print(f"{'field':<11}{'air':<12}{'w':>3}{'D':>3}{'log n':>6}{'total ms':>10}{'max round ms':>14}  method")
    for r in rows:
        if "total_ms" not in r:
            print(f"{r['field']:<11}{r['air']:<12}{r['w']:>3}{r['degree']:>3}{r['log_n']:>6}  skipped: {r['skipped']}")
            continue
        mr = f"{max(r['rounds_ms']):.3f}" if "rounds_ms" in r else "-"
        print(f"{r['field']:<11}{r['air']:<12}{r['w']:>3}{r['degree']:>3}{r['log_n']:>6}{r['total_ms']:>10.3f}{mr:>14}  {r['method']}")
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
