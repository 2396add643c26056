"""Compiled kernels: composed WGSL + explicit bind-group layouts + pipeline, cached."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import ShaderError
from .shaders import compose, field_files

_BINDING_RE = re.compile(
    r"@group\(\s*(\d+)\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*<\s*(storage|uniform)\s*(?:,\s*(read_write|read))?\s*>\s*(\w+)"
)


@dataclass
class Kernel:
    """A compute pipeline and the kinds of its bindings, per group."""

    name: str
    pipeline: object
    layouts: dict  # group -> GPUBindGroupLayout
    bindings: dict  # group -> {binding: kind}  kind in {"storage", "read-only-storage", "uniform"}


def parse_bindings(source: str) -> dict:
    out: dict = {}
    for g, b, space, access, _name in _BINDING_RE.findall(source):
        kind = "uniform" if space == "uniform" else ("storage" if access == "read_write" else "read-only-storage")
        out.setdefault(int(g), {})[int(b)] = kind
    return out


def build_kernel(ctx, field, files: list[str], entry: str, constants: dict, generated: str | None = None) -> Kernel:
    """Compose ``field`` module (+ ``generated`` source, e.g. code generated from an
    AIR) + ``files``, compile, and build the pipeline (cached by source)."""
    import wgpu

    all_files = field_files(field, ctx.int64) + files
    if generated is None:
        source = compose(all_files)
    else:
        source = "\n".join([compose(field_files(field, ctx.int64)), "// ---- generated ----", generated, compose(files)])
    key = (hashlib.sha256(source.encode()).hexdigest(), entry, tuple(sorted(constants.items())))
    hit = ctx.pipelines.get(key)
    if hit is not None:
        return hit

    bindings = parse_bindings(source)
    # Declarations of entry points not used still count: only keep groups the
    # shader declares; all of them must be bound (explicit layout, no auto).
    try:
        module = ctx.device.create_shader_module(code=source, label=entry)
    except Exception as e:  # noqa: BLE001
        raise ShaderError(f"WGSL compile error in {'+'.join(all_files)} ({entry}): {e}") from None

    layouts = {}
    vis = wgpu.ShaderStage.COMPUTE
    for g in range(max(bindings) + 1 if bindings else 0):
        entries = []
        for b, kind in sorted(bindings.get(g, {}).items()):
            if kind == "uniform":
                # dynamic offsets: the recorder reuses one bind group per set of
                # buffers and moves only the uniform's offset in its arena
                entries.append({"binding": b, "visibility": vis,
                                "buffer": {"type": wgpu.BufferBindingType.uniform, "has_dynamic_offset": g == 0}})
            else:
                t = wgpu.BufferBindingType.storage if kind == "storage" else wgpu.BufferBindingType.read_only_storage
                entries.append({"binding": b, "visibility": vis, "buffer": {"type": t}})
        layouts[g] = ctx.device.create_bind_group_layout(entries=entries)
    playout = ctx.device.create_pipeline_layout(bind_group_layouts=[layouts[g] for g in sorted(layouts)])
    stage = {"module": module, "entry_point": entry}
    if constants:
        stage["constants"] = {k: float(v) if isinstance(v, float) else int(v) for k, v in constants.items()}
    try:
        pipeline = ctx.device.create_compute_pipeline(layout=playout, compute=stage, label=entry)
    except Exception as e:  # noqa: BLE001
        raise ShaderError(f"pipeline creation failed for {entry} in {'+'.join(all_files)}: {e}") from None
    k = Kernel(name=entry, pipeline=pipeline, layouts=layouts, bindings=bindings)
    ctx.pipelines[key] = k
    return k
