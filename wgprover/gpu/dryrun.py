"""A device that runs nothing, for capturing what a proof compiles.

The host side of a proof recorded against it makes the same ``ctx.kernel``
calls as on the real device it mirrors (same profile, limits and field path),
in milliseconds and without GPU work; buffers read back as zeros.  Only
``wgprove shaders`` uses it (docs/ARCHITECTURE.md §8): nothing it returns is a
result.
"""

from __future__ import annotations

from .context import GpuContext


class _Buffer:
    def __init__(self, size: int, label: str) -> None:
        self.size, self.label = int(size), label


class _Anything:
    """Accepts every call and attribute: modules, layouts, pipelines, bind groups,
    command encoders and passes all record nothing."""

    def __getattr__(self, name: str):
        return self

    def __call__(self, *args, **kwargs):
        return self


class _Queue(_Anything):
    def read_buffer(self, buf, offset: int = 0, size: int | None = None) -> bytes:
        return bytes(buf.size - offset if size is None else size)


class _Device(_Anything):
    def __init__(self, limits: dict, features: frozenset) -> None:
        self.limits, self.features, self.queue = dict(limits), set(features), _Queue()

    def create_buffer(self, size: int, usage: int = 0, label: str = "", **_) -> _Buffer:
        return _Buffer(size, label)


def dry_twin(ctx: GpuContext, with_tables: bool = False) -> GpuContext:
    """A context with ``ctx``'s profile, limits, features and field path over a
    device that runs nothing (its own, empty pipeline cache). ``with_tables``:
    it starts with a copy of ``ctx``'s constant and shared tables, so that it
    builds only the tables ``ctx`` would build (their kernels included); what
    it adds stays in the copy."""
    dry = GpuContext(adapter=ctx.adapter, device=_Device(ctx.limits, ctx.features), profile=ctx.profile,
                     int64=ctx.int64, features=ctx.features, limits=dict(ctx.limits), description=ctx.description)
    if with_tables:
        dry.tables, dry.shared = dict(ctx.tables), dict(ctx.shared)
    return dry


def is_dry(ctx: GpuContext) -> bool:
    """Whether ``ctx`` runs nothing (a :func:`dry_twin`)."""
    return isinstance(ctx.device, _Device)
