"""NumPy reference of the sumcheck engine (twin of wgprover/sumcheck/gpu.py).

Conventions (docs/PROTOCOL.md §5):

* a multilinear polynomial over n variables is its evaluation table on
  {0,1}^n, index x = sum_i x_i 2^i (variable 0 is the lowest bit and is bound
  first);
* binding the lowest variable to r: t'[i] = t[2i] + r * (t[2i+1] - t[2i]);
* a round polynomial of degree D is sent as its values at X = 0, 1, ..., D;
* extension elements are arrays of shape (..., d).

Zerocheck:  sum_x eq(r, x) * C(x) = 0 with
C(x) = sum_j alpha^j sel_j(x) P_j(T(x), N(x), periodic(x), pub), N_k(x) = T_k(x + 1 mod 2^n),
first(x) = prod (1 - x_i), last(x) = prod x_i, transition = 1 - last.
Round polynomials have degree D = air.degree + 1; the claims after n rounds
are T_k(rho), N_k(rho).

Product sumcheck:  sum_y g(y) W(y) with g = sum_k beta^k T_k and
W(y) = eq(rho, y) + gamma * S(rho, y), S(rho, y) = eq(rho, y - 1 mod 2^n);
degree 2; claims g(c), W(c).
"""

from __future__ import annotations

import functools
from typing import Mapping, Sequence

import numpy as np

from ..air.evaluate import combined_ext, periodic_table
from ..air.language import Air
from ..protocol import Reject

# --------------------------------------------------------------------------- multilinear helpers


