#!/usr/bin/env bash
# //experiments/hand:goal_segments_test: goal_segments.py on synthetic traces.
# Two traces of one group (plain and gzipped, _run0/_run1 _trialT names),
# each of 160 steps: segment 0 held with errors 30 / 20 / 10 by third,
# segment 1 dropped at one step (skipped), the last 10 steps no segment.
# Expected: 2 segments held, 30.0 -> 20.0 -> 10.0; a group with every
# segment dropped says so.
set -euo pipefail
script="$1"
dir="${TEST_TMPDIR}"
write() {  # file, drop_all
  { echo "step,reward,orientation_error_deg,within_20deg,cube_dropped,effective_samples"
    for ((t = 0; t < 160; ++t)); do
      e=$(( t < 25 ? 30 : t < 50 ? 20 : t < 75 ? 10 : 99 ))
      d=$(( $2 || t == 100 ? 1 : 0 ))
      echo "$((t + 1)),-0.1,$e,0,$d,16"
    done; } > "$1"
}
write "${dir}/polo_x_h8_run0_trial0.csv" 0
write "${dir}/polo_x_h8_run1_trial2.csv" 0
gzip "${dir}/polo_x_h8_run1_trial2.csv"
write "${dir}/mpc_h8_run_trial0.csv" 1
out=$(/usr/bin/python3 "${script}" "${dir}/polo_x_h8_run0_trial0.csv" \
  "${dir}/polo_x_h8_run1_trial2.csv.gz" "${dir}/mpc_h8_run_trial0.csv")
expected="polo_x_h8: 2 segments held; error by third 30.0 -> 20.0 -> 10.0 deg
mpc_h8: no segment with the cube held"
[[ "${out}" == "${expected}" ]] || { echo "FAIL: got"; echo "${out}"; exit 1; }
echo PASS
