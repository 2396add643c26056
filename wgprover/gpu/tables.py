"""Device-resident constant tables: one cached accessor with declared keys
(docs/ARCHITECTURE.md §7).

A module declares each of its tables once, at import, by a unique name and a
builder; ``TABLE.get(ctx, *key)`` builds it on first use for that key and
returns the device's cached copy afterwards. Keys are hashable values
(fields, sizes), so two modules can never collide on a table, and
``declared()`` lists every table a device may hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A declared constant table: ``build(ctx, *key)`` makes its device value."""

    name: str
    build: Callable | None  # None: the owner fills it with ``put`` (a table that grows)

    def get(self, ctx, *key):
        slot = (self.name, key)
        hit = ctx.tables.get(slot)
        if hit is None:
            if self.build is None:
                raise KeyError(f"device table {self.name!r} is filled with put(), not built by get()")
            hit = ctx.tables[slot] = self.build(ctx, *key)
        return hit

    def peek(self, ctx, *key):
        """The cached value for ``key``, or None (nothing is built)."""
        return ctx.tables.get((self.name, key))

    def put(self, ctx, value, *key) -> None:
        """Replace the cached value (for tables that grow, e.g. the NTT twiddles)."""
        ctx.tables[(self.name, key)] = value


_DECLARED: dict[str, Table] = {}


def declare(name: str, build: Callable | None) -> Table:
    """Declare a table once per process under a unique name."""
    if name in _DECLARED:
        raise ValueError(f"device table {name!r} is declared twice")
    table = _DECLARED[name] = Table(name, build)
    return table


def declared() -> list[str]:
    return sorted(_DECLARED)
