"""Plots of //experiments:exploration (paper Fig. 2a and 2b).

Usage: plot_exploration.py COVERAGE_CSV COVERAGE_PNG TITLE

Reads coverage.csv (method,seed,step,coverage) and, beside it,
value_maps.csv (method,seed,x,y,value) and paths.csv (method,seed,step,x,y);
writes COVERAGE_PNG (coverage against agent steps, mean and one standard
deviation over seeds per method) and value_maps.png (the final value on
the at-rest slice, zero velocity, with the maze's walls from walls.csv and
the agent's path, first seed, one panel per method).
"""
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
runs = {}
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        runs.setdefault(row["method"], {}).setdefault(row["seed"], []).append(float(row["coverage"]))
plt.figure(figsize=(5, 3.5))
for method, seeds in runs.items():
    curves = np.array(list(seeds.values())) * 100
    mean, std = curves.mean(0), curves.std(0)
    steps = np.arange(1, len(mean) + 1)
    plt.plot(steps, mean, label=method)
    plt.fill_between(steps, mean - std, mean + std, alpha=0.25)
plt.xlabel("agent steps"); plt.ylabel("grid covered (%)"); plt.title(sys.argv[3])
plt.legend(); plt.tight_layout(); plt.savefig(sys.argv[2], dpi=120)
# Fig. 2b: the final V̂ at rest (red high, blue low) and the path, first seed.
import os
out = os.path.dirname(sys.argv[1])
maps, paths = {}, {}
first = str(min(int(s) for seeds in runs.values() for s in seeds))
with open(os.path.join(out, "value_maps.csv")) as f:
    for row in csv.DictReader(f):
        if row["seed"] == first:
            maps.setdefault(row["method"], []).append([float(row[k]) for k in ("x", "y", "value")])
with open(os.path.join(out, "paths.csv")) as f:
    for row in csv.DictReader(f):
        if row["seed"] == first:
            paths.setdefault(row["method"], []).append([float(row["x"]), float(row["y"])])
walls = []
if os.path.exists(os.path.join(out, "walls.csv")):
    with open(os.path.join(out, "walls.csv")) as f:
        walls = [[float(row[k]) for k in ("x_min", "y_min", "x_max", "y_max")]
                 for row in csv.DictReader(f)]
if maps:
    fig, axes = plt.subplots(1, len(maps), figsize=(4 * len(maps), 3.6), squeeze=False)
    for ax, (method, rows) in zip(axes[0], maps.items()):
        rows = np.array(rows)
        side = int(round(np.sqrt(len(rows))))
        image = rows[:, 2].reshape(side, side)
        half = (rows[:, 0].max() - rows[:, 0].min()) / (side - 1) / 2  # Cell centres to edges.
        extent = [rows[:, 0].min() - half, rows[:, 0].max() + half,
                  rows[:, 1].min() - half, rows[:, 1].max() + half]
        shown = ax.imshow(image, origin="lower", cmap="coolwarm", extent=extent)
        fig.colorbar(shown, ax=ax)
        for x0, y0, x1, y1 in walls:
            ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, color="black", lw=0))
        path = np.array(paths[method])
        ax.plot(path[:, 0], path[:, 1], color="0.2", lw=0.6)
        ax.set_xlim(extent[0], extent[1]); ax.set_ylim(extent[2], extent[3])
        ax.set_title(method + " seed " + first + ": final value at rest\n(zero velocity), walls, path",
                     fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "value_maps.png"), dpi=120)
