#!/usr/bin/env bash
# //experiments/humanoid:humanoid_figures_test: humanoid_figures.py end to end on a
# stand-in for //experiments:mpc (a script that writes a known trace and the
# summary line) and synthetic POLO run folders: the evaluation table's
# numbers come from the trace (mean reward, heights, fraction standing), a
# second `run` skips what is done, and `plot` writes every CSV and PNG,
# each figure into a folder of its own.
set -euo pipefail
script="$1"
dir="${TEST_TMPDIR}"
fake="${dir}/fake_mpc"
cat > "${fake}" <<'FAKE'
#!/usr/bin/env bash
for a in "$@"; do case "$a" in --trace=*) trace="${a#--trace=}";; --task=*) task="${a#--task=}";; esac; done
echo "$*" >> "$(dirname "$0")/calls"
if [[ "$task" == humanoid_box ]]; then
  printf 'step,reward,root_height,forward_speed,box_to_target,effective_samples\n1,0.5,0.1,0,2,3\n2,1.5,1.2,2,1,3\n' > "$trace"
else
  printf 'step,reward,root_height,forward_speed,effective_samples\n1,0.5,0.1,0,3\n2,1.5,1.2,2,3\n3,1,0.9,1,3\n4,1,1.1,1,3\n' > "$trace"
fi
echo "task=$task mean_reward=9 ms_per_step=12.5"
FAKE
chmod +x "${fake}"
out="${dir}/figures"
/usr/bin/python3 "${script}" run fig3_right tasks --mpc="${fake}" --out="${out}" --weights=w.pb > /dev/null
rows=$(($(wc -l < "${out}/mpc.csv") - 1))
[[ ${rows} -eq 15 ]] || { echo "FAIL: ${rows} rows, expected 6 fig3_right + 9 tasks"; exit 1; }
# Trace 0.5, 1.5, 1, 1 -> mean 1; heights 0.1, 1.2, 0.9, 1.1 -> final 1.1, max 1.2, standing 0.5.
grep -q '^fig3_right/trained_seed0,fig3_right,humanoid_getup,value_only_trained,64,1.0,0,300,w.pb,1,1.1,1.2,0.5,1,,12.5,' "${out}/mpc.csv" \
  || { echo "FAIL: trained_seed0 row"; cat "${out}/mpc.csv"; exit 1; }
grep -q '^tasks/mpc_humanoid_box_seed2,.*,1,1.2,1.2,0.5,1,1,12.5,' "${out}/mpc.csv" \
  || { echo "FAIL: box row"; cat "${out}/mpc.csv"; exit 1; }
grep -q -- '--untrained_value_seed=1' "${dir}/calls" || { echo "FAIL: no untrained run"; exit 1; }
[[ -s "${out}/fig3_right/untrained_seed2.csv" ]] || { echo "FAIL: fig3_right trace not kept"; exit 1; }
calls=$(wc -l < "${dir}/calls")
/usr/bin/python3 "${script}" run fig3_right tasks --mpc="${fake}" --out="${out}" > /dev/null
[[ $(wc -l < "${dir}/calls") -eq ${calls} ]] || { echo "FAIL: a second run repeated evaluations"; exit 1; }
results="${dir}/results"
for variant in "" horizon16/ target_horizon1/; do
  mkdir -p "${results}/humanoid_getup/${variant}seed0"
  for i in $(seq 1 20); do
    echo "{\"episode\":${i},\"agent_steps\":$((600 * i)),\"mean_reward\":0.${i},\"frac_standing\":0.5,\"max_root_height\":1.2}"
  done > "${results}/humanoid_getup/${variant}seed0/episodes.jsonl"
done
/usr/bin/python3 "${script}" run fig3_polo --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
# POLO runs at H = 16 and 32 (seed 0 each), 3 evaluation trials each with the run's own weights.
[[ $(grep -c '^fig3_polo/' "${out}/mpc.csv") -eq 6 ]] || { echo "FAIL: fig3_polo rows"; exit 1; }
grep -q -- "--horizon=16 .*--value=${results}/humanoid_getup/horizon16/seed0/weights.pb --kappa=0" "${dir}/calls" \
  || { echo "FAIL: H16 run's weights not used at H16"; exit 1; }
mkdir -p "${results}/humanoid_walk/seed0"
echo '{"episode":1,"agent_steps":600,"mean_reward":0.5,"frac_standing":1,"mean_forward_speed":0.4}' \
  > "${results}/humanoid_walk/seed0/episodes.jsonl"
