"""Built-in example AIRs with trace generators (used by tests, benches and ``wgprove example``).

Each example function returns an :class:`Example`: the :class:`Air` and a
generator ``generate(field, n, rng=None) -> (trace, public)`` producing a valid
column-major trace of shape ``(w, 2^n)`` and its public inputs.  With ``rng``
the free initial values are random, otherwise fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import chains
from .language import Air

Generator = Callable[..., "tuple[np.ndarray, dict[str, int]]"]


@dataclass(frozen=True)
class Example:
    air: Air
    generate: Generator  # (field, n, rng=None) -> (trace (w, 2^n), public dict)


def _rand(field, rng: np.random.Generator | None, default: int) -> int:
    return default if rng is None else int(field.base.random(rng, ()))


# --------------------------------------------------------------------------- fibonacci


FIBONACCI_TOML = """\
name = "fibonacci"
columns = ["a", "b"]
public = ["a0", "b0", "out"]
constraints = [
  { transition = "next.a - b" },
  { transition = "next.b - (a + b)" },
  { first = "a - pub.a0" },
  { first = "b - pub.b0" },
  { last = "b - pub.out" },
]
"""


def _fib_generate(field, n: int, rng: np.random.Generator | None = None):
    F = field.base
    N = 1 << n
    a0, b0 = _rand(field, rng, 1), _rand(field, rng, 1)
    a = np.zeros(N, dtype=field.dtype)
    b = np.zeros(N, dtype=field.dtype)
    a[0], b[0] = a0, b0
    # M^L = [[F(L-1), F(L)], [F(L), F(L+1)]] for the current block length L; rows [L, 2L)
    # of b are row 2 of M^L times rows [0, L); a is b one row later (a' = b), no products
    fl, fl1 = 1, 1  # F(L), F(L+1) (Fibonacci numbers mod p), L = 1
    L = 1
    p = field.p
    while L < N:
        b[L : 2 * L] = F.add(F.mul(a[:L], fl), F.mul(b[:L], fl1))
        a[L : 2 * L] = b[L - 1 : 2 * L - 1]
        fl, fl1 = fl * (2 * fl1 - fl) % p, (fl * fl + fl1 * fl1) % p  # F(2L), F(2L+1)
        L *= 2
    return np.stack([a, b]), {"a0": a0, "b0": b0, "out": int(b[-1])}


def fibonacci() -> Example:
    """w = 2: (a, b) -> (b, a + b); boundary a0, b0 on the first row, out on the last."""
    return Example(Air.from_toml(FIBONACCI_TOML), _fib_generate)


# --------------------------------------------------------------------------- power map


def _round_constant(i: int, k: int) -> int:
    return ((i * 8 + k + 1) * 0x9E3779B1) % (1 << 30)


def power(width: int = 16, period: int = 8, exponent: int = 7) -> Example:
    """Degree-``exponent`` power map: next.x_i = x_i^e + c_i with periodic round constants c_i."""
    cols = [f"x{i}" for i in range(width)]
    cons = [{"transition": f"next.x{i} - (x{i}^{exponent} + c{i})"} for i in range(width)]
    cons.append({"first": "x0 - pub.seed"})
    cons.append({"last": "x0 - pub.out"})
    periodic = {f"c{i}": [_round_constant(i, k) for k in range(period)] for i in range(width)}
    air = Air.from_dict(
        {"name": f"power{exponent}x{width}", "columns": cols, "public": ["seed", "out"], "periodic": periodic, "constraints": cons}
    )

    def generate(field, n: int, rng: np.random.Generator | None = None):
        air.check_rows(n)
        x0 = [_rand(field, rng, i + 2) for i in range(width)]
        trace = chains.power_columns(field.p, x0, exponent, air.periodic_values, 1 << n, field.dtype)
        return trace, {"seed": int(trace[0, 0]), "out": int(trace[0, -1])}

    return Example(air, generate)


# --------------------------------------------------------------------------- boolean columns


def boolean(bits: int = 4) -> Example:
    """Boolean columns b_i (checked on every row) and a running weighted sum ``acc``."""
    cols = [f"b{i}" for i in range(bits)] + ["acc"]
    weighted = " + ".join(f"{1 << i} * b{i}" for i in range(bits))
    cons = [{"transition": f"b{i} * (b{i} - 1)"} for i in range(bits)]
    cons += [{"last": f"b{i}^2 - b{i}", "name": f"bool_last_{i}"} for i in range(bits)]
    cons += [
        {"transition": f"next.acc - (acc + {weighted})"},
        {"first": "acc"},
        {"last": f"acc + {weighted} - pub.total"},
    ]
    air = Air.from_dict({"name": f"boolean{bits}", "columns": cols, "public": ["total"], "constraints": cons})

    def generate(field, n: int, rng: np.random.Generator | None = None):
        N = 1 << n
        if rng is None:
            b = ((np.arange(N)[None, :] >> np.arange(bits)[:, None]) & 1).astype(np.uint64)
        else:
            b = rng.integers(0, 2, size=(bits, N), dtype=np.uint64)
        w = (b * (np.uint64(1) << np.arange(bits, dtype=np.uint64))[:, None]).sum(axis=0)
        acc = np.concatenate([[0], np.cumsum(w)[:-1]]).astype(np.uint64)
        total = int(acc[-1] + w[-1]) % field.p
        trace = np.concatenate([b, acc[None] % np.uint64(field.p)]).astype(field.dtype)
        return trace, {"total": total}

    return Example(air, generate)


# --------------------------------------------------------------------------- periodic constants


PERIODIC_TOML = """\
name = "periodic"
columns = ["a", "b"]
public = ["a0", "b0"]
constraints = [
  { transition = "next.a - (a * k + b)" },
  { transition = "next.b - (b + m * a^2 - 3)" },
  { first = "a - pub.a0" },
  { first = "b - pub.b0" },
  { last = "m * (a - b)", name = "m_is_zero_on_last_row" },
]

