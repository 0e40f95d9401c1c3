#!/usr/bin/env bash
# //tools:plot_test: plots a small synthetic humanoid run folder and a
# point-mass one, checks the PNGs exist and are images, and that a folder
# that is not a run is refused with status 2.
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
echo "plot_test: ok"
