"""Plots run folders (README, "Seeing a run").

One run:      bazel run //tools:plot -- RUN_DIR [--out=DIR]
Several runs: bazel run //tools:plot -- RUN_DIR [RUN_DIR ...] --out=DIR [--group_by=KEY]

One run: reads RUN_DIR/episodes.jsonl (one line per completed episode) and
RUN_DIR/metrics.jsonl (one line per update) and writes into RUN_DIR/plots/
(or --out):
  episodes.png    return and the task's success metric per episode against
                  agent steps (humanoid: share of steps standing and max root
                  height; point mass: coverage of the grid)
  training.png    value loss per update against agent steps
  throughput.png  agent steps/s, targets/s and the learner's CPU use
A plot whose file is missing or empty is skipped with a message.

Several runs (or --group_by): the same three figures in --out, every run on
them. --group_by=KEY groups the runs by a value of their config.json (a
dotted path into it: seed, mppi.horizon, training.gradient_steps; a run
without the key is in group "none"); without it each run is a group of its
own. Each group is drawn as its mean and spread (--spread=range, the
default: min to max; std: mean +- one standard deviation) over its runs: at
every agent-step count where one of its runs has a point, over the runs
whose curve spans that count (each run linearly interpolated between its
own points, never beyond them).

Exit status 2 for a RUN_DIR that is not a run folder or bad arguments.
"""

