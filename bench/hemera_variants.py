"""hemera permutation AIR variants for bench/hemera_air.py --variants, and their cost
model (docs/AIR.md §9.1, "Layout choice"). Not a bench by itself.

A variant is ``LAYOUT[/MODE]``: LAYOUT is ``ppr1``, ``ppr2``, ``ppr4``, ``ppr8``,
``ppr16`` (the row layout, hemera_air.permutation_air) or ``wide7``, ``wide3``
(one permutation per row, hemera_wide.wide_air); MODE is a zerocheck code mode
(WGPROVER_ZEROCHECK: auto, inline, interp, hybrid; default auto).

Size k means 2^k permutations in the row layouts (16 or 32 rows each) and a
2^k-row trace of 2^k - 1 permutations in the wide ones (the last row is padding).

Cost model, per permutation (docs/AIR.md §9.1):
  commit    ~ cells = width x rows per permutation
  zerocheck ~ rows/2 pairs x (D + 1) points x (round-0 cost + cost of the later rounds),
            the later rounds (extension field) halving to rows/2 pairs in all;
  costs counted as SSA ops (what the interpreter executes) and in base
  multiplications (codegen.inline_cost: extension multiplication d^2, additions 1/4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wgprover.air import codegen, hemera_air as ha, hemera_wide as hw
from wgprover.air.bytecode import ProgramTooLong, assemble
from wgprover.field import GOLDILOCKS

LAYOUTS = ("ppr1", "ppr2", "ppr4", "ppr8", "ppr16", "wide7", "wide3")


@dataclass(frozen=True)
class Variant:
    layout: str
    mode: str = "auto"

    @property
    def name(self) -> str:
        return f"{self.layout}/{self.mode}"

    @property
    def wide(self) -> bool:
        return self.layout.startswith("wide")

    @property
    def param(self) -> int:
        """ppr of a row layout, the S-box split of a wide one."""
        return int(self.layout.removeprefix("wide").removeprefix("ppr"))

    @property
    def air(self):
        return hw.wide_air(self.param) if self.wide else ha.permutation_air(self.param)

    @property
    def rows_per_perm(self) -> int:
        return 1 if self.wide else ha.Layout(self.param).rows

    def log_rows(self, k: int) -> int:
        return k if self.wide else ha.log_rows_for_count(1 << k, self.param)

    def count(self, k: int) -> int:
        return hw.count_for_rows(k) if self.wide else 1 << k

    def trace(self, k: int, rng: np.random.Generator) -> np.ndarray:
        inputs = GOLDILOCKS.base.random(rng, (self.count(k), ha.W))
        return hw.wide_trace(inputs, self.param) if self.wide else ha.permutation_blocks(inputs, self.param)


def parse_variants(text: str) -> list[Variant]:
    """``LAYOUT[/MODE],...`` -> variants (ValueError, one line, on a bad name)."""
    out = []
    for item in text.split(","):
        layout, _, mode = item.strip().partition("/")
        mode = mode or "auto"
        if layout not in LAYOUTS or mode not in codegen.MODES:
            raise ValueError(f"bad variant {item!r}: expected LAYOUT[/MODE], LAYOUT in {', '.join(LAYOUTS)}, "
                             f"MODE in {', '.join(codegen.MODES)}")
        out.append(Variant(layout, mode))
    return out


def cost_model(v: Variant) -> dict:
    """The variant's shape and per-permutation work estimates (module docstring)."""
    air, f = v.air, GOLDILOCKS
    segs = {m: codegen.segments(air, f.p, m) for m in ("base", "ext")}
    ops = {m: len(s.trans) + len(s.last) + len(s.first) for m, s in segs.items()}
    cost = {m: codegen.inline_cost(s, f.ext_degree) for m, s in segs.items()}
    try:
        prog = assemble(segs, f.p, len(air.public), {})
        program = {"program_ops": len(prog.code), "registers_fe_ef": [prog.n_fe_regs, prog.n_ef_regs]}
    except ProgramTooLong:
        program = {"program_ops": None, "registers_fe_ef": None}
    D = air.degree + 1
    pairs = v.rows_per_perm / 2
    return {
        "variant": v.name, "width": air.width, "rows_per_perm": v.rows_per_perm,
        "cells_per_perm": air.width * v.rows_per_perm, "degree_D": D, "constraints": len(air.constraints),
        "ops_base": ops["base"], "ops_ext": ops["ext"], "mul_cost_base": cost["base"], "mul_cost_ext": cost["ext"],
        "zc_ops_per_perm": pairs * (D + 1) * (ops["base"] + ops["ext"]),
        "zc_mul_cost_per_perm": pairs * (D + 1) * (cost["base"] + cost["ext"]), **program,
    }


COST_TABLE = [("variant", "variant", "s"), ("w", "width", "d"), ("rows/perm", "rows_per_perm", "d"),
              ("cells/perm", "cells_per_perm", "d"), ("D", "degree_D", "d"), ("ops/eval", "ops_base", "d"),
              ("zc ops/perm", "zc_ops_per_perm", ".0f"), ("zc muls/perm", "zc_mul_cost_per_perm", ".0f"),
              ("program", "program_ops", "d")]


def print_cost_table(rows: list[dict]) -> None:
    print("".join(f"{h:>14}" for h, *_ in COST_TABLE))
    for r in rows:
        print("".join(f"{r[k] if r[k] is not None else '-':>14{f if r[k] is not None else ''}}"
                      for _, k, f in COST_TABLE))
