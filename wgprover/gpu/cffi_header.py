"""wgpu-py's C header, parsed once per machine instead of once per process
(docs/ARCHITECTURE.md "Start-up").

Loading wgpu-py's native backend runs ``ffi.cdef(header)``: cffi parses the
~6,000-line header with pycparser, in Python, holding the GIL: 0.5-0.6 s on
the test machine, every process. What the parse leaves behind is plain data:
the parser's declarations (cffi ``model`` objects: struct, enum, function and
typedef types) and integer constants.

``parsed_once()`` wraps the import of the backend. While it is active, a fresh
cffi parser given default options stores that state in a per-user cache file
named by the SHA-256 of (the header text, the cffi and Python versions), and
later processes load it (a few ms) instead of parsing. cffi's own ``cdef``
bookkeeping around the parse runs unchanged. Any other parse, an unreadable or
unexpected cache file, or a cffi without these internals parses as before.
The file is a pickle: it lives in the user's own cache folder
($XDG_CACHE_HOME/wgprover or ~/.cache/wgprover, made private), trusted as the
user's other files there; deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path

# the Parser state a parse of one cdef leaves (cffi.cparser.Parser.__init__)
_STATE = ("_declarations", "_included_declarations", "_anonymous_counter", "_int_constants", "_recomplete",
          "_uses_new_feature")
USED = {"loaded": 0, "stored": 0}  # what this process did (tests, bench/startup.py)
_PATCHING = threading.RLock()  # one thread at a time swaps Parser.parse


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "wgprover"


def _cache_file(csource: str) -> Path:
    import cffi

    key = hashlib.sha256("\0".join([cffi.__version__, sys.version, csource]).encode()).hexdigest()
    return cache_dir() / f"cffi-header-{key[:40]}.pickle"


def _load(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, partial or foreign file: parse instead
        return None
    ok = isinstance(state, dict) and set(state) == set(_STATE) and isinstance(state["_declarations"], dict)
    return state if ok else None


def _store(path: Path, state: dict) -> None:
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs the next process a parse
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _cached_parse(original):
    def parse(self, csource, override=False, packed=False, pack=None, dllexport=False):
        fresh = not (override or packed or pack or dllexport or self._declarations)
        if not (fresh and isinstance(csource, str)):
            return original(self, csource, override, packed, pack, dllexport)
        path = _cache_file(csource)
        state = _load(path)
        if state is not None:
            self.__dict__.update(state)
            USED["loaded"] += 1
            return None
        original(self, csource, override, packed, pack, dllexport)
        _store(path, {k: getattr(self, k) for k in _STATE})
        USED["stored"] += 1
        return None

    return parse


@contextlib.contextmanager
def parsed_once():
    """While active, cffi parses of a whole header go through the cache (module doc)."""
    try:
        from cffi import cparser

        usable = all(hasattr(cparser.Parser(), k) for k in _STATE)
    except Exception:  # noqa: BLE001 - another cffi: leave it alone
        usable = False
    if not usable:
        yield
        return
    with _PATCHING:
        original = cparser.Parser.parse
        cparser.Parser.parse = _cached_parse(original)
        try:
            yield
        finally:
            cparser.Parser.parse = original
