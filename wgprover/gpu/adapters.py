"""Which adapters a batch proves on, told apart so that two identical cards are
two workers, and one device per worker (docs/ARCHITECTURE.md §10).

wgpu-py 0.32's ``adapter.info`` holds vendor, device name, description,
vendor_id, device_id, adapter and backend type: no PCI bus address and no
LUID. wgpu lists each physical device once per backend, so an adapter is
identified by its position in ``enumerate_adapters()`` (the ``#`` column of
``wgprove info``) together with its name and PCI vendor:device ids; two H200s
are #0 and #1 with the same name and ids.

A spec (``--adapters``) is ``all`` or comma-separated items, each an index
(``2``), a range of indices (``0-3``) or a name substring (``H200``: every
adapter of the batch backend whose name contains it). ``all`` means every
adapter of the batch backend and type: the backend and type of the best
adapter (``--backend`` if given), so an 8-GPU host gives its 8 Vulkan GPUs
and not also the same GPUs through OpenGL, nor a CPU rasteriser. An item may
repeat (``0,0``): two workers, two devices, one card.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import _describe, choose_adapter, device_choice, enumerate_adapters, open_context
from .errors import GpuUnavailable


class AdapterSpecError(ValueError):
    """A malformed ``--adapters`` spec, or one naming no adapter (exit 2)."""


@dataclass(frozen=True)
class AdapterId:
    index: int  # position in enumerate_adapters(): `wgprove info`'s #
    summary: str
    backend: str
    adapter_type: str
    vendor_id: int
    device_id: int

    @property
    def label(self) -> str:
        return f"#{self.index} {self.summary} [{self.vendor_id:04x}:{self.device_id:04x}]"

    def as_dict(self) -> dict:
        return {"index": self.index, "summary": self.summary, "backend": self.backend, "type": self.adapter_type,
                "vendor_id": self.vendor_id, "device_id": self.device_id, "label": self.label}


def _identify(index: int, adapter) -> AdapterId:
    d, info = _describe(adapter), adapter.info
    return AdapterId(index, d.summary, d.backend, d.adapter_type, int(info.get("vendor_id", 0) or 0),
                     int(info.get("device_id", 0) or 0))


def adapter_ids() -> list[AdapterId]:
    """Every adapter wgpu sees, in enumeration order."""
    return [_identify(i, a) for i, a in enumerate(enumerate_adapters())]


def batch_adapters(backend: str | None = None) -> list[AdapterId]:
    """``all``: the adapters of the best adapter's backend and type (module doc)."""
    best = _describe(choose_adapter(None, backend))
    return [a for a in adapter_ids() if (a.backend, a.adapter_type) == (best.backend, best.adapter_type)]


def _item(item: str, ids: list[AdapterId], pool: list[AdapterId]) -> list[AdapterId]:
    lo, sep, hi = item.partition("-")
    if lo.isdigit() and (not sep or hi.isdigit()):
        picked = range(int(lo), int(hi or lo) + 1)
        if not picked or picked[-1] >= len(ids):
            raise AdapterSpecError(f"--adapters {item}: there are adapters #0..#{len(ids) - 1} "
                                   f"(`wgprove info` lists them)")
        return [ids[i] for i in picked]
    found = [a for a in pool if item.lower() in a.summary.lower()]
    if not found:
        raise AdapterSpecError(f"--adapters {item!r}: no adapter's name contains it (`wgprove info` lists them)")
    return found


def select_adapters(spec: str | None, backend: str | None = None) -> list[AdapterId]:
    """The adapters a spec names, one entry per worker (module doc); None is the
    adapter a single proof would use."""
    pool = batch_adapters(backend)
    if spec is None:
        return pool[:1]  # choose_adapter's pick: the first adapter of the best rank
    items = [s.strip() for s in spec.split(",")]
    if not all(items):
        raise AdapterSpecError(f"--adapters {spec!r}: empty item (use all, N, N-M or a name substring)")
    if items == ["all"]:
        return pool
    ids = adapter_ids()
    return [a for it in items for a in _item(it, ids, pool)]


def open_worker(aid: AdapterId, profile: str | None = None, int64: bool | None = None):
    """A new GpuContext (its own device) on adapter ``aid``."""
    profile, int64 = device_choice(profile, int64)
    adapters = enumerate_adapters()
    if aid.index >= len(adapters) or _identify(aid.index, adapters[aid.index]) != aid:
        raise GpuUnavailable(f"adapter {aid.label} is gone (the adapter list changed)")
    return open_context(adapters[aid.index], profile, int64)
