#!/usr/bin/python3
"""Where one learner saturates, and the wall time of a humanoid run on K actor
machines, from measured costs (docs/measurements.md, "Several actors: where
the learner saturates", has the inputs, where each was measured, and the
table this prints).

  cluster/scale_model.py [--step_s=S ...] [--machines=1,2,4,8,16]

Every machine has --machine_cores cores and runs one actor with that many
rollout threads. Two layouts:

  sync:  SYNCHRONOUS (Algorithm 1's order). Each actor machine also runs
         --machine_cores single-thread target workers, which compute while
         its actor waits for the update, so an update round is
             T = Z a / K + C / (c K) + u + f (K + c K)
         (acting: Z agent steps shared by K actors of a seconds each;
         targets: C core-seconds split over c K cores; u: the rest of the
         update on the learner; f per weights subscriber), and a run of L
         steps takes L / Z rounds.
  async: ASYNCHRONOUS. Actors never pause; P target cores on machines of
         their own, the fewest that keep an update within the Z a / K
         seconds K actors take to make Z steps:
             C / P + u + f (K + P) <= Z a / K,
         so each update still covers Z steps and the weights are one
         version old. A run takes L a / K. Past K_max no P is enough: the
         update loop itself (u + f (K + P)) outlasts Z steps of acting, and
         with the P of the shortest update each update covers
         K u(P) / a > Z steps (fewer updates per agent step).

per_actor_efficiency (the scale_bench definition: agent steps/s per actor
at K over one actor's, the same target cores in both): sync with the
target cores of K machines; async 1 while the learner's CPU (l per agent
step) fits on --learner_cores (actors never wait).
"""

import argparse
import math


def actor_step_s(args):
    """Seconds per agent step of one actor on --machine_cores threads."""
    c = args.machine_cores
    return args.step_s / (c * (args.thread_efficiency if c > 1 else 1.0))


def sync_round_s(args, k, target_cores):
    a = actor_step_s(args)
    return (args.update_every * a / k + args.target_core_s / target_cores + args.update_s
            + args.fanout_s * (k + target_cores))


MAX_TARGET_CORES = 256


def async_update_s(args, k, p):
    return args.target_core_s / p + args.update_s + args.fanout_s * (k + p)


def async_target_cores(args, k):
    """(P, steps per update): the fewest target cores keeping each update
    within Z steps of acting; where none does, the P of the shortest update
    (at most MAX_TARGET_CORES), whose updates then cover more than Z steps."""
    a = actor_step_s(args)
    budget = args.update_every * a / k
    for p in range(1, MAX_TARGET_CORES + 1):
        if async_update_s(args, k, p) <= budget:
            return p, float(args.update_every)
    p = min(range(1, MAX_TARGET_CORES + 1), key=lambda q: async_update_s(args, k, q))
    return p, k * async_update_s(args, k, p) / a


def k_max(args):
    """Largest K whose updates keep the cadence with some P (async), and the
    largest whose states the learner's cores take."""
    def keeps(k):
        return async_target_cores(args, k)[1] <= args.update_every

    k = 0
    while keeps(k + 1):
        k += 1
    ingest = math.floor(args.learner_cores * actor_step_s(args) / args.learner_cpu_s_per_step)
    return k, ingest


def rows(args):
    a = actor_step_s(args)
    z, steps, c = args.update_every, args.steps, args.machine_cores
    out = []
    for k in args.machines:
        rounds = steps / z
        t_sync = sync_round_s(args, k, c * k)
        eff_sync = sync_round_s(args, 1, c * k) / (k * t_sync)
        p, per_update = async_target_cores(args, k)
        learner_cores = args.learner_cpu_s_per_step * k / a
        fits = learner_cores <= args.learner_cores
        out.append({
            "K": k,
            "sync_round_s": t_sync,
            "sync_min": (rounds * t_sync + args.startup_s) / 60,
            "sync_efficiency": eff_sync,
            "async_target_cores": p,
            "async_steps_per_update": per_update,
            "async_min": (steps * a / k + args.startup_s) / 60,
            "async_efficiency": 1.0 if fits else None,
            "learner_cores": learner_cores,
        })
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # Defaults: the humanoid presets on the project's 2-core machine
    # (docs/measurements.md names the run behind each).
    parser.add_argument("--step_s", type=float, default=0.106,
                        help="a1: seconds per agent step of one actor on one thread")
    parser.add_argument("--thread_efficiency", type=float, default=0.90,
                        help="rollout speed on c threads over c x one thread's")
    parser.add_argument("--target_core_s", type=float, default=1.42,
                        help="C: core-seconds of one update's targets")
    parser.add_argument("--update_s", type=float, default=0.035,
                        help="u: an update's learner time besides waiting for targets")
    parser.add_argument("--fanout_s", type=float, default=0.00104,
                        help="f: publication time per weights subscriber")
    parser.add_argument("--learner_cpu_s_per_step", type=float, default=0.0064,
                        help="l: learner CPU seconds per agent step (ingest, jobs, training)")
    parser.add_argument("--learner_cores", type=int, default=2)
    parser.add_argument("--machine_cores", type=int, default=2)
    parser.add_argument("--update_every", type=int, default=16, help="Z")
    parser.add_argument("--steps", type=int, default=12000, help="L: agent steps of the run")
    parser.add_argument("--startup_s", type=float, default=10,
                        help="start-up to the first step (processes, model, connections)")
    parser.add_argument("--machines", default="1,2,4,8,16",
                        type=lambda s: [int(x) for x in s.split(",")])
    args = parser.parse_args()
    for name in ("step_s", "thread_efficiency", "target_core_s", "learner_cpu_s_per_step"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name}: got {getattr(args, name)}, expected > 0")
    if min(args.machines) < 1:
        parser.error(f"--machines: got {args.machines}, expected counts >= 1")

    train, ingest = k_max(args)
    print(f"actor step on {args.machine_cores} threads: {actor_step_s(args):.4f} s; "
          f"K_max: {train} actors (update loop, async, at most {MAX_TARGET_CORES} target "
          f"cores), {ingest} (learner ingest on "
          f"{args.learner_cores} cores)")
    print("| K actor machines | sync: s per round | sync: run min | sync: per-actor efficiency "
          "| async: target cores | async: steps per update | async: run min "
          "| async: per-actor efficiency | learner cores used |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")

    def fmt(x, spec):
        return "-" if x is None else format(x, spec)

    for r in rows(args):
        print(f"| {r['K']} | {r['sync_round_s']:.3f} | {r['sync_min']:.1f} "
              f"| {r['sync_efficiency']:.2f} | {r['async_target_cores']} "
              f"| {r['async_steps_per_update']:.1f} | {r['async_min']:.1f} "
              f"| {fmt(r['async_efficiency'], '.2f')} "
              f"| {r['learner_cores']:.2f} |")


if __name__ == "__main__":
    main()