/usr/bin/python3 "${script}" run tasks_polo --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(grep -c '^tasks_polo/humanoid_walk_run0_seed' "${out}/mpc.csv") -eq 3 ]] || { echo "FAIL: tasks_polo rows"; exit 1; }
grep -q -- "--task=humanoid_walk --horizon=32 .*--value=${results}/humanoid_walk/seed0/weights.pb --kappa=0" "${dir}/calls" \
  || { echo "FAIL: walk run's weights not used"; exit 1; }
mkdir -p "${results}/humanoid_getup/actors4/seed0"
for i in $(seq 1 20); do
  echo "{\"episode\":${i},\"agent_steps\":$((600 * i)),\"worker_id\":\"actor-$((i % 4))\",\"worker_episode\":$(((i - 1) / 4)),\"mean_reward\":0.${i},\"frac_standing\":$((i > 10))}"
done > "${results}/humanoid_getup/actors4/seed0/episodes.jsonl"
/usr/bin/python3 "${script}" run several_actors --mpc="${fake}" --out="${out}" --results="${results}" > /dev/null
[[ $(grep -c '^several_actors/actors4_run0_seed' "${out}/mpc.csv") -eq 3 ]] || { echo "FAIL: several_actors rows"; exit 1; }
grep -q -- "--horizon=32 .*--value=${results}/humanoid_getup/actors4/seed0/weights.pb --kappa=0" "${dir}/calls" \
  || { echo "FAIL: 4-actor run's weights not used"; exit 1; }
/usr/bin/python3 "${script}" plot --out="${out}" --results="${results}" > /dev/null
# The last episodes: one actor's last (20, mean reward 0.2); each of four
# actors' last (17-20, mean reward 0.185); each run's value used greedily in
# 3 trials of the stand-in (mean reward 1, standing 0.5).
summary="${out}/several_actors/several_actors_summary.csv"
grep -q '^1,sync,0,20,12000,1,0.500,0.2000,600,3,1.0000,0.500$' "${summary}" || { echo "FAIL: 1 actor summary"; cat "${summary}"; exit 1; }
grep -q '^4,sync,0,20,12000,4,1.000,0.1850,6600,3,1.0000,0.500$' "${summary}" || { echo "FAIL: 4 actors summary"; cat "${summary}"; exit 1; }
[[ $(grep -c '^4,sync,0,' "${out}/several_actors/several_actors_episodes.csv") -eq 20 ]] || { echo "FAIL: 4 actors episodes"; exit 1; }
[[ "$(head -c 8 "${out}/several_actors/several_actors.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] \
  || { echo "FAIL: several_actors.png is not a PNG"; exit 1; }
grep -q '^humanoid_walk,polo,0,1,0.5000,1.000,0.400$' "${out}/other_tasks/other_tasks.csv" || { echo "FAIL: walk POLO row"; cat "${out}/other_tasks/other_tasks.csv"; exit 1; }
grep -q '^humanoid_walk,polo_value_run0,1,1,1,0.5,1$' "${out}/other_tasks/other_tasks.csv" || { echo "FAIL: walk polo_value row"; cat "${out}/other_tasks/other_tasks.csv"; exit 1; }
for f in fig3_left/fig3_left_horizon fig3_right/fig3_right_value_only fig4a/fig4a_target_horizon \
         fig4b/fig4b_head_scale; do
  [[ -s "${out}/${f}.csv" ]] || { echo "FAIL: ${f}.csv missing"; exit 1; }
  [[ "$(head -c 8 "${out}/${f}.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] \
    || { echo "FAIL: ${f}.png is not a PNG"; exit 1; }
done
grep -q '^polo,16,0,,0.2000,' "${out}/fig3_left/fig3_left_horizon.csv" || { echo "FAIL: POLO H16 last episode"; cat "${out}/fig3_left/fig3_left_horizon.csv"; exit 1; }
grep -q '^polo_value,32,0,2,1,0.5,1.2$' "${out}/fig3_left/fig3_left_horizon.csv" || { echo "FAIL: polo_value row"; cat "${out}/fig3_left/fig3_left_horizon.csv"; exit 1; }
[[ $(grep -c '^1,0,' "${out}/fig4a/fig4a_target_horizon.csv") -eq 20 ]] || { echo "FAIL: N=1 curve"; exit 1; }
echo "humanoid_figures_test: ok"
