"""Batch proving (wgprover/batch.py, ``wgprove prove TRACE... --out-dir DIR``):
proof files byte-identical to single ``wgprove prove`` runs, one line per bad
trace while the others are proved, exit codes, two workers on one adapter,
and the ``--adapters`` specs. Runs on the real adapter (lavapipe in CI)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import FAST, _run  # tests/ is on sys.path (rootdir conftest)
from wgprover.batch import prove_many
from wgprover.gpu.adapters import AdapterSpecError, adapter_ids, select_adapters

FAST_KW = dict(queries=4, pow_bits=2, log_blowup=1, fold=2, final_log=1, allow_insecure=True)  # FAST, as keywords


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """Two good traces (two AIRs, two fields), a corrupt one, and their single-run proofs."""
    d = tmp_path_factory.mktemp("batch")
    made = {"fib": ["fibonacci", "--log-rows", "5"], "pow": ["power", "--log-rows", "6", "--field", "babybear"],
            "bad": ["fibonacci", "--log-rows", "5", "--corrupt", "3"]}
    for name, args in made.items():
        assert _run(["example", args[0], "-o", str(d / f"{name}.wgtrace"), *args[1:]]) == 0
    singles = {}
    for name in ("fib", "pow"):
        assert _run(["prove", str(d / f"{name}.wgtrace"), "-o", str(d / f"{name}.single.proof"), *FAST]) == 0
        singles[name] = (d / f"{name}.single.proof").read_bytes()
    return d, singles


def test_batch_matches_single_proves_and_reports_each_failure(traces, tmp_path, capsys):
    d, singles = traces
    out = tmp_path / "proofs"
    argv = ["prove", str(d / "fib.wgtrace"), str(d / "bad.wgtrace"), str(d / "missing.wgtrace"),
            str(d / "pow.wgtrace"), "--out-dir", str(out), *FAST]
    capsys.readouterr()
    assert _run(argv) == 1  # some traces failed
    cap = capsys.readouterr()
    for name in ("fib", "pow"):
        assert (out / f"{name}.proof").read_bytes() == singles[name]
    assert sorted(p.name for p in out.iterdir()) == ["fib.proof", "pow.proof"]  # no partial or temporary file
    lines = cap.err.strip().splitlines()
    assert len(lines) == 2, cap.err
    assert any("bad.wgtrace" in ln and "violates constraint" in ln for ln in lines)
    assert any("missing.wgtrace" in ln and "No such file" in ln for ln in lines)
    assert "2 of 4 traces proved" in cap.out


def test_all_proved_exits_0(traces, tmp_path, capsys):
    d, singles = traces
    assert _run(["prove", str(d / "fib.wgtrace"), "--out-dir", str(tmp_path), "--no-progress", *FAST]) == 0
    assert (tmp_path / "fib.proof").read_bytes() == singles["fib"]
    assert "1 of 1 traces proved" in capsys.readouterr().out


def test_two_workers_share_one_adapter(traces, tmp_path):
    """Two devices on adapter #0: both take work from the shared queue."""
    d, singles = traces
    names = []
    for k in range(4):
        src = "fib" if k % 2 == 0 else "pow"
        shutil.copy(d / f"{src}.wgtrace", tmp_path / f"{src}{k}.wgtrace")
        names.append(tmp_path / f"{src}{k}.wgtrace")
    results = list(prove_many(names, tmp_path / "out", adapters="0", workers_per_adapter=2, int64=False,
                              **FAST_KW))
    assert all(r.ok for r in results), [r.reason for r in results]
    assert {r.worker for r in results} == {0, 1}
    for r in results:
        assert Path(r.output).read_bytes() == singles[Path(r.trace).stem[:3]]


BAD_COMBOS = {
    "two traces, -o": ["a.wgtrace", "b.wgtrace", "-o", "x.proof"],
    "no output": ["a.wgtrace"],
    "-o and --out-dir": ["a.wgtrace", "-o", "x.proof", "--out-dir", "OUT"],
    "--adapters with -o": ["a.wgtrace", "-o", "x.proof", "--adapters", "all"],
    "--ray with --adapters": ["a.wgtrace", "--out-dir", "OUT", "--ray", "auto", "--adapters", "0"],
    "--adapter and --adapters": ["a.wgtrace", "--out-dir", "OUT", "--adapter", "llvm", "--adapters", "0"],
    "no such adapter": ["a.wgtrace", "--out-dir", "OUT", "--adapters", "no-such-gpu"],
    "adapter index": ["a.wgtrace", "--out-dir", "OUT", "--adapters", "99"],
    "zero workers": ["a.wgtrace", "--out-dir", "OUT", "--workers-per-adapter", "0"],
    "--cpu with --adapters": ["a.wgtrace", "--out-dir", "OUT", "--cpu", "--adapters", "0"],
    "one stem twice": ["x/a.wgtrace", "y/a.wgtrace", "--out-dir", "OUT"],
}


@pytest.mark.parametrize("case", sorted(BAD_COMBOS))
def test_bad_combinations_exit_2_before_any_work(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert _run(["prove", *BAD_COMBOS[case]]) == 2
    cap = capsys.readouterr()
    assert len(cap.err.strip().splitlines()) == 1, cap.err
    assert not (tmp_path / "OUT").exists() and not (tmp_path / "x.proof").exists()


def test_adapter_specs():
    ids = adapter_ids()
    first = select_adapters(None)
    assert len(first) == 1 and first[0] in ids
    assert select_adapters("0,0") == [ids[0], ids[0]]  # one card, two workers
    assert select_adapters(f"0-{len(ids) - 1}") == ids
    assert select_adapters(ids[0].summary.split()[0])  # a name substring
    assert all((a.backend, a.adapter_type) == (first[0].backend, first[0].adapter_type) for a in select_adapters("all"))
    for bad in ("", "0,,0", "9999", "1-0", "no-such-gpu"):
        with pytest.raises(AdapterSpecError):
            select_adapters(bad)


def test_info_lists_batch_adapters(capsys):
    capsys.readouterr()
    assert _run(["info", "--json", "--adapters", "0,0"]) == 0
    batch = json.loads(capsys.readouterr().out)["batch"]
    assert [a["index"] for a in batch] == [0, 0]
    assert all({"summary", "vendor_id", "device_id", "label"} <= set(a) for a in batch)


def test_cpu_batch_matches_gpu_single_prove(traces, tmp_path):
    d, singles = traces
    (r,) = prove_many([d / "fib.wgtrace"], tmp_path, cpu=True, **FAST_KW)
    assert r.ok and r.adapter == "numpy reference (CPU)", r.reason
    assert (tmp_path / "fib.proof").read_bytes() == singles["fib"]


def test_ray_stays_out_of_the_batch_import_path():
    code = ("import sys, wgprover.batch, wgprover.cli.commands, wgprover.cli.batch, wgprover.gpu.adapters; "
            "assert 'ray' not in sys.modules, 'ray imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
