"""Every bench script runs once at tiny sizes and writes its JSON, so none can rot.

The scripts run in this process (runpy, ``__main__``), sharing the pipelines
this test session already built; compile.py and startup.py start their own
child processes (that is what they measure).  Sizes are the smallest each
script accepts; the numbers are meaningless, only the plumbing is tested.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

# script -> tiny-size arguments (besides --json)
TINY = {
    "field.py": ["--log-n", "12", "--reps", "2"],
    "ntt.py": ["--sizes", "10", "--cols", "2", "--wall-reps", "1", "--no-int64"],
    "hemera.py": ["--perm-log-n", "6", "--perm-reps", "1", "--merkle", "4-4", "--resident-mib", "1",
                  "--file-mib", "1", "--sponge-kib", "1", "--lanes", "2"],
    "sumcheck.py": ["--fields", "goldilocks", "--airs", "fibonacci", "--log-n", "4", "--repeats", "1"],
    "kernel_profile.py": ["--cases", "fibonacci:4", "--paths", "int64", "--pow-bits", "1"],
    "prove.py": ["--sizes", "4", "--airs", "fibonacci", "--reference-max", "4", "--repeats", "1", "--pow-bits", "1"],
    "bbmont.py": ["--log-n", "12", "--reps", "2", "--rounds", "1"],
    "compile.py": ["--airs", "fibonacci", "--fields", "goldilocks", "--paths", "portable", "--scope", "zerocheck",
                   "--log-rows", "4", "--no-warm"],
    "hemera_air.py": ["--log-counts", "1", "--repeats", "1"],
    "tables.py": ["--fields", "goldilocks,babybear", "--log-n", "4", "--first-proof", "fibonacci:4", "--pow-bits", "1"],
    "memory_plan.py": ["--cases", "goldilocks:fibonacci:5:portable", "--pow-bits", "1"],
    "large.py": ["--cases", "fibonacci@4,power2@3:babybear", "--security", "0", "--repeats", "1"],
    "pipelines.py": ["--airs", "fibonacci", "--fields", "goldilocks", "--paths", "portable", "--log-rows", "4",
                     "--threads", "2", "--no-warm"],
    "startup.py": ["--fields", "goldilocks", "--log-rows", "3", "--repeats", "0", "--cases", "phases,example,prove",
                   "--pow-bits", "1"],
    # one worker: the process's context, its pipelines built once (several workers: tests/test_batch.py)
    "examples.py": ["--log-rows", "5", "--repeats", "1", "--examples", "fibonacci,hemera-sponge", "--fields", "goldilocks"],
    "throughput.py": ["--cases", "fibonacci:4", "--count", "2", "--process-count", "1", "--pow-bits", "1"],
}
ONCE = {"throughput.py"}  # run by a module fixture that later tests read


def _run(script: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [str(BENCH / script), *args])
    # sumcheck.py --modes sets WGPROVER_ZEROCHECK for its own runs; registering the
    # variable here makes monkeypatch restore it, so later tests see the default mode
    monkeypatch.setenv("WGPROVER_ZEROCHECK", "auto")
    monkeypatch.syspath_prepend(str(BENCH))
    runpy.run_path(str(BENCH / script), run_name="__main__")


def test_every_bench_script_is_covered():
    scripts = {p.name for p in BENCH.glob("*.py")} - {"cold.py", "measure.py", "hemera_variants.py"}  # helpers
    scripts -= {"plot_throughput.py"}  # plots throughput.py's JSON: test_throughput_plot
    scripts = {s for s in scripts if not s.startswith("verify")}  # the verifier's benches have their own test
    assert scripts <= set(TINY), f"bench scripts without a smoke test: {sorted(scripts - set(TINY))}"


def _check_written(script: str, out: Path) -> dict:
    data = json.loads(out.read_text())
    assert data["rows"], f"{script} wrote no rows"
    assert "meta" in data
    return data


@pytest.fixture(scope="module")
def throughput_json(tmp_path_factory) -> Path:
    """throughput.py's JSON at its tiny size, run once for the smoke test and the plot."""
    out = tmp_path_factory.mktemp("throughput") / "throughput.json"
    with pytest.MonkeyPatch.context() as mp:
        _run("throughput.py", [*TINY["throughput.py"], "--json", str(out)], mp)
    return out


