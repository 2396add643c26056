"""Measurement helpers shared by the benches (not a bench): repeated warm
proofs, and the peak device memory sampled from nvidia-smi while a bench runs
(docs/BENCHMARKS.md says which numbers come from them)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time


class MemorySampler:
    """Peak GPU memory.used (MiB) by polling nvidia-smi every 50 ms; None without it."""

    def __init__(self) -> None:
        self.exe = shutil.which("nvidia-smi")
        self.peak: int | None = None
        self.base: int | None = None  # memory.used when sampling started (other processes, this context)
        self._stop = threading.Event()
        self._t: threading.Thread | None = None

    def _sample(self) -> int | None:
        try:
            out = subprocess.run([self.exe, "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"],
                                 capture_output=True, text=True, timeout=5).stdout
            return int(out.split()[0])
        except (OSError, ValueError, IndexError, subprocess.SubprocessError):
            return None

    def _loop(self) -> None:
        while not self._stop.is_set():
            v = self._sample()
            if v is not None:
                self.peak = v if self.peak is None else max(self.peak, v)
            time.sleep(0.05)

    def __enter__(self) -> "MemorySampler":
        if self.exe:
            self.base = self._sample()
            self._t = threading.Thread(target=self._loop, daemon=True)
            self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._t is not None:
            self._t.join()


def warm_proofs(prove, repeats: int) -> tuple[list[float], object]:
    """Call ``prove()`` ``repeats`` times: (wall seconds of each call, the result
    of the fastest; its GPU phases are the ones reported, docs/BENCHMARKS.md)."""
    walls, best = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = prove()
        walls.append(time.perf_counter() - t0)
        if best is None or walls[-1] <= min(walls):
            best = res
    return walls, best
