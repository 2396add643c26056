"""Plot proofs/hour against trace size from bench/throughput.py's JSON: one PNG,
with the one-process batch, separate processes, and the GPU-bound line
(1 / GPU time per proof). Needs matplotlib (pip install 'wgprover[bench]').

Usage: python bench/plot_throughput.py [--input bench/results/throughput_h200.json[,MORE.json]]
       [--png docs/throughput_h200.png] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a benchmark host
import matplotlib.pyplot as plt  # noqa: E402

OTHER = (("process_per_hour", "separate `wgprove prove` processes", "s--"),
         ("gpu_bound_per_hour", "1 / GPU time per proof", "k^:"))


def _label(r: dict) -> str:
    return f"${r['width']} \\times 2^{{{r['log_rows']}}}$\n{r['air']}"


def plot(runs: list[dict], png: str) -> list[dict]:
    """One line per run's batch (labelled by its workers), and the first run's
    separate processes and GPU bound; x = the traces, smallest first."""
    sizes = sorted({(r["width"] << r["log_rows"], _label(r)) for d in runs for r in d["rows"]})
    xs = {lab: k for k, (_, lab) in enumerate(sizes)}
    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = [(d, "batch_per_hour", f"one-process batch, {len(d['meta'].get('workers', [])) or 1} worker(s)", "o-")
              for d in runs] + [(runs[0], key, name, style) for key, name, style in OTHER]
    points = []
    for d, key, name, style in series:
        pts = sorted((xs[_label(r)], r[key]) for r in d["rows"] if r.get(key))
        if pts:
            ax.plot([x for x, _ in pts], [y for _, y in pts], style, label=name)
            points += [{"series": name, "trace": sizes[x][1].replace("\\times", "x").replace("$", "").replace("\n", " "),
                        "per_hour": y} for x, y in pts]
    ax.set_xticks(range(len(sizes)), [lab for _, lab in sizes])
    ax.set_yscale("log")
    ax.set_ylabel("proofs / hour")
    ax.set_xlabel("trace (columns x rows)")
    ax.set_title(f"wgprover throughput on {runs[0]['meta'].get('adapter', '?')}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return points


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default="bench/results/throughput_h200.json",
                    help="throughput.py JSON file(s), comma-separated (e.g. 1 and 2 workers per adapter).")
    ap.add_argument("--png", default="docs/throughput_h200.png")
    ap.add_argument("--json", default=None, help="Also write the plotted points here.")
    args = ap.parse_args()
    runs = [json.loads(Path(p).read_text()) for p in args.input.split(",")]
    points = plot(runs, args.png)
    print(f"wrote {args.png} ({len(points)} points)")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": {"inputs": args.input, "png": args.png}, "rows": points},
                                              indent=2))


if __name__ == "__main__":
    main()
