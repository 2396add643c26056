"""How many bytes of device memory the chosen adapter has (docs/ARCHITECTURE.md §10).

WebGPU, and so wgpu-py 0.32, reports no memory size: the adapter's ``info``
names the device (vendor and device ids) and ``limits`` bound one buffer and
one binding, nothing more. The memory plan compares a proof's peak with the
first of these sources that answers:

1. ``WGPROVER_DEVICE_MEMORY=SIZE`` (e.g. ``80GiB``): the user says so.
2. Vulkan adapters: the largest device-local memory heap of the physical
   device with the adapter's vendor and device ids, read with
   ``vkGetPhysicalDeviceMemoryProperties`` from the system's Vulkan loader
   (the library wgpu itself runs on), through ctypes.
3. CPU adapters (lavapipe, SwiftShader): the host's physical memory.

Otherwise the size is unknown and only ``--max-memory`` can refuse a trace
before proving; an allocation that fails later still exits 5.

``largest_device_memory`` bounds every adapter's memory without starting
one (tens of milliseconds instead of the device start-up): the largest
Vulkan heap on the machine or the host's memory, whichever is larger; a
trace over it is refused by every adapter.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from dataclasses import dataclass

__all__ = ["DeviceMemory", "device_memory", "largest_device_memory", "vulkan_heaps"]

ENV = "WGPROVER_DEVICE_MEMORY"
_DEVICE_LOCAL = 1  # VK_MEMORY_HEAP_DEVICE_LOCAL_BIT


@dataclass(frozen=True)
class DeviceMemory:
    """Bytes of device memory (None: unknown) and where that number came from."""

    nbytes: int | None
    source: str


class _InstanceInfo(ctypes.Structure):  # VkInstanceCreateInfo
    _fields_ = [("sType", ctypes.c_int32), ("pNext", ctypes.c_void_p), ("flags", ctypes.c_uint32),
                ("pApplicationInfo", ctypes.c_void_p), ("enabledLayerCount", ctypes.c_uint32),
                ("ppEnabledLayerNames", ctypes.c_void_p), ("enabledExtensionCount", ctypes.c_uint32),
                ("ppEnabledExtensionNames", ctypes.c_void_p)]


class _Heap(ctypes.Structure):  # VkMemoryHeap
    _fields_ = [("size", ctypes.c_uint64), ("flags", ctypes.c_uint32)]


class _MemoryProperties(ctypes.Structure):  # VkPhysicalDeviceMemoryProperties
    _fields_ = [("memoryTypeCount", ctypes.c_uint32), ("memoryTypes", ctypes.c_uint32 * 64),
                ("memoryHeapCount", ctypes.c_uint32), ("memoryHeaps", _Heap * 16)]


def _loader():
    names = {"win32": ["vulkan-1.dll"], "darwin": ["libvulkan.1.dylib", "libMoltenVK.dylib"]}.get(
        sys.platform, ["libvulkan.so.1"])
    found = ctypes.util.find_library("vulkan")
    for name in names + ([found] if found else []):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def vulkan_heaps() -> dict[tuple[int, int, str], int]:
    """(vendor id, device id, name) -> largest device-local heap, for every Vulkan
    physical device; empty when no Vulkan loader or instance is available."""
    vk = _loader()
    if vk is None:
        return {}
    inst = ctypes.c_void_p()
    info = _InstanceInfo(sType=1)  # VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
    if vk.vkCreateInstance(ctypes.byref(info), None, ctypes.byref(inst)) != 0:
        return {}
    try:
        count = ctypes.c_uint32(0)
        vk.vkEnumeratePhysicalDevices(inst, ctypes.byref(count), None)
        devices = (ctypes.c_void_p * count.value)()
        vk.vkEnumeratePhysicalDevices(inst, ctypes.byref(count), devices)
        out = {}
        for pd in devices[: count.value]:
            props = ctypes.create_string_buffer(4096)  # VkPhysicalDeviceProperties (824 bytes)
            vk.vkGetPhysicalDeviceProperties(ctypes.c_void_p(pd), props)
            vendor, device = (int.from_bytes(props.raw[k : k + 4], "little") for k in (8, 12))
            name = props.raw[20:276].split(b"\0", 1)[0].decode(errors="replace")
            mem = _MemoryProperties()
            vk.vkGetPhysicalDeviceMemoryProperties(ctypes.c_void_p(pd), ctypes.byref(mem))
            local = [h.size for h in mem.memoryHeaps[: mem.memoryHeapCount] if h.flags & _DEVICE_LOCAL]
            out[(vendor, device, name)] = max(local, default=0)
        return out
    finally:
        vk.vkDestroyInstance(inst, None)


def _vulkan_bytes(info: dict) -> int | None:
    vendor, device, name = info.get("vendor_id"), info.get("device_id"), info.get("device", "")
    hits = {k: v for k, v in vulkan_heaps().items() if k[:2] == (vendor, device)}
    exact = [v for k, v in hits.items() if k[2] == name]
    if exact or len(hits) == 1:
        return (exact or list(hits.values()))[0] or None
    return None


def _host_bytes() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def device_memory(ctx) -> DeviceMemory:
    """The chosen adapter's memory, from the first source that answers (module docstring)."""
    from ..memory_plan import parse_size

    raw = os.environ.get(ENV)
    if raw:
        return DeviceMemory(parse_size(raw), ENV)
    cached = getattr(ctx, "_device_memory", None)
    if cached is not None:
        return cached
    info = dict(ctx.adapter.info)
    found = DeviceMemory(None, "unknown: wgpu reports no memory size (set WGPROVER_DEVICE_MEMORY)")
    if str(info.get("backend_type", "")).lower() == "vulkan":
        heap = _vulkan_bytes(info)
        if heap:
            found = DeviceMemory(heap, "Vulkan device-local heap")
    if found.nbytes is None and info.get("adapter_type") == "CPU":
        host = _host_bytes()
        if host:
            found = DeviceMemory(host, "host memory (CPU adapter)")
    ctx._device_memory = found  # the heaps do not change while the process runs
    return found


def largest_device_memory() -> DeviceMemory | None:
    """At least as much memory as any adapter here has (module docstring), without
    starting a device; None when unknown (no Vulkan loader: another API's GPU,
    e.g. Metal or DX12 only, may have more than the host)."""
    from ..memory_plan import parse_size

    raw = os.environ.get(ENV)
    if raw:
        return DeviceMemory(parse_size(raw), ENV)
    heaps = vulkan_heaps()
    if not heaps:
        return None
    best = max(max(heaps.values()), _host_bytes() or 0)
    return DeviceMemory(best, "the largest device memory on this machine: Vulkan heaps and host memory")
