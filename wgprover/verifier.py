"""The wgprover-1 verifier (pure Python/NumPy; never calls a GPU kernel).

It shares only field arithmetic, the hash (hemera, transcript duplex) and
multilinear evaluation formulas with the provers. Every check raises
``Reject`` with the first failure; ``verify`` never raises on arbitrary bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .air.language import Air, AirError
from .hemera import reference as hemera
from .hemera.compiled import permute_fn
from .merkle import reference as merkle
from .pcs.basefold import reference as bf
from .proof import Layout, ProofFormatError, Statement, air_digest, layout, parse_header
from .sumcheck.reference import product_claim, product_final_value, verify_rounds, zerocheck_final_value
from .transcript.reference import Transcript, tag_elements


class Reject(Exception):
    """The proof is invalid; the message names the first failed check."""


@dataclass
class Verdict:
    accepted: bool
    reason: str
    statement: Statement | None


class _Reader:
    def __init__(self, data: bytes, lay: Layout) -> None:
        self.data, self.lay = data, lay
        self.f = lay.st.field

    def fe(self, name: str, count: int, extra: int = 0) -> np.ndarray:
        off = self.lay.offsets[name] + extra
        arr = np.frombuffer(self.data, dtype=self.f.dtype, count=count, offset=off).copy()
        if np.any(arr.astype(np.uint64) >= np.uint64(self.f.p)):
            raise Reject(f"non-canonical field element in {name}")
        return arr

    def ef(self, name: str, count: int) -> np.ndarray:
        return self.fe(name, count * self.f.ext_degree).reshape(count, self.f.ext_degree)

    def digest(self, name: str, extra: int = 0) -> np.ndarray:
        off = self.lay.offsets[name] + extra
        d = np.frombuffer(self.data, dtype="<u8", count=4, offset=off).astype(np.uint64)
        if np.any(d >= np.uint64(hemera.hp.P)):
            raise Reject(f"non-canonical digest in {name}")
        return d


def _opened_layer(rd: _Reader, lay: Layout, root, leaf: np.ndarray, i: int) -> merkle.Opening:
    """Layer i's q opened leaves (canonical) and paths (canonical digests)."""
    q, per, h = lay.st.params.queries, lay.leaf_elems(i), lay.path_len(i)
    vals = rd.fe(f"leaves{i}", q * per).reshape(q, per)
    paths = np.frombuffer(rd.data, dtype="<u8", count=q * h * 4, offset=lay.offsets[f"paths{i}"])
    if np.any(paths >= np.uint64(hemera.hp.P)):
        raise Reject(f"non-canonical digest in the layer-{i} paths")
    return merkle.Opening(root, leaf, vals, paths.astype(np.uint64).reshape(q, h, 4))


def _check_sumcheck(E, claim, polys, challenges, what: str):
    try:
        return verify_rounds(E, claim, polys, challenges)
    except ValueError as e:
        raise Reject(f"{what}: {e}") from None


def _pinned_public(air: Air, expected_public) -> list[tuple[int, str, int]]:
    """(index, name, value) of each public input the caller pins. A mapping may
    name a subset; a sequence gives them all in order. Unknown names are the
    caller's error (AirError), not the proof's."""
    if expected_public is None:
        return []
    if isinstance(expected_public, Mapping):
        unknown = [k for k in expected_public if k not in air.public]
        if unknown:
            raise AirError(f"AIR {air.name!r} has no public input {unknown[0]!r} (it has: {', '.join(air.public) or 'none'})")
        items = [(air.public.index(k), k, v) for k, v in expected_public.items()]
    else:
        vals = list(expected_public)
        if len(vals) != len(air.public):
            raise AirError(f"AIR {air.name!r}: expected {len(air.public)} public inputs, got {len(vals)}")
        items = [(i, k, v) for i, (k, v) in enumerate(zip(air.public, vals))]
    try:
        return [(i, k, int(v)) for i, k, v in items]
    except (TypeError, ValueError):
        raise AirError("public inputs must be integers") from None


def _check_statement(st: Statement, air: Air, pinned, pinned_digest: bytes | None, min_security: int) -> None:
    """The statement checks before the transcript (docs/PROTOCOL.md §1, §2, §7):
    the AIR, the pinned digest and public inputs, and the security level."""
    from .security import report

    if pinned_digest is not None and st.air_digest != bytes(pinned_digest):
        raise Reject(f"the proof is about AIR digest {st.air_digest.hex()}, not the pinned {bytes(pinned_digest).hex()}")
    if air.width != st.width:
        raise Reject(f"AIR has {air.width} columns but the proof is for {st.width}")
    if air_digest(air) != st.air_digest:
        raise Reject("AIR digest mismatch: the proof is for a different AIR")
    if air.degree + 1 != st.degree:
        raise Reject("degree in the header does not match the AIR")
    if len(st.public) != len(air.public):
        raise Reject("wrong number of public inputs")
    for i, name, want in pinned:
        if int(st.public[i]) != want:
            raise Reject(f"public input {name} is {int(st.public[i])} in the proof, expected {want}")
    if st.security_bits != int(report(st.field, st.n, st.width, st.degree, st.params).bits):
        raise Reject("the header's security level does not match its parameters")
    if st.security_bits < min_security:
        raise Reject(f"{st.security_bits} bits of conjectured security, below the required {min_security}")


