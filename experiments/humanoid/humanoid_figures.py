#!/usr/bin/python3
"""The paper's humanoid figures (Fig. 3, Fig. 3 right, Fig. 4a, Fig. 4b) from
MPC evaluations and POLO run folders; results/humanoid/README.md says what
each shows and the exact commands.

  experiments/humanoid/humanoid_figures.py run PART... [--mpc BIN] [--out DIR]
      PART: fig3_right, fig3_left, fig3_polo, fig4b, tasks, tasks_polo, several_actors
      (or all). Runs
      //experiments:mpc (build it first: bazel build -c opt //experiments:mpc)
      for every evaluation of the part not yet in DIR/mpc.csv, one at a
      time, appending a row per evaluation. Resumable.
  experiments/humanoid/humanoid_figures.py plot [--out DIR] [--results RUNS]
      Writes the figures' CSVs and PNGs into DIR/<figure>/ (fig3_left,
      fig3_right, fig4a, fig4b, other_tasks, several_actors) from DIR/mpc.csv,
      DIR/fig3_right/*_seedS.csv and the POLO run folders under RUNS
      (RUNS/<task>/[<variant>/]seedS/).

DIR defaults to results/humanoid, RUNS to results/humanoid/runs. Every
evaluation uses the humanoid presets' acting MPPI (120 rollouts,
sigma 0.2, rho 0.8, lambda 0.05 on raw returns) and kappa = 0 (the members'
mean) when a value is given. "standing" = torso above 1.0 m.
"""

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import figures_common as common  # noqa: E402 (experiments/common/figures_common.py)

ACTING = ["--rollouts=120", "--temperature=0.05", "--temperature_mode=absolute"]
HORIZONS = [16, 32, 64]
HEAD_SCALES = [1.0, 1.25, 1.5, 1.75]
STANDING = 1.0
FIELDS = ["id", "figure", "task", "method", "horizon", "head_scale", "seed", "steps", "weights",
          "mean_reward", "final_root_height", "max_root_height", "frac_standing",
          "mean_forward_speed", "final_box_to_target", "ms_per_step", "wall_s"]


VARIANTS = {16: "horizon16", 32: "", 64: "horizon64"}
OTHER_TASKS = ("humanoid_getup_sparse", "humanoid_walk", "humanoid_box")


def evaluations_of(part, weights, results):
    """(id, figure, task, method, horizon, head_scale, seed, steps, weights, extra flags)."""
    out = []
    if part == "fig3_right":
        for seed in (0, 1, 2):
            out.append((f"fig3_right/trained_seed{seed}", "fig3_right", "humanoid_getup",
                        "value_only_trained", 64, 1.0, seed, 300, weights,
                        ["--value_only", f"--value={weights}", "--kappa=0"]))
            out.append((f"fig3_right/untrained_seed{seed}", "fig3_right", "humanoid_getup",
                        "value_only_untrained", 64, 1.0, seed, 300, "",
                        ["--value_only", f"--value={weights}", f"--untrained_value_seed={seed}",
                         "--kappa=0"]))
    elif part == "fig3_left":
        for h in HORIZONS:
            for seed in (0, 1, 2):
                out.append((f"fig3_left/mpc_h{h}_seed{seed}", "fig3_left", "humanoid_getup", "mpc",
                            h, 1.0, seed, 600, "", []))
    elif part == "fig3_polo":
        # The paper's Fig. 3 measure of POLO: MPC at the run's horizon with its
        # final value (kappa 0), averaged over 3 trials.
        for h in HORIZONS:
            base = os.path.join(results, "humanoid_getup", VARIANTS[h])
            for run_seed in sorted(common.polo_runs(results, "humanoid_getup", VARIANTS[h])):
                run_weights = os.path.join(base, f"seed{run_seed}", "weights.pb")
                for seed in (0, 1, 2):
                    out.append((f"fig3_polo/h{h}_run{run_seed}_seed{seed}", "fig3_polo",
                                "humanoid_getup", f"polo_value_run{run_seed}", h, 1.0, seed, 600,
                                run_weights, [f"--value={run_weights}", "--kappa=0"]))
    elif part == "fig4b":
        for scale in HEAD_SCALES:
            for h in HORIZONS:
                out.append((f"fig4b/value_h{h}_scale{scale}_seed0", "fig4b", "humanoid_getup",
                            "mpc_value", h, scale, 0, 600, weights,
                            [f"--value={weights}", "--kappa=0", f"--head_scale={scale}"]))
    elif part == "tasks":
        for task in OTHER_TASKS:
            for seed in (0, 1, 2):
                out.append((f"tasks/mpc_{task}_seed{seed}", "tasks", task, "mpc", 32, 1.0, seed,
                            600, "", []))
    elif part == "several_actors":
        # As fig3_polo at H 32: MPC with each K-actor run's final value, 3 trials.
        for actors, mode, variant in SEVERAL_ACTORS[1:]:
            for run_seed in sorted(common.polo_runs(results, "humanoid_getup", variant)):
                run_weights = os.path.join(results, "humanoid_getup", variant,
                                           f"seed{run_seed}", "weights.pb")
                for seed in range(3):
                    out.append((f"several_actors/{variant}_run{run_seed}_seed{seed}",
                                "several_actors", "humanoid_getup", f"polo_value_run{run_seed}",
                                32, 1.0, seed, 600, run_weights,
                                [f"--value={run_weights}", "--kappa=0"]))
    elif part == "tasks_polo":
        # As fig3_polo: MPC (H 32) with each run's final value, 3 trials.
        for task in OTHER_TASKS:
            for run_seed in sorted(common.polo_runs(results, task, "")):
                run_weights = os.path.join(results, task, f"seed{run_seed}", "weights.pb")
                for seed in (0, 1, 2):
                    out.append((f"tasks_polo/{task}_run{run_seed}_seed{seed}", "tasks_polo", task,
                                f"polo_value_run{run_seed}", 32, 1.0, seed, 600, run_weights,
                                [f"--value={run_weights}", "--kappa=0"]))
    else:
        sys.exit(f"humanoid_figures: unknown part '{part}'; expected fig3_right, fig3_left, "
                 "fig3_polo, fig4b, tasks, tasks_polo, several_actors or all")
    return out


