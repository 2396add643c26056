"""The constraint sums of an AIR as bytecode for the zerocheck interpreter.

Straight-line WGSL (``codegen`` inline mode) grows with columns x degree x
extension degree, and a driver compiler that inlines every extension
multiplication of it can take minutes (docs/BENCHMARKS.md, "Compile time").
Interpreter mode compiles each field operation once: the SSA ops of
:func:`wgprover.air.codegen.segments` become a program of ``vec4<u32>``
instructions ``(opcode, dst, a, b)`` in uniform buffers, run by
shaders/zerocheck_interp.wgsl over two per-thread register files (base ``Fe``
and extension ``Ef``).  Registers are reused once their value is dead, so the
files stay as small as the widest live set.

A program longer than one uniform binding (``MAX_OPS``) is cut into chunks of
``MAX_OPS`` instructions, one uniform binding each (``zc_prog0``, ...), read
through one generated fetch function; a program of one chunk keeps the single
``zc_prog`` binding, so its generated WGSL does not change.

The opcodes are defined here and emitted into the generated WGSL header, so
Python and the interpreter cannot disagree.  Twin: the same NumPy reference as
the inline mode, :func:`wgprover.air.evaluate.combined_ext`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

# operations producing a base element (register file zc_rf)
_FE_OPS = ("fe_add", "fe_sub", "fe_mul", "fe_neg", "fe_sqr", "fe_const", "zc_pub", "zc_tr_cur", "zc_tr_next", "zc_per_base")
# operations producing an extension element (register file zc_re)
_EF_OPS = ("ef_add", "ef_sub", "ef_mul", "ef_neg", "ef_sqr", "ef_add_fe", "ef_mul_fe", "zc_st_cur", "zc_st_next", "zc_per_ext")
# accumulate alpha^j * value into the segment's sum
_ACC_OPS = ("zc_wadd_f", "zc_wadd_e")
OPCODES = {fn: i for i, fn in enumerate(_FE_OPS + _EF_OPS + _ACC_OPS)}
MAX_OPS = 4096  # per chunk: 64 KiB of vec4<u32>, the WebGPU default max-uniform-buffer-binding-size
# chunks: the WebGPU defaults allow 12 uniform buffers per stage and 8 dynamic uniform
# buffers per pipeline layout (every group-0 uniform has a dynamic offset, gpu/kernel.py);
# one is the zerocheck's parameter block
MAX_CHUNKS = min(12, 8) - 1


class ProgramTooLong(ValueError):
    """The AIR's constraint program does not fit the interpreter's uniform buffers."""


@dataclass(frozen=True)
class Program:
    """Bytecode of both modes: ``code`` (n, 4) uint32; ``spans[mode][part]`` = (lo, hi);
    ``chunk``: instructions per uniform binding."""

    code: np.ndarray
    spans: dict
    n_fe_regs: int
    n_ef_regs: int
    chunk: int = MAX_OPS

    @property
    def chunks(self) -> int:
        return max(-(-len(self.code) // self.chunk), 1)

    def header(self) -> list[str]:
        """WGSL constants the interpreter expects (opcodes, program and register-file sizes)."""
        lines = [f"const ZC_OP_{fn.upper()}: u32 = {i}u;" for fn, i in OPCODES.items()]
        lines += [
            f"const ZC_NOPS: u32 = {max(len(self.code), 1)}u;",
            f"const ZC_NRF: u32 = {max(self.n_fe_regs, 1)}u;",
            f"const ZC_NRE: u32 = {max(self.n_ef_regs, 1)}u;",
        ]
        return lines

    def uniforms(self) -> list[str]:
        """The program's uniform binding declarations, in binding order."""
        if self.chunks == 1:
            return ["var<uniform> zc_prog: array<vec4<u32>, ZC_NOPS>"]
        sizes = [min(self.chunk, len(self.code) - c * self.chunk) for c in range(self.chunks)]
        return [f"var<uniform> zc_prog{c}: array<vec4<u32>, {s}>" for c, s in enumerate(sizes)]

    def fetch(self) -> str | None:
        """WGSL of ``zc_fetch(pc)`` over the chunks, or None for one chunk (the
        static shaders/zerocheck_fetch.wgsl reads ``zc_prog``)."""
        if self.chunks == 1:
            return None
        cases = [f"        case {c}u: {{ return zc_prog{c}[i]; }}" for c in range(self.chunks - 1)]
        cases.append(f"        default: {{ return zc_prog{self.chunks - 1}[i]; }}")
        return "\n".join([
            "fn zc_fetch(pc: u32) -> vec4<u32> {",
            f"    let i = pc % {self.chunk}u;",
            f"    switch (pc / {self.chunk}u) {{", *cases, "    }", "}"])