import argparse
import json
import os
import sys

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_jsonl(path):
    """The objects of a JSON-lines file; [] if it does not exist."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"plot: {path}:{number}: skipped, not JSON ({e.msg})", file=sys.stderr)
    return rows


def number(row, key, default=None):
    """row[key] as a float (proto3 JSON writes 64-bit integers as strings)."""
    value = row.get(key, default)
    return default if value is None else float(value)


def plot_episodes(episodes, out, title):
    steps = [number(e, "agent_steps", 0) for e in episodes]
    returns = [number(e, "return", 0) for e in episodes]
    success = []  # (label, values, axis limits)
    if any("frac_standing" in e for e in episodes):
        success.append(("share of steps standing", [number(e, "frac_standing", 0) for e in episodes], (0, 1)))
    if any("max_root_height" in e for e in episodes):
        success.append(("max root height (m)", [number(e, "max_root_height", 0) for e in episodes], None))
    if any("coverage" in e for e in episodes):
        success.append(("coverage of the grid", [number(e, "coverage", 0) for e in episodes], (0, 1)))
    fig, axes = plt.subplots(1 + len(success), 1, figsize=(8, 3 * (1 + len(success))), sharex=True)
    axes = axes if len(success) else [axes]
    axes[0].plot(steps, returns, marker="o")
    axes[0].set_ylabel("episode return")
    for axis, (label, values, limits) in zip(axes[1:], success):
        axis.plot(steps, values, marker="o", color="tab:green")
        axis.set_ylabel(label)
        if limits:
            axis.set_ylim(*limits)
    axes[-1].set_xlabel("agent steps")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def plot_training(metrics, out):
    steps = [number(m, "agent_steps", 0) for m in metrics]
    fig, axis = plt.subplots(figsize=(8, 3))
    axis.plot(steps, [number(m, "value_loss", 0) for m in metrics])
    axis.set_yscale("log")
    axis.set_xlabel("agent steps")
    axis.set_ylabel("value loss (mean over the update)")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def plot_throughput(metrics, out):
    steps = [number(m, "agent_steps", 0) for m in metrics]
    fig, (rates, cpu) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    rates.plot(steps, [number(m, "states_per_second", 0) for m in metrics], label="agent steps/s")
    rates.plot(steps, [number(m, "targets_per_second", 0) for m in metrics], label="targets/s")
    rates.set_ylabel("per second (~10 s)")
    rates.legend()
    cpu.plot(steps, [number(m, "cpu_utilisation", 0) for m in metrics], color="tab:red")
    cpu.set_ylim(0, 1.05)
    cpu.set_ylabel("learner CPU use")
    cpu.set_xlabel("agent steps")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def plot_run(run_dir, out_dir):
    """The three figures of one run into out_dir."""
    episodes_path = os.path.join(run_dir, "episodes.jsonl")
    metrics_path = os.path.join(run_dir, "metrics.jsonl")
    os.makedirs(out_dir, exist_ok=True)
    episodes = read_jsonl(episodes_path)
    metrics = read_jsonl(metrics_path)
    written = []
    if episodes:
        title = f"{os.path.basename(os.path.normpath(run_dir))}: episodes"
        plot_episodes(episodes, os.path.join(out_dir, "episodes.png"), title)
        written.append("episodes.png")
    else:
        print(f"plot: {episodes_path}: no episodes yet", file=sys.stderr)
    if metrics:
        plot_training(metrics, os.path.join(out_dir, "training.png"))
        plot_throughput(metrics, os.path.join(out_dir, "throughput.png"))
        written += ["training.png", "throughput.png"]
    else:
        print(f"plot: {metrics_path}: no updates yet", file=sys.stderr)
    print(f"plot: wrote {', '.join(written) or 'nothing'} into {out_dir}")


# --- Several runs ---

# (file, [(source, key, axis label, limits, log scale)]); a panel is drawn
# when some run has the key.
COMPARE_FIGURES = [
    ("episodes.png", [
        ("episodes", "return", "episode return", None, False),
        ("episodes", "frac_standing", "share of steps standing", (0, 1), False),
        ("episodes", "max_root_height", "max root height (m)", None, False),
        ("episodes", "coverage", "coverage of the grid", (0, 1), False),
    ]),
    ("training.png", [
        ("metrics", "value_loss", "value loss (mean over the update)", None, True),
    ]),
    ("throughput.png", [
        ("metrics", "states_per_second", "agent steps/s (~10 s)", None, False),
        ("metrics", "targets_per_second", "targets/s (~10 s)", None, False),
        ("metrics", "cpu_utilisation", "learner CPU use", (0, 1.05), False),
    ]),
]


def config_value(config, key):
    """config.json's value at a dotted path, or None if it has none."""
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def value_label(value):
    if value is None:
        return "none"
    if isinstance(value, list):
        return "x".join(value_label(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value).lower() if isinstance(value, bool) else str(value)


def sort_key(label):
    """Groups in numeric order where their values are numbers."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def read_run(run_dir):
    config = {}
    config_path = os.path.join(run_dir, "config.json")
    if os.path.exists(config_path):
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
    return {
        "name": os.path.basename(os.path.normpath(run_dir)),
        "config": config,
        "episodes": read_jsonl(os.path.join(run_dir, "episodes.jsonl")),
        "metrics": read_jsonl(os.path.join(run_dir, "metrics.jsonl")),
    }


def group_runs(runs, group_by):
    """[(label, [run, ...])] in order; each run its own group without a key."""
    if not group_by:
        return [(run["name"], [run]) for run in runs]
    groups = {}
    for run in runs:
        label = f"{group_by}={value_label(config_value(run['config'], group_by))}"
        groups.setdefault(label, []).append(run)
    return sorted(groups.items(), key=lambda item: sort_key(item[0].split("=", 1)[1]))


def series(run, source, key):
    """(agent steps, values) of one run, in step order; rows without the key
    or with a non-finite value are left out."""
    points = []
    for row in run[source]:
        value = row.get(key)
        if value is None:
            continue
        value = float(value)
        if np.isfinite(value):
            points.append((number(row, "agent_steps", 0), value))
    points.sort(key=lambda p: p[0])
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])


def aggregate(curves, spread):
    """Mean, low and high of a group's curves at every step where one has a
    point, over the curves that span it (see the module's doc)."""
    steps = np.unique(np.concatenate([x for x, _ in curves]))
    mean, low, high = [], [], []
    for step in steps:
        values = np.array([np.interp(step, x, y) for x, y in curves if x[0] <= step <= x[-1]])
        mean.append(values.mean())
        if spread == "std":
            low.append(values.mean() - values.std())
            high.append(values.mean() + values.std())
        else:
            low.append(values.min())
            high.append(values.max())
    return steps, np.array(mean), np.array(low), np.array(high)


def plot_groups(groups, out_dir, spread, title):
    """The compare figures; returns the files written."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    written = []
    for file, panels in COMPARE_FIGURES:
        present = [p for p in panels
                   if any(series(run, p[0], p[1])[0].size for _, runs in groups for run in runs)]
        if not present:
            continue
        fig, axes = plt.subplots(len(present), 1, figsize=(8, 3 * len(present)), sharex=True,
                                 squeeze=False)
        for axis, (source, key, label, limits, log) in zip(axes[:, 0], present):
            for g, (group, runs) in enumerate(groups):
                curves = [c for c in (series(run, source, key) for run in runs) if c[0].size]
                if not curves:
                    continue
                colour = colours[g % len(colours)]
                steps, mean, low, high = aggregate(curves, spread)
                axis.plot(steps, mean, color=colour,
                          label=f"{group} ({len(curves)} run{'s' if len(curves) > 1 else ''})")
                if len(curves) > 1:
                    axis.fill_between(steps, low, high, color=colour, alpha=0.2, linewidth=0)
            axis.set_ylabel(label)
            if log:
                axis.set_yscale("log")
            if limits:
                axis.set_ylim(*limits)
        axes[0, 0].legend(fontsize="small")
        axes[-1, 0].set_xlabel("agent steps")
        band = "min to max" if spread == "range" else "mean +- 1 std"
        fig.suptitle(f"{title} (mean; band: {band})")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, file), dpi=100)
        plt.close(fig)
        written.append(file)
    return written


def compare_runs(run_dirs, out_dir, group_by, spread):
    runs = [read_run(d) for d in run_dirs]
    if group_by and all(config_value(run["config"], group_by) is None for run in runs):
        keys = sorted({k for run in runs for k in run["config"]})
        print(f"plot: --group_by={group_by}: no run's config.json has it (its keys: "
              f"{', '.join(keys) or 'none'}; nested ones as a.b)", file=sys.stderr)
        return 2
    groups = group_runs(runs, group_by)
    os.makedirs(out_dir, exist_ok=True)
    title = f"{len(runs)} runs" + (f" by {group_by}" if group_by else "")
    written = plot_groups(groups, out_dir, spread, title)
    for group, members in groups:
        print(f"plot: {group}: {len(members)} run(s): {', '.join(r['name'] for r in members)}")
    print(f"plot: wrote {', '.join(written) or 'nothing'} into {out_dir}")
    return 0


def user_path(path):
    # Under `bazel run`, relative paths are the user's, not the runfiles'.
    if not os.path.isabs(path) and os.environ.get("BUILD_WORKING_DIRECTORY"):
        return os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], path)
    return path


def main(argv):
    parser = argparse.ArgumentParser(
        prog="plot", description="Plots one run folder, or several on one figure.")
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    parser.add_argument("--out", help="folder for the PNGs (one run: default RUN_DIR/plots)")
    parser.add_argument("--group_by", help="config.json key (dotted) whose value groups runs")
    parser.add_argument("--spread", choices=["range", "std"], default="range",
                        help="band around each group's mean (default: range, min to max)")
    args = parser.parse_args(argv[1:])
    run_dirs = [user_path(d) for d in args.run_dirs]
    for run_dir in run_dirs:
        if (not os.path.exists(os.path.join(run_dir, "episodes.jsonl")) and
                not os.path.exists(os.path.join(run_dir, "metrics.jsonl"))):
            print(f"plot: {run_dir}: not a run folder (no episodes.jsonl, no metrics.jsonl)",
                  file=sys.stderr)
            return 2
    if len(run_dirs) == 1 and not args.group_by:
        plot_run(run_dirs[0], user_path(args.out) if args.out else os.path.join(run_dirs[0], "plots"))
        return 0
    if not args.out:
        print("plot: several runs (or --group_by) need --out=DIR", file=sys.stderr)
        return 2
    return compare_runs(run_dirs, user_path(args.out), args.group_by, args.spread)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