@pytest.mark.parametrize("script", sorted(set(TINY) - ONCE))
def test_bench_script_runs_at_tiny_size(script, tmp_path, monkeypatch):
    out = tmp_path / "out.json"
    _run(script, [*TINY[script], "--json", str(out)], monkeypatch)
    _check_written(script, out)


def test_throughput_runs_at_tiny_size(throughput_json):
    _check_written("throughput.py", throughput_json)


def test_sumcheck_bench_compares_modes(tmp_path, monkeypatch):
    out = tmp_path / "sumcheck.json"
    _run("sumcheck.py", [*TINY["sumcheck.py"], "--modes", "inline,interp", "--json", str(out)], monkeypatch)
    modes = {json.loads((tmp_path / f"sumcheck-{m}.json").read_text())["rows"][0]["mode"] for m in ("inline", "interp")}
    assert modes == {"inline", "interp"}


def test_kernel_profile_times_every_dispatch(tmp_path, monkeypatch):
    """bench/kernel_profile.py: every dispatch of the profiled proof has its own
    GPU timestamps (a positive duration on lavapipe too), the host log counts the
    same dispatches, and the logged proofs are the normal proof's bytes."""
    out = tmp_path / "kp.json"
    _run("kernel_profile.py", ["--cases", "fibonacci:3", "--paths", "portable", "--pow-bits", "1",
                               "--json", str(out)], monkeypatch)
    row = _check_written("kernel_profile.py", out)["rows"][0]
    assert row["identical"] and row["syncs"] == 1
    kernels = {k["kernel"]: k for k in row["kernels"]}
    assert sum(k["count"] for name, k in kernels.items() if name not in ("copy", "clear", "flush", "submit")) \
        == row["dispatches"] > 50
    assert kernels["transcript_op"]["gpu_ms"] > 0 and kernels["submit"]["count"] == 1
    assert row["gpu"]["busy_ms"] > 0 and row["gpu"]["span_ms"] >= row["gpu"]["busy_ms"]


def test_ntt_targets_serialise(monkeypatch):
    """The crash of issue 12: NumPy comparisons in the targets broke json.dump."""
    monkeypatch.syspath_prepend(str(BENCH))
    ntt = runpy.run_path(str(BENCH / "ntt.py"))
    row = {"field": "goldilocks", "path": "portable", "kind": "ntt", "log_n": 20, "cols": 1,
           "seconds": np.float64(1e-4), "frac_copy": np.float64(0.5)}
    targets = ntt["check_targets"]([row])
    assert targets and targets[0][1] is True
    json.dumps([{"name": n, "met": ok, "value": v} for n, ok, v in targets])


def test_throughput_plot(throughput_json, tmp_path, monkeypatch):
    """throughput.py's JSON (the smoke test's) plotted by plot_throughput.py into one PNG, given
    twice as two runs would be (e.g. 1 and 2 workers per adapter): a batch line per run, the
    separate processes and the GPU bound from the first run only."""
    rows = json.loads(throughput_json.read_text())["rows"]
    assert [r["case"] for r in rows] == ["fibonacci:4"]
    assert all(r["batch_per_hour"] > 0 and r["ratio"] > 0 and r["process_per_hour"] > 0 for r in rows)
    png, points = tmp_path / "throughput.png", tmp_path / "points.json"
    _run("plot_throughput.py", ["--input", f"{throughput_json},{throughput_json}", "--png", str(png),
                                "--json", str(points)], monkeypatch)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pts = json.loads(points.read_text())["rows"]
    assert len({p["trace"] for p in pts}) == 1
    assert sorted(p["series"] for p in pts) == sorted(["one-process batch, 1 worker(s)"] * 2 + [
        "separate `wgprove prove` processes", "1 / GPU time per proof"])
