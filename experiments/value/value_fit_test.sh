#!/usr/bin/env bash
# //experiments/value:value_fit_test: the offline fit on a tiny humanoid_getup
# data set (3 plain-MPC episodes of 12 steps, 1 held out): training lowers
# the training error; 1 and 2 threads write the same weights; a second run
# that reads the --data cache writes the same weights again, and one with
# other MPPI flags refuses that cache, as one truncated is refused; collecting with MPC and the fitted
# value (--act_value) gives other data and weights, and so does
# --normalise_inputs; MPC loads the result; bad flags are
# refused with the flag's name.
set -euo pipefail
fit="$1"
mpc="$2"
like="$3"
dir="${TEST_TMPDIR}"
common=(--task=humanoid_getup --horizon=4 --rollouts=8 --temperature=0.05
        --temperature_mode=absolute --spec_from="${like}" --episodes=3 --holdout=1 --steps=12
        --keep=8 --gradient_steps=60 --minibatch_size=8)
"${fit}" "${common[@]}" --threads=1 --data="${dir}/cache" --out="${dir}/one.pb" > "${dir}/one.txt"
"${fit}" "${common[@]}" --threads=2 --out="${dir}/two.pb" > "${dir}/two.txt"
"${fit}" "${common[@]}" --threads=2 --data="${dir}/cache" --out="${dir}/cached.pb" > "${dir}/cached.txt"
cmp -s "${dir}/one.pb" "${dir}/two.pb" || { echo "FAIL: 1 and 2 threads differ"; exit 1; }
cmp -s "${dir}/one.pb" "${dir}/cached.pb" || { echo "FAIL: the cached data fit differs"; exit 1; }
grep -q "^read 16 + 8 states from ${dir}/cache" "${dir}/cached.txt" || { echo "FAIL: cache not read"; cat "${dir}/cached.txt"; exit 1; }
[[ $(grep -c '^episode ' "${dir}/one.txt") -eq 3 ]] || { echo "FAIL: expected 3 episodes"; cat "${dir}/one.txt"; exit 1; }
/usr/bin/python3 - "${dir}/one.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"fit: 16 training states, 8 held out; before training: training mse ([\d.]+), "
              r"held-out mse ([\d.]+) r (\S+); after 60 steps: training mse ([\d.]+) r (\S+)", text)
assert m, text
before, after = float(m.group(1)), float(m.group(4))
assert after < 0.5 * before, (before, after)
PY
if "${fit}" "${common[@]}" --horizon=5 --data="${dir}/cache" --out="${dir}/x.pb" 2> "${dir}/err"; then
  echo "FAIL: a cache of other flags accepted"; exit 1
fi
grep -qF -- "--data: '${dir}/cache' holds states of \"task=humanoid_getup horizon=4 " "${dir}/err" || { echo "FAIL: --data error"; cat "${dir}/err"; exit 1; }
"${fit}" "${common[@]}" --act_value="${dir}/one.pb" --out="${dir}/acted.pb" > "${dir}/acted.txt"
cmp -s "${dir}/one.pb" "${dir}/acted.pb" && { echo "FAIL: acting with a value changed nothing"; exit 1; }
head -c 100 "${dir}/cache" > "${dir}/short"
if "${fit}" "${common[@]}" --data="${dir}/short" --out="${dir}/x.pb" 2> "${dir}/err"; then
  echo "FAIL: a truncated cache accepted"; exit 1
fi
grep -qF -- "--data: '${dir}/short' is truncated or not a value_fit cache" "${dir}/err" || { echo "FAIL: truncated --data error"; cat "${dir}/err"; exit 1; }
"${fit}" "${common[@]}" --data="${dir}/cache" --normalise_inputs --out="${dir}/normalised.pb" > /dev/null
cmp -s "${dir}/one.pb" "${dir}/normalised.pb" && { echo "FAIL: --normalise_inputs changed nothing"; exit 1; }
if "${fit}" "${common[@]}" --act_value="${dir}/missing.pb" --out="${dir}/x.pb" 2> "${dir}/err"; then
  echo "FAIL: a missing --act_value accepted"; exit 1
fi
grep -qF -- "missing.pb" "${dir}/err" || { echo "FAIL: --act_value error"; cat "${dir}/err"; exit 1; }
"${mpc}" --task=humanoid_getup --horizon=4 --rollouts=8 --steps=2 --print_every=0 \
    --value="${dir}/one.pb" --kappa=0 > "${dir}/mpc.txt"
if "${fit}" "${common[@]}" --task=point_mass_maze --out="${dir}/x.pb" 2> "${dir}/err"; then
  echo "FAIL: weights of another task accepted"; exit 1
fi
grep -qE -- "--spec_from: ensemble has [0-9]+ features, task point_mass_maze has [0-9]+" "${dir}/err" || { echo "FAIL: feature-count error"; cat "${dir}/err"; exit 1; }
for bad in "--episodes=1|--episodes: got 1, expected >= 2" \
           "--holdout=3|--holdout: got 3, expected 1..episodes-1" \
           "--keep=13|--keep: got 13, expected 1..steps" \
           "--threads=0|--threads: got 0, expected 1..256" \
           "--out=|--out: got \"\", expected a file to write"; do
  flag="${bad%%|*}" message="${bad#*|}"
  if "${fit}" "${common[@]}" "${flag}" 2> "${dir}/err"; then echo "FAIL: ${flag} accepted"; exit 1; fi
  grep -qF -- "${message}" "${dir}/err" || { echo "FAIL: ${flag}: got"; cat "${dir}/err"; exit 1; }
done
echo "value_fit_test: ok"