def verify_bytes(data: bytes, air: Air, expected_public=None, *, min_security: int = 100,
                 air_digest: bytes | None = None) -> Statement:
    """Verify; returns the statement or raises Reject/ProofFormatError."""
    st, _ = parse_header(data)
    f, E = st.field, st.field.ext
    n, w = st.n, st.width
    _check_statement(st, air, _pinned_public(air, expected_public), air_digest, min_security)
    lay = layout(st)
    if len(data) != lay.total:
        raise ProofFormatError(f"proof is {len(data)} bytes, expected {lay.total} for this statement")
    sc = lay.sched
    p = st.params
    rd = _Reader(data, lay)

    T = Transcript(f)
    T.absorb(tag_elements())
    T.absorb(np.array(st.header_words(), dtype=np.uint64))
    roots = [rd.digest("root0")]
    T.absorb(roots[0])
    ch = T.challenges(n + 1)
    r, alpha = ch[:n], ch[n]

    # zerocheck
    D = st.degree
    zpolys, rho = [], np.zeros((n, E.d), dtype=f.dtype)
    for i in range(n):
        h = rd.ef(f"zc{i}", D + 1)
        zpolys.append(h)
        T.absorb_field(h)
        rho[i] = T.challenges(1)[0]
    claims = rd.ef("claims", 2 * w)
    T.absorb_field(claims)
    beta, gamma = T.challenges(2)
    public = {name: int(v) for name, v in zip(air.public, st.public)}
    final_zc = _check_sumcheck(E, np.zeros(E.d, dtype=f.dtype), zpolys, rho, "zerocheck")
    if not np.array_equal(final_zc, zerocheck_final_value(f, air, public, r, alpha, rho, claims)):
        raise Reject("zerocheck: final claim != eq(r, rho) * C(rho)")

    # batch sumcheck with folding commitments
    boundaries = {sc.boundary(j): j + 1 for j in range(sc.layers)}
    bpolys, c = [], np.zeros((n, E.d), dtype=f.dtype)
    final = None
    for i in range(n):
        h = rd.ef(f"bs{i}", 3)
        bpolys.append(h)
        T.absorb_field(h)
        c[i] = T.challenges(1)[0]
        j = boundaries.get(i + 1)
        if j is not None and j < sc.layers:
            roots.append(rd.digest(f"root{j}"))
            T.absorb(roots[-1])
        elif j == sc.layers:
            final = rd.ef("final", 1 << sc.final_vars)
            T.absorb_field(final)
    claim = _check_sumcheck(E, product_claim(E, claims, beta, gamma), bpolys, c, "batch sumcheck")
    g_c = bf.eval_multilinear_coeffs(f, final, c[n - sc.final_vars :])
    if not np.array_equal(claim, product_final_value(E, g_c, rho, gamma, c)):
        raise Reject("batch sumcheck: final claim != g(c) * W(c)")

    # proof of work
    nonce = int(np.frombuffer(data, dtype="<u8", count=1, offset=lay.offsets["nonce"])[0])
    if nonce >= 1 << 32:
        raise Reject("proof-of-work nonce out of range")
    if not p.pow_bits and nonce:
        raise Reject("non-zero proof-of-work nonce with 0 grinding bits (it must be 0)")
    if p.pow_bits and not T.pow_ok(np.array([nonce], dtype=np.uint64), p.pow_bits)[0]:
        raise Reject("proof-of-work check failed")
    T.absorb(np.array([nonce], dtype=np.uint64))
    idx = T.indices(p.queries, sc.log_leaves(0))

    # queries: Merkle paths (all layers in one batched sweep), folding consistency, final polynomial
    q = p.queries
    shifts = np.cumsum((0,) + sc.steps[1:])  # leaf of layer i: idx >> (s_1 + ... + s_i)
    opened = [_opened_layer(rd, lay, roots[i], idx >> int(shifts[i]), i) for i in range(sc.layers)]
    for i, ok in enumerate(merkle.verify_openings(opened, permute=permute_fn())):
        if not ok.all():
            raise Reject(f"query {int(np.flatnonzero(~ok)[0])}: Merkle path of layer {i} does not match the root")
    folded = None  # (q, d): expected value at the current layer position
    pos = None
    for i in range(sc.layers):
        leaf, vals = opened[i].indices, opened[i].values
        size = 1 << sc.steps[i]
        if i == 0:
            cols = vals.reshape(q * size, w).T  # (column, query-position)
            coset = bf.combine_columns(f, cols, beta).reshape(q, size, E.d)
        else:
            coset = vals.reshape(q, size, E.d)
            offset = pos & (size - 1)
            got = coset[np.arange(q), offset]
            if not np.all(E.eq(got, folded)):
                raise Reject(f"folding consistency fails at layer {i}")
        start = sc.boundary(i) - sc.steps[i]
        folded = bf.fold_coset_values(f, coset, sc.log_len(i), leaf, sc.steps[i], c[start : start + sc.steps[i]])
        pos = leaf
    # final layer: codeword of length 2^(final_vars + R), position `pos`
    ll = sc.final_vars + p.log_blowup
    x = bf.pow_vec(f.base, f.base.root_of_unity(ll), bf.bitrev(pos, ll))
    if not np.all(E.eq(bf.eval_univariate(f, final, x), folded)):
        raise Reject("final polynomial does not match the folded queries")
    return st


def verify(data: bytes, air: Air, expected_public=None, *, min_security: int = 100,
           air_digest: bytes | None = None) -> Verdict:
    """ACCEPT/REJECT with the first failed check; never raises on arbitrary bytes.

    ``expected_public`` pins public inputs (a mapping may name a subset);
    ``air_digest`` pins the AIR; ``min_security`` is the least conjectured
    security (bits) accepted. An unknown public-input name is the caller's
    error and raises AirError."""
    _pinned_public(air, expected_public)
    try:
        st = verify_bytes(data, air, expected_public, min_security=min_security, air_digest=air_digest)
        return Verdict(True, "ok", st)
    except (Reject, ProofFormatError) as e:
        return Verdict(False, str(e), None)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as e:
        return Verdict(False, f"malformed proof ({type(e).__name__}: {e})", None)
