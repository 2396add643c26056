"""The NumPy reference prover (runs on the CPU; `wgprove prove --cpu`).

It implements protocol wgprover-1 step by step (PROTOCOL.md §3-7) and produces
exactly the bytes of the GPU prover (wgprover/prover.py) for the same input.
"""

from __future__ import annotations

import numpy as np

from .merkle import reference as merkle_ref
from .air.evaluate import check_trace as _first_violation
from .air.language import Air
from .field import Field
from .ntt import reference as ntt
from .pcs.basefold import reference as bf
from .pcs.basefold.config import BasefoldParams
from .proof import Layout, Statement, air_digest, layout
from .security import report
from .sumcheck.reference import ProductSumcheckReference, ZerocheckReference, field_sum
from .transcript.reference import Transcript, tag_elements


class ConstraintViolation(ValueError):
    """The trace does not satisfy the AIR (row and constraint named)."""


def make_statement(field: Field, air: Air, n: int, public, params: BasefoldParams, air_digest: bytes) -> Statement:
    params.validate()
    degree = air.degree + 1
    pub = air.public_values(field, public).astype(np.uint64)
    sec = report(field, n, air.width, degree, params)
    return Statement(field=field, n=n, width=air.width, degree=degree, air_digest=air_digest, public=pub,
                     params=params, security_bits=int(sec.bits))


def start_transcript(st: Statement) -> Transcript:
    t = Transcript(st.field)
    t.absorb(tag_elements())
    t.absorb(np.array(st.header_words(), dtype=np.uint64))
    return t


def check_trace(field: Field, air: Air, trace: np.ndarray, public) -> None:
    bad = _first_violation(air, field, trace, public)
    if bad is not None:
        raise ConstraintViolation(str(bad))


def final_coefficients(field: Field, evals: np.ndarray, f: int) -> np.ndarray:
    """Monomial coefficients of the final polynomial (degree < 2^f) from its values
    at the bit-reversed 2^f-th roots of unity (inverse DFT; twin of basefold.wgsl)."""
    F, E = field.base, field.ext
    size = 1 << f
    w_inv = int(F.inv(np.array([F.root_of_unity(f)], dtype=field.dtype))[0])
    scale = F.inv(np.array([size], dtype=field.dtype))
    m = np.arange(size)
    # x_i^-m = w^-(bitrev(i) m mod 2^f)
    kernel = ntt.powers(field, w_inv, size)[(m[:, None] * bf.bitrev(m, f)[None, :]) % size]
    terms = E.mul_base(np.broadcast_to(evals[:size], (size, size, E.d)), kernel)
    return E.mul_base(field_sum(F, terms, axis=1), scale)


def _put(buf: bytearray, lay: Layout, name: str, data: np.ndarray) -> None:
    raw = np.ascontiguousarray(data).tobytes()
    off = lay.offsets[name]
    buf[off : off + len(raw)] = raw


def prove_reference(field: Field, air: Air, trace: np.ndarray, public, params: BasefoldParams,
                    check: bool = True) -> bytes:
    """Prove that ``trace`` (w, 2^n) satisfies ``air`` with ``public`` inputs."""
    trace = field.base.check(np.asarray(trace), "trace")
    w, N = trace.shape
    n = N.bit_length() - 1
    if check:
        check_trace(field, air, trace, public)
    st = make_statement(field, air, n, public, params, air_digest(air))
    lay = layout(st)
    sc = lay.sched
    E = field.ext
    proof = bytearray(lay.total)
    head = st.header_bytes()
    proof[: len(head)] = head
    T = start_transcript(st)

    # 1. commit (Möbius -> RS encode -> Merkle over cosets)
    coeffs = ntt.mobius(field, trace)
    cw0 = ntt.lde(field, coeffs, params.log_blowup)  # (w, L0), bit-reversed
    L0 = cw0.shape[1]
    trees = [merkle_ref.commit(field, cw0, L0, w, sc.steps[0], 1)]
    layer_vals = [cw0]
    _put(proof, lay, "root0", trees[0].root)
    T.absorb(trees[0].root)
    ch = T.challenges(n + 1)
    r, alpha = ch[:n], ch[n]

    # 2. zerocheck
    zc = ZerocheckReference(field, air, n, trace, public)
    zc.setup(r, alpha)
    rho = np.zeros((n, E.d), dtype=field.dtype)
    for i in range(n):
        h = zc.round(i)
        _put(proof, lay, f"zc{i}", h)
        T.absorb_field(h)
        rho[i] = T.challenges(1)[0]
        zc.fold(i, rho[i])
    claims = zc.claims()
    _put(proof, lay, "claims", claims)
    T.absorb_field(claims)
    beta, gamma = T.challenges(2)

    # 3. batch + open: product sumcheck with Basefold folding
    ps = ProductSumcheckReference(field, n, trace)
    ps.setup(beta, rho, gamma)
    H = bf.half_inv_twiddles(field, sc.log_len(0))
    cur = bf.combine_columns(field, cw0, beta)
    boundaries = {sc.boundary(j): j + 1 for j in range(sc.layers)}
    for i in range(n):
        h = ps.round(i)
        _put(proof, lay, f"bs{i}", h)
        T.absorb_field(h)
        c = T.challenges(1)[0]
        ps.fold(i, c)
        if i < n - sc.final_vars:
            cur = bf.fold_codeword(field, cur, c, H)
        j = boundaries.get(i + 1)
        if j is not None and j < sc.layers:
            tree = merkle_ref.commit(field, cur, cur.shape[0], 1, sc.steps[j], E.d)
            trees.append(tree)
            layer_vals.append(cur)
            _put(proof, lay, f"root{j}", tree.root)
            T.absorb(tree.root)
        elif j == sc.layers:
            final = final_coefficients(field, cur, sc.final_vars)
            _put(proof, lay, "final", final)
            T.absorb_field(final)

    # 4. grinding and queries
    nonce = T.grind(params.pow_bits)
    _put(proof, lay, "nonce", np.array([nonce], dtype="<u8"))
    idx = T.indices(params.queries, sc.log_leaves(0))
    shift = 0
    for i in range(sc.layers):
        if i > 0:
            shift += sc.steps[i]
        leaf = idx >> shift
        width, d = (w, 1) if i == 0 else (1, E.d)
        vals = merkle_ref.leaf_values(field, layer_vals[i], layer_vals[i].shape[-1] if i == 0 else layer_vals[i].shape[0],
                                            width, sc.steps[i], d, indices=leaf)
        paths = merkle_ref.open_paths(trees[i], leaf)
        _put(proof, lay, f"leaves{i}", vals.astype(field.dtype))
        _put(proof, lay, f"paths{i}", paths.astype("<u8"))
    return bytes(proof)
