"""The recorder: many dispatches in few compute passes, one submit (docs/ARCHITECTURE.md §4).

Per-dispatch uniforms are packed into one arena buffer per recording and
written with ``queue.write_buffer`` just before the single ``queue.submit``,
which WebGPU orders before the submitted commands.
"""

from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager

import numpy as np

from .errors import ShaderError

_UNIFORM_ALIGN = 256
_ARENA_CHUNK = 64 << 10
_QUERIES_PER_SET = 4096  # WebGPU's maximum query-set size
HOST_COMMANDS = frozenset({"copy", "clear", "flush", "submit"})  # DispatchLog entries that are not dispatches


def u32s(*vals: int) -> np.ndarray:
    """A uniform block of u32 values for ``Recorder.dispatch`` (which pads it
    to a multiple of 16 bytes with zeros)."""
    return np.array(vals, dtype=np.uint32)


class DispatchLog:
    """One recording, command by command, for bench/kernel_profile.py
    (docs/BENCHMARKS.md "Per-kernel profile"): ``entries`` are (kernel name or
    one of HOST_COMMANDS, prover phase, host seconds since the previous command
    ended, timestamp pair index or -1). With ``gpu`` every dispatch runs in its
    own compute pass with a begin/end timestamp; the pairs are resolved into a
    storage buffer at the final submit (the prover's pattern: resolve, copy,
    one ``ctx.read``), read by :meth:`stamps` after the proof's readback."""

    def __init__(self, gpu: bool) -> None:
        self.gpu = gpu
        self.entries: list[tuple[str, str, float, int]] = []
        self.query_sets: list = []
        self.pairs = 0
        self.buffer = None  # STORAGE | COPY_SRC copy of the resolved stamps

    def next_pair(self, device) -> dict:
        """The timestamp writes of the next pair (a new query set every 2048 pairs)."""
        import wgpu

        i = self.pairs % (_QUERIES_PER_SET // 2)
        if i == 0:
            self.query_sets.append(device.create_query_set(type=wgpu.QueryType.timestamp, count=_QUERIES_PER_SET))
        self.pairs += 1
        return {"query_set": self.query_sets[-1], "beginning_of_pass_write_index": 2 * i,
                "end_of_pass_write_index": 2 * i + 1}

    def resolve(self, ctx, encoder) -> None:
        """Resolve every pair into one buffer and copy it into a readable storage buffer."""
        import wgpu

        if not self.pairs:
            return
        nbytes = 16 * self.pairs
        resolve = ctx.create_buffer(nbytes, int(wgpu.BufferUsage.QUERY_RESOLVE | wgpu.BufferUsage.COPY_SRC),
                                    "profile-resolve")
        self.buffer = ctx.create_buffer(nbytes, int(wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC
                                                          | wgpu.BufferUsage.COPY_DST),
                                        "profile-stamps")
        per_set = _QUERIES_PER_SET // 2
        for k, qs in enumerate(self.query_sets):
            count = 2 * min(per_set, self.pairs - k * per_set)
            encoder.resolve_query_set(qs, 0, count, resolve, 16 * k * per_set)
        encoder.copy_buffer_to_buffer(resolve, 0, self.buffer, 0, nbytes)

    def stamps(self, ctx) -> np.ndarray:
        """(pairs, 2) u64 nanosecond ticks (one host sync; after the proof's own readback)."""
        if self.buffer is None:
            return np.zeros((0, 2), dtype=np.uint64)
        return ctx.read(self.buffer, np.uint64, 2 * self.pairs).reshape(-1, 2)


_PROFILING = threading.local()  # .logs: where this thread's new recorders append their DispatchLog


@contextmanager
def profiling(gpu: bool = True):
    """Log every recording this thread starts inside the block (a list of
    :class:`DispatchLog`); ``gpu``: one timestamped pass per dispatch (where the
    device has timestamp queries), else the passes stay as in a normal proof
    and only host times are logged."""
    logs: list[DispatchLog] = []
    _PROFILING.logs, _PROFILING.gpu = logs, gpu
    try:
        yield logs
    finally:
        _PROFILING.logs = None


class Recorder:
    """Records dispatches and copies into one command encoder."""

    def __init__(self, ctx, label: str = "wgprover") -> None:
        self.ctx = ctx
        self.device = ctx.device
        self.encoder = self.device.create_command_encoder(label=label)
        self._pass = None
        self._arena: list[tuple[object, bytearray]] = []
        self._arena_used = _ARENA_CHUNK  # forces a first chunk
        self.dispatches = 0
        self.passes = 0
        self._ts_query = None
        self._ts_names: list[str] = []
        self._ts_pending: str | None = None
        self.submitted = False
        # bind groups by (layout, bound buffers); keys hold the buffer objects
        # themselves, so a cached group can never outlive or alias its buffers.
        # Inside a pool session the key's own cache, kept across its proofs
        # (gpu/pool.py: a proof of a known plan binds the same buffers)
        self._groups: dict = ctx.pool.bind_groups if ctx.pool is not None else {}
        self._shared: dict = {}  # id(kernel) -> its groups 1.. (shared tables), this recording
        self._bound: tuple = (None, [])  # (kernel, [(group, offsets)]) set in the open pass
        self.log: DispatchLog | None = None
        logs = getattr(_PROFILING, "logs", None)
        if logs is not None:
            self.log = DispatchLog(_PROFILING.gpu and ctx.has_timestamps)
            logs.append(self.log)
            self._phase_name = ""
            self._t_last = time.perf_counter()

    # -- uniforms -----------------------------------------------------------------
    def _uniform(self, data) -> tuple:
        import wgpu

        raw = data.tobytes() if isinstance(data, np.ndarray) else bytes(data)
        size = max(16, (len(raw) + 15) // 16 * 16)
        if size > _ARENA_CHUNK:
            raise ShaderError(f"uniform block of {size} bytes is too large")
        if self._arena_used + size > _ARENA_CHUNK:
            # through ctx.buffer: tallied and pooled like every buffer of a proof
            buf = self.ctx.buffer(_ARENA_CHUNK, "uniform-arena", wgpu.BufferUsage.UNIFORM | wgpu.BufferUsage.COPY_DST)
            self._arena.append((buf, bytearray(_ARENA_CHUNK)))
            self._arena_used = 0
        buf, mirror = self._arena[-1]
        off = self._arena_used
        mirror[off : off + len(raw)] = raw
        self._arena_used = (off + size + _UNIFORM_ALIGN - 1) // _UNIFORM_ALIGN * _UNIFORM_ALIGN
        return buf, off, size

    # -- passes -------------------------------------------------------------------
    def _compute_pass(self):
        if self._pass is None:
            kw = {}
            if self._ts_pending is not None:
                kw["timestamp_writes"] = self._timestamp_writes(self._ts_pending)
                self._ts_pending = None
            self._pass = self.encoder.begin_compute_pass(**kw)
            self.passes += 1
        return self._pass

    def _end_pass(self) -> None:
        if self._pass is not None:
            self._pass.end()
            self._pass = None
            self._bound = (None, [])

    def _timestamp_writes(self, name: str) -> dict:
        import wgpu

        if self._ts_query is None:
            self._ts_query = self.device.create_query_set(type=wgpu.QueryType.timestamp, count=512)
        i = len(self._ts_names)
        if 2 * i + 2 > 512:
            raise ShaderError("too many timestamped phases in one recording")
        self._ts_names.append(name)
        return {"query_set": self._ts_query, "beginning_of_pass_write_index": 2 * i, "end_of_pass_write_index": 2 * i + 1}

    def phase(self, name: str) -> None:
        """Start a new compute pass for the next dispatches, timed with timestamps
        when the device has them (a no-op marker otherwise)."""
        self._end_pass()
        if self.log is not None:
            self._phase_name = name
            if self.log.gpu:  # every dispatch has its own timestamps instead
                return
        if self.ctx.has_timestamps:
            self._ts_pending = name

    # -- commands -----------------------------------------------------------------
    def dispatch(self, kernel, bindings: list, groups) -> None:
        """Bind ``bindings`` to @group(0) @binding(0..) in order and dispatch.

        An entry is a buffer, ``(buffer, offset, size)``, or a NumPy array/bytes that
        becomes a uniform.  ``groups`` is a workgroup count (folded into 2D past the
        per-dimension limit; kernels use ``flat_id``) or an (x, y, z) tuple.
        """
        bind_groups = [self._group0(kernel, bindings), *self._shared_groups(kernel)]
        x, y, z = self.grid(groups)
        if x == 0 or y == 0 or z == 0:
            return
        pair = -1
        if self.log is not None and self.log.gpu:
            self._end_pass()
            pair = self.log.pairs
            self._pass = self.encoder.begin_compute_pass(timestamp_writes=self.log.next_pair(self.device))
            self.passes += 1
        p = self._compute_pass()
        # within a pass the state persists: a dispatch of the pipeline just used
        # sets only the bind groups that changed (dynamic offsets included)
        same = kernel is self._bound[0]
        if not same:
            p.set_pipeline(kernel.pipeline)
            self._bound = (kernel, [None] * len(bind_groups))
        bound = self._bound[1]
        for g, group in enumerate(bind_groups):
            if not same or bound[g] != group:
                p.set_bind_group(g, group[0], group[1])
                bound[g] = group
        p.dispatch_workgroups(x, y, z)
        self.dispatches += 1
        if self.log is not None:
            if pair >= 0:
                self._end_pass()
            self._logged(kernel.name, pair)

    def _group0(self, kernel, bindings: list) -> tuple:
        """(bind group, dynamic offsets) of one dispatch's group-0 ``bindings``."""
        kinds = kernel.group0
        if len(bindings) != len(kinds):
            raise ShaderError(f"kernel {kernel.name} declares {len(kinds)} group-0 bindings, got {len(bindings)}")
        resources = []  # (binding, buffer, offset, size)
        dynamic = []  # offsets of the uniform bindings, in binding order
        for i, item in enumerate(bindings):
            kind = kinds[i]
            if kind is None:
                raise ShaderError(f"kernel {kernel.name} has no @group(0) @binding({i})")
            if isinstance(item, (np.ndarray, bytes, bytearray)):
                if kind != "uniform":
                    raise ShaderError(f"kernel {kernel.name} binding {i} is storage, got host data")
                buf, off, size = self._uniform(item)
                resources.append((i, buf, 0, size))
                dynamic.append(off)
                continue
            buf, off, size = item if isinstance(item, tuple) else (item, 0, item.size)
            resources.append((i, buf, int(off), int(size)))
            if kind == "uniform":
                dynamic.append(0)
        return self._group(kernel.layouts[0], resources), tuple(dynamic)

    def _shared_groups(self, kernel) -> list:
        """(bind group, no offsets) of the kernel's groups 1.. over ``ctx.shared``, once per recording."""
        hit = self._shared.get(id(kernel))
        if hit is not None:
            return hit
        out = []
        for g in sorted(kernel.layouts):
            if g == 0:
                continue
            shared = []
            for b in sorted(kernel.bindings.get(g, {})):
                buf = self.ctx.shared.get((g, b))
                if buf is None:
                    raise ShaderError(f"kernel {kernel.name} needs shared table @group({g}) @binding({b})")
                shared.append((b, buf, 0, buf.size))
            out.append((self._group(kernel.layouts[g], shared), ()))
        self._shared[id(kernel)] = out  # kernels live in ctx.pipelines: their ids are not reused
        return out

    def _logged(self, name: str, pair: int = -1) -> None:
        now = time.perf_counter()
        self.log.entries.append((name, self._phase_name, now - self._t_last, pair))
        self._t_last = now

    def _group(self, layout, resources: list):
        """The bind group of ``layout`` over ``resources`` [(binding, buffer, offset, size)],
        created once per recording, or once per pooled plan (creating one costs
        more host time than the rest of a dispatch)."""
        key = (layout, *resources)
        bg = self._groups.get(key)
        if bg is None:
            entries = [{"binding": i, "resource": {"buffer": b, "offset": o, "size": s}}
                       for i, b, o, s in resources]
            bg = self.device.create_bind_group(layout=layout, entries=entries)
            self._groups[key] = bg
        return bg

    def grid(self, groups) -> tuple[int, int, int]:
        if isinstance(groups, tuple):
            g = tuple(int(v) for v in groups) + (1,) * (3 - len(groups))
            return g  # type: ignore[return-value]
        n = int(groups)
        lim = int(self.ctx.limits["max-compute-workgroups-per-dimension"])
        if n <= lim:
            return (n, 1, 1)
        y = math.ceil(n / lim)
        x = math.ceil(n / y)
        return (x, y, 1)

    def copy(self, src, src_offset: int, dst, dst_offset: int, size: int) -> None:
        self._end_pass()
        if size:
            self.encoder.copy_buffer_to_buffer(src, int(src_offset), dst, int(dst_offset), int(size))
        if self.log is not None:
            self._logged("copy")

    def clear(self, buf, offset: int = 0, size: int | None = None) -> None:
        self._end_pass()
        self.encoder.clear_buffer(buf, offset, size)
        if self.log is not None:
            self._logged("clear")

    def resolve_timestamps(self, dst=None, dst_offset: int = 0):
        """Resolve the phase timestamps (pairs of u64 nanosecond ticks, begin/end per
        phase) into a query-resolve buffer, and copy them into ``dst`` at
        ``dst_offset`` when given.  Returns (phase names, resolve buffer); names are
        empty when the device has no timestamp queries."""
        import wgpu

        self._end_pass()
        if self._ts_query is None or not self._ts_names:
            return [], None
        n = 2 * len(self._ts_names)
        buf = self.ctx.buffer(8 * n, "timestamps", wgpu.BufferUsage.QUERY_RESOLVE | wgpu.BufferUsage.COPY_SRC)
        self.encoder.resolve_query_set(self._ts_query, 0, n, buf, 0)
        if dst is not None:
            self.encoder.copy_buffer_to_buffer(buf, 0, dst, dst_offset, 8 * n)
        return list(self._ts_names), buf

    def _submit_recorded(self) -> None:
        self._end_pass()
        q = self.device.queue
        for i, (buf, mirror) in enumerate(self._arena):
            used = self._arena_used if i == len(self._arena) - 1 else _ARENA_CHUNK
            if used:
                q.write_buffer(buf, 0, bytes(mirror[: (used + 3) // 4 * 4]))
        q.submit([self.encoder.finish()])
        self._arena = []  # written and submitted: later uniforms go to fresh chunks
        self._arena_used = _ARENA_CHUNK

    def flush(self) -> None:
        """Submit what is recorded so far and go on recording into a new
        encoder: the GPU starts on the early work while the host records the
        rest. No host sync; queue order keeps the results identical."""
        if self.submitted:
            raise ShaderError("recorder already submitted")
        self._submit_recorded()
        self.encoder = self.device.create_command_encoder(label="wgprover")
        if self.log is not None:
            self._logged("flush")

    def submit(self) -> None:
        """Write the uniform arena and submit everything recorded (once)."""
        if self.submitted:
            raise ShaderError("recorder already submitted")
        if self.log is not None and self.log.gpu:
            self._end_pass()
            self.log.resolve(self.ctx, self.encoder)
        self._submit_recorded()
        self.submitted = True
        if self.log is not None:
            self._logged("submit")
