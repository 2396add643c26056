"""A proving process's start-up (docs/ARCHITECTURE.md "Start-up"): no numba in
`wgprove prove`, wgpu-py's C type strings resolved without cffi's parser (the
same ctypes), the device opened on a thread while the input is checked, and
the same proof bytes throughout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wgprover.hemera import scalar

GOLDEN = Path(__file__).parent / "vectors" / "golden"
CASE = "gl-fibonacci-n5"  # its golden parameters, as options
OPTIONS = ["--log-blowup", "1", "--fold", "2", "--queries", "3", "--pow-bits", "2", "--final-log", "1",
           "--allow-insecure"]
ROOT = Path(__file__).resolve().parents[1]

# The child proves through the console entry point, records every type string
# wgpu-py hands cffi, and says at exit whether numba was imported.
_CHILD = """
import atexit, json, sys
from wgpu.backends.wgpu_native._ffi import ffi
seen = set()
def spy(fn):
    def wrapped(cdecl, *args, **kwargs):
        if isinstance(cdecl, str):
            seen.add(cdecl)
        return fn(cdecl, *args, **kwargs)
    return wrapped
for name in ("new", "cast", "typeof", "sizeof", "callback"):
    setattr(ffi, name, spy(getattr(ffi, name)))
def report():
    from wgprover.gpu.cffi_types import _TypeCache
    with open(sys.argv[1], "w") as fh:
        json.dump({"numba": "numba" in sys.modules, "strings": sorted(seen),
                   "fast": isinstance(ffi._parsed_types, _TypeCache)}, fh)
atexit.register(report)
from wgprover.cli import main
main(sys.argv[2:])
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def proving_process(tmp_path_factory):
    """One `wgprove prove` process on the GPU: its report and its proof file."""
    d = tmp_path_factory.mktemp("startup")
    report, proof = d / "report.json", d / "proof"
    argv = ["prove", str(GOLDEN / f"{CASE}.wgtrace"), "-o", str(proof), *OPTIONS]
    r = subprocess.run([sys.executable, "-c", _CHILD, str(report), *argv], capture_output=True, text=True,
                       timeout=600, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(report.read_text()), proof


def test_gpu_proving_process_never_imports_numba(proving_process):
    report, _ = proving_process
    assert report["numba"] is False


def test_gpu_proving_process_proof_is_the_golden_one(proving_process):
    from wgprover.proof_file import split_proof_file

    _, proof = proving_process
    body, _, _ = split_proof_file(proof.read_bytes())
    assert body == (GOLDEN / f"{CASE}.proof").read_bytes()


def test_pure_and_compiled_transcript_permutations_agree(rng):
    p = scalar.P
    states = [rng.integers(0, p, 16, dtype=np.uint64), np.zeros(16, np.uint64), np.full(16, p - 1, np.uint64)]
    for s in states:
        assert np.array_equal(scalar.permute_pure(s), scalar.permute_one(s))


# -- wgpu-py's type strings (gpu/cffi_types.py) ------------------------------------------------

def test_every_type_string_of_a_proof_resolves_to_the_parsers_ctype(proving_process):
    """Each string wgpu-py used in the proving process: the fast path's ctype is
    the very object cffi's own parser gives; the simple ones all take it."""
    from wgpu.backends.wgpu_native._ffi import ffi

    from wgprover.gpu import cffi_types

    report, _ = proving_process
    assert report["fast"] is True
    fast = 0
    for cdecl in report["strings"]:
        got = cffi_types.resolve(ffi, cdecl)
        with ffi._lock:
            tp = ffi._parser.parse_type(cdecl)
            want = ffi._get_cached_btype(tp.as_function_pointer() if tp.is_raw_function else tp)
        assert got is None or got is want, (cdecl, got, want)
        fast += got is not None
        if cffi_types._SIMPLE.match(cdecl) or cffi_types._FUNCTION.match(cdecl):
            assert got is not None, cdecl
    assert fast >= 20, report["strings"]
    assert any(cffi_types._FUNCTION.match(c) for c in report["strings"])  # the callbacks are seen


def test_other_type_strings_fall_back_to_cffis_parser():
    from wgpu.backends.wgpu_native._ffi import ffi

    from wgprover.gpu import cffi_types

    assert cffi_types.install()
    for cdecl in ("void(*)(int)", "const volatile char *", "unsigned int *", "WGPUNoSuchType *", "struct WGPUChainedStruct *",
                  "void(int, ...)", "void(int[])", "int x"):
        assert cffi_types.resolve(ffi, cdecl) is None, cdecl
    assert ffi.typeof("void(*)(int)") is ffi.typeof("void(*)(int)")
    assert ffi.typeof("unsigned int *").item is ffi.typeof("unsigned int")
    from cffi import CDefError

    with pytest.raises(CDefError):
        ffi.typeof("WGPUNoSuchType *")


def test_unknown_cffi_internals_are_left_alone():
    from wgprover.gpu import cffi_types

    class Bare:  # an FFI without the parser cache this module fills
        pass

    assert cffi_types.supported(Bare()) is False


# -- the device opened on a thread (gpu/context.py start_context) ------------------------------

@pytest.fixture
def slow_device(monkeypatch):
    """Opening a context blocks until released; the caches start empty."""
    import threading

    from wgprover.gpu import context

    gate, opened = threading.Event(), []
    monkeypatch.setattr(context, "_CONTEXTS", {})
    monkeypatch.setattr(context, "_STARTING", {})

    def open_slowly(key):
        gate.wait(60)
        opened.append(key)
        if key[0] == "fails":
            raise context.GpuUnavailable("no WebGPU adapter matching adapter 'fails'")
        return ("context", key)

    monkeypatch.setattr(context, "_open_for_key", open_slowly)
    yield context, gate, opened
    gate.set()


def _cli(argv: list[str]) -> int:
    from wgprover.cli import main

    try:
        main(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def test_bad_input_exits_without_waiting_for_the_device(slow_device, tmp_path, capsys):
    context, gate, opened = slow_device
    code = _cli(["prove", str(tmp_path / "missing.wgtrace"), "-o", str(tmp_path / "p")])
    assert code == 2
    assert "missing.wgtrace" in capsys.readouterr().err
    assert len(context._STARTING) == 1 and not opened  # the device was still opening


def test_get_context_waits_for_the_started_device(slow_device):
    context, gate, opened = slow_device
    context.start_context(adapter="x", int64=False)
    context.start_context(adapter="x", int64=False)  # one thread per context
    assert len(context._STARTING) == 1
    gate.set()
    ctx = context.get_context(adapter="x", int64=False)
    assert ctx[0] == "context" and len(opened) == 1 and not context._STARTING
    assert context.get_context(adapter="x", int64=False) is ctx


def test_an_adapter_failure_on_the_thread_is_the_commands_exit_3(slow_device, capsys):
    context, gate, opened = slow_device
    gate.set()
    code = _cli(["prove", str(GOLDEN / f"{CASE}.wgtrace"), "-o", os.devnull, "--adapter", "fails", *OPTIONS])
    assert code == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no WebGPU adapter" in err[0], err