def summarise(trace_path):
    """The row's numbers from an //experiments:mpc --trace CSV."""
    rows = common.read_trace(trace_path)
    heights = [float(r["root_height"]) for r in rows]
    out = {
        "mean_reward": sum(float(r["reward"]) for r in rows) / len(rows),
        "final_root_height": heights[-1],
        "max_root_height": max(heights),
        "frac_standing": sum(h > STANDING for h in heights) / len(heights),
        "mean_forward_speed": sum(float(r["forward_speed"]) for r in rows) / len(rows),
        "final_box_to_target": float(rows[-1]["box_to_target"]) if "box_to_target" in rows[0]
        else "",
    }
    return {k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in out.items()}


def run(args):
    parts = (["fig3_right", "fig3_left", "fig3_polo", "fig4b", "tasks", "tasks_polo",
              "several_actors"]
             if args.parts == ["all"]
             else args.parts)
    keys = ["id", "figure", "task", "method", "horizon", "head_scale", "seed", "steps", "weights"]
    evaluations = []
    for part in parts:
        for e in evaluations_of(part, args.weights, args.results):
            row = dict(zip(keys, e[:-1]))
            row["flags"] = [f"--task={row['task']}", f"--horizon={row['horizon']}",
                            f"--steps={row['steps']}", f"--seed={row['seed']}"] + ACTING + e[-1]
            evaluations.append(row)
    common.run_evaluations(
        evaluations, os.path.join(args.out, "mpc.csv"), FIELDS, args.mpc, summarise,
        keep=lambda eid: os.path.join(args.out, eid + ".csv") if eid.startswith("fig3_right/")
        else None)


# --- plot -----------------------------------------------------------------

