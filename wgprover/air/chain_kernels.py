"""numba kernels of the sequential example recurrences (wgprover/air/chains.py
holds their definitions in Python integers and decides when to use these)."""

from __future__ import annotations

from ..field.compiled import AVAILABLE, add_mod, jit, mul_mod, pow_mod

__all__ = ["AVAILABLE", "periodic_kernel", "power_kernel"]


@jit()
def power_kernel(x0, consts, e, p, out):
    w, n = out.shape
    period = consts.shape[1]
    for i in range(w):
        x = x0[i]
        for r in range(n):
            out[i, r] = x
            x = add_mod(pow_mod(x, e, p), consts[i, r % period], p)


@jit()
def periodic_kernel(a, b, k, m, p, minus3, out):
    n = out.shape[1]
    for r in range(n):
        out[0, r] = a
        out[1, r] = b
        a, b = (add_mod(mul_mod(a, k[r % k.shape[0]], p), b, p),
                add_mod(add_mod(b, mul_mod(m[r % m.shape[0]], mul_mod(a, a, p), p), p), minus3, p))
