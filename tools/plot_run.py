"""Plots a run folder (README, "Seeing a run"): bazel run //tools:plot -- RUN_DIR

Reads RUN_DIR/episodes.jsonl (one line per completed episode) and
RUN_DIR/metrics.jsonl (one line per update) and writes into RUN_DIR/plots/:
  episodes.png    return and the task's success metric per episode against
                  agent steps (humanoid: share of steps standing and max root
                  height; point mass: coverage of the grid)
  training.png    value loss per update against agent steps
  throughput.png  agent steps/s, targets/s and the learner's CPU use
A plot whose file is missing or empty is skipped with a message. Exit
status 2 for a RUN_DIR that is not a run folder.
"""

import json
import os
import sys

import matplotlib

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


def main(argv):
    if len(argv) != 2:
        print("usage: plot RUN_DIR", file=sys.stderr)
        return 2
    run_dir = argv[1]
    # Under `bazel run`, relative paths are the user's, not the runfiles'.
    if not os.path.isabs(run_dir) and os.environ.get("BUILD_WORKING_DIRECTORY"):
        run_dir = os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], run_dir)
    episodes_path = os.path.join(run_dir, "episodes.jsonl")
    metrics_path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(episodes_path) and not os.path.exists(metrics_path):
        print(f"plot: {run_dir}: not a run folder (no episodes.jsonl, no metrics.jsonl)", file=sys.stderr)
        return 2
    out_dir = os.path.join(run_dir, "plots")
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