def plot(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mpc = []
    if os.path.exists(os.path.join(args.out, "mpc.csv")):
        with open(os.path.join(args.out, "mpc.csv"), encoding="utf-8") as f:
            mpc = list(csv.DictReader(f))

    def mpc_rows(**match):
        return [r for r in mpc if all(str(r[k]) == str(v) for k, v in match.items())]

    for draw in (plot_fig3_left, plot_fig3_right, plot_fig4a, plot_fig4b, write_other_tasks,
                 plot_several_actors):
        draw(plt, args.out, args.results, mpc_rows)


def plot_fig3_left(plt, out, results, mpc_rows):
    # Fig. 3 left: last-episode mean reward of POLO against plain MPC per horizon.
    # "polo": the run's last training episode; "polo_value": MPC at the run's
    # horizon with its final value, 3 trials (the paper's measure); "mpc":
    # plain MPC, 3 trials. Each row one episode of 600 steps.
    rows = []
    for h in HORIZONS:
        for seed, episodes in common.polo_runs(results, "humanoid_getup", VARIANTS[h]).items():
            if len(episodes) >= 20:
                last = episodes[-1]
                rows.append(["polo", h, seed, "", f"{last['mean_reward']:.4f}",
                             f"{last.get('frac_standing', 0):.3f}",
                             f"{last.get('max_root_height', 0):.3f}"])
        for r in mpc_rows(figure="fig3_polo", horizon=h):
            rows.append(["polo_value", h, r["method"].replace("polo_value_run", ""), r["seed"],
                         r["mean_reward"], r["frac_standing"], r["max_root_height"]])
        for r in mpc_rows(figure="fig3_left", horizon=h):
            rows.append(["mpc", h, "", r["seed"], r["mean_reward"], r["frac_standing"],
                         r["max_root_height"]])
    common.write_csv(common.figure_path(out, "fig3_left", "fig3_left_horizon.csv"),
              ["method", "horizon", "run_seed", "eval_seed", "mean_reward", "frac_standing",
               "max_root_height"], rows)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for method, marker, label in (("polo_value", "o", "POLO: MPC + its learned value"),
                                  ("polo", "^", "POLO: last training episode"),
                                  ("mpc", "s", "plain MPC")):
        pts = [(int(r[1]), float(r[4])) for r in rows if r[0] == method]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, alpha=0.5)
            hs = sorted({p[0] for p in pts})
            ax.plot(hs, [common.mean([p[1] for p in pts if p[0] == h]) for h in hs], marker=marker,
                    label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(HORIZONS, [str(h) for h in HORIZONS])
    ax.set_xlabel("planning horizon H")
    ax.set_ylabel("mean reward per step")
    ax.set_title("humanoid_getup: POLO vs MPC (paper Fig. 3)")
    common.legend(ax)
    fig.tight_layout()
    fig.savefig(common.figure_path(out, "fig3_left", "fig3_left_horizon.png"), dpi=110)
    plt.close(fig)


def plot_fig3_right(plt, out, results, mpc_rows):
    # Fig. 3 right: root height over time, value-only MPC at H = 64.
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for method, color, label in (("trained", "C0", "trained value"),
                                 ("untrained", "C3", "untrained ensemble")):
        for seed in (0, 1, 2):
            path = os.path.join(out, "fig3_right", f"{method}_seed{seed}.csv")
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as f:
                trace = list(csv.DictReader(f))
            ax.plot([int(r["step"]) for r in trace], [float(r["root_height"]) for r in trace],
                    color=color, label=label if seed == 0 else None)
    ax.axhline(STANDING, color="gray", linestyle=":", linewidth=1)
    ax.set_xlabel("step")
    ax.set_ylabel("root height (m)")
    ax.set_title("value-only MPC, H = 64, no reward (Fig. 3 right)")
    common.legend(ax)
    fig.tight_layout()
    fig.savefig(common.figure_path(out, "fig3_right", "fig3_right_value_only.png"), dpi=110)
    plt.close(fig)
    common.write_csv(common.figure_path(out, "fig3_right", "fig3_right_value_only.csv"),
              ["method", "seed", "start_root_height", "final_root_height", "max_root_height",
               "frac_standing"],
              [[r["method"], r["seed"], start_height(out, r), r["final_root_height"],
                r["max_root_height"], r["frac_standing"]] for r in mpc_rows(figure="fig3_right")])


def plot_fig4a(plt, out, results, mpc_rows):
    # Fig. 4a: learning curves for target horizons N.
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    rows = []
    for n, variant in ((1, "target_horizon1"), (4, "target_horizon4"), (16, ""),
                       (64, "target_horizon64")):
        runs = common.polo_runs(results, "humanoid_getup", variant)
        for seed, episodes in runs.items():
            for e in episodes:
                rows.append([n, seed, e["episode"], e["agent_steps"], f"{e['mean_reward']:.4f}",
                             f"{e.get('frac_standing', 0):.3f}"])
        if runs:
            count = min(len(e) for e in runs.values())
            curve = [common.mean([runs[s][i]["mean_reward"] for s in runs]) for i in range(count)]
            steps = [runs[min(runs)][i]["agent_steps"] for i in range(count)]
            ax.plot(steps, curve, marker=".", label=f"N = {n} ({len(runs)} seed"
                    f"{'s' if len(runs) > 1 else ''})")
    mpc32 = [float(r["mean_reward"]) for r in mpc_rows(figure="fig3_left", horizon=32)]
    if mpc32:
        ax.axhline(common.mean(mpc32), color="gray", linestyle="--", label="plain MPC, H = 32")
    common.write_csv(common.figure_path(out, "fig4a", "fig4a_target_horizon.csv"),
              ["target_horizon", "seed", "episode", "agent_steps", "mean_reward",
               "frac_standing"], rows)
    ax.set_xlabel("agent steps")
    ax.set_ylabel("mean reward per step (episode)")
    ax.set_title("humanoid_getup: N-step targets (Fig. 4a)")
    common.legend(ax, fontsize=8)
    fig.tight_layout()
    fig.savefig(common.figure_path(out, "fig4a", "fig4a_target_horizon.png"), dpi=110)
    plt.close(fig)


def plot_fig4b(plt, out, results, mpc_rows):
    # Fig. 4b: the nominal value with larger heads, per horizon.
    rows = [[r["horizon"], r["head_scale"], r["seed"], r["mean_reward"], r["frac_standing"],
             r["max_root_height"]] for r in mpc_rows(figure="fig4b")]
    common.write_csv(common.figure_path(out, "fig4b", "fig4b_head_scale.csv"),
              ["horizon", "head_scale", "seed", "mean_reward", "frac_standing",
               "max_root_height"], rows)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for h in HORIZONS:
        pts = sorted((float(r[1]), float(r[3])) for r in rows if int(r[0]) == h)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"H = {h}")
    ax.set_xlabel("head scale (nominal = 1)")
    ax.set_ylabel("mean reward per step")
    ax.set_title("value of the nominal model, larger heads (Fig. 4b)")
    common.legend(ax)
    fig.tight_layout()
    fig.savefig(common.figure_path(out, "fig4b", "fig4b_head_scale.png"), dpi=110)
    plt.close(fig)


