"""Adapter choice, device creation, limit profiles and feature detection.

One :class:`GpuContext` per (adapter, backend, profile, int64) choice, cached for
the process.  Everything else in ``wgprover.gpu`` hangs off the context.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import GpuUnavailable
from .tables import declare

# Browser defaults (WebGPU spec "default limits"); the test suite runs under them
# so that the shaders stay portable (docs/ARCHITECTURE.md §4).
WEBGPU_DEFAULT_LIMITS = {
    "max-storage-buffer-binding-size": 128 << 20,
    "max-buffer-size": 256 << 20,
    "max-storage-buffers-per-shader-stage": 8,
    "max-uniform-buffers-per-shader-stage": 12,
    "max-uniform-buffer-binding-size": 64 << 10,
    "max-compute-workgroup-storage-size": 16 << 10,
    "max-compute-invocations-per-workgroup": 256,
    "max-compute-workgroup-size-x": 256,
    "max-compute-workgroup-size-y": 256,
    "max-compute-workgroup-size-z": 64,
    "max-compute-workgroups-per-dimension": 65535,
    "max-bind-groups": 4,
}

# Limits we raise to the adapter's maximum under the "max" profile.
_MAX_PROFILE_KEYS = [
    "max-storage-buffer-binding-size",
    "max-buffer-size",
    "max-storage-buffers-per-shader-stage",
    "max-compute-workgroup-storage-size",
    "max-compute-invocations-per-workgroup",
    "max-compute-workgroup-size-x",
    "max-compute-workgroup-size-y",
    "max-compute-workgroup-size-z",
    "max-compute-workgroups-per-dimension",
    "max-uniform-buffer-binding-size",
]

PROFILES = ("max", "webgpu-default")
BACKENDS = ("vulkan", "metal", "dx12", "gl")

NO_ADAPTER_HINT = (
    "no WebGPU adapter found; on a machine without a GPU install the software "
    "Vulkan driver: apt-get install mesa-vulkan-drivers"
)


@dataclass
class AdapterDescription:
    summary: str
    backend: str
    adapter_type: str
    vendor: str
    device: str


def _describe(adapter) -> AdapterDescription:
    info = adapter.info
    return AdapterDescription(
        summary=adapter.summary,
        backend=str(info.get("backend_type", "")),
        adapter_type=str(info.get("adapter_type", "")),
        vendor=str(info.get("vendor", "")),
        device=str(info.get("device", "")),
    )


def _silence_loader_noise() -> None:
    # The Vulkan loader prints "XDG_RUNTIME_DIR is invalid" without it; harmless.
    if "XDG_RUNTIME_DIR" not in os.environ:
        path = "/tmp/wgprover-runtime"
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = path


def enumerate_adapters() -> list:
    """All adapters wgpu can see, on every backend."""
    _silence_loader_noise()
    try:
        import wgpu
    except ImportError as e:  # pragma: no cover - dependency is declared
        raise GpuUnavailable(f"wgpu-py is not installed ({e})") from None
    from .cffi_types import install

    install()  # before wgpu-py's first C call (docs/ARCHITECTURE.md "Start-up")
    try:
        return list(wgpu.gpu.enumerate_adapters_sync())
    except Exception as e:  # noqa: BLE001 - any driver failure means "no adapter"
        raise GpuUnavailable(f"{NO_ADAPTER_HINT} ({e})") from None


def _rank(adapter) -> tuple:
    d = _describe(adapter)
    kind = {"DiscreteGPU": 0, "IntegratedGPU": 1, "VirtualGPU": 2, "CPU": 3}.get(d.adapter_type, 4)
    backend = {"Vulkan": 0, "Metal": 0, "D3D12": 1, "OpenGL": 3}.get(d.backend, 2)
    return (kind, backend)


def _backend_matches_name(adapter_backend: str, backend: str) -> bool:
    names = {"vulkan": "vulkan", "metal": "metal", "dx12": "d3d12", "gl": "opengl"}
    return adapter_backend.lower() == names[backend]


def _backend_matches(d: AdapterDescription, backend: str) -> bool:
    return _backend_matches_name(d.backend, backend)


def choose_adapter(adapter: str | None = None, backend: str | None = None):
    """Best adapter (discrete > integrated > CPU; Vulkan/Metal before GL), filtered
    by a case-insensitive name substring and/or backend name."""
    adapters = enumerate_adapters()
    if backend:
        backend = backend.lower()
        if backend not in BACKENDS:
            raise GpuUnavailable(f"unknown backend {backend!r} (expected one of: {', '.join(BACKENDS)})")
        adapters = [a for a in adapters if _backend_matches(_describe(a), backend)]
    if adapter:
        adapters = [a for a in adapters if adapter.lower() in a.summary.lower()]
    if not adapters:
        what = " matching" + (f" adapter {adapter!r}" if adapter else "") + (f" backend {backend!r}" if backend else "")
        if adapter or backend:
            raise GpuUnavailable(f"no WebGPU adapter{what}; run `wgprove info` to list adapters")
        raise GpuUnavailable(NO_ADAPTER_HINT)
    return sorted(adapters, key=_rank)[0]


@dataclass
class GpuContext:
    """A device plus everything cached on it (pipelines, shared tables, counters)."""

    adapter: Any
    device: Any
    profile: str
    int64: bool
    features: frozenset
    limits: dict
    description: AdapterDescription
    syncs: int = 0
    pipelines: dict = field(default_factory=dict)  # KernelSpec.key -> Kernel (gpu/kernel.py pipeline_for)
    building: dict = field(default_factory=dict)  # KernelSpec.key -> Future of a build in flight
    pipelines_lock: Any = field(default_factory=threading.Lock, repr=False)
    shared: dict = field(default_factory=dict)  # (group, binding) -> buffer
    tables: dict = field(default_factory=dict)  # (declared name, key) -> value; see tables.py
    # label -> [buffers, bytes] created on this device: the memory plan is checked
    # against it (docs/ARCHITECTURE.md §11)
    allocated: dict = field(default_factory=dict)
    pool: Any = None  # a gpu.pool session serving buffer() during a proof (§11), else None

    # -- identity ---------------------------------------------------------------
    @property
    def adapter_summary(self) -> str:
        return self.description.summary

    @property
    def field_path(self) -> str:
        return "int64" if self.int64 else "portable"

    @property
    def has_timestamps(self) -> bool:
        return "timestamp-query" in self.features

    # -- buffers ------------------------------------------------------------------
    def buffer(self, nbytes: int, label: str = "", usage: int | None = None):
        """A storage buffer (also copy source/destination), rounded up to 4 bytes."""
        import wgpu

        size = max(16, (int(nbytes) + 15) // 16 * 16)
        if usage is None:
            usage = wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC | wgpu.BufferUsage.COPY_DST
        # WGPROVER_MAX_BINDING lowers the limit for storage tables only (§9): a
        # uniform arena or a timestamp buffer is never a table to split
        limit = self.limits["max-buffer-size"] if usage & wgpu.BufferUsage.STORAGE else self.device.limits["max-buffer-size"]
        if size > limit:
            raise MemoryError(
                f"buffer {label!r} needs {size} bytes, over this device's max-buffer-size "
                f"{limit} ({self.profile} profile)"
            )
        if self.pool is not None:
            return self.pool.take(size, int(usage), label)
        return self.create_buffer(size, int(usage), label)

    def create_buffer(self, size: int, usage: int, label: str):
        """A new device buffer, tallied in ``allocated`` under its label."""
        tally = self.allocated.setdefault(label, [0, 0])
        tally[0] += 1
        tally[1] += size
        return self.device.create_buffer(size=size, usage=usage, label=label)

    def placeholder(self, slot: str, nbytes: int = 64):
        """A small cached buffer for a binding a kernel declares but a dispatch
        does not use. One per ``slot`` name: a dispatch must not bind one buffer
        to two slots when either is writable, so callers name distinct slots."""
        return PLACEHOLDER.get(self, slot, nbytes)

    def upload(self, data: np.ndarray | bytes, label: str = "", min_bytes: int = 0):
        """A new storage buffer holding ``data`` (queued write; no host sync)."""
        nbytes = data.nbytes if isinstance(data, np.ndarray) else len(data)
        buf = self.buffer(max(nbytes, min_bytes), label=label)
        self.write(buf, data)
        return buf

    def write(self, buf, data: np.ndarray | bytes, offset: int = 0) -> None:
        if isinstance(data, np.ndarray):
            # a view of the array's own memory: no host copy before wgpu's staging copy
            raw = memoryview(np.ascontiguousarray(data)).cast("B")
        else:
            raw = memoryview(bytes(data))
        if len(raw) % 4:
            raw = memoryview(raw.tobytes() + b"\0" * (4 - len(raw) % 4))
        if len(raw):
            self.device.queue.write_buffer(buf, offset, raw)

    def read(self, buf, dtype=np.uint8, count: int | None = None, offset: int = 0) -> np.ndarray:
        """Read a buffer back to the host; this is a host<->device sync and is counted."""
        itemsize = np.dtype(dtype).itemsize
        size = (buf.size - offset) if count is None else count * itemsize
        size = (size + 3) // 4 * 4
        self.syncs += 1
        raw = self.device.queue.read_buffer(buf, offset, size)
        arr = np.frombuffer(bytes(raw), dtype=np.uint8)
        n = (len(arr) // itemsize) if count is None else count
        return arr[: n * itemsize].view(dtype).copy()

    def register_shared(self, group: int, binding: int, buffer) -> None:
        """A constant table bound automatically at (group, binding) for every kernel
        that declares it (group 0 is reserved for per-dispatch bindings)."""
        if group == 0:
            raise ValueError("group 0 is for per-dispatch bindings")
        self.shared[(group, binding)] = buffer

    # -- kernels ------------------------------------------------------------------
    def kernel(self, field, files, entry: str, constants: dict | None = None, generated: str | None = None):
        from .kernel import build_kernel

        return build_kernel(self, field, list(files), entry, constants or {}, generated)

    def recorder(self, label: str = "wgprover"):
        from .recorder import Recorder

        return Recorder(self, label=label)

    def max_workgroup_storage(self) -> int:
        return int(self.limits["max-compute-workgroup-storage-size"])

    def max_binding(self) -> int:
        return int(self.limits["max-storage-buffer-binding-size"])

    def segment_limit(self) -> int:
        """The most bytes one device-table segment may hold: one binding, one
        buffer (docs/ARCHITECTURE.md §9)."""
        return min(self.max_binding(), int(self.limits["max-buffer-size"])) // 16 * 16


PLACEHOLDER = declare("placeholder", lambda ctx, slot, nbytes: ctx.buffer(nbytes, label=f"placeholder-{slot}"))

_CONTEXTS: dict = {}


def _env(name: str, default: str | None = None) -> str | None:
    v = os.environ.get(name)
    return v if v not in (None, "") else default


def get_context(
    adapter: str | None = None,
    backend: str | None = None,
    profile: str | None = None,
    int64: bool | None = None,
) -> GpuContext:
    """The cached context for this choice; arguments default to the environment
    variables WGPROVER_ADAPTER, WGPROVER_BACKEND, WGPROVER_PROFILE (max|webgpu-default)
    and WGPROVER_INT64 (auto|0|1)."""
    key = _context_key(adapter, backend, profile, int64)
    if key not in _CONTEXTS:
        starting = _STARTING.pop(key, None)  # start_context's thread: wait for it (its error is raised here)
        _CONTEXTS[key] = starting.result() if starting else _open_for_key(key)
    return _CONTEXTS[key]


_STARTING: dict = {}  # context key -> Future of a context opening on a daemon thread


def _context_key(adapter, backend, profile, int64) -> tuple:
    adapter = adapter if adapter is not None else _env("WGPROVER_ADAPTER")
    backend = backend if backend is not None else _env("WGPROVER_BACKEND")
    profile, int64 = device_choice(profile, int64)
    return (adapter, backend, profile, int64, binding_cap())


def _open_for_key(key: tuple) -> GpuContext:
    adapter, backend, profile, int64, _cap = key
    return open_context(choose_adapter(adapter, backend), profile, int64)


def start_context(adapter: str | None = None, backend: str | None = None, profile: str | None = None,
                  int64: bool | None = None) -> None:
    """Begin opening get_context(same arguments)'s context on a daemon thread and
    return at once; get_context then waits for it (and raises its error). The
    adapter and device take 0.5-0.9 s, mostly in the driver with the GIL
    released, so a caller reads and checks its input meanwhile; one that exits
    early leaves the thread behind (docs/ARCHITECTURE.md "Start-up")."""
    from concurrent.futures import Future

    key = _context_key(adapter, backend, profile, int64)
    if key in _CONTEXTS or key in _STARTING:
        return
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(_open_for_key(key))
        except BaseException as e:  # noqa: BLE001 - handed to get_context, which raises it
            future.set_exception(e)

    _STARTING[key] = future
    threading.Thread(target=run, name="wgprover-start-gpu", daemon=True).start()


def device_choice(profile: str | None = None, int64: bool | None = None) -> tuple[str, bool | None]:
    """(profile, int64) with the defaults of WGPROVER_PROFILE and WGPROVER_INT64
    (None: shader-int64 where the adapter has it)."""
    profile = profile or _env("WGPROVER_PROFILE", "max")
    if profile not in PROFILES:
        raise GpuUnavailable(f"unknown limits profile {profile!r} (expected one of: {', '.join(PROFILES)})")
    if int64 is None:
        env = _env("WGPROVER_INT64", "auto").lower()
        if env not in ("auto", "0", "1"):
            raise GpuUnavailable(f"WGPROVER_INT64 must be auto, 0 or 1, not {env!r}")
        int64 = None if env == "auto" else env == "1"
    from .prebuild import build_threads

    build_threads()  # a bad WGPROVER_BUILD_THREADS is refused here, before any device work
    return profile, int64


def open_context(chosen, profile: str = "max", int64: bool | None = None) -> GpuContext:
    """A new context, with its own device, on the adapter object ``chosen`` (not
    cached: batch workers open one each, so that two workers on one card are two
    devices; docs/ARCHITECTURE.md §10), capped by WGPROVER_MAX_BINDING."""
    cap = binding_cap()
    ctx = _open_context(chosen, profile, int64)
    if cap is not None:  # for tests and diagnosis only: the device keeps its real limits
        for name in ("max-storage-buffer-binding-size", "max-buffer-size"):
            ctx.limits[name] = min(int(ctx.limits[name]), cap)
    return ctx


MIN_BINDING_CAP = 256


def binding_cap() -> int | None:
    """WGPROVER_MAX_BINDING=BYTES: lower the storage-binding and buffer-size
    limits below the device's, so that small traces split into many segments
    (tests, diagnosis; docs/ARCHITECTURE.md §9). None when unset."""
    raw = _env("WGPROVER_MAX_BINDING")
    if raw is None:
        return None
    try:
        cap = int(raw)
    except ValueError:
        cap = -1
    if cap < MIN_BINDING_CAP or cap % 16:
        raise GpuUnavailable(f"WGPROVER_MAX_BINDING must be a multiple of 16 bytes, at least {MIN_BINDING_CAP}, not {raw!r}")
    return cap


def _open_context(chosen, profile: str, int64: bool | None) -> GpuContext:
    """Open a device on ``chosen`` with the profile's limits and the features used."""
    desc = _describe(chosen)
    adapter_features = set(chosen.features)
    alimits = dict(chosen.limits)

    has_int64 = "shader-int64" in adapter_features
    if int64 and not has_int64:
        raise GpuUnavailable(f"adapter {desc.summary!r} lacks the shader-int64 feature")
    # "auto" takes shader-int64 where the adapter offers it (same bytes, faster:
    # docs/BENCHMARKS.md); the browser profile never has it. Tests pin the
    # portable baseline explicitly (int64=False).
    use_int64 = (has_int64 if int64 is None else bool(int64)) and profile == "max"

    features = []
    if use_int64:
        features.append("shader-int64")
    if "timestamp-query" in adapter_features:
        features.append("timestamp-query")

    if profile == "max":
        limits = {k: alimits[k] for k in _MAX_PROFILE_KEYS if k in alimits}
    else:
        limits = {k: min(v, alimits.get(k, v)) for k, v in WEBGPU_DEFAULT_LIMITS.items()}
    try:
        device = chosen.request_device_sync(required_features=features, required_limits=limits)
    except Exception as e:  # noqa: BLE001
        raise GpuUnavailable(f"could not open a device on {desc.summary!r}: {e}") from None

    return GpuContext(adapter=chosen, device=device, profile=profile, int64=use_int64,
                      features=frozenset(device.features), limits=dict(device.limits), description=desc)