class _Registers:
    """Lowest-free-first allocation of one register file."""

    def __init__(self) -> None:
        self.free: list[int] = []
        self.size = 0

    def take(self) -> int:
        if self.free:
            return heapq.heappop(self.free)
        self.size += 1
        return self.size - 1

    def give(self, r: int) -> None:
        heapq.heappush(self.free, r)


class _Assembler:
    """Turns the SSA ops of one mode (segments in execution order) into instructions."""

    def __init__(self, p: int, n_public: int, consts: dict[int, int]) -> None:
        self.p, self.n_public, self.consts = p, n_public, consts
        self.files = {"f": _Registers(), "e": _Registers()}
        self.reg: dict[str, int] = {}
        self.code: list[tuple[int, int, int, int]] = []

    def emit(self, fn: str, dst: int = 0, a: int = 0, b: int = 0) -> None:
        self.code.append((OPCODES[fn], dst, a, b))

    def constant(self, c: int) -> int:
        """A fresh base register holding the constant c (freed by the caller)."""
        r = self.files["f"].take()
        c %= self.p
        if c < 1 << 32:
            self.emit("fe_const", r, c)
        elif self.p - c < 1 << 32:
            self.emit("fe_const", r, self.p - c)
            self.emit("fe_neg", r, r)
        else:
            self.emit("zc_pub", r, self.n_public + self.consts.setdefault(c, len(self.consts)))
        return r

    def operand(self, v: tuple, temps: list[int]) -> int:
        if v[0] == "i":
            return v[1]
        if v[0] == "k":
            temps.append(self.constant(v[1]))
            return temps[-1]
        return self.reg[v[1]]

    def assemble(self, ops: list, lo: int, hi: int, last_use: dict[str, int]) -> None:
        """Instructions for ops[lo:hi]; ``last_use`` indexes the whole list ``ops``."""
        for i in range(lo, hi):
            op = ops[i]
            temps: list[int] = []
            args = op.args[1:] if op.fn in _ACC_OPS else op.args  # the running sum is implicit
            regs = [self.operand(a, temps) for a in args]
            for kind, name in {a for a in args if a[0] in "fe"}:  # dead after this op: may hold the result
                if last_use[name] == i:
                    self.files[kind].give(self.reg[name])
            for r in temps:
                self.files["f"].give(r)
            if op.fn in _ACC_OPS:
                self.emit(op.fn, 0, *regs)
                continue
            dst = self.files[op.kind].take()
            self.reg[op.name] = dst
            self.emit(op.fn, dst, *regs)
            if last_use.get(op.name, i) == i:  # never read
                self.files[op.kind].give(dst)


def _last_uses(ops: list) -> dict[str, int]:
    last: dict[str, int] = {}
    for i, op in enumerate(ops):
        for a in op.args:
            if a[0] in "fe":
                last[a[1]] = i
    return last


def assemble(seg_by_mode: dict, p: int, n_public: int, consts: dict[int, int]) -> Program:
    """Bytecode for the given modes' segments (``{"base": Segments, "ext": Segments}``).

    The parts run in the order trans, last, first (the latter two only on their
    pair), so liveness over that order keeps every value a later part reads."""
    code: list = []
    spans: dict = {}
    n_f = n_e = 0
    for mode, seg in seg_by_mode.items():
        asm = _Assembler(p, n_public, consts)
        ops = [*seg.trans, *seg.last, *seg.first]
        last_use = _last_uses(ops)
        spans[mode] = {}
        start = 0
        for part in ("trans", "last", "first"):
            lo = len(code) + len(asm.code)
            end = start + len(getattr(seg, part))
            asm.assemble(ops, start, end, last_use)
            spans[mode][part] = (lo, len(code) + len(asm.code))
            start = end
        code += asm.code
        n_f, n_e = max(n_f, asm.files["f"].size), max(n_e, asm.files["e"].size)
    if len(code) > MAX_CHUNKS * MAX_OPS:
        raise ProgramTooLong(f"the AIR's constraint program has {len(code)} instructions, over the interpreter's "
                             f"{MAX_CHUNKS * MAX_OPS} ({MAX_CHUNKS} uniform buffers of {MAX_OPS}); "
                             "use WGPROVER_ZEROCHECK=inline")
    arr = np.array(code, dtype=np.uint32).reshape(-1, 4)
    return Program(arr, spans, n_f, n_e, MAX_OPS)
