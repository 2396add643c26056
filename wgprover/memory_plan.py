"""The device-memory plan of a GPU proof, from the trace header alone
(docs/ARCHITECTURE.md §11).

``plan_memory(field, w, n, degree, params, ...)`` lists every device buffer
the GPU prover (wgprover/prover.py) allocates for a w-column, 2^n-row trace:
per logical table (the label ``ctx.buffer`` is given; the segments of a table
split over bindings count together), the phase that allocates it, its bytes
as ``ctx.buffer`` rounds them, its buffer count and its largest buffer.
Nothing is freed before the proof ends, so the live bytes grow phase by phase
and the peak is the last phase's.

Closed form: each table is a formula in (field, w, n, parameters, the
binding limit); nothing here grows with the trace, not even the segment list
of a split table (``_cut``/``_segments``: ``device_table.split`` per group of
equal segments). ``tests/test_memory_plan.py`` checks the plan against the
buffers a proof actually allocates (``ctx.allocated``), table by table.
The uniform arena (per-dispatch parameter blocks, docs/ARCHITECTURE.md §4) is
the one planned table that is an upper bound: it grows in 64 KiB chunks with
the number of dispatches, bounded here per recording segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .field import Field
from .pcs.basefold.config import BasefoldParams, schedule

__all__ = ["MemoryPlan", "PHASES", "PlannedTable", "SPLIT_TABLES", "check_bindings", "check_budget", "format_bytes",
           "parse_size", "plan_memory", "table_label"]

PHASES = ("setup", "commit", "zerocheck", "open", "queries")
DIGEST_BYTES = 32
TRANSCRIPT_STATE_BYTES = 16 * 8  # hemera width 16, u64 lanes
HEMERA_RC_BYTES = 160 * 8  # hemera.params.gpu_table()
PLACEHOLDER_BYTES = 64  # ctx.placeholder's default
PARTIALS = 4096  # sumcheck.gpu.MAX_PARTIALS
ARENA_CHUNK = 64 << 10  # gpu.recorder._ARENA_CHUNK
UNIFORM_SLOT = 256  # bytes one dispatch's uniform block takes in the arena
TIMESTAMP_BYTES = 8 * 2 * 16  # prover.TIMESTAMP_BYTES: room after the proof
MIN_TWIDDLE_LOG = 12  # ntt.gpu._MIN_TABLE_LOG
MERKLE_PERMS = 1024  # hemera.gpu.MAX_PERMS_PER_INVOCATION: leaf blocks per dispatch

# The tables allocated as device tables across bindings (gpu/device_table.py
# allocate/upload, gpu/upload.py stream_upload, gpu/table_wgsl.py allocate_as; §9):
# their segments fit one binding by construction, so the binding limit does not
# refuse them (a coefficient column longer than one binding is refused by
# prover.check_fits). Every other table must fit one binding (``unsplit_over_binding``).
SPLIT_TABLES: frozenset[str] = frozenset({
    "trace", "coefficients", "codeword0",  # pcs/basefold/gpu.py record_commit
    "zc-eq", "zc-state-a", "zc-state-b", "ps-state-a", "ps-state-b",  # sumcheck/gpu.py
})


@dataclass(frozen=True)
class PlannedTable:
    """One logical device table: ``buffers`` buffers of ``nbytes`` in all (the
    largest ``largest`` bytes), allocated in ``phase`` under ``label``."""

    label: str
    phase: str
    nbytes: int
    buffers: int = 1
    largest: int = 0
    constant: bool = False  # built once per device, by its first proof (gpu.tables)
    bound: bool = False  # an upper bound, not exact (the uniform arena)
    scratch: bool = False  # a constant's build input (seeds, their arena chunk): not kept by the device


@dataclass(frozen=True)
class MemoryPlan:
    """Every device table of one proof and the live bytes per phase."""

    field: str
    w: int
    n: int
    degree: int
    params: BasefoldParams
    tables: tuple[PlannedTable, ...]

    def live(self, phase: str) -> int:
        """Bytes allocated by the end of ``phase`` (nothing is freed mid-proof)."""
        k = PHASES.index(phase)
        return sum(t.nbytes for t in self.tables if PHASES.index(t.phase) <= k)

    @property
    def per_phase(self) -> dict[str, int]:
        return {p: self.live(p) for p in PHASES}

    @property
    def peak(self) -> int:
        return max(self.per_phase.values())

    @property
    def peak_phase(self) -> str:
        live = self.per_phase
        return next(p for p in PHASES if live[p] == self.peak)

    @property
    def constant_bytes(self) -> int:
        return sum(t.nbytes for t in self.tables if t.constant)

    @property
    def proof_bytes(self) -> int:
        """Bytes a proof on a warm device allocates (the pool's buffers of this
        plan), constants excluded. The pool also keeps the constant builds'
        scratch of the proof that built them (``pooled_bytes``)."""
        return self.peak - self.constant_bytes

    @property
    def pooled_bytes(self) -> int:
        """Bytes the buffer pool holds after a fresh device's first proof: every
        buffer that no constant table keeps (gpu/pool.py)."""
        return self.peak - sum(t.nbytes for t in self.tables if t.constant and not t.scratch)

    def by_label(self, constants: bool = True) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tables:
            if constants or not t.constant:
                out[t.label] = out.get(t.label, 0) + t.nbytes
        return out

    @property
    def key(self) -> tuple:
        """What the buffer pool is keyed by: the per-proof tables."""
        return (self.field, self.w, self.n, tuple((t.label, t.nbytes, t.buffers) for t in self.tables
                                                    if not t.constant))

    def unsplit_over_binding(self, limit: int) -> list[PlannedTable]:
        """Tables that must fit one storage binding and do not (``SPLIT_TABLES`` are exempt)."""
        return [t for t in self.tables if t.label not in SPLIT_TABLES and t.largest > limit]


def r16(nbytes: int) -> int:
    """The size ``ctx.buffer`` gives a request of ``nbytes``."""
    return max(16, (int(nbytes) + 15) // 16 * 16)


def table_label(label: str) -> str:
    """The logical table an allocation label belongs to: a segment or column
    suffix ``[k]`` (gpu/device_table.py, ``coefficients[col]``) and a field name
    (``ntt-tw-goldilocks-lo`` -> ``ntt-tw-lo``) are dropped."""
    return re.sub(r"-(goldilocks|babybear)(?=-|$)", "", label.split("[", 1)[0])


def _t(label: str, phase: str, nbytes: int, **kw) -> PlannedTable:
    size = r16(nbytes)
    return PlannedTable(label, phase, size, largest=size, **kw)


@dataclass(frozen=True)
class _Cut:
    """How ``device_table.split`` cuts a table (``gpu.table_wgsl.TableShape``):
    ``cps`` whole columns per segment, or (``log_rps >= 0``) 2^log_rps rows of
    one column, ``spc`` segments per column."""

    cps: int
    log_rps: int = -1
    spc: int = 1


def _cut(cols: int, rows: int, elem: int, limit: int) -> _Cut:
    """``device_table.split(cols, rows, elem, limit)`` in closed form (no segment list)."""
    col = rows * elem
    if col <= limit:
        groups = -(-cols // (limit // col))
        return _Cut(-(-cols // groups))  # balanced groups, the last smaller
    log = max((limit // elem).bit_length() - 1, 0)
    return _Cut(1, log, -(-rows // (1 << log)))


def _segments(cut: _Cut, cols: int, rows: int, elem: int) -> list[tuple[int, int]]:
    """(count, bytes each as ``ctx.buffer`` rounds them) of the segments of a cols x
    rows table cut as ``cut``: ``device_table.allocate`` when ``cut`` is the
    table's own, ``table_wgsl.allocate_as`` when it was planned for more rows
    (a row range past ``rows`` is then a one-element placeholder)."""
    if cut.log_rps < 0:
        full, rest = divmod(cols, cut.cps)
        return [(full, r16(cut.cps * rows * elem)), (int(rest > 0), r16(rest * rows * elem))]
    step = 1 << cut.log_rps
    full, rest = divmod(rows, step)
    pad = cut.spc - full - int(rest > 0)
    return [(cols * full, r16(step * elem)), (cols * int(rest > 0), r16(rest * elem)), (cols * pad, r16(elem))]


def _table(label: str, phase: str, segments: list[tuple[int, int]], **kw) -> PlannedTable:
    """A table of segment groups (count, bytes each): buffers, bytes and the largest."""
    segs = [(k, b) for k, b in segments if k > 0]
    return PlannedTable(label, phase, sum(k * b for k, b in segs), sum(k for k, _ in segs), max(b for _, b in segs),
                        **kw)


def _split(label: str, phase: str, cols: int, rows: int, elem: int, limit: int) -> PlannedTable:
    """A table ``device_table.allocate`` (or ``upload``) makes under ``limit``."""
    return _table(label, phase, _segments(_cut(cols, rows, elem, limit), cols, rows, elem))


def _split_as(label: str, phase: str, cols: int, rows: int, planned_rows: int, elem: int, limit: int) -> PlannedTable:
    """A table ``table_wgsl.allocate_as`` makes, cut as a cols x planned_rows one."""
    return _table(label, phase, _segments(_cut(cols, planned_rows, elem, limit), cols, rows, elem))


# -- the tables, phase by phase ----------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What the table formulas read: field sizes, trace shape, schedule."""

    B: int  # base element bytes
    d: int  # extension degree
    w: int
    n: int
    params: BasefoldParams
    limit: int  # bytes of one storage binding (segment limit)

    @property
    def ef(self) -> int:
        return self.B * self.d

    @property
    def sched(self):
        return schedule(self.n, self.params)


