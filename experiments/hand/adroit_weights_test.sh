#!/bin/bash
# //experiments/hand:adroit_weights_test (slow). Keeps the committed
# adroit_cube POLO result reproducible: MPC with the committed final value
# (results/hand/adroit/fig3_middle, the run named below; kappa 0), trial 0,
# 1000 steps, must score the mean reward recorded in that folder's
# evaluations.csv within TOLERANCE, and hold the dice as recorded (the
# first drop step, or none).
#
#   bazel test -c opt --test_tag_filters=slow //experiments/hand:adroit_weights_test
#
# Args: MPC_BINARY WEIGHTS EVALUATIONS_CSV METHOD HORIZON RUN_SEED [MPC_FLAGS...]
set -euo pipefail
mpc=$1 weights=$2 csv=$3 method=$4 horizon=$5 run_seed=$6
shift 6
readonly TOLERANCE=0.002  # absolute, on the mean reward per step
row=$(grep "^adroit_cube,$method,$horizon,$run_seed,0," "$csv") || {
  echo "FAIL: no row adroit_cube,$method,$horizon,$run_seed,0 in $csv"; exit 1; }
want=$(cut -d, -f6 <<< "$row")
want_drop=$(cut -d, -f9 <<< "$row")
trace=${TEST_TMPDIR:-$(mktemp -d)}/trace.csv
"$mpc" --task=adroit_cube --horizon="$horizon" --steps=1000 --seed=0 --print_every=0 \
  --value="$weights" --kappa=0 --trace="$trace" "$@" > /dev/null
got=$(awk -F, 'NR > 1 { n++; r += $2 } END { printf "%.4f", r / n }' "$trace")
got_drop=$(awk -F, 'NR > 1 && $5 == 1 && d == "" { d = $1 } END { print d }' "$trace")
echo "mean reward: recorded $want, now $got; first drop: recorded '${want_drop}', now '${got_drop}'"
if ! awk -v a="$want" -v b="$got" -v t="$TOLERANCE" 'BEGIN { d = a - b; exit !(d <= t && -d <= t) }'; then
  echo "FAIL: mean reward $got differs from the recorded $want by more than $TOLERANCE"; exit 1
fi
if [[ -z $want_drop && -n $got_drop ]]; then
  echo "FAIL: the dice fell at step $got_drop; the recorded trial kept it"; exit 1
fi
echo "PASS"
