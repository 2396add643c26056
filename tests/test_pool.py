"""The buffer pool (wgprover/gpu/pool.py, docs/ARCHITECTURE.md §11): a second
proof of the same plan in one process allocates no device buffer and gives the
same bytes, even when every reused buffer is poisoned first."""

from __future__ import annotations

import numpy as np
import pytest

from test_memory_plan import allocated_by_table, fresh_context
from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import pool
from wgprover.memory_plan import plan_memory
from wgprover.pcs.basefold.config import BasefoldParams


def buffers_created(ctx) -> int:
    return sum(count for count, _ in ctx.allocated.values())


CASES = [  # example, field, log rows, params, profile
    ("fibonacci", GOLDILOCKS, 6, BasefoldParams.testing(), "max"),
    # the default parameters but 1 bit of grinding: the same buffers (test_memory_plan.py), without
    # 24 x 2^18 grinding hashes per proof, slow on lavapipe
    ("periodic", BABYBEAR, 7, BasefoldParams(pow_bits=1), "max"),
    ("fibonacci", BABYBEAR, 5, BasefoldParams.testing(pow_bits=0), "webgpu-default"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1].name}-{c[4]}")
def test_second_proof_allocates_nothing_and_matches(case):
    """Proof 2 of the same plan: 0 new buffers; bytes == proof 1 == the NumPy
    reference, with every reused buffer filled with 0xA5 before its use."""
    from wgprover.prover import prove_gpu
    from wgprover.reference_prover import prove_reference

    name, field, n, params, profile = case
    ctx = fresh_context(profile)
    pool.buffer_pool(ctx).poison = True
    ex = get_example(name)
    cols, pub = ex.generate(field, n, np.random.default_rng(5))
    cols = np.array(cols)
    first = prove_gpu(ctx, field, ex.air, cols, pub, params)
    made = buffers_created(ctx)
    second = prove_gpu(ctx, field, ex.air, cols, pub, params)
    assert buffers_created(ctx) == made  # nothing new on the device
    assert first.syncs == second.syncs == 1
    assert first.proof == second.proof == prove_reference(field, ex.air, cols, pub, params)


def test_pool_holds_one_plan_without_constants():
    """The pool keeps the last plan's per-proof buffers (and the scratch of
    constants its proof built: seeds, their arena chunk), never a constant
    table (those stay cached on the device); a new plan releases the old."""
    from wgprover.prover import prove_gpu

    ctx = fresh_context()
    ex = get_example("fibonacci")
    params = BasefoldParams.testing()
    bp = pool.buffer_pool(ctx)
    for n in (5, 6):
        cols, pub = ex.generate(GOLDILOCKS, n, None)
        before = allocated_by_table(ctx)
        prove_gpu(ctx, GOLDILOCKS, ex.air, np.array(cols), pub, params)
        after = allocated_by_table(ctx)
        plan = plan_memory(GOLDILOCKS, ex.air.width, n, ex.air.degree + 1, params, air=ex.air, limits=ctx.limits,
                           timestamps=ctx.has_timestamps)
        assert list(bp._keys) == [plan.key]
        kept = {t.label for t in plan.tables if t.constant and not t.scratch}  # cached on the device
        assert bp.held_bytes() == sum(after[k] - before.get(k, 0) for k in after if k not in kept)
        if n == 5:  # a fresh device: the pool holds every buffer but the constants the device keeps
            assert bp.held_bytes() == plan.pooled_bytes
        held = {id(b) for free in bp._keys.values() for bufs in free.values() for b in bufs}
        assert held and not held & pool._referenced(ctx)


def test_zeroed_tables_are_cleared_on_reuse(monkeypatch):
    """A table named in ZEROED reads as zeros when reused, as a fresh buffer does."""
    ctx = fresh_context()
    bp = pool.BufferPool()
    with bp.session(ctx, "k"):
        buf = ctx.buffer(256, label="acc")
        ctx.write(buf, np.full(64, 7, np.uint32))
    monkeypatch.setattr(pool, "ZEROED", frozenset({"acc"}))
    with bp.session(ctx, "k"):
        again = ctx.buffer(256, label="acc")
        assert again is buf
        assert not ctx.read(again, np.uint32).any()
    with bp.session(ctx, "other"):  # another plan: the old buffers are released, a new one made
        assert ctx.buffer(256, label="acc") is not buf


def test_pool_serves_each_request_the_buffer_it_got_last_time():
    """Free lists keep the order of the last proof's requests (not reversed), so a
    proof of a known plan binds the very buffers the last one bound."""
    ctx = fresh_context()
    bp = pool.BufferPool()
    with bp.session(ctx, "k"):
        first = [ctx.buffer(256, label=f"t{i}") for i in range(3)]
    for _ in range(2):
        with bp.session(ctx, "k"):
            again = [ctx.buffer(256, label=f"t{i}") for i in range(3)]
        assert [id(b) for b in again] == [id(b) for b in first]


def test_known_plan_creates_no_bind_group(monkeypatch):
    """From the third proof of a plan on (the second may take the scratch the
    first proof's constant tables left), every bind group comes from the plan's
    cache; the bytes do not change; another plan drops the groups with the buffers."""
    from wgprover.prover import prove_gpu

    ctx = fresh_context()
    ex = get_example("fibonacci")
    params = BasefoldParams.testing()
    cols, pub = ex.generate(GOLDILOCKS, 5, np.random.default_rng(3))
    cols = np.array(cols)
    proofs = [prove_gpu(ctx, GOLDILOCKS, ex.air, cols, pub, params).proof for _ in range(2)]
    created = []
    device_class = type(ctx.device)
    create = device_class.create_bind_group
    monkeypatch.setattr(device_class, "create_bind_group", lambda self, **kw: created.append(1) or create(self, **kw))
    third = prove_gpu(ctx, GOLDILOCKS, ex.air, cols, pub, params)
    assert not created and third.syncs == 1
    assert third.proof == proofs[0] == proofs[1]
    other, pub6 = ex.generate(GOLDILOCKS, 6, np.random.default_rng(3))
    prove_gpu(ctx, GOLDILOCKS, ex.air, np.array(other), pub6, params)
    assert created and len(pool.buffer_pool(ctx)._groups) == 1