_PROBE_WGSL = """
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main() { out[0] = 0x2a2a2a2au; }
"""


def compute_problem(adapter) -> str | None:
    """None when a one-invocation compute shader runs on ``adapter`` and its write
    reads back, else why not, in one line.  An adapter can exist without compute:
    wgpu's GL backend on headless NVIDIA EGL picks a GL without compute shaders
    (docs/ARCHITECTURE.md §8)."""
    import wgpu

    try:
        device = adapter.request_device_sync()
        buf = device.create_buffer(size=16, usage=wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC)
        module = device.create_shader_module(code=_PROBE_WGSL)
        pipeline = device.create_compute_pipeline(layout="auto", compute={"module": module, "entry_point": "main"})
        group = device.create_bind_group(layout=pipeline.get_bind_group_layout(0),
                                         entries=[{"binding": 0, "resource": {"buffer": buf, "offset": 0, "size": 16}}])
        enc = device.create_command_encoder()
        cpass = enc.begin_compute_pass()
        cpass.set_pipeline(pipeline)
        cpass.set_bind_group(0, group)
        cpass.dispatch_workgroups(1)
        cpass.end()
        device.queue.submit([enc.finish()])
        got = bytes(device.queue.read_buffer(buf, 0, 4))
    except Exception as e:  # noqa: BLE001 - any driver failure means "no compute here"
        first = (str(e).strip().splitlines() or [""])[0]
        return f"{type(e).__name__}: {first}"[:300]
    return None if got == b"\x2a" * 4 else f"the probe shader wrote {got.hex()}, not 2a2a2a2a"


def backend_report(adapters: list[dict]) -> dict:
    """Per backend (vulkan, metal, dx12, gl): whether an adapter exists and whether
    compute works on one, from ``adapter_report()``'s entries."""
    out = {}
    for b in BACKENDS:
        mine = [a for a in adapters if _backend_matches_name(a["backend"], b)]
        problems = [a["compute"] for a in mine if a["compute"] != "ok"]
        out[b] = {"adapters": len(mine), "compute": len(problems) < len(mine),
                  "why_not": None if len(problems) < len(mine) else (problems[0] if problems else "no adapter")}
    return out


def adapter_report() -> list[dict]:
    """A JSON-friendly description of every adapter (for ``wgprove info``), with
    ``compute``: "ok" or why a compute shader does not run on it."""
    out = []
    for a in enumerate_adapters():
        d = _describe(a)
        lim = a.limits
        out.append(
            {
                "summary": d.summary,
                "backend": d.backend,
                "type": d.adapter_type,
                "features": sorted(f for f in a.features if re.match(r"shader-|timestamp|subgroup", f)),
                "limits": {k: lim[k] for k in _MAX_PROFILE_KEYS if k in lim},
                "compute": compute_problem(a) or "ok",
            }
        )
    return out
