"""The commit/open side on tables split over several bindings (docs/ARCHITECTURE.md §9):
Möbius, LDE, Merkle leaves and openings, fold_first on split tables against their
NumPy twins, and whole proofs with split tables byte-identical to the golden ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import device_table as dt
from wgprover.merkle import gpu as MG
from wgprover.merkle import reference as MR
from wgprover.ntt import gpu as NG
from wgprover.ntt import reference as NR
from wgprover.pcs.basefold import gpu as BG
from wgprover.pcs.basefold import reference as BR
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.prover import prove_gpu
from wgprover.trace import read_trace

from test_device_table import _read

GOLDEN = Path(__file__).parent / "vectors" / "golden"
CASES = {c["name"]: c for c in json.loads((GOLDEN / "manifest.json").read_text())["cases"]}


def _limit(monkeypatch, ctx, limit: int) -> None:
    """Split every device table allocated on ``ctx`` at ``limit`` bytes (other buffers keep the device's limits)."""
    monkeypatch.setattr(ctx, "segment_limit", lambda: limit)


def _values(field, rng, shape):
    v = field.base.random(rng, int(np.prod(shape))).reshape(shape)
    v.reshape(-1)[:4] = field.base.edge_values()[-4:]  # 0, 1, p - 1, ... in the first column
    return v


# (columns, log rows, log blowup, limit in columns of the codeword): < 1 splits codeword columns by rows
SPLITS = [(3, 6, 2, 1 / 4), (3, 6, 1, 1 / 2), (5, 5, 1, 2), (4, 6, 2, 1), (2, 5, 3, 1 / 8)]


def _commit_tables(ctx, field, monkeypatch, w, n, R, per):
    B = field.base.BYTES
    _limit(monkeypatch, ctx, int(per * (B << (n + R))))
    cw = dt.allocate(ctx, w, 1 << (n + R), B, "codeword0")
    return cw, BG._coefficients(ctx, cw, n, B)


@pytest.mark.parametrize("w,n,R,per", SPLITS)
def test_mobius_lde_merkle_on_split_tables_match_reference(ctx, field, rng, monkeypatch, w, n, R, per):
    cw, coeffs = _commit_tables(ctx, field, monkeypatch, w, n, R, per)
    assert len(cw.segments) > 1 and (cw.rows_per_segment < cw.rows) == (per < 1)
    evals = _values(field, rng, (w, 1 << n))
    trace = dt.upload(ctx, evals, "trace")
    rec = ctx.recorder()
    BG.table_access.record_copy(rec, trace, coeffs)
    NG.record_mobius(rec, field, coeffs, n, w)
    NG.record_lde(rec, field, coeffs, cw, n, R, w)
    k = 2
    tree = MG.commit(rec, field, cw, 1 << (n + R), w, log_leaf_rows=k)
    idx = [0, (1 << (n + R - k)) - 1, 3, 5]
    ibuf = ctx.upload(np.asarray(idx, np.uint32))
    leaves = ctx.buffer(len(idx) * tree.leaf_size * field.base.BYTES)
    MG.open_leaves(rec, tree, ibuf, 0, len(idx), leaves, 0)
    rec.submit()
    want_coeffs = NR.mobius(field, evals)
    want_cw = NR.lde(field, want_coeffs, R)
    assert np.array_equal(_read(ctx, coeffs, field.dtype), want_coeffs)
    assert np.array_equal(_read(ctx, cw, field.dtype), want_cw)
    want = MR.commit(field, want_cw, 1 << (n + R), w, k)
    assert all(np.array_equal(a, b) for a, b in zip(MG.read_levels(ctx, tree), want.levels))
    got = ctx.read(leaves, field.dtype, len(idx) * tree.leaf_size).reshape(len(idx), -1)
    assert np.array_equal(got, MR.leaf_values(field, want_cw, 1 << (n + R), w, k, 1, idx))


def test_commit_under_max_binding_env(rng, monkeypatch):
    """WGPROVER_MAX_BINDING lowers the device's binding and buffer limits: a
    3 x 2^12 trace splits by columns, its codeword by rows, and every kernel of
    the commitment still matches the NumPy twins (32 KiB: the NTT twiddle table
    of 2^12 still fits one buffer)."""
    from wgprover.gpu import get_context

    monkeypatch.setenv("WGPROVER_MAX_BINDING", str(32 << 10))
    ctx = get_context(int64=False)
    field, w, n, R, k = GOLDILOCKS, 3, 12, 1, 4
    evals = _values(field, rng, (w, 1 << n))
    trace = dt.upload(ctx, evals, "trace")
    cw = dt.allocate(ctx, w, 1 << (n + R), field.base.BYTES, "codeword0")
    coeffs = BG._coefficients(ctx, cw, n, field.base.BYTES)
    assert len(trace.segments) == w and len(cw.segments) == 2 * w and cw.rows_per_segment == 1 << n
    rec = ctx.recorder()
    BG.table_access.record_copy(rec, trace, coeffs)
    NG.record_mobius(rec, field, coeffs, n, w)
    NG.record_lde(rec, field, coeffs, cw, n, R, w)
    tree = MG.commit(rec, field, cw, 1 << (n + R), w, log_leaf_rows=k)
    rec.submit()
    want = MR.commit(field, NR.lde(field, NR.mobius(field, evals), R), 1 << (n + R), w, k)
    assert np.array_equal(MG.read_root(ctx, tree), want.root)


@pytest.mark.parametrize("limit", [64, 160, 256])
def test_merkle_of_split_extension_entries(ctx, field, rng, monkeypatch, limit):
    d, rows, k = field.ext_degree, 32, 2
    _limit(monkeypatch, ctx, limit)
    vals = _values(field, rng, (1, rows, d))
    table = dt.upload(ctx, vals, "ext")
    assert len(table.segments) > 1
    rec = ctx.recorder()
    tree = MG.commit(rec, field, table, rows, 1, log_leaf_rows=k, elems_per_entry=d)
    rec.submit()
    want = MR.commit(field, vals.reshape(-1), rows, 1, k, d)
    assert all(np.array_equal(a, b) for a, b in zip(MG.read_levels(ctx, tree), want.levels))


@pytest.mark.parametrize("w,log_len,steps,limit_cols", [(3, 6, 3, 1), (5, 5, 2, 2), (2, 7, 4, 1 / 4)])
def test_fold_first_on_split_codeword(ctx, field, rng, monkeypatch, w, log_len, steps, limit_cols):
    d, L = field.ext_degree, 1 << log_len
    _limit(monkeypatch, ctx, int(limit_cols * L * field.base.BYTES))
    cols = _values(field, rng, (w, L))
    table = dt.upload(ctx, cols, "codeword0")
    assert len(table.segments) > 1
    chal = _values(field, rng, (steps + 1, d))
    h = BR.half_inv_twiddles(field, log_len)
    out = ctx.buffer((L >> steps) * d * field.base.BYTES)
    rec = ctx.recorder()
    BG.record_fold_first(rec, field, table, BG.H_TABLE.get(ctx, field, log_len), ctx.upload(chal), out, L, w, steps, 1, 0)
    rec.submit()
    got = ctx.read(out, field.dtype, (L >> steps) * d).reshape(-1, d)
    assert np.array_equal(got, BR.fold_first(field, cols, chal[0], chal[1:], h))


def test_too_many_segments_for_one_kernel_is_refused_in_one_line(rng, monkeypatch):
    from wgprover.gpu import get_context

    ctx = get_context(profile="webgpu-default")  # 8 storage bindings per stage
    _limit(monkeypatch, ctx, 64)
    table = dt.upload(ctx, GOLDILOCKS.base.random(rng, 8 * 8).reshape(8, 8), "wide")
    assert len(table.segments) == 8
    with pytest.raises(MemoryError, match=r"needs 13 storage bindings .* this device allows 8 \(webgpu-default"):
        MG.commit(ctx.recorder(), GOLDILOCKS, table, 8, 8, log_leaf_rows=1)


MERKLE_OTHER_STORAGE = 5  # merkle_leaves' storage bindings besides the matrix (4 in group 0, HEMERA_RC)
COMMIT_TABLES = ("codeword0", "coefficients")


def _split_limit(ctx, field, w: int, n: int, log_blowup: int) -> tuple[int, bool]:
    """(segment limit, whether every table splits at it). Where the device binds
    enough segments: one trace column, so the trace splits by columns and
    codeword0 by rows, and the sumcheck tables split too. Under a small binding
    budget (webgpu-default's 8, GL's 16): only the commit side's tables, in whole
    codeword columns in as few groups as the Merkle leaf kernel can bind (the
    sumcheck's own splits: tests/test_split_sumcheck.py)."""
    budget = int(ctx.limits["max-storage-buffers-per-shader-stage"]) - MERKLE_OTHER_STORAGE
    col = field.base.BYTES << n
    if budget >= 24:
        return col, True
    return -(-w // min(budget, w)) * (col << log_blowup), False


def _record_tables(monkeypatch, ctx, limit: int, everywhere: bool) -> list:
    """Allocate device tables under ``limit`` (all, or only COMMIT_TABLES, the
    others and every other reader of ctx.segment_limit seeing the device's);
    returns the tables made."""
    made, real = [], ctx.segment_limit
    small = lambda: limit  # noqa: E731
    orig_allocate, orig_upload = dt.allocate, dt.upload

    def allocate(c, cols, rows, eb, label):
        c.segment_limit = small if everywhere or label.startswith(COMMIT_TABLES) else real
        try:
            made.append(orig_allocate(c, cols, rows, eb, label))
        finally:
            c.segment_limit = small if everywhere else real
        return made[-1]

    monkeypatch.setattr(ctx, "segment_limit", small if everywhere else real)
    monkeypatch.setattr(dt, "allocate", allocate)
    monkeypatch.setattr(dt, "upload", lambda *a, **k: made.append(orig_upload(*a, **k)) or made[-1])
    return made


@pytest.mark.parametrize("name", ["gl-periodic-n8", "bb-fibonacci-n6"])
def test_golden_proof_with_split_tables_on_every_path(any_ctx, monkeypatch, name):
    case = CASES[name]
    tr, params = read_trace(GOLDEN / case["trace"]), BasefoldParams(**case["params"])
    cols = np.asarray(tr.columns)
    limit, everywhere = _split_limit(any_ctx, tr.field, cols.shape[0], cols.shape[1].bit_length() - 1,
                                     params.log_blowup)
    made = _record_tables(monkeypatch, any_ctx, limit, everywhere)
    res = prove_gpu(any_ctx, tr.field, tr.air, cols, tr.public, params)
    tables = {t.label: t for t in made}
    trace, cw0 = tables["trace"], tables["codeword0"]
    if everywhere:  # along both axes
        assert len(trace.segments) == cols.shape[0] and cw0.rows_per_segment < cw0.rows
    else:
        assert len(cw0.segments) > 1
    assert res.syncs == 1
    assert res.proof == (GOLDEN / case["proof"]).read_bytes()
