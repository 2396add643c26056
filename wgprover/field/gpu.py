"""GPU wrappers of the field kernels (shaders/field_ops.wgsl, ext_ops.wgsl,
batch_inv.wgsl); their NumPy twins are the functions of the same name in the
field modules."""

from __future__ import annotations

import numpy as np

from ..gpu.recorder import u32s
from . import Field

OPS = {"add": 0, "sub": 1, "mul": 2, "sqr": 3, "neg": 4, "inv": 5, "pow": 6, "double": 7, "from_u32": 8, "mul_prepared": 9}
EXT_OPS = {"add": 0, "sub": 1, "mul": 2, "sqr": 3, "neg": 4, "inv": 5, "mul_base": 6}
WG = 64


def _run(ctx, kernel, arrays, out_shape, dtype, params) -> np.ndarray:
    n_bytes = int(np.prod(out_shape)) * np.dtype(dtype).itemsize
    bufs = [ctx.upload(np.ascontiguousarray(a)) for a in arrays]
    out = ctx.buffer(n_bytes, label="out")
    rec = ctx.recorder()
    n = params[0]
    rec.dispatch(kernel, bufs + [out, u32s(*params)], (n + WG - 1) // WG)
    rec.submit()
    return ctx.read(out, dtype, int(np.prod(out_shape))).reshape(out_shape)


def field_op(ctx, field: Field, op: str, a: np.ndarray, b: np.ndarray | None = None, e: int = 0) -> np.ndarray:
    """Apply a base-field op element-wise on the GPU."""
    a = np.ascontiguousarray(a, dtype=field.dtype).reshape(-1)
    b = a if b is None else np.ascontiguousarray(b, dtype=field.dtype).reshape(-1)
    k = ctx.kernel(field, ["field_ops"], "field_ops", {"WG": WG})
    return _run(ctx, k, [a, b], a.shape, field.dtype, [a.size, OPS[op], e, 0])


def ext_op(ctx, field: Field, op: str, a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Apply an extension-field op element-wise on the GPU (arrays of shape (n, d))."""
    d = field.ext_degree
    a = np.ascontiguousarray(a, dtype=field.dtype).reshape(-1, d)
    b = a if b is None else np.ascontiguousarray(b, dtype=field.dtype).reshape(-1, d)
    k = ctx.kernel(field, ["ext_ops"], "ext_ops", {"WG": WG})
    return _run(ctx, k, [a, b], a.shape, field.dtype, [a.shape[0], EXT_OPS[op], 0, 0])


def batch_inv(ctx, field: Field, a: np.ndarray, chunk: int = 16) -> np.ndarray:
    """Batch inversion (Montgomery's trick per chunk of ``chunk`` elements)."""
    a = np.ascontiguousarray(a, dtype=field.dtype).reshape(-1)
    k = ctx.kernel(field, ["batch_inv"], "batch_inv", {"WG": WG})
    buf = ctx.upload(a)
    out = ctx.buffer(a.nbytes, label="inv")
    threads = (a.size + chunk - 1) // chunk
    rec = ctx.recorder()
    rec.dispatch(k, [buf, out, u32s(a.size, chunk)], (threads + WG - 1) // WG)
    rec.submit()
    return ctx.read(out, field.dtype, a.size)


def record_mul_chain(rec, field: Field, a_buf, b_buf, out_buf, n: int, reps: int) -> None:
    """Record ``reps`` chained multiplications on n elements (benchmark kernel)."""
    k = rec.ctx.kernel(field, ["field_ops"], "field_mul_chain", {"WG": WG})
    rec.dispatch(k, [a_buf, b_buf, out_buf, u32s(n, 0, 0, reps)], (n + WG - 1) // WG)
