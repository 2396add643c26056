"""A proof's pipelines known before recording and built in parallel
(wgprover/gpu/prebuild.py; docs/ARCHITECTURE.md "Pipeline builds"): the dry
run lists exactly what a real proof builds, parallel builds give the same
proof bytes, a known shape builds nothing, worker errors surface unchanged,
and a bad WGPROVER_BUILD_THREADS is bad input."""

from __future__ import annotations

import threading
import time

import pytest

from test_cli_errors import FAST, FIB, NO_GPU, one_line_error, wgprove
from wgprover.air.examples import get_example
from wgprover.field import BABYBEAR, GOLDILOCKS
from wgprover.gpu import get_context, kernel, prebuild
from wgprover.gpu.context import choose_adapter, open_context
from wgprover.gpu.errors import InputError, ShaderError
from wgprover.gpu.kernel import KernelSpec, capture
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.proof import air_digest
from wgprover.protocol import describe, make_statement
from wgprover.prover import prove_gpu
from wgprover.reference_prover import prove_reference

PARAMS = BasefoldParams(log_blowup=1, fold=2, queries=2, pow_bits=1, final_log=1)
EXAMPLES = {"fibonacci": {}, "power": {"width": 3}}


def _case(name: str, field, n: int, rng):
    ex = get_example(name, **EXAMPLES[name])
    trace, public = ex.generate(field, n, rng)
    plan = describe(make_statement(field, ex.air, n, public, PARAMS, air_digest(ex.air)))
    return ex.air, trace, public, plan


@pytest.mark.parametrize("path", ["portable", "int64"])
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_listed_kernels_are_the_kernels_a_proof_builds(name, path, rng, monkeypatch):
    """The dry run's list equals the set a real proof asks for (builds or cache
    hits), recorded on the device the old way: lazily, one thread."""
    ctx = get_context(int64=path == "int64")
    field = GOLDILOCKS if path == "int64" else BABYBEAR
    air, trace, public, plan = _case(name, field, 5, rng)
    listed = prebuild.proof_specs(ctx, field, air, public, plan)
    monkeypatch.setenv("WGPROVER_BUILD_THREADS", "1")  # no prebuild: the proof builds what it asks for
    with capture() as used:
        prove_gpu(ctx, field, air, trace, public, PARAMS)
    assert len(listed) == len({s.key for s in listed}) > 10
    assert {s.key for s in used} == {s.key for s in listed}


def test_parallel_builds_give_the_reference_proof_and_a_known_shape_builds_nothing(rng, monkeypatch):
    """On a fresh device, as ``prove_gpu`` runs it: the listed pipelines build on
    worker threads while the proof records, the proof equals the NumPy
    reference's bytes, and a second proof of the shape neither lists nor builds."""
    monkeypatch.setenv("WGPROVER_BUILD_THREADS", "3")
    ctx = open_context(choose_adapter(), "max", False)
    air, trace, public, plan = _case("fibonacci", GOLDILOCKS, 5, rng)
    threads, lists = set(), []
    build, specs = kernel._build, prebuild.proof_specs
    monkeypatch.setattr(kernel, "_build",  # the dry run "builds" on its own device, in this thread
                        lambda c, s: (c is ctx and threads.add(threading.current_thread().name)) or build(c, s))
    monkeypatch.setattr(prebuild, "proof_specs", lambda *a, **k: lists.append(specs(*a, **k)) or lists[-1])
    proof = prove_gpu(ctx, GOLDILOCKS, air, trace, public, PARAMS).proof
    assert len(lists) == 1 and {s.key for s in lists[0]} == set(ctx.pipelines) and not ctx.building
    assert len({t for t in threads if t.startswith("wgprover-build")}) > 1
    assert proof == prove_reference(GOLDILOCKS, air, trace, public, PARAMS, check=False)
    built = len(ctx.pipelines)
    again = prove_gpu(ctx, GOLDILOCKS, air, trace, public, PARAMS).proof
    assert again == proof and len(ctx.pipelines) == built and len(lists) == 1
    assert prebuild.prepare(ctx, GOLDILOCKS, air, public, plan, wait=True) == 0


def test_opengl_builds_serially_and_vulkan_in_parallel(rng, monkeypatch):
    """On wgpu's GL backend a worker-thread build while the recording thread
    submitted aborted the process (llvmpipe): prepare lists and builds nothing
    there, so recording builds each kernel itself; on Vulkan it does."""
    from conftest import GPU_PATHS

    monkeypatch.setenv("WGPROVER_BUILD_THREADS", "3")
    air, trace, public, plan = _case("fibonacci", GOLDILOCKS, 5, rng)
    vk = open_context(choose_adapter(backend="vulkan"), "max", False)
    assert prebuild.parallel_builds(vk)
    assert prebuild.prepare(vk, GOLDILOCKS, air, public, plan, wait=True) > 0
    if "gl" not in GPU_PATHS:
        return  # no GL compute here (the report header says why; CI requires it)
    gl = open_context(choose_adapter(backend="gl"), "max", False)
    assert not prebuild.parallel_builds(gl)
    assert prebuild.prepare(gl, GOLDILOCKS, air, public, plan, wait=True) == 0 and not gl.pipelines


