"""Compiled kernels: composed WGSL + explicit bind-group layouts + pipeline, cached."""

from __future__ import annotations

import hashlib
import re
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from .errors import ShaderError
from .shaders import compose, field_files

_BINDING_RE = re.compile(
    r"@group\(\s*(\d+)\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*<\s*(storage|uniform)\s*(?:,\s*(read_write|read))?\s*>\s*(\w+)"
)


@dataclass(frozen=True)
class KernelSpec:
    """What a pipeline is made of, independent of any device: enough to rebuild
    it elsewhere (``wgprove shaders``, the browser checks: docs/ARCHITECTURE.md §8)."""

    name: str  # "<last composed file>::<entry>", e.g. "ntt::forward"
    head: tuple  # the field-module files, composed first (shaders.field_files)
    files: tuple  # the kernel's own files, composed after them
    generated: bool  # code generated from an AIR sits between the two
    source: str
    entry: str
    constants: tuple  # sorted (name, value) override constants

    @cached_property
    def bindings(self) -> dict:
        return parse_bindings(self.source)

    @cached_property
    def layouts(self) -> tuple:
        """Per group 0..: the ``layout_entries`` (parsed on demand: a pipeline-cache
        hit needs only the key)."""
        return layout_entries(self.bindings)

    @property
    def key(self) -> tuple:
        return (hashlib.sha256(self.source.encode()).hexdigest(), self.entry, self.constants)


@dataclass
class Kernel:
    """A compute pipeline and the kinds of its bindings, per group."""

    name: str
    pipeline: object
    layouts: dict  # group -> GPUBindGroupLayout
    bindings: dict  # group -> {binding: kind}  kind in {"storage", "read-only-storage", "uniform"}
    spec: KernelSpec | None = None

    @cached_property
    def group0(self) -> tuple:
        """The kinds of @group(0) @binding(0..k-1), None where one is not declared
        (what the recorder checks each dispatch against)."""
        declared = self.bindings.get(0, {})
        return tuple(declared.get(i) for i in range(len(declared)))


_LOCAL = threading.local()  # .sinks: this thread's capture lists (worker threads capture nothing)


def _sinks() -> list:
    if not hasattr(_LOCAL, "sinks"):
        _LOCAL.sinks = []
    return _LOCAL.sinks


@contextmanager
def capture(isolated: bool = False):
    """Collect the :class:`KernelSpec` of every kernel this thread builds (or
    fetches from the pipeline cache) inside the ``with`` block, in order,
    repeats included. ``isolated``: enclosing captures do not see them (the
    dry run of gpu/prebuild.py inside a captured proof)."""
    sink: list = []
    outer = _sinks()
    _LOCAL.sinks = [sink] if isolated else outer + [sink]
    try:
        yield sink
    finally:
        _LOCAL.sinks = outer


def parse_bindings(source: str) -> dict:
    out: dict = {}
    for g, b, space, access, _name in _BINDING_RE.findall(source):
        kind = "uniform" if space == "uniform" else ("storage" if access == "read_write" else "read-only-storage")
        out.setdefault(int(g), {})[int(b)] = kind
    return out


def layout_entries(bindings: dict) -> tuple:
    """The explicit bind-group layouts (one tuple of entries per group 0..max),
    as WebGPU names them: the same description builds the pipeline here and is
    written to index.json by ``wgprove shaders``.  Every declared binding is in
    its group's layout (declarations of other entry points too: no auto layout)."""
    groups = []
    for g in range(max(bindings) + 1 if bindings else 0):
        # dynamic offsets on group 0's uniforms: the recorder reuses one bind group
        # per set of buffers and moves only the uniform's offset in its arena
        groups.append(tuple({"binding": b, "type": kind, "has_dynamic_offset": kind == "uniform" and g == 0}
                            for b, kind in sorted(bindings.get(g, {}).items())))
    return tuple(groups)


