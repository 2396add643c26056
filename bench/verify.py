"""Verifier timing: proves with the GPU prover (cached), then times verify() in
process on ONE CPU core, best and median of N, with the compiled hemera
permutation (numba, where installed) and with the pure-NumPy reference. These
in-process times come from a fresh child process that reads the cached proof
(what a verifier sees); the same verify timed in the proving process right
after the proof is kept apart ("after_prove", NumPy path) with the threads
alive there: at 2^20 on the H200 host the in-process verify ran 2x slower than
at 2^16 for both hemera paths, which a busy thread left by the prover (the
wgpu poller spins while a poll token lives) would explain. Each timing has
wall, process CPU and main-thread CPU seconds: wall well above thread CPU
means the verify waited (for the GIL or a core), not that it computed more.

Usage: python3 bench/verify.py [--log-rows 12,16,20] [--air power] [--field goldilocks]
       [--security 100] [--repeats 7] [--cache /tmp/wgprover-verify] [--process] [--json OUT]

Also prints the hemera work of the query phase (PROTOCOL.md H.7): permutations
and the number of sequential batched steps of the Merkle sweep. --process also
times `wgprove verify FILE` as a whole process (spawn to exit, median and best
of --process-repeats) twice: as shipped (the NumPy hemera: numba's start-up
costs a one-shot process more than it saves) and with WGPROVER_NUMBA=1; and
splits one such process into phases (a child: interpreter start, imports of
numpy, the CLI (typer, rich), typer's option parsing (pydantic), the verifier
modules, numba's import and cache load, the verify itself), and a second
child profiles its verify into the parts of docs/BENCHMARKS.md "Where
`wgprove verify` spends its time". The processes get the caller's environment
as a user has it: without this script's one-thread BLAS variables (numpy's
import with and without OPENBLAS_NUM_THREADS=1 is timed apart) and without
PYTHONDONTWRITEBYTECODE (an installed package has its bytecode; the first,
untimed run writes it).
Target (issue 13): `wgprove verify` of a 16 x 2^20 100-bit proof <= 0.6 s.
"""

from __future__ import annotations

import os

USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_v] = "1"  # one core: set before NumPy loads its BLAS

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def child_phases(path: str) -> None:
    """One process doing what `wgprove verify` does, phase by phase; one JSON line.
    Defined and run before this script's own imports, which it would count."""
    t, t0 = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        t[name] = now - t0
        t0 = now

    import numpy as np

    lap("import_numpy_s")
    import wgprover.cli  # noqa: F401 - typer, rich, the commands

    lap("import_cli_s")
    try:
        import typer._adapters  # noqa: F401 - typer 0.2x parses options through pydantic
    except ImportError:
        pass
    lap("import_typer_pydantic_s")
    from wgprover.api import verify_file

    lap("import_verifier_s")
    if os.environ.get("WGPROVER_NUMBA") == "1":
        from wgprover.hemera import compiled as c

        c.compiled_permute()(np.zeros((2, 16), dtype=np.uint64))
        lap("numba_import_and_cache_load_s")
    assert verify_file(path).verdict.accepted
    lap("verify_s")
    print(json.dumps(t))


def time_verify(proof: bytes, air, pub, repeats: int) -> dict:
    """Best and median wall, process-CPU and main-thread-CPU seconds of verify()."""
    from wgprover.verifier import verify

    v = verify(proof, air, pub)  # warm-up (constants, numba cache load)
    assert v.accepted, v.reason
    wall, cpu, thread = [], [], []
    for _ in range(repeats):
        t0, c0, h0 = time.perf_counter(), time.process_time(), time.thread_time()
        verify(proof, air, pub)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        thread.append(time.thread_time() - h0)
    return {"best_s": min(wall), "median_s": statistics.median(wall), "cpu_best_s": min(cpu),
            "thread_cpu_best_s": min(thread), "thread_cpu_median_s": statistics.median(thread)}