def _merkle(s: _Shape, phase: str, log_rows: int, width: int, entry: int, log_leaf: int) -> list[PlannedTable]:
    """merkle.gpu.commit: the tree, and the leaf sponge states of very wide leaves."""
    leaves = 1 << (log_rows - log_leaf)
    out = [_t("merkle-tree", phase, (2 * leaves - 1) * DIGEST_BYTES)]
    if -(-(width * entry << log_leaf) // 8) > MERKLE_PERMS:
        out.append(_t("merkle-leaf-states", phase, leaves * 128))
    return out


def _setup(s: _Shape, total: int, slots: int, index_blocks: int) -> list[PlannedTable]:
    """prover._record (the trace streamed into a device table, gpu/upload.py) and
    transcript.gpu.GpuTranscript, before the first phase."""
    q = s.params.queries
    return [
        _split("trace", "setup", s.w, 1 << s.n, s.B, s.limit),
        _t("proof", "setup", total + TIMESTAMP_BYTES),
        _t("items", "setup", total),
        _t("transcript-state", "setup", TRANSCRIPT_STATE_BYTES),
        _t("challenges", "setup", max(1, slots) * s.ef),
        _t("transcript-aux", "setup", 4 * max(4, q * index_blocks + 1)),
    ]


def _commit(s: _Shape) -> list[PlannedTable]:
    """pcs.basefold.gpu.record_commit: codeword 0 (a device table), the
    coefficients (one buffer per column group of codeword 0, ``_coefficients``)
    and the tree."""
    sc, N = s.sched, 1 << s.n
    cw = _cut(s.w, 1 << sc.log_len(0), s.B, s.limit)
    return [
        _table("coefficients", "commit", _segments(_Cut(cw.cps), s.w, N, s.B)),
        _table("codeword0", "commit", _segments(cw, s.w, 1 << sc.log_len(0), s.B)),
        *_merkle(s, "commit", sc.log_len(0), s.w, 1, sc.steps[0]),
    ]


def _zerocheck(s: _Shape, nper: int, period: int, npub_consts: int, ncons: int, program: int) -> list[PlannedTable]:
    """sumcheck.gpu.ZerocheckGpu: eq table and ping-pong state (device tables, the
    second cut as the first: ``plan_layout``), periodic tables, scalars."""
    N, ef, ntab = 1 << s.n, s.ef, 2 * s.w + 1
    out = [
        _split("zc-eq", "zerocheck", 1, N, ef, s.limit),
        _split("zc-state-a", "zerocheck", ntab, max(N // 2, 1), ef, s.limit),
        _split_as("zc-state-b", "zerocheck", ntab, max(N // 4, 1), max(N // 2, 1), ef, s.limit),
        _t("zc-per-a", "zerocheck", max(nper, 1) * period * ef),
        _t("zc-per-b", "zerocheck", max(nper, 1) * max(period // 2, 1) * ef),
        _t("zc-pubc", "zerocheck", npub_consts * s.B),
        _t("zc-aux", "zerocheck", (2 + ncons) * ef),
        _t("zc-partial", "zerocheck", PARTIALS * ef),
    ]
    if program:
        out.append(_t("zc-program", "zerocheck", program))
    return out


def _open(s: _Shape) -> list[PlannedTable]:
    """pcs.basefold.gpu.record_open: the batch sumcheck's state (device tables,
    ``product_shapes``), then per layer the folded codeword and (all but the
    last) its tree."""
    N, sc = 1 << s.n, s.sched
    out = [
        _split("ps-state-a", "open", 2, N, s.ef, s.limit),
        _split_as("ps-state-b", "open", 2, max(N // 2, 1), N, s.ef, s.limit),
        _t("ps-partial", "open", PARTIALS * 3 * s.ef),
    ]
    for j in range(sc.layers):
        log_out = sc.log_len(j) - sc.steps[j]
        out.append(_t(f"codeword{j + 1}", "open", s.ef << log_out))
        if j + 1 < sc.layers:
            out += _merkle(s, "open", log_out, 1, s.d, sc.steps[j + 1])
    return out


def _powers(s: _Shape, label: str, phase: str, log_count: int, log_e: int) -> list[PlannedTable]:
    """A constant table of 2^log_count powers made on the GPU (ntt/powers.py
    ``build``): the table, its two seed vectors of exponents below 2^log_e
    (``seeds``: O(sqrt N)) and the arena chunk of its own recording; the seeds
    and the chunk are scratch, which the device does not keep."""
    log_b = (log_e + 1) // 2
    c = {"constant": True}
    return [_t(label, phase, s.B << log_count, **c), _t(f"{label}-lo", phase, s.B << log_b, scratch=True, **c),
            _t(f"{label}-hi", phase, s.B << (log_e - log_b), scratch=True, **c),
            PlannedTable("uniform-arena", phase, ARENA_CHUNK, 1, ARENA_CHUNK, scratch=True, **c)]


def _constants(s: _Shape, state_chunks: int, two_adicity: int) -> list[PlannedTable]:
    """Constant tables (gpu.tables) a fresh device builds during its first proof."""
    sc, n, R, B = s.sched, s.n, s.params.log_blowup, s.B
    twiddle_log = min(max(n, MIN_TWIDDLE_LOG), two_adicity)  # ntt.gpu._tables
    a = (n + 1) // 2
    h = sc.log_len(0) - 1  # H has 2^h entries, made in the fold kernels from 2^hb + 2^(h-hb) seeds
    hb = (h + 1) // 2
    c = {"constant": True}
    holders = {"setup": ["transcript-src", "transcript-proof"], "commit": ["merkle-gl", "merkle-idx", "merkle-fe"],
               "open": ["basefold-ext", "basefold-base"], "queries": ["merkle-tree", "merkle-mat"]}
    out = [_t("HEMERA_RC", "setup", HEMERA_RC_BYTES, **c)]
    out += [_t(f"placeholder-{h}", p, PLACEHOLDER_BYTES, **c) for p, hs in holders.items() for h in hs]
    out += [_t(f"placeholder-zc-rw-{k}", "zerocheck", s.ef, **c) for k in range(1, state_chunks)]
    for label in ("ntt-tw", "ntt-itw"):  # ntt.gpu._stage_table
        out += _powers(s, label, "commit", twiddle_log, max(twiddle_log - 1, 0))
    out += [
        _t("ntt-consts", "commit", 64 * B, **c),
        _t("ntt-lde-scale", "commit", B * ((1 << a) + (1 << (n - a))) << R, **c),
        _t("basefold-h", "open", B * ((1 << hb) + (1 << (h - hb))), **c),  # pcs.basefold.gpu._build_h: seeds only
        _t("basefold-final-consts", "open", 4 * B, **c),
    ]
    return out


def _ntt_dispatches(s: _Shape, log_len: int, cols: int) -> int:
    """At most this many dispatches per NTT-family transform: passes of at least 4
    stages each (ntt.gpu.plan, tiles of 2^9 or more) per column group, groups
    that fit one binding and 2^31 elements (ntt.gpu._chunks), or segments."""
    per = max(1, min(s.limit // (s.B << log_len), (1 << 31) >> log_len))
    groups = max(-(-cols // per), _split("", "", cols, 1 << log_len, s.B, s.limit).buffers)
    return (-(-s.n // 4) + 1) * groups


def _merkle_dispatches(log_rows: int, width: int, entry: int, log_leaf: int) -> int:
    blocks = -(-(width * entry << log_leaf) // 8)
    return -(-blocks // MERKLE_PERMS) + log_rows - log_leaf


def _arena(s: _Shape, state_chunks: int, periodic: bool, slack: int = 16) -> list[PlannedTable]:
    """Uniform arena chunks per recording segment (commit | zerocheck | open), from an
    upper bound on that segment's dispatches (each takes one 256-byte slot)."""
    sc, n = s.sched, s.n
    commit = (2 * _ntt_dispatches(s, sc.log_len(0), s.w) + _merkle_dispatches(sc.log_len(0), s.w, 1, sc.steps[0])
              + 2)
    zerocheck = n + 1 + n * (6 + periodic) + state_chunks + 2
    opening = n + 2 + 5 * n + 3 + (25 if s.params.pow_bits else 1) + 1 + 3 * sc.layers
    for j in range(sc.layers - 1):
        log_out = sc.log_len(j) - sc.steps[j]
        opening += 2 + _merkle_dispatches(log_out, 1, s.d, sc.steps[j + 1])
    slots = ARENA_CHUNK // UNIFORM_SLOT
    return [PlannedTable("uniform-arena", phase, ARENA_CHUNK * k, k, ARENA_CHUNK, bound=True)
            for phase, k in (("commit", -(-(commit + slack) // slots)), ("zerocheck", -(-(zerocheck + slack) // slots)),
                             ("open", -(-(opening + slack) // slots)))]


def _air_sizes(field: Field, air, npub: int) -> tuple[int, int, int, int, int]:
    """(periodic columns, period, public inputs + constants, constraints, program
    bytes) of the zerocheck's AIR tables; without an AIR, the smallest."""
    if air is None:
        return 0, 1, max(npub, 1), 1, 0
    from .air.codegen import generate

    gen = generate(air, field)
    program = 0 if gen.program is None else int(np.asarray(gen.program).nbytes)
    return len(air.periodic), air.max_period, len(air.public) + len(gen.constants), len(air.constraints), program


def plan_memory(field: Field, w: int, n: int, degree: int, params: BasefoldParams, *, air=None, npub: int = 0,
                limits: dict | None = None, timestamps: bool = True) -> MemoryPlan:
    """The device memory a GPU proof of a w-column, 2^n-row trace takes, per table and
    phase (module docstring). ``air`` makes the AIR's small tables exact (else
    ``npub`` public inputs and the smallest tables); ``limits`` are the device's
    (``ctx.limits``; default: no binding limit), which cut the device tables
    into segments (§9); ``timestamps``: the device records phase timestamps
    (4 phases, one resolve buffer)."""
    from .proof import Statement
    from .protocol import describe

    limits = limits or {}
    limit = min(int(limits.get("max-storage-buffer-binding-size", 1 << 62)), int(limits.get("max-buffer-size", 1 << 62)))
    s = _Shape(field.base.BYTES, field.ext_degree, w, n, params, max(limit // 16 * 16, 16))  # ctx.segment_limit()
    npub = len(air.public) if air is not None else npub
    st = Statement(field, n, w, degree, bytes(32), np.zeros(npub, np.uint64), params, 0)
    proto = describe(st)
    nper, period, pubc, ncons, program = _air_sizes(field, air, npub)
    zerocheck = _zerocheck(s, nper, period, pubc, ncons, program)
    state_chunks = zerocheck[1].buffers  # zc-state-a's segments
    tables = [
        *_setup(s, proto.total, proto.challenge_slots, len(proto.opening.queries)),
        *_commit(s),
        *zerocheck,
        *_open(s),
        *_arena(s, state_chunks, nper > 0),
        *_constants(s, state_chunks, field.base.TWO_ADICITY),
    ]
    if timestamps:
        tables.append(_t("timestamps", "queries", 8 * 2 * 4))
    return MemoryPlan(field.name, w, n, degree, params, tuple(tables))


# -- refusals ------------------------------------------------------------------------------


def _shape(plan: MemoryPlan) -> str:
    return f"a {plan.w}-column {plan.field} trace of 2^{plan.n} rows"


def check_budget(plan: MemoryPlan, available: int | None, source: str, max_memory: int | None = None) -> None:
    """MemoryError (one line: bytes needed and available) when the plan's peak
    exceeds the device's memory or the ``max_memory`` budget (--max-memory)."""
    if max_memory is not None and (available is None or max_memory < available):
        available, source = max_memory, "the --max-memory budget"
    if available is not None and plan.peak > available:
        raise MemoryError(f"{_shape(plan)} needs {format_bytes(plan.peak)} ({plan.peak:,} bytes) of device memory "
                          f"at its peak ({plan.peak_phase}), over the {format_bytes(available)} ({available:,} bytes) "
                          f"available ({source}); use fewer rows or columns")


def check_bindings(plan: MemoryPlan, limit: int, profile: str = "") -> None:
    """MemoryError when a table that cannot yet span several bindings (not in
    ``SPLIT_TABLES``) exceeds one binding of ``limit`` bytes."""
    over = plan.unsplit_over_binding(limit)
    if over:
        t = max(over, key=lambda t: t.largest)
        raise MemoryError(f"{_shape(plan)} needs a {format_bytes(t.largest)} {t.label} table, over this device's "
                          f"{format_bytes(limit)} storage-binding limit ({profile} profile); use fewer rows or columns")


# -- sizes in text ------------------------------------------------------------------------

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "kb": 10**3, "m": 1 << 20, "mib": 1 << 20, "mb": 10**6,
          "g": 1 << 30, "gib": 1 << 30, "gb": 10**9, "t": 1 << 40, "tib": 1 << 40, "tb": 10**12}


def parse_size(text: str) -> int:
    """Bytes from "8GiB", "512MiB", "1.5GB", "4096" (K/M/G/T and KiB.. are binary,
    kB/MB/GB/TB decimal); ValueError (one line) otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(text))
    unit = m and m.group(2).lower()
    if not m or unit not in _UNITS:
        raise ValueError(f"a memory size is a number with an optional unit (e.g. 8GiB, 512MiB, 4096), "
                         f"got {text!r}")
    value = int(float(m.group(1)) * _UNITS[unit])
    if value <= 0:
        raise ValueError(f"a memory size must be positive, got {text!r}")
    return value


def format_bytes(n: int) -> str:
    """1.50 GiB style, for messages and the printed plan."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n} B"
