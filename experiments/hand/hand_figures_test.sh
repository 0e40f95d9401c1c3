#!/usr/bin/env bash
# //experiments/hand:hand_figures_test: hand_figures.py end to end on a stand-in
# for //experiments:mpc (a script that writes a known trace) and a synthetic
# POLO run folder: the table's numbers come from the trace (mean reward,
# orientation error, share within 20°, share dropped, first drop), each
# POLO run's weights are used at its own horizon, a second `run` repeats
# nothing, `plot` writes the figure's CSV and PNG into fig3_middle/, and
# `run value` checks the values against discounted returns computed by hand.
set -euo pipefail
script="$1"
dir="${TEST_TMPDIR}"
fake="${dir}/fake_mpc"
cat > "${fake}" <<'FAKE'
#!/usr/bin/env bash
for a in "$@"; do case "$a" in --trace=*) trace="${a#--trace=}";; esac; done
echo "$*" >> "$(dirname "$0")/calls"
printf 'step,reward,orientation_error_deg,within_20deg,cube_dropped,effective_samples,return_spread,value_spread,value\n1,-0.1,30,0,0,2,0.1,0.4,-0.5\n2,-0.2,10,1,0,4,0.3,0.2,-0.3\n3,-0.3,50,0,1,2,1,1,-1\n4,-0.2,10,1,1,2,1,1,-1\n' > "$trace"
echo "task=hand_cube mean_reward=9 ms_per_step=7.5"
FAKE
chmod +x "${fake}"
out="${dir}/figures"
results="${dir}/results"
/usr/bin/python3 "${script}" run mpc --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(($(wc -l < "${out}/mpc.csv") - 1)) -eq 9 ]] || { echo "FAIL: expected 3 horizons x 3 trials"; exit 1; }
# Trace: rewards -0.1 -0.2 -0.3 -0.2 -> mean -0.2; errors 30 10 50 10 -> 25;
# within 0.5; dropped 0.5, first at step 3.
grep -q '^mpc_h8_seed2,mpc,8,,2,1000,,-0.2,25,0.5,0.5,3,7.5,' "${out}/mpc.csv" \
  || { echo "FAIL: mpc_h8_seed2 row"; cat "${out}/mpc.csv"; exit 1; }
grep -q -- '--task=hand_cube --horizon=16 --steps=1000 --seed=1 --rollouts=80 --temperature=0.02 --temperature_mode=absolute --print_every=0' "${dir}/calls" \
  || { echo "FAIL: MPC flags"; cat "${dir}/calls"; exit 1; }
for variant in horizon8/ ""; do
  mkdir -p "${results}/hand_cube/${variant}seed1"
  for i in 1 2 3; do
    echo "{\"episode\":${i},\"agent_steps\":$((300 * i)),\"mean_reward\":-0.0${i},\"mean_orientation_error_deg\":${i}0,\"mean_within_20deg\":0.5,\"mean_cube_dropped\":0}"
  done > "${results}/hand_cube/${variant}seed1/episodes.jsonl"
  echo '{"mppi":{"gamma":0.5}}' > "${results}/hand_cube/${variant}seed1/config.json"
done
/usr/bin/python3 "${script}" run polo --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(grep -c '^polo_run1_' "${out}/mpc.csv") -eq 6 ]] || { echo "FAIL: polo rows"; cat "${out}/mpc.csv"; exit 1; }
grep -q -- "--horizon=8 .*--value=${results}/hand_cube/horizon8/seed1/weights.pb --kappa=0" "${dir}/calls" \
  || { echo "FAIL: H8 run's weights not used at H8"; exit 1; }
grep -q -- "--horizon=32 .*--value=${results}/hand_cube/seed1/weights.pb --kappa=0" "${dir}/calls" \
  || { echo "FAIL: H32 run's weights not used at H32"; exit 1; }
calls=$(wc -l < "${dir}/calls")
/usr/bin/python3 "${script}" run --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(wc -l < "${dir}/calls") -eq ${calls} ]] || { echo "FAIL: a second run repeated evaluations"; exit 1; }
/usr/bin/python3 "${script}" plot --out="${out}" --results="${results}" > /dev/null
[[ "$(head -c 8 "${out}/fig3_middle/fig3_middle_hand.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] \
  || { echo "FAIL: fig3_middle_hand.png is not a PNG"; exit 1; }
grep -q '^polo_last_episode,8,1,,-0.03,30,0.5,0$' "${out}/fig3_middle/fig3_middle_hand.csv" \
  || { echo "FAIL: last-episode row"; cat "${out}/fig3_middle/fig3_middle_hand.csv"; exit 1; }
grep -q '^polo_value,32,1,0,-0.2,25,0.5,0.5$' "${out}/fig3_middle/fig3_middle_hand.csv" \
  || { echo "FAIL: polo_value row"; cat "${out}/fig3_middle/fig3_middle_hand.csv"; exit 1; }
# Value check, trial 0 only, the last 2 steps left out: returns with
# gamma 0.5 from steps 1-2 are -0.1 + 0.5 (-0.2 + 0.5 (-0.3 + 0.5 (-0.2))) =
# -0.3 and -0.4 (held: mean -0.35), values -0.5 and -0.3 (mean -0.4),
# correlation -1; effective samples 3 held, 2 dropped; spreads held: reward
# sums 0.2, values 0.3.
/usr/bin/python3 "${script}" run value --tail=2 --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(($(wc -l < "${out}/value_check.csv") - 1)) -eq 5 ]] || { echo "FAIL: expected 3 MPC + 2 POLO rows"; cat "${out}/value_check.csv"; exit 1; }
grep -q '^polo_run1_h8_seed0,polo_value,8,1,0,1000,-0.2,0.5,3,3,2,0.2,0.3,-0.4,-0.35,nan,nan,-1,7.5,' "${out}/value_check.csv" \
  || { echo "FAIL: value check row"; cat "${out}/value_check.csv"; exit 1; }
grep -q '^mpc_h16_seed0,mpc,16,,0,1000,-0.2,0.5,3,3,2,0.2,0.3,,,,,,7.5,' "${out}/value_check.csv" \
  || { echo "FAIL: plain MPC value check row"; cat "${out}/value_check.csv"; exit 1; }
if /usr/bin/python3 "${script}" run value --tail=-1 --mpc="${fake}" --out="${out}" --results="${results}" 2> "${dir}/err"; then
  echo "FAIL: --tail=-1 accepted"; exit 1
fi
grep -q -- '--tail: got -1, expected >= 0' "${dir}/err" || { echo "FAIL: --tail error"; cat "${dir}/err"; exit 1; }
echo "hand_figures_test: ok"
