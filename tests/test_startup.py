"""A proving process's start-up (docs/ARCHITECTURE.md "Start-up"): no numba in
`wgprove prove`, wgpu-py's C type strings resolved without cffi's parser (the
same ctypes), the device opened on a thread while the input is checked, and
the same proof bytes throughout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from test_cli import _run  # tests/ is on sys.path (rootdir conftest)
from wgprover.hemera import scalar

GOLDEN = Path(__file__).parent / "vectors" / "golden"
CASE = "gl-fibonacci-n5"  # its golden parameters, as options
OPTIONS = ["--log-blowup", "1", "--fold", "2", "--queries", "3", "--pow-bits", "2", "--final-log", "1",
           "--allow-insecure"]
ROOT = Path(__file__).resolve().parents[1]

# The child proves through the console entry point, records every type string
# wgpu-py hands cffi, and says at exit whether numba (or cffi's C parser) was imported.
_CHILD = """
import atexit, json, sys
from wgprover.gpu import cffi_types
assert cffi_types.install()  # what gpu/context.py does before its first wgpu call
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
    from wgprover.gpu.cffi_header import USED
    with open(sys.argv[1], "w") as fh:
        json.dump({"numba": "numba" in sys.modules, "strings": sorted(seen), "header": USED,
                   "ffi": type(ffi).__name__, "pycparser": "pycparser" in sys.modules}, fh)
atexit.register(report)
from wgprover.cli import main
main(sys.argv[2:])
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def _cache_env(cache: Path) -> dict:
    """_env() with wgprover's cache in ``cache`` (the Mesa shader cache stays where it was)."""
    mesa = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mesa_shader_cache")
    return {**_env(), "XDG_CACHE_HOME": str(cache), "MESA_SHADER_CACHE_DIR": os.environ.get("MESA_SHADER_CACHE_DIR", mesa)}


