"""Benchmark timing helpers (wgprover.gpu.timing) on the real adapter."""

from __future__ import annotations

import numpy as np
import pytest

from wgprover.field import gpu as fgpu
from wgprover.gpu.timing import gpu_time, warm_clocks


def _work(ctx, field, rng):
    """A chain x <- x * b (4 times) and its NumPy result a * b^4."""
    B, n = field.base, 1 << 10
    a, b = B.random(rng, n), B.random(rng, n)
    abuf, bbuf = ctx.upload(a), ctx.upload(b)
    out = ctx.buffer(n * B.BYTES)
    want = B.mul(a, B.mul(B.sqr(b), B.sqr(b)))
    return lambda rec: fgpu.record_mul_chain(rec, field, abuf, bbuf, out, n, 4), out, want


@pytest.mark.parametrize("batched", [False, True], ids=["separate", "batched"])
def test_gpu_time_best_of_windows(ctx, field, rng, batched):
    record, _, _ = _work(ctx, field, rng)
    t, method = gpu_time(ctx, record, repeats=2, warm_seconds=0.05, windows=2, batched=batched)
    assert method == ("timestamp" if ctx.has_timestamps else "wall")
    assert 0 < t < 10


def test_warm_clocks_runs_the_work_without_counted_syncs(ctx, field, rng):
    record, out, want = _work(ctx, field, rng)
    syncs = ctx.syncs
    warm_clocks(ctx, record, 0.05)
    assert ctx.syncs == syncs  # waits on the queue, not on a counted readback
    assert np.array_equal(ctx.read(out, field.dtype, want.size), want)  # the work really ran
