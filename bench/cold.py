"""Helpers shared by the whole-process benches (compile.py, startup.py): child
processes with the GPU driver's shader disk cache pointed at a chosen folder.

A driver keeps compiled pipelines on disk between processes; "cold" means an
empty cache folder, "warm" the same folder a second time (docs/BENCHMARKS.md,
"Measuring cold builds").  The variables cover the drivers we run on:
NVIDIA (__GL_SHADER_DISK_CACHE*, used by its Vulkan and GL drivers alike) and
Mesa (lavapipe, llvmpipe: MESA_SHADER_CACHE_DIR); XDG_CACHE_HOME moves both
defaults (~/.cache/nvidia, ~/.cache/mesa_shader_cache) too, and wgprover's
own cache of wgpu's compiled C header (gpu/cffi_header.py), so "cold" is a
first process on a fresh machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cache_env(cache_dir: str | None, extra: dict | None = None) -> dict:
    """os.environ with the driver shader caches in ``cache_dir`` (None: caches off)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if cache_dir is None:
        env.update({"__GL_SHADER_DISK_CACHE": "0", "MESA_SHADER_CACHE_DISABLE": "true"})
    else:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        env.update({"__GL_SHADER_DISK_CACHE": "1", "__GL_SHADER_DISK_CACHE_PATH": cache_dir,
                    "__GL_SHADER_DISK_CACHE_SKIP_CLEANUP": "1", "MESA_SHADER_CACHE_DIR": cache_dir,
                    "MESA_SHADER_CACHE_DISABLE": "false", "XDG_CACHE_HOME": cache_dir})
    env.update(extra or {})
    return env


def timed_run(cmd: list[str], env: dict, timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess]:
    """(wall seconds, result) of a child process, from spawn to exit."""
    t0 = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - t0, res


def child_json(cmd: list[str], env: dict) -> dict:
    """Run a child that prints one JSON object as its last stdout line; add its
    wall time, and ``exit_s`` (the interpreter's teardown: from the child's
    ``end_unix``, when it printed, to its exit) where the child gives ``end_unix``."""
    wall, res = timed_run(cmd, env)
    ended = time.time()
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = wall
    if "end_unix" in out:
        out["exit_s"] = ended - out.pop("end_unix")
    return out


def instrument(device, builds: list) -> None:
    """Time create_shader_module / create_compute_pipeline on ``device`` into ``builds``."""
    make_module, make_pipeline = device.create_shader_module, device.create_compute_pipeline
    sizes: dict = {}

    def module(**kw):
        t = time.perf_counter()
        m = make_module(**kw)
        sizes[id(m)] = (len(kw["code"]), time.perf_counter() - t)
        return m

    def pipeline(**kw):
        t = time.perf_counter()
        p = make_pipeline(**kw)
        chars, module_s = sizes.get(id(kw["compute"]["module"]), (0, 0.0))
        builds.append({"entry": kw["compute"]["entry_point"], "wgsl_chars": chars,
                       "module_s": module_s, "pipeline_s": time.perf_counter() - t})
        return p

    device.create_shader_module, device.create_compute_pipeline = module, pipeline


def instrumented_context(path: str) -> tuple:
    """(the GPU context of field ``path`` (int64|portable), the seconds opening
    it took, the list ``instrument`` fills with its pipeline builds)."""
    from wgprover.gpu import get_context

    t0 = time.perf_counter()
    ctx = get_context(int64=path == "int64")
    t_ctx = time.perf_counter() - t0
    builds: list = []
    instrument(ctx.device, builds)
    return ctx, t_ctx, builds


def case_arguments(ap, airs: str, paths: str, log_rows: int, json_path: str) -> None:
    """The options of a bench that runs one child per (field, path, AIR), cold
    then warm: --airs --fields --paths --log-rows --no-warm --json (and the
    hidden --child)."""
    ap.add_argument("--airs", default=airs)
    ap.add_argument("--fields", default="goldilocks,babybear")
    ap.add_argument("--paths", default=paths, help="field paths: portable,int64")
    ap.add_argument("--log-rows", type=int, default=log_rows)
    ap.add_argument("--no-warm", action="store_true", help="skip the warm run")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", default=json_path)


def time_calls(owner, name: str, totals: dict, key: str) -> None:
    """Replace ``owner.name`` by a wrapper adding each call's seconds to ``totals[key]``."""
    fn = getattr(owner, name)
    totals.setdefault(key, 0.0)

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - t

    setattr(owner, name, timed)


def count_cffi_parses(totals: dict) -> None:
    """Count and time cffi's C parser on wgpu-py's type strings (the strings
    gpu/cffi_types.py resolves never reach it) into totals["cffi_parses"] and
    totals["cffi_parse_s"]."""
    from wgpu.backends.wgpu_native._ffi import ffi

    totals.update(cffi_parses=0, cffi_parse_s=0.0)
    if not hasattr(ffi, "_parser"):  # the compiled FFI (gpu/cffi_header.py) parses type strings in C
        return
    parse = ffi._parser.parse_type

    def counted(cdecl):
        t = time.perf_counter()
        try:
            return parse(cdecl)
        finally:
            totals["cffi_parses"] += 1
            totals["cffi_parse_s"] += time.perf_counter() - t

    ffi._parser.parse_type = counted


def python() -> str:
    return sys.executable
