"""What the figure scripts (experiments/humanoid/humanoid_figures.py,
experiments/hand/hand_figures.py) share: running //experiments:mpc
evaluations into a resumable CSV table, reading POLO run folders, and the
results tree they write, results/<system>/: the evaluation tables at its
top, each figure in a folder of its own (figure_path), the run folders
under runs/<task>/[<variant>/]seedS/."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time


def run_evaluations(evaluations, table, fields, mpc, summarise, keep=lambda eid: None):
    """Runs each evaluation not yet in `table` (a CSV keyed by "id"), one at a
    time, appending a row as each ends.

    evaluations: dicts with "id", "flags" (the //experiments:mpc flags after
    the binary, without --trace) and the row's other fields. summarise(trace)
    gives the numbers read from the --trace CSV. keep(id): where to keep that
    evaluation's trace, or None for a temporary file (one per evaluation, so
    that concurrent runs never share one). Returns the rows it added."""
    done = set()
    if os.path.exists(table):
        with open(table, encoding="utf-8") as f:
            done = {r["id"] for r in csv.DictReader(f)}
    added = []
    for evaluation in evaluations:
        eid = evaluation["id"]
        if eid in done:
            continue
        trace = keep(eid)
        if trace is not None:
            os.makedirs(os.path.dirname(trace), exist_ok=True)
        else:
            handle, trace = tempfile.mkstemp(prefix="figures_", suffix=".csv")
            os.close(handle)
        command = [mpc] + evaluation["flags"] + ["--print_every=0", f"--trace={trace}"]
        print("+", " ".join(command), flush=True)
        start = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True)
        wall = time.monotonic() - start
        if result.returncode != 0:
            sys.exit(f"figures: {eid} failed: {result.stderr.strip()}")
        summary = dict(kv.split("=", 1) for kv in result.stdout.split() if "=" in kv)
        row = {k: v for k, v in evaluation.items() if k != "flags"}
        row.update({"ms_per_step": summary.get("ms_per_step", ""), "wall_s": f"{wall:.1f}"})
        row.update(summarise(trace))
        if keep(eid) is None:
            os.remove(trace)
        new = not os.path.exists(table)
        with open(table, "a", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fields, lineterminator="\n")
            if new:
                writer.writeheader()
            writer.writerow(row)
        added.append(row)
        print(f"  {eid}: mean reward {row['mean_reward']}, {wall:.0f} s", flush=True)
    return added


def read_trace(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise RuntimeError(f"{path}: no steps")
    return rows


def read_table(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def polo_runs(runs, task, variant):
    """{seed: episodes} of the POLO runs in RUNS/TASK/VARIANT/seedS/ (variant "" =
    the default presets, RUNS/TASK/seedS/; RUNS: results/<system>/runs)."""
    base = os.path.join(runs, task, variant) if variant else os.path.join(runs, task)
    runs = {}
    if not os.path.isdir(base):
        return runs
    for name in sorted(os.listdir(base)):
        path = os.path.join(base, name, "episodes.jsonl")
        if name.startswith("seed") and os.path.exists(path):
            runs[int(name[4:])] = read_jsonl(path)
    return runs


def figure_path(out, figure, name):
    """OUT/FIGURE/NAME, the folder made: where a figure's files go
    (results/<system>/<figure>/)."""
    os.makedirs(os.path.join(out, figure), exist_ok=True)
    return os.path.join(out, figure, name)


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def legend(ax, **kwargs):
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kwargs)


def write_csv(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows(rows)
    print(f"wrote {path}")
