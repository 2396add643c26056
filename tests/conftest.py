"""Shared fixtures: a seeded RNG whose seed is printed on failure, and the GPU context."""

from __future__ import annotations

import os
import secrets

import numpy as np
import pytest

from wgprover.field import BABYBEAR, GOLDILOCKS


@pytest.fixture
def seed(request) -> int:
    s = int(os.environ.get("WGPROVER_TEST_SEED", secrets.randbits(32)))
    request.node.user_properties.append(("seed", s))
    return s


@pytest.fixture
def rng(seed) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        for k, v in item.user_properties:
            if k == "seed":
                rep.sections.append(("seed", f"reproduce with WGPROVER_TEST_SEED={v}"))


@pytest.fixture(params=[GOLDILOCKS, BABYBEAR], ids=lambda f: f.name)
def field(request):
    return request.param


@pytest.fixture(scope="session")
def ctx():
    """The default GPU context. A missing adapter is a failure, never a skip."""
    from wgprover.gpu import get_context

    return get_context(int64=False)  # the portable baseline; int64 via any_ctx


def _gl_compute_problem() -> str | None:
    """None when wgpu's GL backend has an adapter on which compute runs, else why not."""
    from wgprover.gpu.context import GpuUnavailable, adapter_report, backend_report

    try:
        gl = backend_report(adapter_report())["gl"]
    except GpuUnavailable as e:
        return str(e)
    return None if gl["compute"] else gl["why_not"]


GL_PROBLEM = _gl_compute_problem()
# .ci/run sets WGPROVER_REQUIRE_GL=1: there (llvmpipe GL) a missing GL path fails
# instead of shrinking the coverage (docs/ARCHITECTURE.md §8)
REQUIRE_GL = os.environ.get("WGPROVER_REQUIRE_GL") == "1"

GPU_PATHS = {
    "portable": {"int64": False},
    "int64": {"int64": True},
    "webgpu-default": {"profile": "webgpu-default"},
    "gl": {"backend": "gl", "int64": False},
}
if GL_PROBLEM and not REQUIRE_GL:
    del GPU_PATHS["gl"]


def pytest_report_header(config):
    if GL_PROBLEM:
        return f"GPU paths: no GL path: GL compute does not work here ({GL_PROBLEM})"
    return "GPU paths: " + ", ".join(GPU_PATHS)


@pytest.fixture(params=list(GPU_PATHS), scope="session")
def any_ctx(request):
    """Every GPU path: portable, shader-int64, browser limits, and the OpenGL
    backend where GL compute works (see the report header).

    A path the machine lacks fails loudly (CI installs lavapipe and llvmpipe GL,
    which provide all four)."""
    from wgprover.gpu import get_context

    if request.param == "gl" and GL_PROBLEM:
        pytest.fail(f"WGPROVER_REQUIRE_GL=1 but GL compute does not work: {GL_PROBLEM}")
    return get_context(**GPU_PATHS[request.param])


@pytest.fixture
def require_tool():
    """``require_tool(what, present, install)``: the browser checks' tools (Dawn
    for Node.js, Chromium) skip when absent, but fail under
    WGPROVER_REQUIRE_BROWSER=1, which .ci/run sets."""

    def check(what: str, present: bool, install: str) -> None:
        if present:
            return
        msg = f"{what} is not installed ({install})"
        if os.environ.get("WGPROVER_REQUIRE_BROWSER") == "1":
            pytest.fail(msg + "; WGPROVER_REQUIRE_BROWSER=1 requires it")
        pytest.skip(msg)

    return check
