"""Batch proving on a local Ray cluster (wgprover/ray_tasks.py) on the real
adapter (lavapipe in CI): proofs byte-identical to single-process proofs, a
worker killed mid-batch with the batch still completing, and a clear exit 2
where Ray is missing. Ray is a test dependency: its absence is a failure."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import ray

from test_batch import FAST_KW  # tests/ is on sys.path (rootdir conftest)
from test_cli import FAST, _run
from wgprover.ray_tasks import prove_many_ray


def test_missing_ray_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    capsys.readouterr()
    assert _run(["prove", "a.wgtrace", "--out-dir", str(tmp_path / "out"), "--ray", "auto"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'wgprover[ray]'" in err[0]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A local two-CPU Ray cluster, four small traces and their single-process proofs."""
    d = tmp_path_factory.mktemp("ray")
    assert _run(["example", "fibonacci", "-o", str(d / "fib.wgtrace"), "--log-rows", "5"]) == 0
    assert _run(["example", "power", "-o", str(d / "pow.wgtrace"), "--log-rows", "6", "--field", "babybear"]) == 0
    singles = {}
    for name in ("fib", "pow"):
        assert _run(["prove", str(d / f"{name}.wgtrace"), "-o", str(d / f"{name}.proof"), *FAST]) == 0
        singles[name] = (d / f"{name}.proof").read_bytes()
    traces = []
    for k in range(4):
        src = ("fib", "pow")[k % 2]
        traces.append(d / f"{src}{k}.wgtrace")
        shutil.copy(d / f"{src}.wgtrace", traces[-1])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield traces, singles
    ray.shutdown()


def _descendant(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


def _kill_one_running_task(killed: list, stop: threading.Event) -> None:
    """SIGKILL the first worker process of this test's cluster seen running a
    prove task (Ray titles it ``ray::prove_trace``)."""
    while not stop.is_set():
        for p in Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                title = (p / "cmdline").read_bytes().split(b"\0")[0]
            except OSError:
                continue
            if title.startswith(b"ray::prove_trace") and _descendant(int(p.name), os.getpid()):
                os.kill(int(p.name), signal.SIGKILL)
                killed.append(int(p.name))
                return
        time.sleep(0.2)


def test_worker_killed_mid_batch_still_completes(cluster, tmp_path):
    traces, singles = cluster
    killed, stop = [], threading.Event()
    killer = threading.Thread(target=_kill_one_running_task, args=(killed, stop), daemon=True)
    killer.start()
    try:
        results = list(prove_many_ray(traces, tmp_path, "auto", **FAST_KW))
    finally:
        stop.set()
        killer.join()
    assert killed, "no running prove task was found to kill"
    assert all(r.ok for r in results), [r.reason for r in results]
    for r in results:
        assert Path(r.output).read_bytes() == singles[Path(r.trace).stem[:3]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t.stem}.proof" for t in traces)


def test_cli_ray_matches_single_proofs(cluster, tmp_path, capsys):
    traces, singles = cluster
    capsys.readouterr()
    assert _run(["prove", *map(str, traces[:2]), "--out-dir", str(tmp_path), "--ray", "auto", *FAST]) == 0
    assert "2 of 2 traces proved" in capsys.readouterr().out
    for t in traces[:2]:
        assert (tmp_path / f"{t.stem}.proof").read_bytes() == singles[t.stem[:3]]
