#!/usr/bin/python3
"""The paper's hand result (Fig. 3 middle): POLO against plain MPC at three
horizons on hand_cube; results/hand/README.md says what it shows and the
exact commands.

  experiments/hand/hand_figures.py run [mpc] [polo] [value] [--mpc BIN] [--out DIR]
                                       [--results RUNS] [--tail STEPS]
      Runs //experiments:mpc (build it first: bazel build -c opt
      //experiments:mpc) for every evaluation not yet in its table, one at
      a time, appending a row each. Resumable. "mpc": plain MPC at each
      horizon; "polo": MPC at each POLO run's horizon with its final value
      (both into DIR/mpc.csv). "value" (into DIR/value_check.csv, not part
      of "all"): trial 0 again, plain and with each run's value, to check
      the value against what happened: per step its V(s_t) beside the
      discounted return the episode then got, and the effective samples of
      MPPI, each averaged over the steps with the cube held and dropped,
      and with the cube held the spreads (standard deviations over MPPI's
      batch) of the rollouts' reward sums and of their terminal values.
      Returns leave out the last STEPS steps (default 300), whose returns
      the episode's end cuts short (0.99^300: 5 %).
  experiments/hand/hand_figures.py plot [--out DIR] [--results RUNS]
      Writes fig3_middle_hand.{csv,png} into DIR/fig3_middle/ from
      DIR/mpc.csv and the POLO run folders RUNS/hand_cube/{horizon8/,horizon16/,}seedS/.

DIR defaults to results/hand, RUNS to results/hand/runs.

Every evaluation is the paper's measure: 1000 steps in one go (goals
changing every 75 steps, a dropped cube stays dropped), with the hand
presets' acting MPPI (80 rollouts, sigma 0.2, rho 0.8, lambda 0.02 on raw
returns) and kappa = 0 (the members' mean) when a value is given. Trials
0-2: the evaluation seed fixes the cube's start and the goals, so MPC and
POLO face the same goals trial by trial.
"""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import figures_common as common  # noqa: E402 (experiments/common/figures_common.py)

ACTING = ["--rollouts=80", "--temperature=0.02", "--temperature_mode=absolute"]
HORIZONS = [8, 16, 32]
VARIANTS = {8: "horizon8", 16: "horizon16", 32: ""}
TRIALS = (0, 1, 2)
STEPS = 1000
FIELDS = ["id", "method", "horizon", "run_seed", "seed", "steps", "weights", "mean_reward",
          "mean_orientation_error_deg", "frac_within_20deg", "frac_dropped", "first_drop_step",
          "ms_per_step", "wall_s"]


def evaluations(part, results):
    out = []
    for h in HORIZONS:
        base = os.path.join(results, "hand_cube", VARIANTS[h])
        if part == "mpc":
            runs = {"": ("mpc", "", [])}
        elif part == "polo":
            runs = {}
            for run_seed in sorted(common.polo_runs(results, "hand_cube", VARIANTS[h])):
                weights = os.path.join(base, f"seed{run_seed}", "weights.pb")
                runs[run_seed] = ("polo_value", weights, [f"--value={weights}", "--kappa=0"])
        else:
            sys.exit(f"hand_figures: unknown part '{part}'; expected mpc, polo or value")
        for run_seed, (method, weights, extra) in runs.items():
            for seed in TRIALS:
                name = "mpc" if method == "mpc" else f"polo_run{run_seed}"
                out.append({"id": f"{name}_h{h}_seed{seed}", "method": method, "horizon": h,
                            "run_seed": run_seed, "seed": seed, "steps": STEPS,
                            "weights": weights,
                            "flags": ["--task=hand_cube", f"--horizon={h}", f"--steps={STEPS}",
                                      f"--seed={seed}"] + ACTING + extra})
    return out


def reward_and_drops(rows):
    """Mean reward, share of steps with the cube dropped, first dropped step
    ("" if none): the numbers both tables hold."""
    dropped = [float(r["cube_dropped"]) for r in rows]
    return {
        "mean_reward": common.mean([float(r["reward"]) for r in rows]),
        "frac_dropped": common.mean(dropped),
        "first_drop_step": next((int(r["step"]) for r, d in zip(rows, dropped) if d > 0), ""),
    }


def formatted(out):
    return {k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in out.items()}


def summarise(trace_path):
    rows = common.read_trace(trace_path)
    out = reward_and_drops(rows)
    out["mean_orientation_error_deg"] = common.mean(
        [float(r["orientation_error_deg"]) for r in rows])
    out["frac_within_20deg"] = common.mean([float(r["within_20deg"]) for r in rows])
    return formatted(out)


VALUE_FIELDS = ["id", "method", "horizon", "run_seed", "seed", "steps", "mean_reward",
                "frac_dropped", "first_drop_step", "ess_held", "ess_dropped",
                "return_spread_held", "value_spread_held", "value_held",
                "return_held", "value_dropped", "return_dropped", "value_return_corr",
                "ms_per_step", "wall_s"]


def value_evaluations(results):
    """The "mpc" and "polo" evaluations of trial 0, with the discount of
    each POLO run (its config.json) for the returns."""
    out = []
    for part in ("mpc", "polo"):
        for e in evaluations(part, results):
            if e["seed"] != 0:
                continue
            e = {k: e[k] for k in ("id", "method", "horizon", "run_seed", "seed", "steps",
                                   "flags")}
            e["gamma"] = None
            if e["method"] == "polo_value":
                folder = os.path.join(results, "hand_cube", VARIANTS[e["horizon"]],
                                      f"seed{e['run_seed']}")
                with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
                    e["gamma"] = float(json.load(f)["mppi"]["gamma"])
            out.append(e)
    return out


