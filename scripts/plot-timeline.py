#!/usr/bin/env python3
"""Plots chat-load's per-second timelines (`chat-load --timeline FILE.csv`) as one PNG:
end-to-end latency p50 and p99 over time (top), deliveries per second and chat-local's CPU
(bottom), one colour per run.

    .venv/bin/pip install matplotlib            # once
    .venv/bin/python scripts/plot-timeline.py --out docs/performance-timeline.png \
        "20 rooms x 100 clients x 5 msg/s=target/load/goal.csv" \
        "knee=target/load/knee.csv"

Each argument is LABEL=CSV (or just CSV: the file name is the label).
"""

import argparse
import csv
import sys


def read(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append(row)
    return rows


def column(rows, name):
    out = []
    for row in rows:
        value = row.get(name, "")
        out.append(float(value) if value not in ("", None) else float("nan"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", help="LABEL=CSV or CSV")
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--title", default="chat-load through chat-local: end-to-end latency over time")
    parser.add_argument(
        "--goal-ms", type=float, action="append", default=None,
        help="horizontal lines on the latency plot (default: 50 and 200)")
    args = parser.parse_args()

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is missing: .venv/bin/pip install matplotlib")

    goals = args.goal_ms if args.goal_ms is not None else [50.0, 200.0]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    cpu_axis = bottom.twinx()
    for i, run in enumerate(args.runs):
        label, _, path = run.rpartition("=")
        label = label or path
        rows = read(path)
        if not rows:
            sys.exit(f"{path}: no rows")
        seconds = column(rows, "second")
        colour = colours[i % len(colours)]
        top.plot(seconds, column(rows, "p99_ms"), color=colour, label=f"{label}: p99")
        top.plot(seconds, column(rows, "p50_ms"), color=colour, linestyle="--",
                 label=f"{label}: p50")
        bottom.plot(seconds, column(rows, "deliveries"), color=colour, label=f"{label}: deliveries/s")
        cpu_axis.plot(seconds, column(rows, "server_cpu_percent"), color=colour, linestyle=":",
                      label=f"{label}: chat-local CPU %")
    for goal in goals:
        top.axhline(goal, color="grey", linewidth=0.8, linestyle="-.")
        top.annotate(f"{goal:g} ms", (0, goal), textcoords="offset points", xytext=(2, 2),
                     fontsize=8, color="grey")
    top.set_yscale("log")
    top.set_ylabel("send → delivery (ms, log)")
    top.set_title(args.title)
    top.legend(fontsize=8, loc="upper right")
    top.grid(True, which="both", alpha=0.3)
    bottom.set_xlabel("second of the run")
    bottom.set_ylabel("deliveries per second")
    cpu_axis.set_ylabel("chat-local CPU (% of one core)")
    lines = bottom.get_legend_handles_labels()
    cpu_lines = cpu_axis.get_legend_handles_labels()
    bottom.legend(lines[0] + cpu_lines[0], lines[1] + cpu_lines[1], fontsize=8, loc="lower left")
    bottom.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
