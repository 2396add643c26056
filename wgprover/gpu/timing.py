"""GPU timing for benchmarks: timestamp queries where available, else
synchronised wall-clock time (both reported with the method used)."""

from __future__ import annotations

import statistics
import time
from typing import Callable

import numpy as np


def gpu_time(ctx, record: Callable, repeats: int = 5, warmup: int = 1) -> tuple[float, str]:
    """Median seconds of the work ``record(rec)`` records, and the method
    ("timestamp" or "wall"). Each repeat is its own submission."""
    samples = []
    for i in range(warmup + repeats):
        rec = ctx.recorder(label="bench")
        if ctx.has_timestamps:
            rec.phase("bench")
        record(rec)
        names, tsbuf = rec.resolve_timestamps() if ctx.has_timestamps else ([], None)
        t0 = time.perf_counter()
        rec.submit()
        if tsbuf is not None:
            ts = ctx.read(tsbuf, np.uint64, 2)
            dt = (int(ts[1]) - int(ts[0])) * 1e-9
        else:
            ctx.device.queue.read_buffer(_sync_buffer(ctx), 0, 4)
            dt = time.perf_counter() - t0
        if i >= warmup:
            samples.append(dt)
    return statistics.median(samples), ("timestamp" if ctx.has_timestamps else "wall")


def _sync_buffer(ctx):
    buf = ctx.cache.get("sync-buffer")
    if buf is None:
        buf = ctx.buffer(16, label="sync")
        ctx.cache["sync-buffer"] = buf
    return buf
