"""hemera on the GPU: batched permutation, byte sponge, tree mode (streaming).

WGSL: shaders/hemera_permutation.wgsl (the permutation, constants at
@group(1) @binding(0)), hemera_field.wgsl (field-native helpers),
hemera_batch.wgsl, hemera_sponge.wgsl, hemera_tree.wgsl.
NumPy twins: the functions of the same name in ``reference.py``.

``record_*`` functions only record into a :class:`~wgprover.gpu.recorder.Recorder`;
the others upload, submit and read back (one host sync each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import params as hp
from . import reference as ref

WG = 64
PERM_FILES = ["hemera_permutation", "hemera_field"]


# ---------------------------------------------------------------------------
# constants and kernels
# ---------------------------------------------------------------------------

def tables(ctx):
    """Upload the hemera constant table once per device and register it at
    @group(1) @binding(0) (``HEMERA_RC``); returns the buffer."""
    buf = ctx.cache.get("hemera_rc")
    if buf is None:
        buf = ctx.upload(hp.gpu_table(), label="HEMERA_RC")
        ctx.cache["hemera_rc"] = buf
        ctx.register_shared(1, 0, buf)
    return buf


def kernel(ctx, file: str, entry: str, field=None, wg: int = WG):
    """A hemera kernel (constants registered on first use)."""
    tables(ctx)
    return ctx.kernel(field, PERM_FILES + [file], entry, {"WG": wg})


def _groups(n: int, wg: int = WG) -> int:
    return (int(n) + wg - 1) // wg


def _u32(*vals) -> np.ndarray:
    v = list(vals) + [0] * (-len(vals) % 4)
    return np.array(v, dtype=np.uint32)


def _lohi(x: int) -> tuple[int, int]:
    return int(x) & 0xFFFF_FFFF, (int(x) >> 32) & 0xFFFF_FFFF


# ---------------------------------------------------------------------------
# batched permutation
# ---------------------------------------------------------------------------

def record_permute(rec, in_buf, out_buf, n: int, reps: int = 1) -> None:
    """Record ``reps`` permutations of n states (16 Goldilocks each) in_buf -> out_buf."""
    k = kernel(rec.ctx, "hemera_batch", "hemera_permute_batch")
    rec.dispatch(k, [in_buf, out_buf, _u32(n, reps)], _groups(n))


def permute(ctx, states: np.ndarray) -> np.ndarray:
    """GPU twin of reference.permute: states (..., 16) canonical uint64."""
    from wgprover.field import goldilocks as gl

    s = gl.check(np.asarray(states), "hemera state")
    if s.shape[-1:] != (hp.WIDTH,):
        raise ValueError(f"hemera state must have last dimension 16, got shape {s.shape}")
    flat = np.ascontiguousarray(s.reshape(-1, hp.WIDTH))
    n = flat.shape[0]
    if n == 0:
        return s.copy()
    src = ctx.upload(flat, label="hemera-in")
    dst = ctx.buffer(flat.nbytes, label="hemera-out")
    rec = ctx.recorder("hemera-permute")
    record_permute(rec, src, dst, n)
    rec.submit()
    return ctx.read(dst, np.uint64, flat.size).reshape(s.shape)