def child_time(path: str, air_name: str, pub_json: str, repeats: str) -> None:
    """In a fresh process: verify() of the proof bytes at ``path`` timed with the
    compiled hemera (where numba is) and with the NumPy reference; one JSON line."""
    from wgprover.air.examples import get_example
    from wgprover.hemera import compiled

    proof, air, pub, n = Path(path).read_bytes(), get_example(air_name).air, json.loads(pub_json), int(repeats)
    # NumPy first, before numba is imported: a process that has loaded numba ran
    # the NumPy verify ~1.5x slower on the H200 host (docs/BENCHMARKS.md)
    real = compiled.compiled_permute
    compiled.compiled_permute = lambda: None  # the pure-NumPy reference path
    out = {"numpy": time_verify(proof, air, pub, max(3, n // 2))}
    compiled.compiled_permute = real
    out["compiled"] = time_verify(proof, air, pub, n) if compiled.available() else None
    print(json.dumps(out))


# the parts of one verify (cumulative seconds under cProfile, which inflates
# NumPy-call-heavy code by ~30%): function name -> what it is
VERIFY_PARTS = {
    "verify_file": "verify_file (all)",
    "_digest_of": "AIR digest (hemera byte sponge, scalar)",
    "verify_zerocheck": "zerocheck rounds and final check",
    "_receive_batch": "batch sumcheck: receive and draw",
    "check_merkle_openings": "Merkle sweep (batched hemera)",
    "_check_folding": "folding and final polynomial",
    "permute_one": "transcript permutations (scalar)",
    "permute_with_constants": "batched hemera permutations (reference)",
    "permute_lazy": "batched hemera permutations (small_batch)",
    "inverse_batch": "partial-round batch inversions (Python ints)",
}


def child_profile(path: str) -> None:
    """One verify under cProfile; one JSON line {part: cumulative seconds}."""
    import cProfile
    import pstats

    from wgprover.api import verify_file

    prof = cProfile.Profile()
    prof.enable()
    assert verify_file(path).verdict.accepted
    prof.disable()
    out: dict = {}
    for (_, _, name), row in pstats.Stats(prof).stats.items():
        if name in VERIFY_PARTS:
            out[VERIFY_PARTS[name]] = out.get(VERIFY_PARTS[name], 0.0) + row[3]
    print(json.dumps(out))


CHILDREN = {"--child-phases": child_phases, "--child-profile": child_profile, "--child-time": child_time}
if __name__ == "__main__" and sys.argv[1:2] and sys.argv[1] in CHILDREN:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    CHILDREN[sys.argv[1]](*sys.argv[2:])
    sys.exit(0)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from wgprover.air.examples import get_example  # noqa: E402
from wgprover.field import get_field  # noqa: E402
from wgprover.hemera import compiled  # noqa: E402
from wgprover.pcs.basefold.config import BasefoldParams  # noqa: E402
from wgprover.proof import layout, parse_header  # noqa: E402


def cached_proof(cache: Path, field_name: str, air_name: str, n: int, params: BasefoldParams):
    """(proof bytes, air, public) proved once by the GPU prover and kept under ``cache``."""
    ex, f = get_example(air_name), get_field(field_name)
    cols, pub = ex.generate(f, n, np.random.default_rng(1))
    key = f"{air_name}-{field_name}-n{n}-R{params.log_blowup}k{params.fold}q{params.queries}b{params.pow_bits}f{params.final_log}"
    path = cache / f"{key}.bin"
    if not path.exists():
        from wgprover.gpu import get_context
        from wgprover.prover import prove_gpu

        cache.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        proof = prove_gpu(get_context(), f, ex.air, cols, pub, params, check=False).proof
        print(f"# proved {key} in {time.perf_counter() - t0:.1f} s", flush=True)
        path.write_bytes(proof)
    return path.read_bytes(), ex.air, {k: int(v) for k, v in dict(pub).items()}


def hemera_work(proof: bytes) -> dict:
    """Permutations and batched steps of the query-phase Merkle sweep."""
    lay = layout(parse_header(proof)[0])
    q = lay.st.params.queries
    chains = [(-(-lay.leaf_elems(i) // 8), lay.path_len(i)) for i in range(lay.sched.layers)]
    return {"merkle_permutations": q * sum(a + b for a, b in chains),
            "merkle_steps": max(a + b for a, b in chains), "layers": len(chains)}


def threads_alive() -> dict:
    """Python threads alive now, the poll tokens wgpu's poller holds (it polls
    the device without pause while one lives), and the objects the garbage
    collector tracks (a full collection walks them all)."""
    import gc

    names = [t.name for t in threading.enumerate()]
    tokens = sum(len(getattr(t, "_token_ids", ())) for t in threading.enumerate())
    return {"threads": names, "wgpu_poll_tokens": tokens, "gc_tracked_objects": len(gc.get_objects())}


def clean_process_times(path: Path, air_name: str, pub: dict, repeats: int) -> dict:
    """child_time in a fresh process (this script's one-thread BLAS environment)."""
    r = subprocess.run([sys.executable, __file__, "--child-time", str(path), air_name, json.dumps(pub), str(repeats)],
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def proof_file(proof: bytes, air, cache: Path) -> Path:
    path = cache / "bench-verify.wgproof"
    # PROTOCOL.md §8 by hand, the AIR JSON in declaration order: write_proof_file's
    # sort_keys=True reorders `periodic` (c10 before c2), which changes the digest
    air_json = json.dumps(air.to_dict()).encode()
    path.write_bytes(proof + air_json + struct.pack("<I", len(air_json)) + b"AIR1")
    return path


def _timed_runs(cmd: list[str], env: dict, repeats: int) -> dict:
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # untimed: writes the bytecode
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        ts.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(ts), "best_s": min(ts)}


def time_process(path: Path, repeats: int) -> dict:
    """Whole `wgprove verify` processes, as shipped and with numba forced on; and
    the floor under them: the interpreter alone, and with numpy imported."""
    cmd = [sys.executable, "-c", "from wgprover.cli import main; main()", "verify", str(path)]
    out = {mode: _timed_runs(cmd, {**USER_ENV, **env}, repeats)
           for mode, env in (("numpy", {}), ("numba", {"WGPROVER_NUMBA": "1"}))}
    out["python_only"] = _timed_runs([sys.executable, "-c", "pass"], USER_ENV, repeats)
    out["import_numpy"] = _timed_runs([sys.executable, "-c", "import numpy"], USER_ENV, repeats)
    out["import_numpy_one_blas_thread"] = _timed_runs([sys.executable, "-c", "import numpy"],
                                                      {**USER_ENV, "OPENBLAS_NUM_THREADS": "1"}, repeats)
    return out


def _child(flag: str, path: Path, env: dict) -> tuple[dict, float]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, __file__, flag, str(path)], check=True,
                       capture_output=True, text=True, env={**USER_ENV, **env})
    return json.loads(r.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def phases(path: Path) -> dict:
    out = {}
    for mode, env in (("numpy", {"WGPROVER_NUMBA": "0"}), ("numba", {"WGPROVER_NUMBA": "1"})):
        ph, wall = _child("--child-phases", path, env)
        out[mode] = {**ph, "wall_s": wall, "interpreter_start_and_exit_s": wall - sum(ph.values())}
    out["numpy"]["verify_parts_profiled_s"] = _child("--child-profile", path, {"WGPROVER_NUMBA": "0"})[0]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log-rows", "--sizes", dest="sizes", default="12,14,16", help="log2 rows, comma-separated")
    ap.add_argument("--air", default="power")
    ap.add_argument("--field", default="goldilocks")
    ap.add_argument("--security", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--cache", default="/tmp/wgprover-verify")
    ap.add_argument("--process", action="store_true", help="also time `wgprove verify` as a whole process")
    ap.add_argument("--process-repeats", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    params = BasefoldParams.for_security(args.security)
    cache = Path(args.cache)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        proof, air, pub = cached_proof(cache, args.field, args.air, n, params)
        row = {"air": args.air, "field": args.field, "log_rows": n, "width": air.width,
               "proof_bytes": len(proof), **hemera_work(proof)}
        raw = cache / f"{args.air}-{args.field}-n{n}.proof-bytes"
        raw.write_bytes(proof)
        row.update(clean_process_times(raw, args.air, pub, args.repeats))
        saved = compiled.compiled_permute
        compiled.compiled_permute = lambda: None  # the pure-NumPy reference path
        try:
            row["after_prove"] = {**time_verify(proof, air, pub, 3), **threads_alive()}
        finally:
            compiled.compiled_permute = saved
        print(f"# n={n}: verify in a fresh process, NumPy {row['numpy']['best_s'] * 1e3:.1f} ms "
              f"(thread CPU {row['numpy']['thread_cpu_best_s'] * 1e3:.1f} ms); in the proving process "
              f"{row['after_prove']['best_s'] * 1e3:.1f} ms (thread CPU {row['after_prove']['thread_cpu_best_s'] * 1e3:.1f} ms, "
              f"threads {row['after_prove']['threads']}, wgpu poll tokens {row['after_prove']['wgpu_poll_tokens']}, "
              f"{row['after_prove']['gc_tracked_objects']} GC-tracked objects)", flush=True)
        if args.process:
            path = proof_file(proof, air, cache)
            row["process"] = time_process(path, args.process_repeats)
            row["process_phases"] = phases(path)
        rows.append(row)
        print(json.dumps(row), flush=True)
    meta = {"date": datetime.date.today().isoformat(), "commit": os.environ.get("WGPROVER_COMMIT", "unknown"),
            "params": params.__dict__, "numba": compiled.available(), "python": sys.version.split()[0]}
    print(f"# verify, one core, params {params} ({meta['date']}, numba={meta['numba']})")
    print(f"{'n':>3}{'KB':>8}{'perms':>7}{'steps':>6}{'numba best':>12}{'median':>9}{'numpy best':>12}{'median':>9}"
          f"{'cpu':>9}{'after prove':>13}")
    for r in rows:
        c = r["compiled"] or {"best_s": float("nan"), "median_s": float("nan")}
        print(f"{r['log_rows']:>3}{r['proof_bytes'] / 1024:>8.1f}{r['merkle_permutations']:>7}{r['merkle_steps']:>6}"
              f"{c['best_s'] * 1e3:>10.1f}ms{c['median_s'] * 1e3:>7.1f}ms"
              f"{r['numpy']['best_s'] * 1e3:>10.1f}ms{r['numpy']['median_s'] * 1e3:>7.1f}ms"
              f"{r['numpy']['thread_cpu_best_s'] * 1e3:>7.1f}ms{r['after_prove']['best_s'] * 1e3:>11.1f}ms")
    for r in rows:
        if "process" in r:
            pr, ph = r["process"], r["process_phases"]["numpy"]
            print(f"# n={r['log_rows']}: `wgprove verify` {pr['numpy']['median_s']:.3f} s (numba {pr['numba']['median_s']:.3f} s); "
                  f"python alone {pr['python_only']['median_s']:.3f} s, + import numpy {pr['import_numpy']['median_s']:.3f} s "
                  f"({pr['import_numpy_one_blas_thread']['median_s']:.3f} s one BLAS thread); phases "
                  + ", ".join(f"{k} {v:.3f}" for k, v in ph.items() if isinstance(v, float)))
            print("#   verify parts (cProfile): " + ", ".join(f"{k} {v:.3f} s" for k, v in ph["verify_parts_profiled_s"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