def test_prepare_with_wait_builds_everything_before_the_proof(rng, monkeypatch):
    """``wait``: every listed pipeline is built when prepare returns; the proof adds none."""
    monkeypatch.setenv("WGPROVER_BUILD_THREADS", "2")
    ctx = get_context(int64=False)
    air, trace, public, plan = _case("fibonacci", BABYBEAR, 6, rng)
    listed = prebuild.proof_specs(ctx, BABYBEAR, air, public, plan)
    prebuild.prepare(ctx, BABYBEAR, air, public, plan, wait=True)
    assert {s.key for s in listed} <= set(ctx.pipelines) and not ctx.building
    before = len(ctx.pipelines)
    prove_gpu(ctx, BABYBEAR, air, trace, public, PARAMS)
    assert len(ctx.pipelines) == before


def _spec(tag: str, body: str = "") -> KernelSpec:
    """A tiny kernel, unique by ``tag`` (never in any cache yet)."""
    src = f"// {tag}\n@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n" \
          f"@compute @workgroup_size(1) fn main() {{ out[0] = 7u; {body} }}\n"
    return KernelSpec(name=f"test::{tag}", head=(), files=("test",), generated=False, source=src,
                      entry="main", constants=())


def test_a_spec_asked_for_by_many_threads_is_built_once(monkeypatch):
    ctx = get_context(int64=False)
    spec = _spec(f"once-{time.time_ns()}")
    calls, build = [], kernel._build

    def slow(c, s):
        calls.append(s.key)
        time.sleep(0.3)  # the others arrive while this build is in flight
        return build(c, s)

    monkeypatch.setattr(kernel, "_build", slow)
    got = []
    workers = [threading.Thread(target=lambda: got.append(kernel.pipeline_for(ctx, spec))) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert calls == [spec.key] and len(got) == 4 and all(k is got[0] for k in got)
    assert ctx.pipelines[spec.key] is got[0] and not ctx.building


def test_a_workers_shader_error_is_the_one_line_error(monkeypatch):
    """A WGSL error in a worker thread reaches the caller as the serial path's
    ShaderError, same message; nothing is left in flight, so asking again fails again."""
    ctx = get_context(int64=False)
    good = [_spec(f"good-{k}-{time.time_ns()}") for k in range(3)]
    bad = _spec(f"bad-{time.time_ns()}", body="let x: u32 = undefined_name;")
    with pytest.raises(ShaderError) as serial:
        prebuild.build(ctx, [bad], threads=1)
    with pytest.raises(ShaderError) as parallel:
        prebuild.build(ctx, good + [bad], threads=3)
    assert str(parallel.value).startswith("WGSL compile error in test (main)")
    assert str(parallel.value) == str(serial.value) and "undefined_name" in str(serial.value)
    assert not ctx.building and bad.key not in ctx.pipelines


@pytest.mark.parametrize("raw", ["0", "-2", "x", "1.5", "257"])
def test_bad_build_threads_is_bad_input(raw, monkeypatch):
    monkeypatch.setenv("WGPROVER_BUILD_THREADS", raw)
    with pytest.raises(InputError, match="WGPROVER_BUILD_THREADS"):
        prebuild.build_threads()


def test_build_threads_default_and_value(monkeypatch):
    monkeypatch.delenv("WGPROVER_BUILD_THREADS", raising=False)
    for cpus, threads in ((None, 1), (1, 1), (3, 3), (8, 8), (64, 8)):  # min(8, CPUs)
        monkeypatch.setattr(prebuild.os, "cpu_count", lambda c=cpus: c)
        assert prebuild.build_threads() == threads
    monkeypatch.setenv("WGPROVER_BUILD_THREADS", "5")
    assert prebuild.build_threads() == 5


def test_cli_refuses_bad_build_threads_before_the_gpu(tmp_path):
    """Exit 2, one line; NO_GPU would make any GPU start exit 3."""
    r = wgprove("prove", FIB, "-o", str(tmp_path / "p.proof"), *FAST,
                env={**NO_GPU, "WGPROVER_BUILD_THREADS": "many"})
    one_line_error(r, 2, "WGPROVER_BUILD_THREADS")


def test_kernel_requests_are_memoised_and_still_captured(ctx):
    """A kernel asked for again is the same object, found without composing its
    source (gpu/kernel.py build_kernel), and every request is still captured
    (the dry-run listing and `wgprove shaders` rely on it)."""
    with capture() as sink:
        a = ctx.kernel(None, ["query_index"], "shift_indices")
        b = ctx.kernel(None, ["query_index"], "shift_indices")
        c = ctx.kernel(GOLDILOCKS, ["query_index"], "shift_indices")
    assert a is b and len(sink) == 3 and sink[0] is sink[1] is a.spec
    assert c.spec.head != a.spec.head  # another field's request is another kernel
