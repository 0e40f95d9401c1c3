#!/usr/bin/env bash
# //tools:plot_test: plots a small synthetic humanoid run folder and a
# point-mass one, checks the PNGs exist and are images, and that a folder
# that is not a run is refused with status 2; then four runs grouped by a
# config key on one figure, and the arithmetic of that (plot_run_test.py).
set -euo pipefail
plot="${TEST_SRCDIR}/polo/tools/plot"
run="${TEST_TMPDIR}/humanoid"
mkdir -p "${run}"
for i in 1 2 3; do
  echo "{\"episode\":${i},\"agent_steps\":\"$((600 * i))\",\"return\":$((100 * i)).5,\"frac_standing\":0.${i},\"max_root_height\":1.${i}}" >> "${run}/episodes.jsonl"
  echo "{\"agent_steps\":\"$((16 * i))\",\"value_loss\":0.0${i},\"states_per_second\":8.5,\"targets_per_second\":120,\"cpu_utilisation\":0.9}" >> "${run}/metrics.jsonl"
done
echo "not json" >> "${run}/metrics.jsonl"
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${run}"
for png in episodes training throughput; do
  f="${run}/plots/${png}.png"
  [[ -s "${f}" ]] || { echo "FAIL: ${f} missing"; exit 1; }
  [[ "$(head -c 8 "${f}" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] || { echo "FAIL: ${f} is not a PNG"; exit 1; }
done
maze="${TEST_TMPDIR}/maze"
mkdir -p "${maze}"
echo '{"episode":1,"agent_steps":"1000","return":0,"coverage":0.42}' > "${maze}/episodes.jsonl"
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${maze}"
[[ -s "${maze}/plots/episodes.png" ]] || { echo "FAIL: maze episodes.png missing"; exit 1; }
[[ ! -e "${maze}/plots/training.png" ]] || { echo "FAIL: training.png without metrics"; exit 1; }
mkdir -p "${TEST_TMPDIR}/empty"
set +e
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${TEST_TMPDIR}/empty" 2> "${TEST_TMPDIR}/err"
status=$?
set -e
[[ ${status} -eq 2 ]] || { echo "FAIL: a folder without run files gave status ${status}"; exit 1; }
grep -q "not a run folder" "${TEST_TMPDIR}/err" || { echo "FAIL: no message"; cat "${TEST_TMPDIR}/err"; exit 1; }

# Several runs: two horizons, two seeds each, grouped by mppi.horizon.
for h in 8 16; do
  for seed in 0 1; do
    r="${TEST_TMPDIR}/runs/h${h}_s${seed}"
    mkdir -p "${r}"
    echo "{\"seed\":\"${seed}\",\"mppi\":{\"horizon\":${h}}}" > "${r}/config.json"
    for i in 1 2 3; do
      echo "{\"episode\":${i},\"agent_steps\":\"$((600 * i))\",\"return\":$((h * i + seed)),\"frac_standing\":0.${i}}" >> "${r}/episodes.jsonl"
      echo "{\"agent_steps\":\"$((16 * i))\",\"value_loss\":0.0${i},\"states_per_second\":8.5,\"targets_per_second\":120,\"cpu_utilisation\":0.9}" >> "${r}/metrics.jsonl"
    done
  done
done
out="${TEST_TMPDIR}/compare"
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${TEST_TMPDIR}"/runs/h16_s0 "${TEST_TMPDIR}"/runs/h16_s1 \
  "${TEST_TMPDIR}"/runs/h8_s0 "${TEST_TMPDIR}"/runs/h8_s1 --out="${out}" --group_by=mppi.horizon \
  > "${TEST_TMPDIR}/compare.txt"
for png in episodes training throughput; do
  f="${out}/${png}.png"
  [[ "$(head -c 8 "${f}" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] || { echo "FAIL: ${f} is not a PNG"; exit 1; }
done
# Groups in numeric order (8 before 16), each with its two runs.
grep -A1 "mppi.horizon=8: 2 run(s): h8_s0, h8_s1" "${TEST_TMPDIR}/compare.txt" |
  grep -q "mppi.horizon=16: 2 run(s): h16_s0, h16_s1" || { echo "FAIL: groups"; cat "${TEST_TMPDIR}/compare.txt"; exit 1; }
[[ ! -e "${TEST_TMPDIR}/runs/h8_s0/plots" ]] || { echo "FAIL: compare wrote into a run folder"; exit 1; }
set +e
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${TEST_TMPDIR}"/runs/h8_s0 "${TEST_TMPDIR}"/runs/h8_s1 2> "${TEST_TMPDIR}/err"
status=$?
set -e
[[ ${status} -eq 2 ]] && grep -q "need --out=DIR" "${TEST_TMPDIR}/err" || { echo "FAIL: several runs without --out gave ${status}"; exit 1; }
set +e
RUNFILES_DIR="${TEST_SRCDIR}" "${plot}" "${TEST_TMPDIR}"/runs/h8_s0 --out="${out}" --group_by=mppi.horizn 2> "${TEST_TMPDIR}/err"
status=$?
set -e
[[ ${status} -eq 2 ]] && grep -q "no run's config.json has it" "${TEST_TMPDIR}/err" || { echo "FAIL: a misspelt key gave ${status}"; cat "${TEST_TMPDIR}/err"; exit 1; }

/usr/bin/python3 -m pytest -q -p no:cacheprovider "${TEST_SRCDIR}/polo/tools/plot_run_test.py"
echo "plot_test: ok"
