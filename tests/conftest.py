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


GPU_PATHS = {
    "portable": {"int64": False},
    "int64": {"int64": True},
    "webgpu-default": {"profile": "webgpu-default"},
    "gl": {"backend": "gl", "int64": False},
}


@pytest.fixture(params=list(GPU_PATHS), scope="session")
def any_ctx(request):
    """Every GPU path: portable, shader-int64, browser limits, and the OpenGL backend.

    A path the machine lacks fails loudly (CI installs lavapipe and llvmpipe GL,
    which provide all four)."""
    from wgprover.gpu import get_context

    return get_context(**GPU_PATHS[request.param])
