#!/usr/bin/env python3
"""The learned value against what happened, from //experiments:mpc traces.

    experiments/hand/value_error.py TRACE.csv [TRACE.csv ...]

Per trace (one with a value column, --value): over the steps before the
last 100 (so the discounted return, gamma 0.99, is nearly complete) with the
cube held, the mean of the value V(s_t) and of the realised discounted
return G_t, their mean absolute difference and correlation, and the median
over steps of the spread of MPPI's terminal values over its batch divided by
the spread of its reward sums (value_spread / return_spread).
"""
import csv
import sys

import numpy as np

GAMMA = 0.99
TAIL = 100


def summary(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    col = lambda name: np.array([float(r[name]) for r in rows])
    reward, value, dropped = col("reward"), col("value"), col("cube_dropped")
    ret = np.zeros_like(reward)
    acc = 0.0
    for t in range(len(reward) - 1, -1, -1):
        acc = reward[t] + GAMMA * acc
        ret[t] = acc
    n = len(rows) - TAIL
    held = dropped[:n] == 0
    v, g = value[:n][held], ret[:n][held]
    spread = col("value_spread")[:n][held] / np.maximum(col("return_spread")[:n][held], 1e-12)
    corr = np.corrcoef(value[:n], ret[:n])[0, 1]
    return (f"{path}: held {held.sum()} of {n} steps; V {v.mean():.2f}, G {g.mean():.2f}, "
            f"|V - G| {np.abs(v - g).mean():.2f}; corr(V, G) over all {n} steps {corr:.2f}; "
            f"value / return spread median {np.median(spread):.0f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        print(summary(p))