@pytest.fixture(scope="module")
def proving_process(tmp_path_factory):
    """One `wgprove prove` process on the GPU, wgpu's header loaded from the
    cache a first process wrote: its report and its proof file."""
    d = tmp_path_factory.mktemp("startup")
    report, proof, env = d / "report.json", d / "proof", _cache_env(d / "cache")
    r = subprocess.run([sys.executable, "-c", "from wgprover.gpu import cffi_types; assert cffi_types.install()"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    argv = ["prove", str(GOLDEN / f"{CASE}.wgtrace"), "-o", str(proof), *OPTIONS]
    r = subprocess.run([sys.executable, "-c", _CHILD, str(report), *argv], capture_output=True, text=True,
                       timeout=600, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(report.read_text()), proof


def test_gpu_proving_process_never_imports_numba(proving_process):
    report, _ = proving_process
    assert report["numba"] is False


def test_gpu_proving_process_loads_the_compiled_header(proving_process):
    report, _ = proving_process
    assert report["header"] == {"loaded": 1, "stored": 0}
    assert report["ffi"] == "CompiledFFI" and report["pycparser"] is False


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


# -- wgpu-py's type strings (gpu/cffi_types.py, for a parsed header) -----------------------------

@pytest.fixture(scope="module")
def parsed_ffi():
    """wgpu's header parsed by cffi as wgpu-py does (this process's backend may
    hold the compiled FFI instead), its type strings served by cffi_types."""
    from cffi import FFI

    from wgprover.gpu import cffi_header, cffi_types

    ffi = FFI()
    ffi.cdef(cffi_header.header_text())
    assert cffi_types.supported(ffi)
    ffi._parsed_types = cffi_types._TypeCache(ffi, ffi._parsed_types)  # what install() does to a parsed FFI
    return ffi


def _pointer_to_function(cdecl: str) -> str:
    """``RET(ARGS)`` as ``RET(*)(ARGS)`` (a compiled FFI's typeof takes only the pointer)."""
    from wgprover.gpu import cffi_types

    m = cffi_types._FUNCTION.match(cdecl)
    return f"{m.group(1)}(*)({m.group(2)})" if m else cdecl


def test_every_type_string_of_a_proof_resolves_to_the_parsers_ctype(proving_process, parsed_ffi):
    """Each string wgpu-py used in the proving process: the fast path's ctype is
    the very object cffi's own parser gives; the simple ones all take it."""
    from wgprover.gpu import cffi_types

    ffi = parsed_ffi
    report, _ = proving_process
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


def _cname(ctype) -> str:
    """The C name without struct/union/enum tags: wgpu's header names each
    struct and enum alike by tag and typedef (``typedef struct X {...} X;``),
    and the compiled FFI prints the tag where the parser prints the typedef."""
    return re.sub(r"\b(struct|union|enum) ", "", ctype.cname)


def test_every_type_string_of_a_proof_means_the_same_in_the_compiled_ffi(proving_process, parsed_ffi):
    from wgprover.gpu import cffi_header

    compiled = cffi_header.compiled_ffi(cffi_header.header_text(), cffi_header.tables_of(parsed_ffi))
    report, _ = proving_process
    assert len(report["strings"]) >= 20
    for cdecl in map(_pointer_to_function, report["strings"]):
        assert _cname(compiled.typeof(cdecl)) == _cname(parsed_ffi.typeof(cdecl)), cdecl
        assert compiled.sizeof(cdecl.rstrip("[]")) == parsed_ffi.sizeof(cdecl.rstrip("[]")), cdecl


def test_other_type_strings_fall_back_to_cffis_parser(parsed_ffi):
    from wgprover.gpu import cffi_types

    ffi = parsed_ffi
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


# -- wgpu's header compiled once per machine (gpu/cffi_header.py) -----------------------------------

def _meaning(ffi, lib, parsed) -> dict:
    """Through ``ffi`` and its ``lib``: the C name and size of every typedef,
    the offset of every struct field, every integer constant and the type of
    every function declared in the parsed FFI ``parsed``."""
    out = {}
    for key, (tp, _) in parsed._parser._declarations.items():
        kind, name = key.split(" ", 1)
        if kind == "typedef" and not tp.is_raw_function:
            out[name] = (_cname(ffi.typeof(name)), ffi.sizeof(name))
            for field in getattr(tp, "fldnames", None) or ():
                out[f"{name}.{field}"] = ffi.offsetof(name, field)
        elif kind == "function":
            out[name] = _cname(ffi.typeof(getattr(lib, name)))
    for name in parsed._parser._int_constants:
        out[name] = getattr(lib, name)
    return out


def test_compiled_header_means_what_a_fresh_parse_means(parsed_ffi):
    from wgpu.backends.wgpu_native._ffi import lib_path

    from wgprover.gpu import cffi_header

    header = cffi_header.header_text()
    compiled = cffi_header.compiled_ffi(header, cffi_header.tables_of(parsed_ffi))
    want = _meaning(parsed_ffi, parsed_ffi.dlopen(lib_path), parsed_ffi)
    assert len(want) > 1500
    assert _meaning(compiled, compiled.dlopen(lib_path), parsed_ffi) == want
    compiled.cdef(header)  # wgpu-py's cdef of the same header: nothing to do
    with pytest.raises(cffi_header.HeaderMismatch):
        compiled.cdef(header + "typedef int extra_t;")


# A fresh process loading wgpu's backend and opening an adapter; prints what
# the header cache did and which FFI the backend got.
_BACKEND_CHILD = """
import json, sys, wgpu
from wgprover.gpu import cffi_types
from wgprover.gpu.cffi_header import USED
assert cffi_types.install()
from wgpu.backends.wgpu_native._ffi import ffi
adapters = wgpu.gpu.enumerate_adapters_sync()
print(json.dumps({"used": USED, "ffi": type(ffi).__name__, "adapters": len(adapters),
                  "pycparser": "pycparser" in sys.modules}))
"""


def _backend_child(cache: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", _BACKEND_CHILD], capture_output=True, text=True, timeout=300,
                       env=_cache_env(cache))
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_header_tables_stored_loaded_and_rebuilt_when_damaged(tmp_path):
    first = _backend_child(tmp_path)
    assert first["used"] == {"loaded": 0, "stored": 1} and first["ffi"] == "FFI" and first["adapters"] >= 1
    (tables,) = (tmp_path / "wgprover").glob("wgpu-ffi-*.marshal")
    assert oct(tables.parent.stat().st_mode & 0o777) == oct(0o700)
    second = _backend_child(tmp_path)
    assert second == {"used": {"loaded": 1, "stored": 0}, "ffi": "CompiledFFI", "adapters": first["adapters"],
                      "pycparser": False}
    for damage in (b"not marshal", tables.read_bytes()[:-100]):
        tables.write_bytes(damage)  # a damaged file: parsed again, and stored again
        again = _backend_child(tmp_path)
        assert again["used"] == {"loaded": 0, "stored": 1} and again["ffi"] == "FFI", again
        assert again["adapters"] == first["adapters"]
    assert _backend_child(tmp_path)["used"] == {"loaded": 1, "stored": 0}


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


def test_bad_input_exits_without_waiting_for_the_device(slow_device, tmp_path, capsys):
    context, gate, opened = slow_device
    code = _run(["prove", str(tmp_path / "missing.wgtrace"), "-o", str(tmp_path / "p")])
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
    code = _run(["prove", str(GOLDEN / f"{CASE}.wgtrace"), "-o", os.devnull, "--adapter", "fails", *OPTIONS])
    assert code == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no WebGPU adapter" in err[0], err


# -- one BLAS thread in the console entry (cli/app.py single_threaded_blas) ---------------------

# The child records the BLAS variables at the moment NumPy is first imported
# (a meta-path finder sees the import before NumPy's BLAS library loads).
_BLAS_CHILD = """
import json, os, sys
from wgprover.cli.app import BLAS_THREAD_VARIABLES
seen = {}
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" and not seen:
            seen.update({v: os.environ.get(v) for v in BLAS_THREAD_VARIABLES})
        return None
sys.meta_path.insert(0, Spy())
assert "numpy" not in sys.modules
from wgprover.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w") as fh:
    json.dump({"numpy": "numpy" in sys.modules, "seen": seen}, fh)
"""


@pytest.mark.parametrize("user", [None, "3"])
def test_console_entry_sets_one_blas_thread_before_numpy_loads(tmp_path, user):
    from wgprover.cli.app import BLAS_THREAD_VARIABLES

    env = {k: v for k, v in _env().items() if k not in BLAS_THREAD_VARIABLES}
    if user is not None:
        env["OPENBLAS_NUM_THREADS"] = user  # the user's own choice is kept
    report = tmp_path / "blas.json"
    proof = tmp_path / "p.proof"
    from wgprover.proof_file import write_proof_file
    from wgprover.trace import read_trace

    write_proof_file(proof, (GOLDEN / f"{CASE}.proof").read_bytes(), read_trace(GOLDEN / f"{CASE}.wgtrace").air)
    r = subprocess.run([sys.executable, "-c", _BLAS_CHILD, str(report), "verify", str(proof), "--min-security", "0"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(report.read_text())
    assert got["numpy"] is True
    want = {v: "1" for v in BLAS_THREAD_VARIABLES}
    if user is not None:
        want["OPENBLAS_NUM_THREADS"] = user
    assert got["seen"] == want


# -- option values without pydantic (cli/plain_options.py) ---------------------------------------

_SAMPLES = {
    "str": ["abc", "", "-", "ü/x.wgtrace", " 5"],
    "int": ["0", "1", "2", "26", "27", "-3", "+3", "007", "99999999999999999999", " 5", "5.0", "1_000", "x", "",
            "٣", 0, 1, 16, 100, 100_003, True],
    "bool": [True, False],
    "List[str]": [("a", "b"), (), ["x"]],
}


def _served_parameters():
    import typer.main

    from wgprover.cli import app
    from wgprover.cli import plain_options

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is not None and plain_options._plain(descriptor):
                yield name, param, descriptor


def test_plain_option_values_are_typers_values():
    """For every parameter served without pydantic, on plain and awkward input:
    the plain value equals typer's adapter value, or typer's adapter decides."""
    from typer import core
    from typer._click.exceptions import BadParameter

    from wgprover.cli import plain_options

    typers = core.build_runtime_param.typers
    served = list(_served_parameters())
    assert len(served) >= 40
    kinds = set()
    for command, param, descriptor in served:
        kind = {str: "str", int: "int", bool: "bool"}.get(descriptor.annotation, "List[str]")
        kinds.add(kind)
        for value in _SAMPLES[kind]:
            got = plain_options.plain_value(descriptor.annotation, descriptor.parameter_info, value)
            try:
                want = typers(descriptor)._coerce_value(value, param=param, ctx=None)
            except BadParameter:
                assert got is plain_options._DEFER, (command, param.name, value)
                continue
            assert got is plain_options._DEFER or (got == want and type(got) is type(want)), \
                (command, param.name, value, got, want)
    assert kinds == set(_SAMPLES)


@pytest.mark.parametrize("argv", [["verify", "PROOF", "--min-security", "0"],
                                  ["prove", "missing.wgtrace", "-o", "p.proof", "--queries", "9"]])
def test_cli_processes_import_no_pydantic(tmp_path, argv):
    from wgprover.proof_file import write_proof_file
    from wgprover.trace import read_trace

    proof = tmp_path / "PROOF"
    write_proof_file(proof, (GOLDEN / f"{CASE}.proof").read_bytes(), read_trace(GOLDEN / f"{CASE}.wgtrace").air)
    argv = [str(tmp_path / a) if a in ("PROOF", "missing.wgtrace", "p.proof") else a for a in argv]
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "wgprover.cli", *argv], capture_output=True,
                       text=True, timeout=300, env=_env())
    assert r.returncode == (0 if argv[0] == "verify" else 2), r.stderr[-2000:]
    modules = [ln.rsplit("|", 1)[-1].strip() for ln in r.stderr.splitlines() if ln.startswith("import time:")]
    assert "typer" in modules and "pydantic" not in modules


def test_bad_option_values_keep_typers_messages(tmp_path):
    r = subprocess.run([sys.executable, "-m", "wgprover.cli", "example", "power", "-o", str(tmp_path / "t"),
                        "--log-rows", "0"], capture_output=True, text=True, timeout=300, env=_env())
    assert r.returncode == 2 and "Usage:" in r.stderr
    assert "Input should be greater than or equal to 2" in r.stderr, r.stderr
