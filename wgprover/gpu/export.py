"""Export the composed shaders of a proof (``wgprove shaders``; docs/ARCHITECTURE.md §8).

Every kernel that proving an AIR compiles is captured at ``build_kernel``
(:func:`wgprover.gpu.kernel.capture`) while proofs of several sizes are
recorded against a device that runs nothing (:mod:`wgprover.gpu.dryrun`, with
the real device's profile, limits and field path), then completed with the
variants whose override constants or generated code depend on sizes too
large to record (NTT tiles, zerocheck binding layouts).
The result is one ``.wgsl`` file per composed module and an ``index.json``
with, for each pipeline, its entry point, override constants, explicit
bind-group layouts and the kernel's name in the project: what a port to
another WebGPU runtime (a browser, Dawn) needs to rebuild every pipeline.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .dryrun import dry_twin
from .kernel import KernelSpec, capture

FORMAT = "wgprover-shaders-1"
INDEX = "index.json"


def _capture_params():
    # one query, one grinding bit: fast on a CPU adapter; fold 1 gives several
    # Basefold layers, so the later-layer kernels run too
    from ..pcs.basefold.config import BasefoldParams

    return BasefoldParams(log_blowup=1, fold=1, queries=1, pow_bits=1, final_log=1)


CAPTURE_SIZES = 8  # trace sizes recorded, from the smallest the AIR allows


def _proofs(ctx, field, air) -> None:
    """Record proofs of an all-zero trace (no constraint check) at the smallest
    sizes the AIR allows: the bytes do not matter, only the kernels compiled."""
    from ..prover import prove_gpu

    n0 = max(1, air.max_period.bit_length() - 1)
    public = {name: 0 for name in air.public}
    for n in range(n0, n0 + CAPTURE_SIZES):
        trace = np.zeros((air.width, 1 << n), dtype=field.dtype)
        prove_gpu(ctx, field, air, trace, public, _capture_params(), check=False, timestamps=False)


def _size_variants(ctx, field, air, seen: list[KernelSpec]) -> None:
    """Build, inside the capture, the variants of captured kernels that other
    trace sizes select: every NTT tile size, and the sumcheck kernels of every
    table split (docs/ARCHITECTURE.md §9)."""
    from ..ntt.gpu import tile_kernels
    from ..pcs.basefold.gpu import commit_kernel_variants
    from ..sumcheck.gpu import kernel_variants

    for n in range(1, field.base.TWO_ADICITY + 1):
        try:
            kernel_variants(ctx, field, air, n)
            commit_kernel_variants(ctx, field, air.width, n)
        except MemoryError:  # this size does not fit the device at all
            continue
    for files, entry in {(s.files, s.entry) for s in seen if "TILE" in dict(s.constants)}:
        tile_kernels(ctx, field, list(files), entry)


def proof_kernels(ctx, field, air) -> list[KernelSpec]:
    """Every distinct kernel (module, entry, constants) proving ``air`` over
    ``field`` compiles on ``ctx``, at any trace size, sorted by name.  On a
    ``dry_twin`` this takes milliseconds; on a real device the proofs run."""
    with capture() as sink:
        _proofs(ctx, field, air)
        _size_variants(ctx, field, air, list(sink))
    unique = {s.key: s for s in sink}
    return sorted(unique.values(), key=lambda s: (s.name, s.constants, s.key))


def module_file(spec: KernelSpec, air_name: str) -> str:
    """The file name of a composed module: its kernel file, the AIR for generated
    code, and the start of the source's SHA-256 (entries share a module)."""
    tag = f"-{air_name}" if spec.generated else ""
    return f"{spec.files[-1]}{tag}-{hashlib.sha256(spec.source.encode()).hexdigest()[:12]}.wgsl"


def _pipeline(spec: KernelSpec, module: str) -> dict:
    return {
        "kernel": spec.name,
        "module": module,
        "entry_point": spec.entry,
        "constants": dict(spec.constants),
        "bind_group_layouts": [list(group) for group in spec.layouts],
    }


def _shared_tables(ctx) -> list[dict]:
    """Constant tables the runtime binds in groups >= 1 (ARCHITECTURE.md §4)."""
    return [{"group": g, "binding": b, "label": buf.label, "bytes": buf.size}
            for (g, b), buf in sorted(ctx.shared.items(), key=lambda kv: kv[0])]


def index(ctx, field, air, specs: list[KernelSpec]) -> tuple[dict, dict[str, str]]:
    """The index.json content and the module files {name: WGSL source}."""
    modules: dict[str, str] = {}
    entries: dict[str, dict] = {}
    pipelines = []
    for spec in specs:
        name = module_file(spec, air.name)
        modules[name] = spec.source
        entries[name] = {"files": list(spec.head + spec.files), "generated_from_air": air.name if spec.generated else None}
        pipelines.append(_pipeline(spec, name))
    doc = {
        "format": FORMAT,
        "field": field.name,
        "field_path": ctx.field_path,
        "profile": ctx.profile,
        "air": air.name,
        "adapter": ctx.adapter_summary,
        "limits": {k: int(v) for k, v in sorted(ctx.limits.items())},
        "shared_tables": _shared_tables(ctx),
        "modules": dict(sorted(entries.items())),
        "pipelines": pipelines,
    }
    return doc, modules


def export_shaders(ctx, field, air, out_dir: str | Path) -> dict:
    """Write every composed module proving ``air`` compiles, one ``.wgsl`` file
    each, and ``index.json`` into ``out_dir`` (created); returns the index."""
    dry = dry_twin(ctx)
    doc, modules = index(dry, field, air, proof_kernels(dry, field, air))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (out / name).write_text(source)
    (out / INDEX).write_text(json.dumps(doc, indent=1) + "\n")
    return doc
