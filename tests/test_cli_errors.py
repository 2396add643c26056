"""Every bad input to ``wgprove`` gets one line and its documented exit code
(README "Usage"), before any expensive work, never a traceback. These run the
installed console script (``wgprove`` beside sys.executable; ``python -m
wgprover.cli`` where the package is not installed) as a user would."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from wgprover.air.examples import get_example
from wgprover.air.language import Air
from wgprover.field import GOLDILOCKS
from wgprover.trace import HEADER, HEADER_SIZE, MAGIC, VERSION, write_trace

GOLDEN = Path(__file__).parent / "vectors" / "golden"
FIB = str(GOLDEN / "gl-fibonacci-n5.wgtrace")
FAST = ["--queries", "4", "--pow-bits", "2", "--log-blowup", "1", "--fold", "2", "--final-log", "1",
        "--allow-insecure"]
NO_GPU = {"WGPROVER_ADAPTER": "no-such-adapter"}  # starting the GPU would exit 3: proves "before any work"


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("wgprove")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "wgprover.cli"]


def wgprove(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*_script(), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def one_line_error(r: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wgprove: error:"), r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


# -- usage errors --------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["prove"], ["nosuchcmd"], ["hash", "--bogus"], ["example", "fibonacci",
                                                                                   "-o", "x", "--log-rows", "0"]])
def test_usage_errors_exit_2_with_typer_usage(argv):
    r = wgprove(*argv)
    assert r.returncode == 2, r.stderr
    assert "Usage:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("verify", [False, True])
def test_help_and_verify_import_no_gpu_module(tmp_path, verify):
    """``wgprove --help`` and ``wgprove verify`` never load wgpu or wgprover.gpu
    (python -X importtime lists every module the console script imports)."""
    from wgprover.proof_file import write_proof_file
    from wgprover.trace import read_trace

    argv = ["--help"]
    if verify:
        proof = tmp_path / "fib.proof"
        write_proof_file(proof, (GOLDEN / "gl-fibonacci-n5.proof").read_bytes(), read_trace(FIB).air)
        argv = ["verify", str(proof), "--min-security", "0"]
    script = _script()
    cmd = [sys.executable, "-X", "importtime", *(script[1:] if len(script) > 1 else ["-c", _CONSOLE, script[0]])]
    r = subprocess.run([*cmd, *argv], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ACCEPT" in r.stdout if verify else "Usage" in r.stdout
    modules = [ln.rsplit("|", 1)[-1].strip() for ln in r.stderr.splitlines() if ln.startswith("import time:")]
    assert "wgprover.api" in modules or not verify
    gpu = [m for m in modules if m == "wgpu" or m.startswith(("wgpu.", "wgprover.gpu"))]
    assert not gpu, gpu
    # a one-shot verify skips numba's start-up and the example AIRs (docs/BENCHMARKS.md, "Verifier")
    slow = [m for m in modules if m in ("numba", "wgprover.air.examples", "wgprover.air.hemera_air")]
    assert not slow, slow


# runs the console script file as a script would be run (argv[0] is the script)
_CONSOLE = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


# -- bad input files -------------------------------------------------------------------------

def _air_file(tmp_path: Path, constraint: str) -> str:
    p = tmp_path / "air.json"
    p.write_text(json.dumps({"name": "t", "columns": ["a"], "constraints": [{"transition": constraint}]}))
    return str(p)


def test_non_zip_npz(tmp_path):
    bad = tmp_path / "t.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    one_line_error(wgprove("prove", str(bad), "--air", _air_file(tmp_path, "a"), "-o", str(tmp_path / "p")),
                   2, "t.npz")
    bad.write_bytes(b"neither zip nor npy")
    one_line_error(wgprove("prove", str(bad), "--air", _air_file(tmp_path, "a"), "-o", str(tmp_path / "p")),
                   2, "t.npz")


def test_unknown_field(tmp_path):
    np.save(tmp_path / "t.npy", np.zeros((1, 4), np.uint64))
    one_line_error(wgprove("prove", str(tmp_path / "t.npy"), "--air", _air_file(tmp_path, "a"), "--field", "nosuch",
                           "-o", str(tmp_path / "p")), 2, "nosuch")


@pytest.mark.parametrize("constraint,words", [
    ("(" * 3000 + "a" + ")" * 3000, ["nested parentheses"]),
    ("-" * 3000 + "a", ["nested unary signs"]),
    (" + ".join(["a"] * 10000), ["operations deep", "intermediate column"]),
])
def test_deep_or_huge_constraints(tmp_path, constraint, words):
    np.save(tmp_path / "t.npy", np.zeros((1, 4), np.uint64))
    one_line_error(wgprove("prove", str(tmp_path / "t.npy"), "--air", _air_file(tmp_path, constraint),
                           "-o", str(tmp_path / "p")), 2, *words)


def test_deeply_nested_air_json(tmp_path):
    p = tmp_path / "air.json"
    p.write_text("[" * 100000 + "]" * 100000)
    np.save(tmp_path / "t.npy", np.zeros((1, 4), np.uint64))
    one_line_error(wgprove("prove", str(tmp_path / "t.npy"), "--air", str(p), "-o", str(tmp_path / "x")),
                   2, "nested too deeply")


def test_float_npy_refused(tmp_path):
    np.save(tmp_path / "t.npy", np.arange(4, dtype=np.float64).reshape(1, 4) + 0.5)
    one_line_error(wgprove("prove", str(tmp_path / "t.npy"), "--air", _air_file(tmp_path, "a - a"),
                           "-o", str(tmp_path / "p")), 2, "dtype float64", "integer")


def _sparse_trace(path: Path, n: int, w: int) -> None:
    air = Air.from_dict({"name": "big", "columns": [f"c{i}" for i in range(w)],
                         "constraints": [{"transition": "c0 - c0"}]})
    text = json.dumps(air.to_dict(), sort_keys=True).encode()
    import struct

    head = struct.pack(HEADER, MAGIC, VERSION, GOLDILOCKS.code, n, w, len(text), 0)
    with open(path, "wb") as f:
        f.write(head + text + b"\0" * (-(HEADER_SIZE + len(text)) % 8))
        f.truncate(f.tell() + w * (8 << n))  # a hole: no data is written


def test_oversize_trace_refused_from_its_header(tmp_path):
    big = tmp_path / "big.wgtrace"
    _sparse_trace(big, 30, 64)  # claims 512 GiB
    t0 = time.perf_counter()
    r = wgprove("prove", str(big), "-o", str(tmp_path / "p"), "--allow-insecure")
    one_line_error(r, 5, "device memory")
    # start-up and the GPU adapter take most of it; reading 512 GiB would take minutes
    assert time.perf_counter() - t0 < 20


def test_oversize_check_is_fast_in_process(tmp_path, ctx):
    from wgprover.api import prove_file

    big = tmp_path / "big.wgtrace"
    _sparse_trace(big, 30, 64)
    t0 = time.perf_counter()
    with pytest.raises(MemoryError):
        prove_file(big, tmp_path / "p", context=ctx)
    assert time.perf_counter() - t0 < 1.0


# -- the output path ----------------------------------------------------------------------

def test_output_directory_checked_before_any_work(tmp_path):
    out = str(tmp_path / "nodir" / "x.proof")
    r = wgprove("prove", FIB, "-o", out, env=NO_GPU)
    one_line_error(r, 2, out, "does not exist")
    assert ".wgproof" not in r.stderr
    one_line_error(wgprove("prove", FIB, "-o", str(tmp_path), env=NO_GPU), 2, "is a directory")


def test_special_file_output_is_written_in_place(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    r = wgprove("prove", FIB, "-o", str(fifo), "--cpu", *FAST)
    reader.join(timeout=120)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert got and got[0].startswith(b"WGPROOF1") and got[0].endswith(b"AIR1")


def test_output_files_honour_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        r = wgprove("example", "fibonacci", "-o", str(tmp_path / "t.wgtrace"), "--log-rows", "3")
        assert r.returncode == 0, r.stderr
        r = wgprove("prove", str(tmp_path / "t.wgtrace"), "-o", str(tmp_path / "t.proof"), "--cpu", *FAST)
        assert r.returncode == 0, r.stderr
    finally:
        os.umask(old)
    for name in ("t.wgtrace", "t.proof"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o640, name


# -- parameters and statements ----------------------------------------------------------------

@pytest.mark.parametrize("args,words", [
    (["--log-blowup", "0"], ["log_blowup", "1..6", "got 0"]),
    (["--fold", "0"], ["fold", "1..6", "got 0"]),
    (["--pow-bits", "31"], ["pow_bits", "0..30"]),
    (["--queries", "0", "--allow-insecure"], ["queries", "1..1024"]),
    (["--security", "100000"], ["security must be in 1..", "field and sumcheck terms cap it", "got 100000"]),
    (["--security", "0", "--allow-insecure"], ["security must be in 1..", "got 0"]),
    (["--security", "-5", "--allow-insecure"], ["got -5"]),
    (["--security", "80"], ["80 bits", "below the 100-bit floor", "--allow-insecure"]),
    (["--queries", "4"], ["below the 100-bit floor"]),
    (["--public", "zzz=5"], ["unknown public input 'zzz'"]),
])
def test_bad_parameters_exit_2_before_any_work(tmp_path, args, words):
    one_line_error(wgprove("prove", FIB, "-o", str(tmp_path / "p"), *args, env=NO_GPU), 2, *words)


def test_periodic_column_longer_than_the_trace(tmp_path):
    ex = get_example("periodic")
    period = max(len(v) for _, v in ex.air.periodic)
    n = max(1, period.bit_length() - 2)  # 2^n rows < period
    cols, pub = ex.generate(GOLDILOCKS, period.bit_length() - 1, np.random.default_rng(1))
    path = tmp_path / "short.wgtrace"
    write_trace(path, GOLDILOCKS, ex.air, np.asarray(cols)[:, : 1 << n], pub)
    one_line_error(wgprove("prove", str(path), "-o", str(tmp_path / "p"), env=NO_GPU), 2, "exceeds the trace length")


def test_bogus_profile_is_bad_input(tmp_path):
    one_line_error(wgprove("prove", FIB, "-o", str(tmp_path / "p"), env={"WGPROVER_PROFILE": "bogus"}), 2,
                   "bogus", "webgpu-default")
    one_line_error(wgprove("info", "--backend", "nosuch"), 2, "nosuch")


def test_no_gpu_adapter_is_exit_3(tmp_path):
    one_line_error(wgprove("prove", FIB, "-o", str(tmp_path / "p"), *FAST, env=NO_GPU), 3, "no-such-adapter")


# -- hash --check ------------------------------------------------------------------------------

def test_hash_check_like_sha256sum(tmp_path):
    a = tmp_path / "a"
    a.write_bytes(b"hello")
    r = wgprove("hash", "--cpu", str(a))
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    sums = tmp_path / "sums"
    sums.write_text(f"garbage line\n{line}\n{'0' * 64}  {tmp_path / 'missing'}\n")
    r = wgprove("hash", "--cpu", "--check", str(sums))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stdout.splitlines() == [f"{a}: OK", f"{tmp_path / 'missing'}: FAILED open or read"]
    assert "improperly formatted" in r.stderr and "1 listed file could not be read" in r.stderr
    assert "did NOT match" not in r.stderr


@pytest.mark.parametrize("backend", [["--cpu"], []], ids=["cpu", "gpu"])
def test_non_canonical_trace_value_named_by_row_and_column(tmp_path, backend):
    """A stored value >= p is bad input (exit 2), named by its row and column
    (the GPU path may find it while streaming the trace to the device)."""
    from wgprover.trace import read_trace

    tr = read_trace(FIB)
    w, N = tr.columns.shape
    bad = tmp_path / "bad.wgtrace"
    raw = bytearray(Path(FIB).read_bytes())
    at = len(raw) - w * N * 8 + (1 * N + 5) * 8  # column 1, row 5
    raw[at : at + 8] = GOLDILOCKS.p.to_bytes(8, "little")
    bad.write_bytes(bytes(raw))
    one_line_error(wgprove("prove", str(bad), "-o", str(tmp_path / "p"), *backend, *FAST), 2,
                   f"non-canonical goldilocks element {GOLDILOCKS.p} at row 5, column 1")