[periodic]
k = [1, 2, 3, -1]
m = [5, 0]
"""


def _periodic_generate(field, n: int, rng: np.random.Generator | None = None):
    air = Air.from_toml(PERIODIC_TOML)
    air.check_rows(n)
    k, m = air.periodic_values
    a, b = _rand(field, rng, 3), _rand(field, rng, 4)
    trace = chains.periodic_columns(field.p, a, b, k, m, 1 << n, field.dtype)  # sequential: compiled loop
    return trace, {"a0": int(trace[0, 0]), "b0": int(trace[1, 0])}


def periodic() -> Example:
    """Two columns driven by periodic constants k (period 4) and m (period 2)."""
    return Example(Air.from_toml(PERIODIC_TOML), _periodic_generate)


def _hemera_permutation(**options) -> Example:
    from .hemera_air import hemera_permutation  # imports this module (Example): load on use

    return hemera_permutation(**options)


def _hemera_wide(**options) -> Example:
    from .hemera_wide import hemera_wide

    return hemera_wide(**options)


def _hemera_sponge(**options) -> Example:
    from .hemera_modes import hemera_sponge

    return hemera_sponge(**options)


EXAMPLES: dict[str, Callable[..., Example]] = {
    "fibonacci": fibonacci,
    "power": power,
    "boolean": boolean,
    "periodic": periodic,
    "hemera": _hemera_permutation,
    "hemera-wide": _hemera_wide,  # one permutation per row (docs/AIR.md §9.1)
    "hemera-sponge": _hemera_sponge,
}


def get_example(name: str, **options) -> Example:
    """Example by name (see EXAMPLES); ``options`` go to its factory (hemera-sponge: length)."""
    try:
        factory = EXAMPLES[name]
    except KeyError:
        raise ValueError(f"unknown example AIR {name!r} (expected one of: {', '.join(EXAMPLES)})") from None
    return factory(**options)


DEFAULT_LOG_ROWS = 10
MAX_LOG_ROWS = 26  # the CLI's --log-rows range (docs/AIR.md §7)


def example_shape(name: str, log_rows: int | None = None, count: int | None = None,
                  length: int | None = None) -> tuple[Example, int]:
    """(example, n) for ``wgprove example``: 2^n rows from --log-rows, or from the
    permutation count (hemera: 2^n = 16 count) or the message length (hemera-sponge,
    whose AIR depends on it). ValueError, with the option's name, on a bad value."""
    if count is not None and name != "hemera":
        raise ValueError("--count applies to the hemera example only")
    if length is not None and name != "hemera-sponge":
        raise ValueError("--length applies to the hemera-sponge example only")
    if name == "hemera" and count is not None:
        from .hemera_air import log_rows_for_count

        if count < 1 or count & (count - 1):
            raise ValueError(f"--count must be a power of two >= 1, got {count}")
        n = log_rows_for_count(count)
        _same_rows(log_rows, n, f"--count {count}")
        return _bounded(get_example(name), n, f"--count {count}")
    if name == "hemera-sponge":
        from .hemera_modes import SpongeShape

        length = 61 if length is None else length
        if length < 0:
            raise ValueError(f"--length must be >= 0, got {length}")
        n = SpongeShape(length).log_rows
        _same_rows(log_rows, n, f"--length {length}")
        _bounded(None, n, f"--length {length}")  # before building an AIR with selectors of 2^n rows
        return get_example(name, length=length), n
    n = DEFAULT_LOG_ROWS if log_rows is None else log_rows
    if name == "hemera":
        from .hemera_air import count_for_rows

        count_for_rows(n)  # at least one permutation block
    return get_example(name), n


