"""Every composed module a proof compiles, through Tint (the WGSL compiler of
Dawn and Chrome) under the WebGPU default limits: both fields, every example
AIR, the portable path (docs/ARCHITECTURE.md §8).

Tint runs in Dawn for Node.js (npm ``webgpu``, tests/browser/tint_check.mjs) on
its null backend.  .ci/run installs it and sets WGPROVER_REQUIRE_BROWSER=1, so
there its absence fails; elsewhere these tests are skipped with the command
that installs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from wgprover.air.examples import EXAMPLES, get_example
from wgprover.field import FIELDS

BROWSER_DIR = Path(__file__).parent / "browser"


def tint_check(require_tool, dirs: list[Path]) -> tuple[int, list[dict]]:
    """Run tests/browser/tint_check.mjs over export directories: (exit code, one result per pipeline)."""
    require_tool("Dawn for Node.js", shutil.which("node") is not None and (BROWSER_DIR / "node_modules" / "webgpu").is_dir(),
                 "npm ci --prefix tests/browser")
    proc = subprocess.run(["node", str(BROWSER_DIR / "tint_check.mjs"), *map(str, dirs)],
                          capture_output=True, text=True, timeout=300)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode not in (0, 3) or not results:  # 3: some pipeline failed
        pytest.fail(f"tint_check.mjs exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return proc.returncode, results


def _failures(results: list[dict]) -> str:
    return "\n".join(f"{r['dir']}/{r['module']} {r['kernel']} {r['constants']} ({r['stage']}): "
                     + " | ".join(r["messages"]) for r in results if not r["ok"])


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[Path]:
    """`wgprove shaders` for both fields x every example AIR, browser profile, portable path."""
    from wgprover.gpu import get_context
    from wgprover.gpu.export import export_shaders

    ctx = get_context(profile="webgpu-default", int64=False)
    root = tmp_path_factory.mktemp("shaders")
    dirs = []
    for field in FIELDS.values():
        for name in EXAMPLES:
            d = root / f"{field.name}-{name}"
            doc = export_shaders(ctx, field, get_example(name).air, d)
            assert doc["profile"] == "webgpu-default" and doc["field_path"] == "portable"
            dirs.append(d)
    return dirs


def test_every_proof_module_passes_tint(exports, require_tool):
    rc, results = tint_check(require_tool, exports)
    assert not _failures(results), "Tint rejected:\n" + _failures(results)
    assert rc == 0
    expected = sum(len(json.loads((d / "index.json").read_text())["pipelines"]) for d in exports)
    assert len(results) == expected  # every pipeline of every export was checked


BAD_MODULES = {
    # uniformity analysis (Tint's, stricter than naga's): a barrier under a
    # branch on a storage value that one invocation may see change
    "nonuniform-barrier": ("""
@group(0) @binding(0) var<storage, read_write> data: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32) {
    if (data[i] == 0u) { workgroupBarrier(); }
    data[i] = 1u;
}""", "uniform"),
    # no shader-int64 in browsers
    "int64": ("""
@group(0) @binding(0) var<storage, read_write> data: array<u32>;
@compute @workgroup_size(1) fn main() { let x: i64 = 1; data[0] = u32(x); }""", "i64"),
}


@pytest.mark.parametrize("name", list(BAD_MODULES))
def test_tint_rejection_fails_with_its_message(tmp_path, name, require_tool):
    """The check can fail: a module Tint rejects is reported with Tint's message."""
    code, word = BAD_MODULES[name]
    (tmp_path / "bad.wgsl").write_text(code)
    layout = [[{"binding": 0, "type": "storage", "has_dynamic_offset": False}]]
    index = {"profile": "webgpu-default", "limits": {}, "pipelines": [
        {"kernel": f"test::{name}", "module": "bad.wgsl", "entry_point": "main", "constants": {}, "bind_group_layouts": layout}]}
    (tmp_path / "index.json").write_text(json.dumps(index))
    rc, results = tint_check(require_tool, [tmp_path])
    assert rc == 3 and len(results) == 1 and not results[0]["ok"]
    assert results[0]["stage"] == "createShaderModule"
    assert word in " ".join(results[0]["messages"])
