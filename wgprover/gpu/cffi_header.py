"""wgpu-py's C header, compiled once per machine into cffi's out-of-line tables
(docs/ARCHITECTURE.md §4 "Start-up").

Loading wgpu-py's native backend (wgpu/backends/wgpu_native/_ffi.py) runs
``FFI().cdef(header)``: cffi parses the ~6,000-line header with pycparser, in
Python, holding the GIL (0.5-1.2 s on the test machine), and then every new
type string with pycparser again (20-45 ms each; three while the backend loads).

cffi's out-of-line ABI mode keeps the outcome of that parse as packed tables:
the module its recompiler writes for an FFI is one call
``_cffi_backend.FFI(name, _types=..., _globals=..., _struct_unions=..., ...)``,
and that FFI parses type strings in C. Building it takes a few milliseconds.

``import_backend()`` imports wgpu-py's backend. Where this machine's tables
exist (``wgpu-ffi-<key>.marshal`` in $XDG_CACHE_HOME/wgprover, else
~/.cache/wgprover, a private folder; key: the SHA-256 of the header text and
the cffi and Python versions), the backend's ``FFI()`` is, for that import, a
:class:`CompiledFFI` built from them: cffi's compiled FFI, on which wgpu-py's
``cdef`` of the same header and ``set_source`` do nothing (its ``dlopen`` and
everything else are cffi's). Otherwise the backend loads as wgpu-py wrote it
(cffi parses), and the tables of that parsed FFI are stored for the next
process: cffi's ``recompiler.make_py_source`` text, run with a stand-in
``_cffi_backend`` that captures the call's arguments, written with ``marshal``
(bytes, strings, integers, tuples; no code). Tables that fail to load or to
build, or a header that differs from theirs, mean a parse and a new file;
deleting the file is always safe. The file is trusted as the user's other
cache files are.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib
import io
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path

BACKEND = "wgpu.backends.wgpu_native"
USED = {"loaded": 0, "stored": 0}  # what this process did (tests, bench/startup.py)
_IMPORTING = threading.Lock()  # one thread imports the backend; cffi.FFI is swapped meanwhile


class HeaderMismatch(Exception):
    """wgpu-py declared something other than the header the tables came from."""


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "wgprover"


def header_text() -> str:
    """The header wgpu-py's backend declares (its _ffi.get_wgpu_header reads this file)."""
    from wgpu._coreutils import get_header_filename

    with open(get_header_filename("combined_header.h")) as fh:
        return fh.read()


def tables_file(header: str) -> Path:
    import cffi

    key = hashlib.sha256("\0".join([cffi.__version__, sys.version, header]).encode()).hexdigest()
    return cache_dir() / f"wgpu-ffi-{key[:40]}.marshal"


def compiled_ffi(header: str, tables: tuple):
    """A :class:`CompiledFFI` from ``tables`` ((args, kwargs) of the FFI call)."""
    import _cffi_backend

    class CompiledFFI(_cffi_backend.FFI):
        """cffi's compiled FFI as wgpu-py's _ffi.py drives one: its ``cdef`` of
        the tables' header and its ``set_source`` have nothing left to do."""

        def cdef(self, csource, override=False, packed=False, pack=None):
            if csource != self.header or override or packed or pack:
                raise HeaderMismatch("wgpu-py's header is not the one these tables were built from")

        def set_source(self, module_name, source, source_extension=".c", **kwds):
            pass

    args, kwargs = tables
    ffi = CompiledFFI(*args, **kwargs)
    ffi.header = header
    return ffi


def tables_of(ffi) -> tuple:
    """(args, kwargs) of the ``_cffi_backend.FFI`` call in the out-of-line module
    cffi's recompiler writes for the parsed ``ffi``."""
    from cffi import recompiler

    text = io.StringIO()
    recompiler.make_py_source(ffi, "wgpu_ffi", text)
    calls = []

    class StandIn:  # the generated module's `_cffi_backend`
        @staticmethod
        def FFI(*args, **kwargs):
            calls.append((args, kwargs))

    def import_(name, *rest, **kw):
        return StandIn if name == "_cffi_backend" else builtins.__import__(name, *rest, **kw)

    exec(compile(text.getvalue(), "<wgpu cffi tables>", "exec"),  # noqa: S102 - cffi's own output, just made
         {"__builtins__": {**vars(builtins), "__import__": import_}})
    ((args, kwargs),) = calls
    return args, kwargs


def _load(path: Path) -> tuple | None:
    try:
        with open(path, "rb") as fh:
            args, kwargs = marshal.load(fh)
    except Exception:  # noqa: BLE001 - missing, partial or foreign file: parse instead
        return None
    ok = isinstance(args, tuple) and isinstance(kwargs, dict) and all(isinstance(k, str) for k in kwargs)
    return (args, kwargs) if ok else None


def _store(path: Path, tables: tuple) -> None:
    tmp = None
    try:
        data = marshal.dumps(tables)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
        USED["stored"] += 1
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs the next process a parse
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def _first_ffi_is(make):
    """While active, the first argument-less ``cffi.FFI()`` returns ``make()``."""
    import cffi

    original, made = cffi.FFI, []

    def ffi_factory(*args, **kwargs):
        if args or kwargs or made:
            return original(*args, **kwargs)
        made.append(make())
        return made[0]

    cffi.FFI = ffi_factory
    try:
        yield
    finally:
        cffi.FFI = original


def _forget_backend() -> None:
    for name in [m for m in sys.modules if m == BACKEND or m.startswith(BACKEND + ".")]:
        del sys.modules[name]


def import_backend():
    """Import wgpu-py's native backend, from this machine's compiled tables where
    they exist (module doc); returns the backend's ffi."""
    with _IMPORTING:
        if f"{BACKEND}._ffi" in sys.modules:
            return sys.modules[f"{BACKEND}._ffi"].ffi
        header = header_text()
        path = tables_file(header)
        tables = _load(path)
        if tables is not None:
            try:
                with _first_ffi_is(lambda: compiled_ffi(header, tables)):
                    importlib.import_module(BACKEND)
                USED["loaded"] += 1
                return sys.modules[f"{BACKEND}._ffi"].ffi
            except Exception:  # noqa: BLE001 - bad tables or another header: load as wgpu-py does
                _forget_backend()
        importlib.import_module(BACKEND)
        ffi = sys.modules[f"{BACKEND}._ffi"].ffi
        with contextlib.suppress(Exception):  # another cffi's recompiler: no tables, parse next time too
            _store(path, tables_of(ffi))
        return ffi
