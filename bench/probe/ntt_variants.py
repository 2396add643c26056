"""Probe (not a benchmark): time NTT shader variants side by side on one GPU.

Each variant runs in its own process (pipelines are cached per process):
  python bench/probe/ntt_variants.py VARIANT   where VARIANT is a name known
to `_patch` below. Prints one line of GPU times (timestamp queries, median).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import wgprover.gpu.shaders as S  # noqa: E402

variant = sys.argv[1]
_orig = S.load.__wrapped__
_old = {p.stem: p.read_text() for p in (ROOT / "bench/probe/old").glob("*.wgsl")} if (ROOT / "bench/probe/old").is_dir() else {}


def _patch(name: str) -> str:
    if variant.startswith("old") and name in _old:
        src = _old[name]
    else:
        src = _orig(name)
    if "nomul" in variant and name == "ntt":
        src = src.replace("fe_mul(fe_sub(", "fe_add(fe_sub(").replace("let b0 = fe_mul(x[1], w[0]);", "let b0 = x[1];")
    return src


S.load = _patch

from ntt import copy_bandwidth, timed  # noqa: E402

from wgprover.field import BABYBEAR, GOLDILOCKS  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.ntt import gpu  # noqa: E402

ctx = get_context(int64="int64" in variant)
FIELDS = {"go": GOLDILOCKS, "ba": BABYBEAR}
DEFAULT = "go-ntt-20x1 go-ntt-20x8 go-lde-20x8 go-ntt-24x1 go-ntt-22x8 ba-ntt-20x8"


def reps_time(record, reps: int = 10, warm: int = 2) -> np.ndarray:
    rec = ctx.recorder(label="probe")
    for i in range(warm + reps):
        rec.phase(f"rep{i}")
        record(rec)
    names, buf = rec.resolve_timestamps()
    rec.submit()
    ts = ctx.read(buf, np.uint64, 2 * len(names)).reshape(-1, 2).astype(np.int64)
    return (ts[warm:, 1] - ts[warm:, 0]) * 1e-9


from wgprover.gpu.timing import warm_clocks  # noqa: E402

if "pre" in variant:
    gpu._tables(ctx, GOLDILOCKS, 24)
    gpu._tables(ctx, BABYBEAR, 24)
if "nowarm" not in variant:
    _wbuf = ctx.upload(GOLDILOCKS.base.random(np.random.default_rng(0), (8, 1 << 20)))
    warm_clocks(ctx, lambda rec: gpu.record_forward(rec, ctx, GOLDILOCKS, _wbuf, 20, 8), 2.0)
    del _wbuf

if variant == "copy":
    c = copy_bandwidth(ctx, 8 << 24, 20)
    print(f"copy {c['gb_per_s']:.0f} GB/s")
    sys.exit(0)
out = [variant]
for case in (" ".join(sys.argv[2:]) or DEFAULT).split():
    f, kind, size = case.split("-")
    field = FIELDS[f]
    log_n, cols = (int(v) for v in size.split("x"))
    n = 1 << log_n
    src = ctx.upload(field.base.random(np.random.default_rng(1), (cols, n)))
    if kind == "ntt":
        rec_fn = lambda rec: gpu.record_forward(rec, ctx, field, src, log_n, cols)  # noqa: E731
    else:
        dst = ctx.buffer(2 * cols * n * field.base.BYTES)
        rec_fn = lambda rec: gpu.record_lde(rec, ctx, field, src, dst, log_n, 1, cols)  # noqa: E731
    warm_clocks(ctx, rec_fn, 0.3)
    t = reps_time(rec_fn) * 1e6
    out.append(f"{case}={np.median(t):.0f}us[{t.min():.0f}-{t.max():.0f}]")
print("  ".join(out), flush=True)
