"""Kernels in a real browser: headless Chromium (WebGPU on its software adapter,
SwiftShader) runs the Goldilocks and BabyBear field and extension kernels and a
BabyBear NTT, compared bit for bit with the NumPy reference (docs/ARCHITECTURE.md §8).

Each kernel's wrapper runs once on the test's GPU context while its buffers,
writes, dispatches (with the exported pipeline: composed WGSL, entry point,
override constants, explicit layouts) and readback are logged; the page
tests/browser/replay.html replays the log through the browser's own WebGPU
(Tint + its backend) and posts the bytes back to a server on 127.0.0.1.
.ci/run installs Debian's chromium and sets WGPROVER_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from wgprover.field import BABYBEAR, FIELDS
from wgprover.field import gpu as fgpu
from wgprover.gpu.context import GpuContext
from wgprover.gpu.recorder import Recorder
from wgprover.ntt import gpu as ntt_gpu
from wgprover.ntt import reference as ntt_ref

BROWSER_DIR = Path(__file__).parent / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE_TIMEOUT_S = 200
# closed network, no profile, WebGPU on the software adapter; docs/ARCHITECTURE.md §8
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--disable-gpu-process-crash-limit"]


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


class DispatchLog:
    """What one wrapper call did on the GPU, as JSON the page can replay."""

    def __init__(self) -> None:
        self.buffers: dict = {}
        self.objects: dict = {}
        self.created: set = set()  # buffers made inside the logged call
        self.writes: list = []
        self.kernels: dict = {}
        self.steps: list = []
        self.read = None

    def buf(self, buf) -> str:
        self.buffers[str(id(buf))] = buf.size
        self.objects[str(id(buf))] = buf
        return str(id(buf))

    def snapshot_older_buffers(self, ctx) -> None:
        """Tables made before the call (NTT twiddles, hemera constants, cached per
        device) start the replay with their contents, read after the call: no
        kernel writes them.  Buffers made inside the call start as zeros, as here."""
        older = [i for i in self.buffers if i not in self.created]
        self.writes[:0] = [[i, 0, _b64(ctx.read(self.objects[i]).tobytes())] for i in older]

    def kernel(self, spec) -> int:
        return self.kernels.setdefault(spec.key, (len(self.kernels), spec))[0]

    def dispatch(self, rec, kernel, bindings, groups) -> None:
        group0 = []
        for item in bindings:
            if isinstance(item, (np.ndarray, bytes, bytearray)):
                raw = bytes(item.tobytes() if isinstance(item, np.ndarray) else item)
                group0.append({"uniform": _b64(raw + b"\0" * (-len(raw) % 16))})
            else:
                buf, off, size = item if isinstance(item, tuple) else (item, 0, item.size)
                group0.append({"buffer": self.buf(buf), "offset": int(off), "size": int(size)})
        shared = [[{"binding": b, "buffer": self.buf(rec.ctx.shared[(g, b)]), "offset": 0,
                    "size": rec.ctx.shared[(g, b)].size} for b in sorted(kernel.bindings[g])]
                  for g in sorted(kernel.bindings) if g > 0]
        self.steps.append({"op": "dispatch", "kernel": self.kernel(kernel.spec), "groups": [group0, *shared],
                           "grid": list(rec.grid(groups))})

    def job(self) -> dict:
        kernels = sorted(self.kernels.values(), key=lambda t: t[0])
        return {"buffers": self.buffers, "writes": self.writes, "steps": self.steps, "read": self.read,
                "kernels": [{"code": s.source, "entry": s.entry, "constants": dict(s.constants),
                             "layouts": [list(g) for g in s.layouts]} for _, s in kernels]}


@contextmanager
def logged(monkeypatch):
    """Log the writes, dispatches, copies and the one readback of the calls inside."""
    log = DispatchLog()
    write, dispatch, copy, read = GpuContext.write, Recorder.dispatch, Recorder.copy, GpuContext.read
    buffer = GpuContext.buffer

    def logged_buffer(ctx, *args, **kwargs):
        buf = buffer(ctx, *args, **kwargs)
        log.created.add(str(id(buf)))
        return buf

    def logged_write(ctx, buf, data, offset=0):
        raw = np.ascontiguousarray(data).tobytes() if isinstance(data, np.ndarray) else bytes(data)
        log.writes.append([log.buf(buf), int(offset), _b64(raw + b"\0" * (-len(raw) % 4))])
        return write(ctx, buf, data, offset)

    def logged_dispatch(rec, kernel, bindings, groups):
        log.dispatch(rec, kernel, bindings, groups)
        return dispatch(rec, kernel, bindings, groups)

    def logged_copy(rec, src, src_offset, dst, dst_offset, size):
        log.steps.append({"op": "copy", "src": log.buf(src), "src_offset": int(src_offset), "dst": log.buf(dst),
                          "dst_offset": int(dst_offset), "size": int(size)})
        return copy(rec, src, src_offset, dst, dst_offset, size)

    def logged_read(ctx, buf, dtype=np.uint8, count=None, offset=0):
        assert log.read is None, "one readback per logged call"
        itemsize = np.dtype(dtype).itemsize
        size = (buf.size - offset) if count is None else count * itemsize
        log.read = [log.buf(buf), int(offset), (size + 3) // 4 * 4]
        return read(ctx, buf, dtype, count, offset)

    with monkeypatch.context() as m:
        m.setattr(GpuContext, "write", logged_write)
        m.setattr(Recorder, "dispatch", logged_dispatch)
        m.setattr(Recorder, "copy", logged_copy)
        m.setattr(GpuContext, "read", logged_read)
        m.setattr(GpuContext, "buffer", logged_buffer)
        yield log


def _inputs(field, rng, n: int) -> np.ndarray:
    """n random elements with every edge value at the front."""
    edge = field.base.edge_values()
    return np.concatenate([edge, field.base.random(rng, n - edge.size)]).astype(field.dtype)


def _cases(field, rng) -> dict:
    """name -> (wrapper call, NumPy reference result)."""
    B, E = field.base, field.ext
    a, b = _inputs(field, rng, 1024), np.roll(_inputs(field, rng, 1024), 7)
    x, y = E.random(rng, 256), E.random(rng, 256)
    x[: a.size // 8, 0] = a[: a.size // 8]  # edge values in the extension coefficients too
    cases = {op: (lambda ctx, op=op: fgpu.field_op(ctx, field, op, a, b), getattr(B, op)(a, b))
             for op in ("add", "sub", "mul")}
    cases["inv"] = (lambda ctx: fgpu.field_op(ctx, field, "inv", a), B.inv(a))
    for op in ("add", "sub", "mul"):
        cases[f"ext_{op}"] = (lambda ctx, op=op: fgpu.ext_op(ctx, field, op, x, y), getattr(E, op)(x, y))
    cases["ext_inv"] = (lambda ctx: fgpu.ext_op(ctx, field, "inv", x), E.inv(x))
    if field is BABYBEAR:  # docs/ARCHITECTURE.md §8: the Goldilocks NTT is a compile check only
        cols = _inputs(field, rng, 4 * 1024).reshape(4, 1024)
        cases["ntt_forward"] = (lambda ctx: ntt_gpu.forward(ctx, field, cols), ntt_ref.forward(field, cols))
    return cases


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass

    def do_GET(self) -> None:
        body = self.server.jobs if self.path == "/jobs.json" else (BROWSER_DIR / "replay.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if self.path == "/jobs.json" else "text/html")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.server.report = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        threading.Thread(target=self.server.shutdown).start()


def run_in_chromium(require_tool, jobs: dict) -> dict:
    """Serve the page and the jobs on 127.0.0.1, run headless Chromium on it, return its report."""
    require_tool("Chromium", CHROMIUM is not None, "apt-get install chromium")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.jobs, server.report = json.dumps(jobs).encode(), None
    url = f"http://127.0.0.1:{server.server_address[1]}/replay.html"
    with tempfile.TemporaryDirectory(prefix="wgprover-chromium-") as profile:
        proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        timer = threading.Timer(PAGE_TIMEOUT_S, server.shutdown)
        timer.start()
        try:
            server.serve_forever()
        finally:
            timer.cancel()
            proc.terminate()
            stderr = proc.communicate(timeout=30)[1].decode(errors="replace")
            server.server_close()
    if server.report is None:
        pytest.fail(f"no report from Chromium within {PAGE_TIMEOUT_S} s; its stderr ends:\n{stderr[-3000:]}")
    return server.report


def test_kernels_in_chromium(monkeypatch, rng, require_tool):
    from wgprover.gpu import get_context

    ctx = get_context(profile="webgpu-default", int64=False)
    jobs, expected = {}, {}
    for field in FIELDS.values():
        for name, (call, want) in _cases(field, rng).items():
            with logged(monkeypatch) as log:
                got = call(ctx)
            log.snapshot_older_buffers(ctx)
            assert np.array_equal(got, want), f"{field.name} {name}: the test's own GPU path disagrees"
            jobs[f"{field.name}/{name}"], expected[f"{field.name}/{name}"] = log.job(), np.ascontiguousarray(want)
    report = run_in_chromium(require_tool, jobs)
    assert not report["errors"], f"browser errors on {report.get('adapter')}: {report['errors']}"
    for name, want in expected.items():
        got = np.frombuffer(base64.b64decode(report["results"][name]), dtype=want.dtype)[: want.size]
        assert np.array_equal(got, want.reshape(-1)), f"{name}: the browser disagrees with the NumPy reference"
