"""Field interface: a base prime field module plus its challenge extension.

``get_field("goldilocks")`` / ``get_field("babybear")`` return a :class:`Field`
whose ``base`` is the NumPy module (add, sub, neg, mul, sqr, pow, inv,
batch_inv, root_of_unity, check, random) and whose ``ext`` is the extension
used for Fiat-Shamir challenges (docs/ARCHITECTURE.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from . import babybear, goldilocks
from .ext import Ext


@dataclass(frozen=True)
class Field:
    name: str
    base: ModuleType
    ext: Ext
    wgsl_module: str  # shader file of the base field
    wgsl_ext: str  # shader file of the extension

    @property
    def p(self) -> int:
        return self.base.P

    @property
    def dtype(self):
        return self.base.DTYPE

    @property
    def ext_degree(self) -> int:
        return self.ext.d

    @property
    def code(self) -> int:
        """Numeric identifier written into trace and proof headers."""
        return FIELD_CODES[self.name]


GOLDILOCKS = Field("goldilocks", goldilocks, Ext(goldilocks, 2, 7), "field_goldilocks", "field_ext2")
BABYBEAR = Field("babybear", babybear, Ext(babybear, 4, 11), "field_babybear", "field_ext4")

FIELDS = {f.name: f for f in (GOLDILOCKS, BABYBEAR)}
FIELD_CODES = {"goldilocks": 1, "babybear": 2}


def get_field(name: str) -> Field:
    try:
        return FIELDS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown field {name!r} (expected one of: {', '.join(FIELDS)})") from None


def field_from_code(code: int) -> Field:
    for name, c in FIELD_CODES.items():
        if c == code:
            return FIELDS[name]
    raise ValueError(f"unknown field code {code}")