def compose_kernel(field, int64: bool, files: list[str], entry: str, constants: dict,
                   generated: str | None = None) -> KernelSpec:
    """Compose ``field`` module (+ ``generated`` source, e.g. code generated from an
    AIR) + ``files`` into a :class:`KernelSpec` (no device needed)."""
    head = field_files(field, int64)
    if generated is None:
        source = compose(head + files)
    else:
        source = "\n".join([compose(head), "// ---- generated ----", generated, compose(files)])
    return KernelSpec(name=f"{files[-1]}::{entry}", head=tuple(head), files=tuple(files), generated=generated is not None,
                      source=source, entry=entry, constants=tuple(sorted(constants.items())))


def build_kernel(ctx, field, files: list[str], entry: str, constants: dict, generated: str | None = None) -> Kernel:
    """Compose, compile, and build the pipeline with explicit layouts (cached by
    source, entry and constants). A request made before on ``ctx`` is answered
    from a memo of its arguments, without composing and hashing the source
    again (that was a tenth of a warm proof's host recording)."""
    memo = _memo(ctx)
    key = (None if field is None else field.name, tuple(files), entry, tuple(sorted(constants.items())), generated)
    hit = memo.get(key)
    spec = hit.spec if hit is not None else compose_kernel(field, ctx.int64, files, entry, constants, generated)
    for sink in _sinks():
        sink.append(spec)
    if hit is None:
        hit = memo[key] = pipeline_for(ctx, spec)
    return hit


def _memo(ctx) -> dict:
    """``ctx``'s kernels by the arguments of :func:`build_kernel` (the context's
    own attribute: a dry twin, gpu/dryrun.py, is another context with its own)."""
    memo = ctx.__dict__.get("_kernel_memo")
    if memo is None:
        memo = ctx.__dict__["_kernel_memo"] = {}
    return memo


def pipeline_for(ctx, spec: KernelSpec) -> Kernel:
    """The cached pipeline of ``spec`` on ``ctx``, built on a miss. Safe from
    several threads: a spec being built by one thread is waited for by the
    others, never built twice, and its error reaches each of them
    (docs/ARCHITECTURE.md "Pipeline builds")."""
    hit = ctx.pipelines.get(spec.key)
    if hit is not None:
        return hit
    with ctx.pipelines_lock:
        hit = ctx.pipelines.get(spec.key)
        if hit is not None:
            return hit
        pending = ctx.building.get(spec.key)
        mine = pending is None
        if mine:
            pending = ctx.building[spec.key] = Future()
    if not mine:
        return pending.result()
    try:
        kernel = _build(ctx, spec)
    except BaseException as e:
        with ctx.pipelines_lock:
            del ctx.building[spec.key]
        pending.set_exception(e)
        raise
    with ctx.pipelines_lock:
        ctx.pipelines[spec.key] = kernel
        del ctx.building[spec.key]
    pending.set_result(kernel)
    return kernel


def _build(ctx, spec: KernelSpec) -> Kernel:
    """Compile ``spec`` and build its pipeline on ``ctx.device`` (uncached)."""
    import wgpu

    what = f"{'+'.join(spec.head + spec.files)} ({spec.entry})"
    try:
        module = ctx.device.create_shader_module(code=spec.source, label=spec.entry)
    except Exception as e:  # noqa: BLE001
        raise ShaderError(f"WGSL compile error in {what}: {e}") from None
    vis = wgpu.ShaderStage.COMPUTE
    layouts = {
        g: ctx.device.create_bind_group_layout(entries=[
            {"binding": e["binding"], "visibility": vis,
             "buffer": {"type": e["type"], "has_dynamic_offset": e["has_dynamic_offset"]}} for e in entries])
        for g, entries in enumerate(spec.layouts)
    }
    playout = ctx.device.create_pipeline_layout(bind_group_layouts=[layouts[g] for g in sorted(layouts)])
    stage = {"module": module, "entry_point": spec.entry}
    if spec.constants:
        stage["constants"] = {k: float(v) if isinstance(v, float) else int(v) for k, v in spec.constants}
    try:
        pipeline = ctx.device.create_compute_pipeline(layout=playout, compute=stage, label=spec.entry)
    except Exception as e:  # noqa: BLE001
        raise ShaderError(f"pipeline creation failed for {what}: {e}") from None
    return Kernel(name=spec.entry, pipeline=pipeline, layouts=layouts, bindings=spec.bindings, spec=spec)