def write_other_tasks(plt, out, results, mpc_rows):
    # The other humanoid tasks: POLO's last episode and MPC with its value
    # against plain MPC.
    rows = []
    for task in OTHER_TASKS:
        for seed, episodes in common.polo_runs(results, task, "").items():
            last = episodes[-1]
            rows.append([task, "polo", seed, len(episodes), f"{last['mean_reward']:.4f}",
                         f"{last.get('frac_standing', 0):.3f}",
                         f"{last.get('mean_forward_speed', float('nan')):.3f}"])
        for r in mpc_rows(figure="tasks_polo", task=task):
            rows.append([task, r["method"], r["seed"], 1, r["mean_reward"], r["frac_standing"],
                         r["mean_forward_speed"]])
        for r in mpc_rows(figure="tasks", task=task):
            rows.append([task, "mpc", r["seed"], 1, r["mean_reward"], r["frac_standing"],
                         r["mean_forward_speed"]])
    common.write_csv(common.figure_path(out, "other_tasks", "other_tasks.csv"),
              ["task", "method", "seed", "episodes", "last_mean_reward", "frac_standing",
               "mean_forward_speed"], rows)


SEVERAL_ACTORS = ((1, "sync", ""), (4, "sync", "actors4"), (4, "async", "actors4_async"))
BLOCK_STEPS = 2400  # Points of the curves: about 2400 agent steps of experience each.


def last_episodes(episodes):
    """Each actor's last complete episode (one actor: the run's last)."""
    last = {}
    for e in episodes:
        last[e.get("worker_id", "")] = e
    return list(last.values())


