#!/bin/bash
# One lever of the hand study (issue 27, item 1): POLO runs and plain-MPC
# and POLO evaluations on a hand task variant, measured as Fig. 3 middle is
# (results/hand/README.md): per horizon, a POLO run of the task's preset
# (2500 steps) per seed, then 1000-step evaluations, trials 0-2, of plain
# MPC and of MPC with the run's final value (kappa 0), with the task's
# preset acting and the horizon given.
#
#   bazel build -c opt //server:learner //experiments:mpc
#   experiments/hand/lever.sh TASK OUT_DIR [HORIZONS] [RUN_SEEDS]
#
# Build right before: bazel-bin follows the last bazel command's -c, and a
# stale learner refuses newer flags (its log then says "Unknown command
# line flag"; the script stops there).
#
# Environment: MPC_FLAGS, extra flags for every evaluation (e.g.
# --min_effective_samples=8), with TAG appended to the method names
# (mpc_TAG, polo_TAG); LEARNER_FLAGS, extra flags for the POLO runs, whose
# folders are then runs/horizonH/seedS_TAG; METHODS, the evaluations to run
# (default "mpc polo"; "polo" alone when plain MPC was measured already).
#
# Writes OUT_DIR/runs/horizonH/seedS/ (the run folders with time.txt) and
# OUT_DIR/evaluations.csv: task, method, horizon, run_seed, trial,
# mean_reward, mean_orientation_error_deg, share_within_20deg,
# first_drop_step (empty: never), mean_effective_samples. Resumable: a run
# with weights.pb or an evaluation already in the CSV is skipped.
set -euo pipefail
task=$1 out=$2 horizons=${3:-"8 16"} run_seeds=${4:-"0"}
learner=${LEARNER:-bazel-bin/cluster/learner}
tag=${TAG:+_$TAG}
methods=${METHODS:-"mpc polo"}
read -r -a mpc_flags <<< "${MPC_FLAGS:-}"
read -r -a learner_flags <<< "${LEARNER_FLAGS:-}"
mpc=${MPC:-bazel-bin/experiments/common/mpc}
mkdir -p "$out/runs" "$out/traces"
csv="$out/evaluations.csv"
[[ -f $csv ]] || echo "task,method,horizon,run_seed,trial,mean_reward,mean_orientation_error_deg,share_within_20deg,first_drop_step,mean_effective_samples" > "$csv"

for h in $horizons; do
  for s in $run_seeds; do
    run="$out/runs/horizon$h/seed$s${LEARNER_FLAGS:+$tag}"
    [[ -f $run/weights.pb ]] && continue
    rm -rf "$run"; mkdir -p "$(dirname "$run")"
    /usr/bin/time -v -o "$run.time" "$learner" --task="$task" --horizon="$h" --seed="$s" \
      --run_dir="$PWD/$run" --progress=false "${learner_flags[@]}" > "$run.log" 2>&1
    mv "$run.time" "$run/time.txt"; mv "$run.log" "$run/learner.log"
    cp "$(ls -d "$run"/checkpoints/ckpt-* | sort -V | tail -1)/weights.pb" "$run/weights.pb"
    rm -rf "$run/checkpoints" "$run/episodes"
  done
done

evaluate() {  # method horizon run_seed trial [mpc flags...]
  local method=$1 h=$2 rs=$3 trial=$4; shift 4
  local id="${method}_h${h}_run${rs}_trial${trial}"
  grep -q "^$task,$method,$h,$rs,$trial," "$csv" && return 0
  "$mpc" --task="$task" --horizon="$h" --steps=1000 --seed="$trial" --print_every=0 \
    --trace="$out/traces/$id.csv" "$@" "${mpc_flags[@]}" > /dev/null
  # Columns: step,reward,orientation_error_deg,within_20deg,cube_dropped,effective_samples,...
  awk -F, -v pre="$task,$method,$h,$rs,$trial" 'NR > 1 {
      n++; r += $2; e += $3; w += $4; ess += $6
      if ($5 == 1 && drop == "") drop = $1 }
    END { printf "%s,%.4f,%.1f,%.3f,%s,%.2f\n", pre, r / n, e / n, w / n, drop, ess / n }' \
    "$out/traces/$id.csv" >> "$csv"
}

for h in $horizons; do
  for trial in 0 1 2; do
    [[ " $methods " == *" mpc "* ]] && evaluate "mpc$tag" "$h" "" "$trial"
    [[ " $methods " == *" polo "* ]] || continue
    for s in $run_seeds; do
      evaluate "polo$tag" "$h" "$s" "$trial" \
        --value="$PWD/$out/runs/horizon$h/seed$s${LEARNER_FLAGS:+$tag}/weights.pb" --kappa=0
    done
  done
done
cat "$csv"
