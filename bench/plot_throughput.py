"""Plot proofs/hour against trace size from bench/throughput.py's JSON: one PNG,
with the one-process batch, separate processes, and the GPU-bound line
(1 / GPU time per proof). Needs matplotlib (pip install 'wgprover[bench]').

Usage: python bench/plot_throughput.py [--input bench/results/throughput_h200.json]
       [--png docs/throughput_h200.png] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a benchmark host
import matplotlib.pyplot as plt  # noqa: E402

SERIES = (("batch_per_hour", "one-process batch", "o-"), ("process_per_hour", "separate `wgprove prove` processes", "s--"),
          ("gpu_bound_per_hour", "1 / GPU time per proof", "k:"))


def plot(data: dict, png: str) -> list[dict]:
    rows = sorted(data["rows"], key=lambda r: (r["width"] << r["log_rows"], r["case"]))
    labels = [f"{r['width']} x 2^{r['log_rows']}\n{r['air']}" for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, name, style in SERIES:
        pts = [(k, r[key]) for k, r in enumerate(rows) if r.get(key)]
        if pts:
            ax.plot([k for k, _ in pts], [v for _, v in pts], style, label=name)
    ax.set_xticks(range(len(rows)), labels)
    ax.set_yscale("log")
    ax.set_ylabel("proofs / hour")
    ax.set_xlabel("trace (columns x rows)")
    meta = data.get("meta", {})
    ax.set_title(f"wgprover throughput on {meta.get('adapter', '?')}, {len(meta.get('workers', [])) or 1} worker(s)",
                 fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return [{"case": r["case"], **{key: r.get(key) for key, _, _ in SERIES}} for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default="bench/results/throughput_h200.json")
    ap.add_argument("--png", default="docs/throughput_h200.png")
    ap.add_argument("--json", default=None, help="Also write the plotted points here.")
    args = ap.parse_args()
    data = json.loads(Path(args.input).read_text())
    points = plot(data, args.png)
    print(f"wrote {args.png} ({len(points)} sizes)")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": {**data.get("meta", {}), "png": args.png}, "rows": points},
                                              indent=2))


if __name__ == "__main__":
    main()
