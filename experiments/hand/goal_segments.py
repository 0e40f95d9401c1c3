#!/usr/bin/env python3
"""How far a method turns the cube toward each new goal, from //experiments:mpc traces.

    experiments/hand/goal_segments.py TRACE.csv[.gz] [TRACE.csv[.gz] ...]

The goal changes every 75 steps (models/hand_cube_task.h). Per group of
traces (the file name without its _runS and _trialT parts, e.g.
polo_floor16_h16), over every complete 75-step segment in which the cube
was never dropped: the number of such segments and the mean orientation
error (degrees) in its thirds, steps 0-24, 25-49 and 50-74. A method that
turns the cube to the goal shows a falling error; one that ignores the new
goal a flat one.
"""
import csv
import gzip
import os
import re
import sys

SEGMENT = 75
THIRD = SEGMENT // 3


def read_trace(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        rows = list(csv.DictReader(f))
    error = [float(r["orientation_error_deg"]) for r in rows]
    dropped = [float(r["cube_dropped"]) != 0 for r in rows]
    return error, dropped


def group_name(path):
    name = re.sub(r"\.csv(\.gz)?$", "", os.path.basename(path))
    return re.sub(r"_run\d*(_trial\d+)?$|_trial\d+$", "", name)


def main(paths):
    if not paths:
        sys.exit(__doc__)
    groups = {}
    for path in paths:
        error, dropped = read_trace(path)
        thirds = groups.setdefault(group_name(path), [[], [], []])
        for start in range(0, len(error) - SEGMENT + 1, SEGMENT):
            if any(dropped[start:start + SEGMENT]):
                continue
            for k in range(3):
                part = error[start + k * THIRD:start + (k + 1) * THIRD]
                thirds[k].append(sum(part) / len(part))
    for name, thirds in groups.items():
        if not thirds[0]:
            print(f"{name}: no segment with the cube held")
            continue
        means = " -> ".join(f"{sum(t) / len(t):.1f}" for t in thirds)
        print(f"{name}: {len(thirds[0])} segments held; error by third {means} deg")


if __name__ == "__main__":
    main(sys.argv[1:])
