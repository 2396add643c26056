"""Device buffers reused across proofs of one shape (docs/ARCHITECTURE.md §11).

A proof allocates every table it needs through ``ctx.buffer``. While a pool
session is open (``buffer_pool(ctx).session(key)``), each request is served
from the buffers an earlier proof of the same ``key`` (its memory plan's key)
left behind, matched by (size, usage), and only a request the pool cannot
serve creates a device buffer. So a second proof of the same shape in one
process allocates nothing.

Two rules keep the reuse invisible in the proof bytes:

* Constant tables (``gpu.tables``: twiddles, hemera constants, placeholders)
  may be built during a proof; they stay cached on the device, so a buffer
  still referenced by ``ctx.tables`` or ``ctx.shared`` when the session ends
  is never returned to the pool.
* A fresh wgpu buffer reads as zeros, a reused one holds the last proof's
  data. A table whose kernels rely on zeros (``ZEROED``) is cleared with one
  ``clear_buffer`` before its first use (queued, no host sync); today every
  table is fully written before it is read, which a test with poisoned
  buffers checks.

One plan's buffers are kept (``capacity``); a session for another key
releases the oldest set first, so the pool never holds more than the plan it
serves.

The order is fixed: a request gets the buffer that the same request of the
last proof of the key got (free lists in the order they were taken), so a
proof of a known plan binds exactly the buffers the last one bound, and the
key's bind groups (``_Session.bind_groups``, gpu/recorder.py) are reused
instead of created again: creating them was the largest host cost per
dispatch (docs/ARCHITECTURE.md §11). They hold their buffers, so they are
dropped with them.
"""

from __future__ import annotations

import dataclasses

from collections import OrderedDict
from contextlib import contextmanager

from .tables import declare

__all__ = ["BufferPool", "ZEROED", "buffer_pool"]

# Tables a kernel reads before writing, which must start at zero as a fresh
# buffer does. None today: proving twice with every reused buffer poisoned
# (tests/test_pool.py) gives the reference bytes, so every kernel writes what it
# reads. A kernel that accumulates into a table in place adds the table here.
ZEROED: frozenset[str] = frozenset()
POISON = 0xA5  # the byte a poisoned reused buffer is filled with (tests)
# A proof binds ~50-200 sets of buffers; a key whose proofs keep binding new
# ones (a buffer made outside the pool) would grow its cache without end
MAX_BIND_GROUPS = 4096


def _referenced(ctx) -> set[int]:
    """ids of the buffers held by the device's constant tables and shared bindings."""
    seen: set[int] = set()
    stack = [*ctx.tables.values(), *ctx.shared.values()]
    while stack:
        v = stack.pop()
        if isinstance(v, (tuple, list)):
            stack.extend(v)
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):  # e.g. basefold's HSeeds
            stack.extend(getattr(v, f.name) for f in dataclasses.fields(v))
        else:
            seen.add(id(v))
    return seen


class _Session:
    """Serves ``ctx.buffer`` for one proof from the free buffers of one key.
    ``free`` lists are stacks: the last entry is served first."""

    def __init__(self, ctx, free: dict, poison: bool, bind_groups: dict) -> None:
        self.ctx, self.free, self.poison = ctx, free, poison
        self.bind_groups = bind_groups  # the key's bind groups, kept across its proofs (gpu/recorder.py)
        self.taken: list[tuple[tuple[int, int], object]] = []
        self.reused = 0

    def take(self, size: int, usage: int, label: str):
        kind = (size, usage)
        spare = self.free.get(kind)
        if spare:
            buf = spare.pop()
            self.reused += 1
            self._prepare(buf, label)
        else:
            buf = self.ctx.create_buffer(size, usage, label)
        self.taken.append((kind, buf))
        return buf

    def _prepare(self, buf, label: str) -> None:
        """Poison (tests only), then zero the tables that rely on it; queued, no sync."""
        base = label.split("[", 1)[0]
        if self.poison and buf.usage & _copy_dst():
            self.ctx.device.queue.write_buffer(buf, 0, bytes([POISON]) * buf.size)
        if base in ZEROED:
            enc = self.ctx.device.create_command_encoder(label="pool-clear")
            enc.clear_buffer(buf, 0, buf.size)
            self.ctx.device.queue.submit([enc.finish()])

    def give_back(self) -> dict:
        """The free lists for the next session: everything taken that no
        constant table kept, served in the order this session took them, then
        what it left."""
        keep = _referenced(self.ctx)
        taken: dict = {}
        for kind, buf in self.taken:
            if id(buf) not in keep:
                taken.setdefault(kind, []).append(buf)
        free = {kind: list(left) for kind, left in self.free.items() if left}  # served last
        for kind, bufs in taken.items():
            free.setdefault(kind, []).extend(reversed(bufs))  # first taken on top
        return free


def _copy_dst() -> int:
    import wgpu

    return int(wgpu.BufferUsage.COPY_DST)


class BufferPool:
    """Free buffers per plan key, the ``capacity`` most recent keys kept."""

    def __init__(self, capacity: int = 1) -> None:
        self.capacity = capacity
        self.poison = False  # tests: fill reused buffers with POISON before use
        self._keys: OrderedDict = OrderedDict()  # key -> {(size, usage): [buffers]}
        self._groups: dict = {}  # key -> that key's bind groups (dropped with its buffers)

    def held_bytes(self) -> int:
        return sum(s * len(bufs) for free in self._keys.values() for (s, _u), bufs in free.items())

    @contextmanager
    def session(self, ctx, key):
        """Serve ``ctx.buffer`` from this key's buffers until the block ends
        (nested sessions are not pooled: the outer one serves them)."""
        if ctx.pool is not None:
            yield ctx.pool
            return
        free = self._keys.pop(key, {})
        groups = self._groups.pop(key, {})
        if len(groups) > MAX_BIND_GROUPS:
            groups = {}
        while len(self._keys) >= max(self.capacity, 1):
            old, _ = self._keys.popitem(last=False)  # dropped: wgpu frees a buffer with its last reference
            self._groups.pop(old, None)
        sess = ctx.pool = _Session(ctx, free, self.poison, groups)
        try:
            yield sess
        finally:
            ctx.pool = None
            self._keys[key] = sess.give_back()
            self._groups[key] = groups

    def clear(self) -> None:
        """Release every pooled buffer (freed with its last reference)."""
        self._keys.clear()
        self._groups.clear()


POOL = declare("gpu.pool", lambda ctx: BufferPool())


def buffer_pool(ctx) -> BufferPool:
    """The device's buffer pool (one per context)."""
    return POOL.get(ctx)
