"""An AIR survives the round trip through a trace file and a proof file with
its digest unchanged: the order of periodic columns is part of the canonical
bytes (docs/PROTOCOL.md §2.3), so the writers must not sort it."""

from __future__ import annotations

import numpy as np

from wgprover.air.examples import get_example
from wgprover.field import GOLDILOCKS
from wgprover.proof import air_digest
from wgprover.proof_file import split_proof_file, write_proof_file
from wgprover.trace import read_trace, write_trace


def test_periodic_order_survives_trace_and_proof_files(tmp_path):
    ex = get_example("power")  # periodic c0..c15: c10 sorts before c2 by name
    names = [n for n, _ in ex.air.periodic]
    assert names != sorted(names), "the example must exercise a non-sorted periodic order"
    cols, pub = ex.generate(GOLDILOCKS, 4, np.random.default_rng(1))
    write_trace(tmp_path / "t.wgtrace", GOLDILOCKS, ex.air, cols, pub)
    assert air_digest(read_trace(tmp_path / "t.wgtrace").air) == air_digest(ex.air)
    write_proof_file(tmp_path / "p.proof", b"\0" * 8, ex.air)
    _, embedded, problem = split_proof_file((tmp_path / "p.proof").read_bytes())
    assert problem is None and air_digest(embedded) == air_digest(ex.air)
