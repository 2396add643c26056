"""Basefold, the verifier's side (docs/PROTOCOL.md §5-6): the batch sumcheck with
its folding commitments, the final polynomial, grinding, and the queries
(Merkle paths, folding consistency, final polynomial). Prover twins:
``prove.prove_open`` (NumPy) and ``gpu.record_open``."""

from __future__ import annotations

import numpy as np

from ...hemera.compiled import permute_fn
from ...merkle import reference as merkle
from ...protocol import Reject
from ...sumcheck.reference import check_rounds, product_claim, product_final_value
from . import reference as bf


def _receive_batch(ch, plan):
    """Round polynomials, challenges c, layer roots (after root0) and the final polynomial."""
    polys, c, roots, final = [], [], [], None
    for rnd, end in zip(plan.opening.rounds, plan.opening.ends):
        polys.append(ch.receive(rnd.poly))
        c.append(ch.draw(rnd.challenge))
        if end is not None and end.final:
            final = ch.receive(end.item)
        elif end is not None:
            roots.append(ch.receive(end.item))
    return polys, np.array(c), roots, final


def check_merkle_openings(roots: list, leaves: list, openings: list) -> None:
    """Every layer's opened leaves against its root: ``leaves[i]`` (q,) leaf indices,
    ``openings[i]`` = (values (q, m), paths (q, h, 4)). All layers and queries in
    one batched sweep of permutations (docs/PROTOCOL.md H.7)."""
    opened = [merkle.Opening(root, leaf, vals, paths) for root, leaf, (vals, paths) in zip(roots, leaves, openings)]
    for i, ok in enumerate(merkle.verify_openings(opened, permute=permute_fn())):
        if not ok.all():
            raise Reject(f"query {int(np.flatnonzero(~ok)[0])}: Merkle path of layer {i} does not match the root")


def _check_folding(field, plan, leaves, openings, beta, c, final) -> None:
    """Folding consistency layer to layer, and the final polynomial at the last position."""
    E, sc, q, w = field.ext, plan.sched, plan.st.params.queries, plan.st.width
    folded = pos = None
    for i, (leaf, (vals, _)) in enumerate(zip(leaves, openings)):
        size = 1 << sc.steps[i]
        if i == 0:
            coset = bf.combine_columns(field, vals.reshape(q * size, w).T, beta).reshape(q, size, E.d)
        else:
            coset = vals.reshape(q, size, E.d)
            if not np.all(E.eq(coset[np.arange(q), pos & (size - 1)], folded)):
                raise Reject(f"folding consistency fails at layer {i}")
        start = sc.boundary(i) - sc.steps[i]
        folded = bf.fold_coset_values(field, coset, sc.log_len(i), leaf, sc.steps[i], c[start : start + sc.steps[i]])
        pos = leaf
    ll = sc.final_vars + plan.st.params.log_blowup
    x = bf.pow_vec(field.base, field.base.root_of_unity(ll), bf.bitrev(pos, ll))
    if not np.all(E.eq(bf.eval_univariate(field, final, x), folded)):
        raise Reject("final polynomial does not match the folded queries")


def verify_queries(ch, field, plan, roots, beta, c, final) -> None:
    """Grinding, then the query openings of every layer."""
    op, p = plan.opening, plan.st.params
    ch.grind(op.nonce, p.pow_bits)
    idx = ch.indices(p.queries, plan.sched.log_leaves(0))
    leaves = [bf.shift_indices(idx, lq.shift) for lq in op.queries]
    openings = [(ch.read(lq.leaves).reshape(p.queries, lq.leaf_elems), ch.read(lq.paths).reshape(p.queries, lq.path_len, 4))
                for lq in op.queries]
    check_merkle_openings(roots, leaves, openings)
    _check_folding(field, plan, leaves, openings, beta, c, final)


def verify_open(ch, field, plan, root0, claims, rho, beta, gamma) -> None:
    """Check the opening of the zerocheck claims against the commitment ``root0``."""
    polys, c, roots, final = _receive_batch(ch, plan)
    E, n = field.ext, plan.st.n
    claim = check_rounds(E, product_claim(E, claims, beta, gamma), polys, c, "batch sumcheck")
    g_c = bf.eval_multilinear_coeffs(field, final, c[n - plan.sched.final_vars :])
    if not np.array_equal(claim, product_final_value(E, g_c, rho, gamma, c)):
        raise Reject("batch sumcheck: final claim != g(c) * W(c)")
    verify_queries(ch, field, plan, [root0, *roots], beta, c, final)
