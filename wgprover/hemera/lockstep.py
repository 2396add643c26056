"""K hemera permutations per GPU thread in lockstep (docs/PROTOCOL.md H.9).

The 16 partial rounds each invert lane 0 (x^(p-2), ~72 multiplications): with
one permutation per thread that is ~60 % of the arithmetic. A thread that runs
K independent permutations side by side inverts their K lane-0 values with ONE
inversion per partial round (Montgomery's trick: 3 (K - 1) multiplications plus
one inversion). A zero stays zero: it is replaced by 1 in the product and its
result selected back to 0, exactly as x^(p-2) maps 0 to 0.

WGSL function-scope arrays cannot be sized by an ``override``, so K is a
code-generation parameter: :func:`source` emits ``HEMERA_K``, the
``HemeraLanes`` state type and ``hemera_permute_lanes`` / ``hemera_inv_lanes``
with every lane access at a constant index (the states stay in registers; no
loops beyond the round loops, see H.9 on llvmpipe's loop cap). The kernels of
hemera_batch.wgsl, hemera_tree.wgsl and merkle.wgsl are written against these
names. NumPy twin: reference.permute / reference.inverse (lockstep changes the
schedule, never a value).

K comes from WGPROVER_HEMERA_LANES (default :data:`DEFAULT_LANES`); the best K
is a register-pressure trade-off measured on the GPU (bench/hemera.py --lanes).
"""

from __future__ import annotations

import functools
import os

from wgprover.gpu.errors import InputError

LANES_CHOICES = (1, 2, 4)
# K per field path, measured on the H200 (docs/BENCHMARKS.md "Lockstep lanes K"):
# on the portable path K = 2 commits power 16 x 2^20 in 78 instead of 103 ms;
# with shader-int64, K = 2 is slower (55 against 43 ms), so int64 keeps K = 1.
DEFAULT_LANES = {"int64": 1, "portable": 2}
ENV = "WGPROVER_HEMERA_LANES"


def lanes(path: str = "portable") -> int:
    """K from WGPROVER_HEMERA_LANES (read at every call, so a benchmark may
    switch it between proofs), else the default for the field ``path``
    ("int64" or "portable", ``ctx.field_path``)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_LANES[path]
    if raw not in {str(k) for k in LANES_CHOICES}:  # bad input: one line, exit 2 (README)
        raise InputError(f"{ENV}={raw!r}: must be one of {', '.join(map(str, LANES_CHOICES))}")
    return int(raw)


def check(k: int) -> int:
    if k not in LANES_CHOICES:
        raise ValueError(f"hemera lanes must be one of {LANES_CHOICES}, got {k}")
    return k


def _each(k: int, line: str) -> list[str]:
    return [line.format(i=i) for i in range(k)]


def _inv_lanes(k: int) -> list[str]:
    """Montgomery batch inversion of K values (0 -> 0)."""
    if k == 1:
        return ["fn hemera_inv_lanes(x: array<Gl, 1>) -> array<Gl, 1> {",
                "    return array<Gl, 1>(hemera_inv(x[0]));", "}"]
    body = ["fn hemera_inv_lanes(x: array<Gl, HEMERA_K>) -> array<Gl, HEMERA_K> {"]
    body += _each(k, "    let z{i} = select(x[{i}], gl_one(), gl_is_zero(x[{i}]));")
    body.append("    let a0 = z0;")
    body += [f"    let a{i} = gl_mul(a{i - 1}, z{i});" for i in range(1, k)]
    body.append(f"    var v = hemera_inv(a{k - 1});")  # (z0 ... z_{K-1})^-1
    for i in range(k - 1, 0, -1):
        body.append(f"    let i{i} = gl_mul(v, a{i - 1});")
        body.append(f"    v = gl_mul(v, z{i});")
    body.append("    let i0 = v;")
    outs = ", ".join(f"select(i{i}, gl_zero(), gl_is_zero(x[{i}]))" for i in range(k))
    body += [f"    return array<Gl, HEMERA_K>({outs});", "}"]
    return body


def _permute_lanes(k: int) -> list[str]:
    """hemera_permute of K states, the round structure of hemera_permute."""
    lanes0 = ", ".join(f"gl_add(s{i}[0], c)" for i in range(k))
    return [
        "fn hemera_permute_lanes(st: ptr<function, HemeraLanes>) {",
        *_each(k, "    var s{i} = (*st)[{i}];"),
        *_each(k, "    hemera_external(&s{i});"),
        "    for (var r = 0u; r < 8u; r = r + 1u) {",
        "        if (r == 4u) {",
        "            for (var p = 0u; p < 16u; p = p + 1u) {",
        "                let c = HEMERA_RC[HEMERA_RC_PARTIAL + p];",
        f"                let y = hemera_inv_lanes(array<Gl, HEMERA_K>({lanes0}));",
        *_each(k, "                s{i}[0] = y[{i}];"),
        *_each(k, "                hemera_internal(&s{i});"),
        "            }",
        "        }",
        "        let rc = select(16u * r, HEMERA_RC_TERMINAL + 16u * (r - 4u), r >= 4u);",
        *_each(k, "        hemera_full_round(&s{i}, rc);"),
        "    }",
        *_each(k, "    (*st)[{i}] = s{i};"),
        "}",
    ]


@functools.lru_cache(maxsize=None)
def source(k: int) -> str:
    """The generated WGSL for K lanes (composed before hemera_permutation.wgsl);
    built once per K (the kernels ask for it at every dispatch: 16-31 us a build)."""
    check(k)
    head = [f"// hemera lockstep, K = {k} (wgprover/hemera/lockstep.py)",
            f"const HEMERA_K: u32 = {k}u;", "alias HemeraLanes = array<array<Gl, 16>, HEMERA_K>;",
            "// Threads of a kernel over n items: thread t takes items t + k T, T = ceil(n / K).",
            "fn hemera_lane_stride(n: u32) -> u32 { return (n + HEMERA_K - 1u) / HEMERA_K; }"]
    return "\n".join(head + _inv_lanes(k) + _permute_lanes(k)) + "\n"
