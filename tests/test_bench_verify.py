"""bench/verify.py runs at a tiny size, including its whole-process mode (both
hemera paths, and one process split into phases), so the script cannot rot."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_verify_bench_whole_process_mode(tmp_path, monkeypatch):
    out = tmp_path / "verify.json"
    monkeypatch.setattr(sys, "argv", [str(BENCH / "verify.py"), "--log-rows", "5", "--repeats", "1", "--process",
                                      "--process-repeats", "1", "--cache", str(tmp_path), "--json", str(out)])
    runpy.run_path(str(BENCH / "verify.py"), run_name="__main__")
    row = json.loads(out.read_text())["rows"][0]
    for where in ("numpy", "after_prove"):  # a fresh process, and the proving process
        t = row[where]
        assert 0 < t["thread_cpu_best_s"] <= t["cpu_best_s"] + 1e-3 and t["best_s"] > 0
    assert "MainThread" in row["after_prove"]["threads"] and row["after_prove"]["wgpu_poll_tokens"] >= 0
    assert row["after_prove"]["gc_tracked_objects"] > 0
    assert row["compiled"] is None or row["compiled"]["best_s"] > 0
    assert set(row["process"]) == {"numpy", "numba", "python_only", "import_numpy", "import_numpy_one_blas_thread"}
    assert all(t["best_s"] > 0 for t in row["process"].values())
    for mode in ("numpy", "numba"):
        ph = row["process_phases"][mode]
        assert ph["verify_s"] > 0 and ph["import_numpy_s"] > 0 and ph["wall_s"] >= ph["verify_s"]
    assert "numba_import_and_cache_load_s" in row["process_phases"]["numba"]
    assert "numba_import_and_cache_load_s" not in row["process_phases"]["numpy"]
    parts = row["process_phases"]["numpy"]["verify_parts_profiled_s"]
    assert parts["Merkle sweep (batched hemera)"] > 0 and parts["verify_file (all)"] >= parts["zerocheck rounds and final check"]
