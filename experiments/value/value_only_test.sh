#!/bin/bash
# //experiments/value:value_only_test. Paper Fig. 3 right, kept
# reproducible: with the committed humanoid_getup value
# (results/humanoid/runs/humanoid_getup/weights.pb) and no per-step reward,
# MPC at H = 64 lifts the torso from the floor in each of 3 seeds — the root height
# after 300 steps is at least RISE m above its height after the first step.
# The same command with the untrained ensemble (random priors, seed 0) is
# expected to stay down; it is run once so a planner that stands up without
# the value (the value ignored) fails the test.
set -euo pipefail
mpc=$1
weights=$2
readonly RISE=0.5
readonly UNTRAINED_MAX=0.5  # max root height (m) the untrained run may reach
common=(--task=humanoid_getup --horizon=64 --steps=300 --value_only --kappa=0 --rollouts=120
        --temperature=0.05 --temperature_mode=absolute --print_every=0)
dir=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
height() {  # column root_height of a trace; $2 = awk row selector
  awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "root_height") c = i; next }
    want == "first" && NR == 2 { print $c } want == "last" { v = $c } want == "max" && $c > v { v = $c }
    END { if (want != "first") print v }' "$1"
}
for seed in 0 1 2; do
  "$mpc" "${common[@]}" --seed="$seed" --value="$weights" --trace="$dir/trained$seed.csv" >/dev/null
  start=$(height "$dir/trained$seed.csv" first)
  final=$(height "$dir/trained$seed.csv" last)
  if awk -v s="$start" -v f="$final" -v r="$RISE" 'BEGIN { exit !(f >= s + r) }'; then
    echo "seed $seed: root height $start -> $final m (trained value): rises"
  else
    echo "FAIL seed $seed: root height $start -> $final m, expected a rise of at least $RISE m"
    fail=1
  fi
done
"$mpc" "${common[@]}" --seed=0 --value="$weights" --untrained_value_seed=0 --trace="$dir/untrained.csv" >/dev/null
max=$(height "$dir/untrained.csv" max)
if awk -v m="$max" -v u="$UNTRAINED_MAX" 'BEGIN { exit !(m < u) }'; then
  echo "untrained ensemble: max root height $max m: stays down"
else
  echo "FAIL untrained ensemble: max root height $max m, expected below $UNTRAINED_MAX m"
  fail=1
fi
exit "$fail"
