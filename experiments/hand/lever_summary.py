#!/usr/bin/env python3
"""Markdown tables of hand levers (experiments/hand/lever.sh outputs).

    experiments/hand/lever_summary.py LEVER_DIR [LEVER_DIR ...]

Per lever folder: for each method and horizon, the mean over trials of the
evaluation's mean reward, the trials that dropped the cube, the share of
steps within 20 degrees and the mean effective samples; and for each POLO
run folder, the share of its training steps with the cube dropped (mean of
the episodes' mean_cube_dropped) and its CPU time.
"""
import csv
import glob
import json
import os
import re
import sys
from collections import OrderedDict


def evaluations(lever):
    groups = OrderedDict()
    with open(os.path.join(lever, "evaluations.csv")) as f:
        for row in csv.DictReader(f):
            groups.setdefault((row["task"], row["method"], int(row["horizon"])), []).append(row)
    print(f"\n{lever}: evaluations (1000 steps, trials 0-2)\n")
    print("| task | method | H | mean reward per trial | mean | drops | within 20° | ESS |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (task, method, h), rows in groups.items():
        rewards = [float(r["mean_reward"]) for r in rows]
        drops = sum(1 for r in rows if r["first_drop_step"])
        within = sum(float(r["share_within_20deg"]) for r in rows) / len(rows)
        ess = sum(float(r["mean_effective_samples"]) for r in rows) / len(rows)
        per = ", ".join(f"{r:.3f}" for r in rewards)
        print(f"| {task} | {method} | {h} | {per} | {sum(rewards) / len(rewards):.3f} | "
              f"{drops} of {len(rows)} | {100 * within:.0f} % | {ess:.1f} |")


def runs(lever):
    print(f"\n{lever}: POLO runs (2500 steps)\n")
    print("| run | episodes | training steps with the cube dropped | last episode mean reward | CPU s |")
    print("| --- | --- | --- | --- | --- |")
    for run in sorted(glob.glob(os.path.join(lever, "runs", "*", "seed*"))):
        if not os.path.isdir(run):
            continue
        if not os.path.exists(os.path.join(run, "time.txt")):  # lever.sh moves it in at the end
            print(f"| {os.path.relpath(run, os.path.join(lever, 'runs'))} | still running | | | |")
            continue
        episodes = [json.loads(line) for line in open(os.path.join(run, "episodes.jsonl"))]
        dropped = [e.get("mean_cube_dropped", 0) for e in episodes]
        cpu = 0.0
        for line in open(os.path.join(run, "time.txt")):
            m = re.match(r"\s*(User|System) time \(seconds\): ([0-9.]+)", line)
            if m:
                cpu += float(m.group(2))
        name = os.path.relpath(run, os.path.join(lever, "runs"))
        print(f"| {name} | {len(episodes)} | {100 * sum(dropped) / len(dropped):.0f} % | "
              f"{episodes[-1]['mean_reward']:.3f} | {cpu:.0f} |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for lever in sys.argv[1:]:
        evaluations(lever)
        runs(lever)


if __name__ == "__main__":
    main()
