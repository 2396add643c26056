"""``wgprove hash FILE...``: hemera digests of files, like b3sum.

Prints ``<64 hex>  <name>`` per file (``-`` is stdin).  The default is
hemera's tree hash (``root_hash``: 4096-byte chunks hashed in parallel on the
GPU); ``--sponge`` gives the plain sequential sponge ``hash``; ``--cpu`` uses
the NumPy reference.  ``--check SUMFILE`` reads lines ``<hex>  <name>`` and
prints ``<name>: OK``, ``<name>: FAILED`` or ``<name>: FAILED open or read``;
like sha256sum, an improperly formatted line is warned about and skipped, and
the rest are checked.  Files are streamed in bounded memory; a progress bar
goes to stderr when it is a terminal and the file is at least
PROGRESS_MIN_BYTES.

Exit codes: 0 all good, 1 a file could not be read or a check failed,
2 usage error (FILE arguments with --check, or no properly formatted line in
SUMFILE).  GPU errors (no adapter, ...) propagate to the CLI, which prints
them on one line.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

from ..hemera import reference as ref

PROGRESS_MIN_BYTES = 64 << 20


def _escape(name: str) -> tuple[str, str]:
    """b3sum-style: names with a backslash or newline are escaped and flagged
    by a leading backslash on the line."""
    if "\\" in name or "\n" in name:
        return "\\", name.replace("\\", "\\\\").replace("\n", "\\n")
    return "", name


def _unescape(name: str) -> str:
    out, i = [], 0
    while i < len(name):
        c = name[i]
        if c == "\\" and i + 1 < len(name):
            out.append("\n" if name[i + 1] == "n" else name[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


@contextlib.contextmanager
def _open(name: str):
    if name == "-":
        yield sys.stdin.buffer, None
    else:
        with open(name, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            yield f, size


@contextlib.contextmanager
def _progress(name: str, size: int | None) -> Iterator[Callable[[int], None] | None]:
    if size is None or size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(os.path.basename(name), total=size)
        yield lambda n: bar.advance(task, n)


class _Hasher:
    """Digest function for the chosen mode/backend (GPU context opened lazily)."""

    def __init__(self, sponge: bool, cpu: bool, context=None) -> None:
        self.sponge = sponge
        self.cpu = cpu
        self._context = context  # a GpuContext, a function returning one, or None: the best adapter
        self._ctx = None

    def __call__(self, f, progress) -> bytes:
        if self.cpu:
            fn = ref.hash_stream if self.sponge else ref.root_hash_stream
            return fn(f, progress=progress)
        from ..api import gpu_context
        from ..hemera import gpu

        if self._ctx is None:
            self._ctx = gpu_context(self._context)
        fn = gpu.hash if self.sponge else gpu.root_hash
        return fn(self._ctx, f, progress=progress)


def _digest(hasher: _Hasher, name: str) -> bytes:
    with _open(name) as (f, size), _progress(name, size) as progress:
        return hasher(f, progress)


def _err(msg: str) -> None:
    print(f"wgprove hash: {msg}", file=sys.stderr)


def _io_error(name: str, e: OSError) -> None:
    _err(f"{name}: {e.strerror or e}")


def hash_files(files: list[str], sponge: bool = False, cpu: bool = False, check: str | None = None,
                context=None) -> int:
    """Implement ``wgprove hash``; returns the exit code."""
    hasher = _Hasher(sponge, cpu, context)
    if check is not None:
        if files:
            _err("--check SUMFILE takes no FILE arguments")
            return 2
        return _check(hasher, check)
    status = 0
    for name in files or ["-"]:
        try:
            digest = _digest(hasher, name)
        except OSError as e:
            _io_error(name, e)
            status = 1
            continue
        flag, shown = _escape(name)
        print(f"{flag}{digest.hex()}  {shown}", flush=True)
    return status


def _parse_line(line: str) -> tuple[str, str] | None:
    """(hex digest, name) of a ``<hex>  <name>`` line, or None if it is malformed."""
    escaped = line.startswith("\\")
    body = line[1:] if escaped else line
    hexdigest, sep, name = body.partition("  ")
    valid_hex = len(hexdigest) == 64 and all(c in "0123456789abcdefABCDEF" for c in hexdigest)
    if not sep or not name or not valid_hex:
        return None
    return hexdigest.lower(), (_unescape(name) if escaped else name)


def _plural(k: int, one: str, many: str) -> str:
    return f"{k} {one if k == 1 else many}"


def _check(hasher: _Hasher, sumfile: str) -> int:
    try:
        with _open(sumfile) as (f, _size):
            lines = f.read().decode("utf-8", errors="surrogateescape").splitlines()
    except OSError as e:
        _io_error(sumfile, e)
        return 1
    entries, malformed = [], 0
    for i, ln in enumerate(lines):
        parsed = _parse_line(ln) if ln.strip() else ()
        if parsed is None:
            _err(f"{sumfile}:{i + 1}: improperly formatted checksum line")
            malformed += 1
        elif parsed:
            entries.append(parsed)
    if not entries:
        _err(f"{sumfile}: no properly formatted checksum lines found")
        return 2
    failed = unread = 0
    for want, name in entries:
        flag, shown = _escape(name)
        try:
            ok = _digest(hasher, name).hex() == want
        except OSError as e:
            _io_error(name, e)
            print(f"{flag}{shown}: FAILED open or read", flush=True)
            unread += 1
            continue
        print(f"{flag}{shown}: {'OK' if ok else 'FAILED'}", flush=True)
        failed += not ok
    if malformed:
        _err(f"WARNING: {_plural(malformed, 'line is', 'lines are')} improperly formatted")
    if unread:
        _err(f"WARNING: {_plural(unread, 'listed file', 'listed files')} could not be read")
    if failed:
        _err(f"WARNING: {_plural(failed, 'computed checksum', 'computed checksums')} did NOT match")
    return 1 if failed or unread else 0