def _same_rows(log_rows: int | None, n: int, what: str) -> None:
    if log_rows is not None and log_rows != n:
        raise ValueError(f"{what} fixes the trace at 2^{n} rows; drop --log-rows {log_rows} or make it {n}")


def _bounded(ex: Example | None, n: int, what: str):
    if n > MAX_LOG_ROWS:
        raise ValueError(f"{what} needs 2^{n} rows, more than the 2^{MAX_LOG_ROWS} an example may have")
    return ex, n


# --------------------------------------------------------------------------- random AIRs (property tests)


def _random_expr(rng: np.random.Generator, names: list[str], depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        k = rng.integers(0, 4)
        if k == 0:
            c = int(rng.choice([0, 1, 2, 7, 2**31, 2**32 - 1, 2**32, 2**64 - 2**32, 2**64 + 5, 12345678901234567]))
            return str(c)
        return str(rng.choice(names))
    op = rng.integers(0, 6)
    a = _random_expr(rng, names, depth - 1)
    if op == 0:
        return f"({a}) + ({_random_expr(rng, names, depth - 1)})"
    if op == 1:
        return f"({a}) - ({_random_expr(rng, names, depth - 1)})"
    if op == 2:
        return f"({a}) * ({_random_expr(rng, names, depth - 1)})"
    if op == 3:
        return f"-({a})"
    return f"({a})^{int(rng.integers(0, 4))}"


def random_air(rng: np.random.Generator, width: int = 3, n_constraints: int = 6, max_degree: int = 6) -> Air:
    """A random well-formed AIR mixing every language feature (for GPU == NumPy property tests)."""
    cols = [f"c{i}" for i in range(width)]
    per = {"k": [int(v) for v in rng.integers(0, 2**40, size=4)], "s": [1, -1]}
    pub = ["u", "v"]
    names = cols + [f"next.{c}" for c in cols] + ["k", "s", "pub.u", "v"]
    cons: list[dict] = []
    sels = ["transition", "first", "last"]
    while len(cons) < n_constraints:
        text = _random_expr(rng, names, int(rng.integers(1, 4)))
        try:
            Air.from_dict({"columns": cols, "periodic": per, "public": pub, "max_degree": max_degree,
                           "constraints": [{"first": text}]})
        except ValueError:
            continue  # degree too high: draw again
        cons.append({sels[len(cons) % 3]: text})
    return Air.from_dict({"name": "random", "columns": cols, "periodic": per, "public": pub,
                          "max_degree": max_degree, "constraints": cons})
