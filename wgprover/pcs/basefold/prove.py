"""Basefold, the NumPy prover's side (docs/PROTOCOL.md §3, §5-6): commit to the
trace, then open the zerocheck claims by the batch sumcheck interleaved with
folding, grinding and the query openings. GPU twin: ``gpu.record_commit`` and
``gpu.record_open``; verifier: ``verify.verify_open``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...merkle import reference as merkle
from ...ntt import reference as ntt
from ...sumcheck.reference import ProductSumcheckReference
from . import reference as bf


@dataclass
class Layer:
    """A committed codeword: layer 0 is (w, L) base columns, later ones (L, d)."""

    values: np.ndarray
    tree: merkle.Tree


def prove_commit(ch, field, trace: np.ndarray, plan) -> Layer:
    """Möbius -> Reed-Solomon encode -> Merkle over folding cosets; sends root0."""
    w = trace.shape[0]
    cw0 = ntt.lde(field, ntt.mobius(field, trace), plan.st.params.log_blowup)  # (w, L0), bit-reversed
    tree = merkle.commit(field, cw0, cw0.shape[1], w, plan.sched.steps[0], 1)
    ch.send(plan.root0, tree.root)
    return Layer(cw0, tree)


def _batch_and_fold(ch, field, trace, first: Layer, plan, rho, beta, gamma) -> list[Layer]:
    """The batch sumcheck rounds; the combined codeword folds with the same challenges."""
    op, sc, n = plan.opening, plan.sched, plan.st.n
    ps = ProductSumcheckReference(field, n, trace)
    ps.setup(beta, rho, gamma)
    h = bf.half_inv_twiddles(field, sc.log_len(0))
    cur = bf.combine_columns(field, first.values, beta)
    layers = [first]
    for rnd, end in zip(op.rounds, op.ends):
        ch.send(rnd.poly, ps.round(rnd.index))
        c = ch.draw(rnd.challenge)
        ps.fold(rnd.index, c)
        if rnd.index < n - sc.final_vars:
            cur = bf.fold_codeword(field, cur, c, h)
        if end is not None and end.final:
            ch.send(end.item, bf.final_poly(field, cur, sc.final_vars))
        elif end is not None:
            tree = merkle.commit(field, cur, cur.shape[0], 1, sc.steps[end.layer + 1], field.ext_degree)
            layers.append(Layer(cur, tree))
            ch.send(end.item, tree.root)
    return layers


def prove_queries(ch, field, layers: list[Layer], plan) -> None:
    """Grinding, then per layer the queried leaves and their Merkle paths."""
    op, sc, d = plan.opening, plan.sched, field.ext_degree
    ch.grind(op.nonce, plan.st.params.pow_bits)
    idx = ch.indices(plan.st.params.queries, sc.log_leaves(0))
    for lq, layer in zip(op.queries, layers):
        leaf = bf.shift_indices(idx, lq.shift)
        if lq.layer == 0:
            rows, width, per = layer.values.shape[-1], layer.values.shape[0], 1
        else:
            rows, width, per = layer.values.shape[0], 1, d
        vals = merkle.leaf_values(field, layer.values, rows, width, sc.steps[lq.layer], per, indices=leaf)
        ch.send(lq.leaves, vals.astype(field.dtype))
        ch.send(lq.paths, merkle.open_paths(layer.tree, leaf).astype("<u8"))


def prove_open(ch, field, trace: np.ndarray, first: Layer, plan, rho, beta, gamma) -> None:
    """Open the claims T_k(rho), N_k(rho) against the commitment ``first``."""
    layers = _batch_and_fold(ch, field, trace, first, plan, rho, beta, gamma)
    prove_queries(ch, field, layers, plan)
