"""Remake the golden proofs (issue: protocol spine, step 1).

Run once, at the commit named in manifest.json, to freeze the protocol's bytes:

    python tests/vectors/golden/remake.py

Each case stores its trace (.wgtrace, so a change to an example generator
cannot move the golden bytes) and the proof the NumPy reference prover made of
it. tests/test_golden.py proves every trace again, on the reference and on
every GPU path, and demands the same bytes. Never rerun this to make a failing
golden test pass: a different proof byte is a protocol change.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np

from wgprover.air.examples import get_example
from wgprover.field import get_field
from wgprover.pcs.basefold.config import BasefoldParams
from wgprover.reference_prover import prove_reference
from wgprover.trace import read_trace, write_trace

HERE = Path(__file__).parent

# (name, field, example, log_rows, seed, parameters)
CASES = [
    ("gl-fibonacci-n5", "goldilocks", "fibonacci", 5, 11, dict(log_blowup=1, fold=2, queries=3, pow_bits=2, final_log=1)),
    ("gl-power-n6", "goldilocks", "power", 6, 12, dict(log_blowup=2, fold=3, queries=2, pow_bits=3, final_log=2)),
    ("gl-periodic-n8", "goldilocks", "periodic", 8, 13, dict(log_blowup=1, fold=4, queries=2, pow_bits=0, final_log=3)),
    ("gl-boolean-n7-100bit", "goldilocks", "boolean", 7, 14, dict(log_blowup=2, fold=4, queries=42, pow_bits=8, final_log=4)),
    ("bb-fibonacci-n6", "babybear", "fibonacci", 6, 21, dict(log_blowup=1, fold=2, queries=3, pow_bits=2, final_log=1)),
    ("bb-boolean-n5", "babybear", "boolean", 5, 22, dict(log_blowup=3, fold=2, queries=2, pow_bits=1, final_log=0)),
    ("bb-power-n7", "babybear", "power", 7, 23, dict(log_blowup=2, fold=4, queries=20, pow_bits=5, final_log=4)),
]


def main() -> None:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    entries = []
    for name, fname, exname, n, seed, prm in CASES:
        field, ex = get_field(fname), get_example(exname)
        cols, pub = ex.generate(field, n, np.random.default_rng(seed))
        tpath = HERE / f"{name}.wgtrace"
        write_trace(tpath, field, ex.air, np.asarray(cols), pub)
        tr = read_trace(tpath)
        proof = prove_reference(tr.field, tr.air, np.asarray(tr.columns), tr.public, BasefoldParams(**prm))
        (HERE / f"{name}.proof").write_bytes(proof)
        entries.append({"name": name, "trace": tpath.name, "proof": f"{name}.proof", "params": prm,
                        "sha256": hashlib.sha256(proof).hexdigest(), "bytes": len(proof)})
        print(f"{name}: {len(proof)} bytes")
    (HERE / "manifest.json").write_text(json.dumps({"commit": commit, "cases": entries}, indent=1) + "\n")


if __name__ == "__main__":
    main()
