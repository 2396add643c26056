"""BabyBear Montgomery reduction A/B in one run: the high word of m * p by shifts
(bb_mul_p_hi, commit f102361) against one 32x32 -> 64 product (mul_wide).

Both variants are built in this process from the current shaders/babybear.wgsl
(the other variant's line is substituted in the loaded text only; the file is
not touched), checked against NumPy, and timed alternately for ``--rounds``
rounds with bench/field.py's chained-multiplication kernel, so clock drift
hits both alike.  Prints G mul/s per variant (median over rounds) and the
ratio; docs/BENCHMARKS.md "BabyBear Montgomery reduction" records the choice.

Usage: python bench/bbmont.py [--log-n 24] [--reps 64] [--rounds 5] [--json bench/results/bbmont.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from field import measure  # noqa: E402  (bench/field.py)

from wgprover.field import BABYBEAR  # noqa: E402
from wgprover.gpu import get_context  # noqa: E402
from wgprover.gpu import shaders  # noqa: E402

# the one line of bb_redc that differs between the variants
VARIANTS = {
    # commit f102361's bb_mul_p_hi, inlined (15 m = 16 m - m needs 36 bits)
    "shifts": ("let a_lo = m * 15u; let a_hi = (m >> 28u) - select(0u, 1u, (m << 4u) < m); "
               "let lo = a_lo << 27u; "
               "let t = x.y + (a_lo >> 5u) + (a_hi << 27u) + select(0u, 1u, lo + m < lo) + carry;"),
    "mul_wide": "let t = x.y + mul_wide(m, BB_P).y + carry;",
}


def variant_loader(original, variant: str):
    """shaders.load with bb_redc's high-word line replaced by ``variant``'s."""

    def load(name: str) -> str:
        text = original(name)
        if name != "babybear":
            return text
        present = [v for v, line in VARIANTS.items() if line in text]
        if len(present) != 1:
            raise SystemExit("bench/bbmont.py: shaders/babybear.wgsl no longer has exactly one known bb_redc line")
        return text.replace(VARIANTS[present[0]], VARIANTS[variant])

    return load


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log-n", type=int, default=24)
    ap.add_argument("--reps", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", default="bench/results/bbmont.json")
    args = ap.parse_args()
    ctx = get_context(int64=False)
    original = shaders.load
    rows = []
    try:
        for r in range(args.rounds):
            for variant in VARIANTS:
                shaders.load = variant_loader(original, variant)
                rows.append({"round": r, "variant": variant, **measure(ctx, BABYBEAR, args.log_n, args.reps)})
                print(f"round {r} {variant:<9} {rows[-1]['gmul_per_s']:8.1f} G mul/s", flush=True)
    finally:
        shaders.load = original
    summary = {v: statistics.median(x["gmul_per_s"] for x in rows if x["variant"] == v) for v in VARIANTS}
    print(f"# BabyBear mul on {ctx.adapter_summary}: " + ", ".join(f"{v} {g:.1f}" for v, g in summary.items())
          + f" G mul/s; shifts / mul_wide = {summary['shifts'] / summary['mul_wide']:.3f}")
    meta = {"adapter": ctx.adapter_summary, "date": datetime.date.today().isoformat(),
            "commit": os.environ.get("WGPROVER_COMMIT", "unknown"), "median_gmul_per_s": summary}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"meta": meta, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