def episode_blocks(episodes, actors):
    """Episodes grouped into blocks of about BLOCK_STEPS agent steps over all
    actors: one actor's 4 consecutive 600-step episodes, or the j-th episode
    of each of 4 actors."""
    blocks = {}
    for e in episodes:
        per_block = max(1, round(BLOCK_STEPS / (e.get("length", 600) * actors)))
        blocks.setdefault(e.get("worker_episode", e["episode"] - 1) // per_block, []).append(e)
    return [blocks[k] for k in sorted(blocks)]


def plot_several_actors(plt, out, results, mpc_rows):
    # K actors against one, per total agent step (docs/design.md "Several
    # actors"): a point per block of about 2400 agent steps, the seeds' mean
    # with their range as a band. An actor's episode cut off by the run's
    # end is not recorded, so a last block may hold fewer than K episodes.
    rows, summary = [], []
    fig, (ax_r, ax_s) = plt.subplots(1, 2, figsize=(10, 3.6))
    for actors, mode, variant in SEVERAL_ACTORS:
        runs = common.polo_runs(results, "humanoid_getup", variant)
        if not runs:
            continue
        for seed, episodes in runs.items():
            for e in episodes:
                rows.append([actors, mode, seed, e["episode"], e["agent_steps"],
                             e.get("worker_id", ""), f"{e['mean_reward']:.4f}",
                             f"{e.get('frac_standing', 0):.3f}"])
            last = last_episodes(episodes)
            standing = [e for e in episodes if e.get("frac_standing", 0) > 0]
            # The final value used greedily (MPC H 32, kappa 0, 3 trials).
            if actors == 1:
                evals = [r for r in mpc_rows(figure="fig3_polo", horizon=32)
                         if r["id"].startswith(f"fig3_polo/h32_run{seed}_")]
            else:
                evals = [r for r in mpc_rows(figure="several_actors")
                         if r["id"].startswith(f"several_actors/{variant}_run{seed}_")]
            value = [common.mean([float(r[k]) for r in evals]) if evals else float("nan")
                     for k in ("mean_reward", "frac_standing")]
            summary.append([actors, mode, seed, len(episodes),
                            max(e["agent_steps"] for e in episodes), len(last),
                            f"{common.mean([e.get('frac_standing', 0) for e in last]):.3f}",
                            f"{common.mean([e['mean_reward'] for e in last]):.4f}",
                            standing[0]["agent_steps"] if standing else "", len(evals),
                            f"{value[0]:.4f}", f"{value[1]:.3f}"])
        per_seed = {seed: episode_blocks(episodes, actors) for seed, episodes in runs.items()}
        count = min(len(b) for b in per_seed.values())
        # At the block's end: the agent steps when its last episode ended.
        steps = [common.mean([max(e["agent_steps"] for e in b[i]) for b in per_seed.values()])
                 for i in range(count)]
        for ax, key in ((ax_r, "mean_reward"), (ax_s, "frac_standing")):
            values = [[common.mean([e.get(key, 0) for e in b[i]]) for i in range(count)]
                      for b in per_seed.values()]
            curve = [common.mean([v[i] for v in values]) for i in range(count)]
            label = (f"{actors} actor{'s' if actors > 1 else ''}, {mode} "
                     f"({len(runs)} seed{'s' if len(runs) > 1 else ''})")
            line, = ax.plot(steps, curve, marker="o", label=label)
            if len(values) > 1:
                ax.fill_between(steps, [min(v[i] for v in values) for i in range(count)],
                                [max(v[i] for v in values) for i in range(count)],
                                color=line.get_color(), alpha=0.15)
    if not rows:
        plt.close(fig)
        return
    common.write_csv(common.figure_path(out, "several_actors", "several_actors_episodes.csv"),
                     ["actors", "mode", "seed", "episode", "agent_steps", "worker_id",
                      "mean_reward", "frac_standing"], rows)
    common.write_csv(common.figure_path(out, "several_actors", "several_actors_summary.csv"),
                     ["actors", "mode", "seed", "episodes", "agent_steps", "last_episodes",
                      "last_frac_standing", "last_mean_reward", "first_standing_agent_steps",
                      "value_trials", "value_mean_reward", "value_frac_standing"],
                     summary)
    ax_r.set_ylabel("mean reward per step")
    ax_s.set_ylabel("share of steps standing")
    for ax in (ax_r, ax_s):
        ax.set_xlabel(f"total agent steps (blocks of about {BLOCK_STEPS})")
        common.legend(ax, fontsize=8)
    fig.suptitle("humanoid_getup: K actors against one, per total agent step")
    fig.tight_layout()
    fig.savefig(common.figure_path(out, "several_actors", "several_actors.png"), dpi=110)
    plt.close(fig)


def start_height(out, row):
    path = os.path.join(out, row["id"] + ".csv")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    return first["root_height"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run", "plot"])
    parser.add_argument("parts", nargs="*", default=["all"])
    parser.add_argument("--mpc", default="bazel-bin/experiments/common/mpc")
    parser.add_argument("--out", default="results/humanoid")
    parser.add_argument("--results", default="results/humanoid/runs",
                        help="the run folders, <task>/[<variant>/]seedS/")
    parser.add_argument("--weights", default="results/humanoid/runs/humanoid_getup/weights.pb",
                        help="the trained getup value (seed 0's final weights)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.command == "run":
        run(args)
    else:
        plot(args)


if __name__ == "__main__":
    main()