def field_sum(base, a: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sum of canonical field elements along ``axis`` (exact, vectorised via 32-bit limbs)."""
    a = np.moveaxis(np.asarray(a), axis, 0).astype(np.uint64)
    if a.shape[0] >= 1 << 31:
        raise ValueError("field_sum: too many terms")
    lo = (a & np.uint64(0xFFFFFFFF)).sum(axis=0, dtype=np.uint64)
    hi = (a >> np.uint64(32)).sum(axis=0, dtype=np.uint64)
    tot = (hi.astype(object) * (1 << 32) + lo.astype(object)) % base.P
    return np.asarray(tot, dtype=object).astype(base.DTYPE)


def ext_const(ext, v: int) -> np.ndarray:
    """The integer v (mod p) as an extension element."""
    return ext.from_base(np.array(v % ext.base.P, dtype=ext.dtype))


def fold(ext, table: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Bind the lowest variable: (..., 2m, d) -> (..., m, d), t[2i] + r (t[2i+1] - t[2i])."""
    t0, t1 = table[..., 0::2, :], table[..., 1::2, :]
    return ext.add(t0, ext.mul(ext.sub(t1, t0), r))


def eq_table(ext, r: np.ndarray) -> np.ndarray:
    """eq(r, x) for all x in {0,1}^n, shape (2^n, d); bit i of x pairs with r[i]."""
    t = ext.one()[None, :]
    for ri in np.asarray(r):  # variable i becomes bit i: new[k + b * 2^i] = old[k] * (b ? r_i : 1 - r_i)
        t = np.concatenate([ext.mul(t, ext.sub(ext.one(), ri)), ext.mul(t, ri)])
    return t


def eq_eval(ext, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """eq(a, b) = prod_i (a_i b_i + (1 - a_i)(1 - b_i)) for points a, b of shape (n, d)."""
    return _product(ext, _eq_terms(ext, np.asarray(a), np.asarray(b)))


def _eq_terms(ext, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    one = ext.one()
    return ext.add(ext.mul(a, b), ext.mul(ext.sub(one, a), ext.sub(one, b)))


# The verifier's O(n) formulas work on n-element vectors of E: one vectorised
# call per tree level (log n calls) instead of one NumPy call per variable.

def _product(ext, t: np.ndarray) -> np.ndarray:
    """Product of t (..., m, d) over axis -2 (one for m = 0), by pairwise halving."""
    t = np.asarray(t)
    if t.shape[-2] == 0:
        return np.broadcast_to(ext.one(), t.shape[:-2] + (ext.d,)).copy()
    while t.shape[-2] > 1:
        if t.shape[-2] % 2:
            t = np.concatenate([t, np.broadcast_to(ext.one(), t.shape[:-2] + (1, ext.d))], axis=-2)
        t = ext.mul(t[..., 0::2, :], t[..., 1::2, :])
    return t[..., 0, :]


def _prefix_products(ext, t: np.ndarray) -> np.ndarray:
    """Inclusive prefix products of t (m, d) along axis 0 (Hillis-Steele doubling)."""
    out = np.array(t, copy=True)
    k = 1
    while k < out.shape[0]:
        out[k:] = ext.mul(out[k:], out[:-k])  # right side uses the previous level
        k *= 2
    return out


def _sum(ext, t: np.ndarray) -> np.ndarray:
    """Sum of t (..., m, d) over axis -2, by pairwise halving."""
    t = np.asarray(t)
    if t.shape[-2] == 0:
        return np.zeros(t.shape[:-2] + (ext.d,), dtype=ext.dtype)
    while t.shape[-2] > 1:
        if t.shape[-2] % 2:
            t = np.concatenate([t, np.zeros(t.shape[:-2] + (1, ext.d), dtype=ext.dtype)], axis=-2)
        t = ext.add(t[..., 0::2, :], t[..., 1::2, :])
    return t[..., 0, :]


def mle_eval(ext, table: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Evaluate the multilinear extension of a table (..., 2^n, d) (base tables: (..., 2^n)) at a point (n, d)."""
    t = np.asarray(table)
    if t.shape[-1] != ext.d or t.ndim == 1:
        t = ext.from_base(t)
    for r in np.asarray(point):
        t = fold(ext, t, r)
    return t[..., 0, :]


def successor_table(ext, rho: np.ndarray) -> np.ndarray:
    """S(rho, y) = eq(rho, y - 1 mod 2^n) for all y: the eq table rotated by one, shape (2^n, d)."""
    return np.roll(eq_table(ext, rho), 1, axis=0)


def successor_eval(ext, rho: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Closed form of S(rho, c) in O(n) (the verifier's evaluation, docs/PROTOCOL.md §5.1).

    On booleans S(a, b) = 1 iff b = a + 1 mod 2^n.  With j the position of the
    lowest 0-bit of a: a_i = 1, b_i = 0 below j; a_j = 0, b_j = 1; equal above j.
    S = sum_j prod_{i<j} a_i (1 - b_i) * (1 - a_j) b_j * prod_{i>j} eq(a_i, b_i)
        + prod_i a_i (1 - b_i)   (the wrap 2^n - 1 -> 0).
    """
    a, b = np.asarray(rho), np.asarray(c)
    one = ext.one()
    carry = ext.mul(a, ext.sub(one, b))  # (n, d)
    flip = ext.mul(ext.sub(one, a), b)
    prefix = _prefix_products(ext, carry)  # prefix[j] = prod_{i <= j} carry_i
    suffix = _prefix_products(ext, _eq_terms(ext, a, b)[::-1])[::-1]  # suffix[j] = prod_{i >= j} same_i
    before = np.concatenate([one[None, :], prefix[:-1]])  # prod_{i < j} carry_i
    after = np.concatenate([suffix[1:], one[None, :]])  # prod_{i > j} same_i
    return ext.add(_sum(ext, ext.mul(before, ext.mul(flip, after))), prefix[-1])


def selector_evals(ext, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first(point), last(point)) = (prod (1 - x_i), prod x_i)."""
    x = np.asarray(point)
    both = _product(ext, np.stack([ext.sub(ext.one(), x), x]))
    return both[0], both[1]


def periodic_evals(air: Air, field, point: np.ndarray) -> np.ndarray:
    """MLE of each periodic column (as a 2^n-row table) at a point (n, d): shape (n_periodic, d).

    A column of period 2^m depends only on variables 0..m-1, so this costs O(2^m).
    """
    ext = field.ext
    out = np.zeros((len(air.periodic), ext.d), dtype=field.dtype)
    periods = [len(v) for v in air.periodic_values]
    for size in sorted(set(periods)):  # one evaluation per distinct period
        cols = [j for j, m in enumerate(periods) if m == size]
        v = np.array([[int(x) % field.p for x in air.periodic_values[j]] for j in cols], dtype=field.dtype)
        out[cols] = mle_eval(ext, ext.from_base(v), np.asarray(point)[: size.bit_length() - 1])
    return out


@functools.lru_cache(maxsize=None)
def _lagrange_weights(p: int, D: int) -> tuple[int, ...]:
    """1 / prod_{m != k} (k - m) mod p for the nodes 0..D (Python integers)."""
    out = []
    for k in range(D + 1):
        den = 1
        for m in range(D + 1):
            if m != k:
                den = den * (k - m) % p
        out.append(pow(den, -1, p))
    return tuple(out)


def interpolate_eval(ext, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Evaluate at x the polynomial of degree <= D given by its values at 0, 1, ..., D (shape (D+1, d))."""
    return interpolate_eval_many(ext, np.asarray(values)[None], np.asarray(x)[None])[0]


def interpolate_eval_many(ext, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Batched interpolate_eval: values (B, D+1, d) at points x (B, d) -> (B, d).

    Lagrange form with precomputed node weights; the D+1 numerators
    prod_{m != k} (x - m) are products over rows of a (D+1, D+1) table
    (1 on the diagonal), reduced pairwise: O(log D) vectorised calls for the
    whole batch (the verifier evaluates all sumcheck rounds at once).
    """
    values = np.asarray(values)
    B, D = values.shape[0], values.shape[1] - 1
    nodes = ext.from_base(np.arange(D + 1, dtype=np.uint64).astype(ext.dtype))  # (D+1, d)
    diffs = ext.sub(np.asarray(x)[:, None, :], nodes[None])  # (B, D+1, d): x - m
    table = np.broadcast_to(diffs[:, None], (B, D + 1, D + 1, ext.d)).copy()
    table[:, np.arange(D + 1), np.arange(D + 1)] = ext.one()
    num = _product(ext, table)  # (B, D+1, d): prod over the row
    w = np.array(_lagrange_weights(ext.base.P, D), dtype=np.uint64).astype(ext.dtype)
    terms = ext.mul_base(ext.mul(num, values), w[None, :])  # (B, D+1, d)
    return _sum(ext, terms)


def verify_rounds(ext, claim: np.ndarray, round_polys: Sequence[np.ndarray], challenges: np.ndarray) -> np.ndarray:
    """Check s_i(0) + s_i(1) = claim_i for every round; return the final claim s_{n-1}(c_{n-1}).

    The round polynomials are all evaluated at their challenges in one batch
    (claim_{i+1} = s_i(c_i) does not depend on the checks); raises ValueError
    naming the first inconsistent round.
    """
    polys = np.stack([np.asarray(s) for s in round_polys])  # (n, D+1, d)
    evals = interpolate_eval_many(ext, polys, np.asarray(challenges)[: polys.shape[0]])
    want = np.concatenate([np.asarray(claim)[None], evals[:-1]])
    ok = ext.eq(ext.add(polys[:, 0], polys[:, 1]), want)
    if not np.all(ok):
        raise ValueError(f"sumcheck round {int(np.flatnonzero(~np.asarray(ok))[0])}: s(0) + s(1) != claim")
    return evals[-1]


# --------------------------------------------------------------------------- zerocheck


def _check_round(what: str, set_up: bool, expected: int, round_idx: int) -> None:
    if not set_up:
        raise RuntimeError(f"{what}: call setup first")
    if round_idx != expected:
        raise ValueError(f"{what}: expected round {expected}, got {round_idx}")


def _next_fold(what: str, expected: int, round_idx: int) -> int:
    """The round counter after fold ``round_idx``; folds must come in order."""
    if round_idx != expected:
        raise ValueError(f"{what}: expected fold {expected}, got {round_idx}")
    return expected + 1


def _check_folded(what: str, folds: int, n: int) -> None:
    if folds != n:
        raise RuntimeError(f"{what}: claims need {n} folds, have {folds}")


class ZerocheckReference:
    """Zerocheck prover state; method names mirror :class:`wgprover.sumcheck.gpu.ZerocheckGpu`.

    Usage: ``setup(r, alpha)``, then for i in 0..n-1: ``s = round(i)``,
    ``fold(i, rho_i)``; finally ``claims()`` -> (2w, d) = T_0..T_{w-1}, N_0..N_{w-1} at rho.
    """

    def __init__(self, field, air: Air, n: int, trace: np.ndarray, public: Mapping[str, int] | Sequence[int]) -> None:
        air.check_rows(n)
        trace = field.base.check(np.asarray(trace), "trace")
        if trace.shape != (air.width, 1 << n):
            raise ValueError(f"trace must have shape ({air.width}, {1 << n}), got {trace.shape}")
        self.field, self.air, self.n = field, air, n
        self.public = public
        air.public_values(field, public)  # validate now
        E = field.ext
        N = 1 << n
        first = np.zeros(N, dtype=field.dtype)
        last = np.zeros(N, dtype=field.dtype)
        first[0], last[-1] = 1, 1
        base = np.concatenate([trace, np.roll(trace, -1, axis=1), periodic_table(air, field, n), first[None], last[None]])
        self._tables = E.from_base(base)  # (2w + n_periodic + 2, size, d)
        self._eq: np.ndarray | None = None
        self._alpha: np.ndarray | None = None
        self._round = 0

    @property
    def degree(self) -> int:
        """Degree D of every round polynomial (D + 1 values per round)."""
        return self.air.degree + 1

    def setup(self, r: np.ndarray, alpha: np.ndarray) -> None:
        """Build eq(r, .) from r (n, d) and remember alpha (d,)."""
        r = np.asarray(r)
        if r.shape != (self.n, self.field.ext.d):
            raise ValueError(f"r must have shape ({self.n}, {self.field.ext.d})")
        self._eq = eq_table(self.field.ext, r)
        self._alpha = np.asarray(alpha)

    def _split(self, v: np.ndarray):
        w, npr = self.air.width, len(self.air.periodic)
        return v[:w], v[w : 2 * w], v[2 * w : 2 * w + npr], v[2 * w + npr], v[2 * w + npr + 1]

    def round(self, round_idx: int) -> np.ndarray:
        """Round polynomial values s(0..D), shape (D + 1, d)."""
        _check_round("zerocheck", self._eq is not None, self._round, round_idx)
        E = self.field.ext
        t0, t1 = self._tables[:, 0::2], self._tables[:, 1::2]
        e0, e1 = self._eq[0::2], self._eq[1::2]
        dt, de = E.sub(t1, t0), E.sub(e1, e0)
        out = []
        for X in range(self.degree + 1):
            x = np.array(X, dtype=self.field.dtype)
            v = E.add(t0, E.mul_base(dt, x))
            ev = E.add(e0, E.mul_base(de, x))
            cur, nxt, per, first, last = self._split(v)
            c = combined_ext(self.air, self.field, cur, nxt, per, first, last, self.public, self._alpha)
            out.append(field_sum(self.field.base, E.mul(ev, c), axis=0))
        return np.stack(out)

    def fold(self, round_idx: int, challenge: np.ndarray) -> None:
        """Bind variable ``round_idx`` to ``challenge`` (d,) in every table."""
        self._round = _next_fold("zerocheck", self._round, round_idx)
        self._tables, self._eq = (fold(self.field.ext, t, np.asarray(challenge)) for t in (self._tables, self._eq))

    def claims(self) -> np.ndarray:
        """T_k(rho) then N_k(rho): shape (2w, d); valid after n folds."""
        _check_folded("zerocheck", self._round, self.n)
        return self._tables[: 2 * self.air.width, 0].copy()


def zerocheck_final_value(field, air: Air, public, r: np.ndarray, alpha: np.ndarray, rho: np.ndarray, claims: np.ndarray) -> np.ndarray:
    """eq(r, rho) * C(rho) computed from the claims T_k(rho), N_k(rho) (what the verifier checks)."""
    E = field.ext
    w = air.width
    first, last = selector_evals(E, rho)
    per = periodic_evals(air, field, rho)
    c = combined_ext(air, field, claims[:w], claims[w : 2 * w], per, first, last, public, alpha)
    return E.mul(eq_eval(E, r, rho), c)


def zerocheck(field, air: Air, n: int, trace, public, r, alpha, challenges) -> tuple[np.ndarray, np.ndarray]:
    """Run the whole zerocheck with explicit challenges: (round polys (n, D+1, d), claims (2w, d))."""
    zc = ZerocheckReference(field, air, n, trace, public)
    zc.setup(r, alpha)
    polys = []
    for i in range(n):
        polys.append(zc.round(i))
        zc.fold(i, challenges[i])
    return np.stack(polys), zc.claims()


# --------------------------------------------------------------------------- product sumcheck


class ProductSumcheckReference:
    """Degree-2 sumcheck of sum_y g(y) W(y); mirrors :class:`wgprover.sumcheck.gpu.ProductSumcheckGpu`.

    g = sum_k beta^k T_k (from the base-field trace), W = eq(rho, .) + gamma * S(rho, .).
    """

    degree = 2

    def __init__(self, field, n: int, trace: np.ndarray) -> None:
        trace = field.base.check(np.asarray(trace), "trace")
        if trace.ndim != 2 or trace.shape[1] != 1 << n:
            raise ValueError(f"trace must have shape (w, {1 << n}), got {trace.shape}")
        self.field, self.n, self.trace = field, n, trace
        self._g: np.ndarray | None = None
        self._W: np.ndarray | None = None
        self._round = 0

    def setup(self, beta: np.ndarray, rho: np.ndarray, gamma: np.ndarray) -> None:
        """Build g from beta and W from rho (n, d), gamma."""
        E = self.field.ext
        g = np.zeros((1 << self.n, E.d), dtype=self.field.dtype)
        for col in self.trace[::-1]:  # Horner: g = (((T_{w-1}) beta + T_{w-2}) beta + ...) + T_0
            g = E.add(E.mul(g, beta), E.from_base(col))
        eqr = eq_table(E, rho)
        self._g = g
        self._W = E.add(eqr, E.mul(np.roll(eqr, 1, axis=0), gamma))

    def round(self, round_idx: int) -> np.ndarray:
        """s(0), s(1), s(2): shape (3, d)."""
        _check_round("product sumcheck", self._g is not None, self._round, round_idx)
        E = self.field.ext
        g0, g1, w0, w1 = self._g[0::2], self._g[1::2], self._W[0::2], self._W[1::2]
        g2 = E.sub(E.add(g1, g1), g0)
        w2 = E.sub(E.add(w1, w1), w0)
        return np.stack([field_sum(self.field.base, E.mul(a, b), axis=0) for a, b in ((g0, w0), (g1, w1), (g2, w2))])

    def fold(self, round_idx: int, challenge: np.ndarray) -> None:
        self._round = _next_fold("product sumcheck", self._round, round_idx)
        self._g, self._W = (fold(self.field.ext, t, np.asarray(challenge)) for t in (self._g, self._W))

    def claims(self) -> np.ndarray:
        """g(c), W(c): shape (2, d); valid after n folds."""
        _check_folded("product sumcheck", self._round, self.n)
        return np.stack([self._g[0], self._W[0]])


def product_claim(ext, claims: np.ndarray, beta: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """sum_k beta^k (T_k(rho) + gamma N_k(rho)) from zerocheck claims (2w, d): the product sumcheck's claim."""
    w = claims.shape[0] // 2
    acc = np.zeros(ext.d, dtype=ext.dtype)
    for k in range(w - 1, -1, -1):
        acc = ext.add(ext.mul(acc, beta), ext.add(claims[k], ext.mul(gamma, claims[w + k])))
    return acc


def product_final_value(ext, g_at_c: np.ndarray, rho: np.ndarray, gamma: np.ndarray, c: np.ndarray) -> np.ndarray:
    """g(c) * W(c) with W(c) = eq(rho, c) + gamma S(rho, c) evaluated in O(n) (the verifier's check)."""
    W = ext.add(eq_eval(ext, rho, c), ext.mul(gamma, successor_eval(ext, rho, c)))
    return ext.mul(g_at_c, W)


def product_sumcheck(field, n: int, trace, beta, rho, gamma, challenges) -> tuple[np.ndarray, np.ndarray]:
    """Whole product sumcheck with explicit challenges: (round polys (n, 3, d), claims (2, d))."""
    ps = ProductSumcheckReference(field, n, trace)
    ps.setup(beta, rho, gamma)
    polys = []
    for i in range(n):
        polys.append(ps.round(i))
        ps.fold(i, challenges[i])
    return np.stack(polys), ps.claims()


# --------------------------------------------------------------------------- protocol steps


def prove_zerocheck(ch, field, air: Air, trace: np.ndarray, public, part, r, alpha) -> tuple[np.ndarray, np.ndarray]:
    """The zerocheck segment of a proof (``protocol.ZerocheckPart``) through a prover
    channel: each round polynomial is sent and its challenge drawn; returns (rho, claims).
    GPU twin: ``gpu.record_zerocheck``; verifier: ``verify_zerocheck``."""
    n = len(part.rounds)
    zc = ZerocheckReference(field, air, n, trace, public)
    zc.setup(r, alpha)
    rho = np.zeros((n, field.ext_degree), dtype=field.dtype)
    for rnd in part.rounds:
        ch.send(rnd.poly, zc.round(rnd.index))
        rho[rnd.index] = ch.draw(rnd.challenge)
        zc.fold(rnd.index, rho[rnd.index])
    claims = zc.claims()
    ch.send(part.claims, claims)
    return rho, claims


def receive_rounds(ch, rounds) -> tuple[list, np.ndarray]:
    """The verifier's side of sumcheck rounds: (round polynomials, challenges)."""
    polys, chal = [], []
    for rnd in rounds:
        polys.append(ch.receive(rnd.poly))
        chal.append(ch.draw(rnd.challenge))
    return polys, np.array(chal)


def check_rounds(ext, claim, polys, challenges, what: str) -> np.ndarray:
    """``verify_rounds`` with its failure as a protocol Reject naming ``what``."""
    try:
        return verify_rounds(ext, claim, polys, challenges)
    except ValueError as e:
        raise Reject(f"{what}: {e}") from None


def verify_zerocheck(ch, field, air: Air, public, part, r, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Check the zerocheck segment; returns (rho, claims) for the opening."""
    polys, rho = receive_rounds(ch, part.rounds)
    claims = ch.receive(part.claims)
    final = check_rounds(field.ext, np.zeros(field.ext_degree, dtype=field.dtype), polys, rho, "zerocheck")
    if not np.array_equal(final, zerocheck_final_value(field, air, public, r, alpha, rho, claims)):
        raise Reject("zerocheck: final claim != eq(r, rho) * C(rho)")
    return rho, claims
