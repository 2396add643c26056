"""``wgprove shaders`` as a library: the exported set is every kernel a proof
compiles (checked against a real proof on the GPU), at every size, and its
index describes each pipeline exactly as the runtime builds it."""

from __future__ import annotations

import json

from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import get_context
from wgprover.gpu.export import export_shaders, proof_kernels
from wgprover.gpu.kernel import capture
from wgprover.ntt.gpu import tile_bits
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.prover import prove_gpu


def test_real_proof_compiles_nothing_the_export_lacks(rng):
    """The dry run captures what a real proof on the device compiles."""
    ctx = get_context(profile="webgpu-default", int64=False)
    ex = get_example("boolean")
    exported = {s.key for s in proof_kernels(_dry(ctx), BABYBEAR, ex.air)}
    trace, public = ex.generate(BABYBEAR, 5, rng)
    with capture() as used:
        prove_gpu(ctx, BABYBEAR, ex.air, trace, public, BasefoldParams(1, 2, 2, 1, 1), timestamps=False)
    assert used and {s.key for s in used} <= exported


def _dry(ctx):
    from wgprover.gpu.dryrun import dry_twin

    return dry_twin(ctx)


def test_every_tile_size_and_layout_is_exported():
    ctx = get_context(profile="max", int64=False)
    specs = proof_kernels(_dry(ctx), GOLDILOCKS, get_example("fibonacci").air)
    tiles = {dict(s.constants)["TILE"] for s in specs if s.name == "ntt::forward"}
    assert tiles == {1 << t for t in range(tile_bits(ctx, GOLDILOCKS, 0), tile_bits(ctx, GOLDILOCKS) + 1)}
    for s in specs:
        if s.generated:  # a split layout declares as many storage bindings as the device allows, no more
            storage = sum(e["type"] != "uniform" for g in s.layouts for e in g)
            assert storage <= ctx.limits["max-storage-buffers-per-shader-stage"]


def test_index_matches_the_modules(tmp_path):
    ctx = get_context(profile="webgpu-default", int64=False)
    doc = export_shaders(ctx, GOLDILOCKS, get_example("periodic").air, tmp_path)
    assert json.loads((tmp_path / "index.json").read_text()) == doc
    assert sorted(p.name for p in tmp_path.glob("*.wgsl")) == sorted(doc["modules"])
    assert doc["shared_tables"] and doc["shared_tables"][0]["label"] == "HEMERA_RC"
    names = {p["kernel"] for p in doc["pipelines"]}
    assert {"ntt_lde::lde", "merkle::merkle_leaves", "transcript_pow::transcript_pow",
            "sumcheck_zerocheck::zc_round_base", "basefold::fold_first"} <= names
    for p in doc["pipelines"]:
        code = (tmp_path / p["module"]).read_text()
        assert f"fn {p['entry_point']}(" in code
        for name in p["constants"]:
            assert f"override {name}" in code
        declared = code.count("@binding(")
        assert sum(len(g) for g in p["bind_group_layouts"]) == declared
        dyn = [e for g in p["bind_group_layouts"][1:] for e in g if e["has_dynamic_offset"]]
        assert not dyn  # only group 0's uniforms move through the arena
    assert all(m["files"][:2] == ["common", "goldilocks"] for m in doc["modules"].values())
