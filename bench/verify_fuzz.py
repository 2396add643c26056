"""Verifier fuzz at scale: 10^5 seeded mutants of the golden proofs (tests/fuzz_harness.py),
counts of accepted (must be 0), raised (must be 0) and per-kind totals.

Usage: python3 bench/verify_fuzz.py [--mutations 100000] [--seed 13] [--jobs N] [--json OUT]
--jobs splits the run over N processes (chunk i uses seed + i). Exit status 1
if any mutant was accepted or made the verifier raise.
"""

from __future__ import annotations

import argparse
import datetime
from functools import partial
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the fuzz harness is a test tool

import fuzz_harness as fuzz  # noqa: E402
from wgprover.hemera import compiled  # noqa: E402
from wgprover.verifier import verify  # noqa: E402

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "vectors" / "golden"


def chunk(count: int, seed: int) -> fuzz.FuzzResult:
    return fuzz.run(fuzz.golden_subjects(GOLDEN), count, seed, partial(verify, min_security=0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mutations", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    subjects = fuzz.golden_subjects(GOLDEN)
    honest = sum(verify(s.proof, s.air, s.public, min_security=0).accepted for s in subjects)
    t0 = time.perf_counter()
    jobs = max(1, min(args.jobs, args.mutations))
    sizes = [args.mutations // jobs + (i < args.mutations % jobs) for i in range(jobs)]
    res = fuzz.FuzzResult()
    with ProcessPoolExecutor(jobs) as pool:
        for part in pool.map(chunk, sizes, [args.seed + i for i in range(jobs)]):
            res.merge(part)
    out = {"date": datetime.date.today().isoformat(), "commit": os.environ.get("WGPROVER_COMMIT", "unknown"),
           "seed": args.seed, "jobs": jobs, "subjects": [s.name for s in subjects], "honest_accepted": honest,
           "numba": compiled.available(), "seconds": round(time.perf_counter() - t0, 1), **res.counts(),
           "accepted_examples": res.accepted[:10], "raised_examples": res.raised[:10]}
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    sys.exit(1 if res.accepted or res.raised or honest != len(subjects) else 0)


if __name__ == "__main__":
    main()