def value_summary(trace_path, gamma, tail):
    """Effective samples, and with a value column V(s_t) against the
    discounted return G_t = sum_i gamma^i r_(t+i) of the steps that followed,
    for t before the last `tail` steps; split by cube held / dropped."""
    rows = common.read_trace(trace_path)
    rewards = [float(r["reward"]) for r in rows]
    dropped = [float(r["cube_dropped"]) > 0 for r in rows]
    ess = [float(r["effective_samples"]) for r in rows]
    out = reward_and_drops(rows)
    out["ess_held"] = common.mean([e for e, d in zip(ess, dropped) if not d])
    out["ess_dropped"] = common.mean([e for e, d in zip(ess, dropped) if d])
    for part in ("return", "value"):
        spread = [float(r[f"{part}_spread"]) for r, d in zip(rows, dropped) if not d]
        out[f"{part}_spread_held"] = common.mean(spread)
    if gamma is not None and "value" in rows[0]:
        returns, g = [0.0] * len(rewards), 0.0
        for t in range(len(rewards) - 1, -1, -1):
            g = rewards[t] + gamma * g
            returns[t] = g
        n = max(len(rows) - tail, 0)
        values = [float(r["value"]) for r in rows[:n]]
        for name, keep in (("held", False), ("dropped", True)):
            picked = [t for t in range(n) if dropped[t] == keep]
            out[f"value_{name}"] = common.mean([values[t] for t in picked])
            out[f"return_{name}"] = common.mean([returns[t] for t in picked])
        out["value_return_corr"] = correlation(values, returns[:n])
    return formatted(out)


def correlation(xs, ys):
    """Pearson's r; NaN with fewer than 2 points or a constant series."""
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return float("nan")


def run(args):
    parts = ["mpc", "polo"] if args.parts == ["all"] else args.parts
    table = os.path.join(args.out, "mpc.csv")
    for part in parts:
        if part == "value":
            for e in value_evaluations(args.results):
                gamma = e.pop("gamma")
                common.run_evaluations(
                    [e], os.path.join(args.out, "value_check.csv"), VALUE_FIELDS, args.mpc,
                    lambda trace, gamma=gamma: value_summary(trace, gamma, args.tail))
            continue
        common.run_evaluations(evaluations(part, args.results), table, FIELDS, args.mpc,
                               summarise)


def plot(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = common.read_table(os.path.join(args.out, "mpc.csv"))
    # One row per evaluation (MPC, or MPC with a POLO run's value) and per
    # POLO run's last training episode (300 steps, kappa at its end value).
    rows = []
    for r in table:
        rows.append([r["method"], r["horizon"], r["run_seed"], r["seed"], r["mean_reward"],
                     r["mean_orientation_error_deg"], r["frac_within_20deg"], r["frac_dropped"]])
    for h in HORIZONS:
        for run_seed, episodes in common.polo_runs(args.results, "hand_cube",
                                                   VARIANTS[h]).items():
            last = episodes[-1]
            rows.append(["polo_last_episode", h, run_seed, "", f"{last['mean_reward']:.6g}",
                         f"{last['mean_orientation_error_deg']:.6g}",
                         f"{last['mean_within_20deg']:.6g}", f"{last['mean_cube_dropped']:.6g}"])
    common.write_csv(common.figure_path(args.out, "fig3_middle", "fig3_middle_hand.csv"),
                     ["method", "horizon", "run_seed", "eval_seed", "mean_reward",
                      "mean_orientation_error_deg", "frac_within_20deg", "frac_dropped"], rows)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for method, marker, label in (("polo_value", "o", "POLO: MPC + its learned value"),
                                  ("mpc", "s", "plain MPC")):
        pts = [(int(r[1]), float(r[4])) for r in rows if r[0] == method]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, alpha=0.5)
            hs = sorted({p[0] for p in pts})
            ax.plot(hs, [common.mean([p[1] for p in pts if p[0] == h]) for h in hs],
                    marker=marker, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(HORIZONS, [str(h) for h in HORIZONS])
    ax.set_xlabel("planning horizon H")
    ax.set_ylabel(f"mean reward per step ({STEPS} steps)")
    ax.set_title("hand_cube: POLO vs MPC (paper Fig. 3 middle)")
    common.legend(ax)
    fig.tight_layout()
    fig.savefig(common.figure_path(args.out, "fig3_middle", "fig3_middle_hand.png"), dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run", "plot"])
    parser.add_argument("parts", nargs="*", default=["all"])
    parser.add_argument("--mpc", default="bazel-bin/experiments/common/mpc")
    parser.add_argument("--out", default="results/hand")
    parser.add_argument("--results", default="results/hand/runs",
                        help="the run folders, hand_cube/[<variant>/]seedS/")
    parser.add_argument("--tail", type=int, default=300)
    args = parser.parse_args()
    if args.tail < 0:
        parser.error(f"--tail: got {args.tail}, expected >= 0 (steps)")
    os.makedirs(args.out, exist_ok=True)
    if args.command == "run":
        run(args)
    else:
        plot(args)


if __name__ == "__main__":
    main()
