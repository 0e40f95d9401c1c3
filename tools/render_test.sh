#!/usr/bin/env bash
# //tools:render_test (slow: Xvfb, ffmpeg): plain MPC on the maze recorded
# with //experiments:mpc --record, replayed and rendered offscreen by
# //tools:render: the first frame is not blank (many colours, not one), the
# MP4 and the GIF exist, an episode is found in a run folder by number, and
# a file that is not a state file is refused.
set -euo pipefail
for tool in xvfb-run ffmpeg; do
  command -v "${tool}" > /dev/null || { echo "render_test: needs ${tool} (deploy/packages.txt)"; exit 1; }
done
runfiles="${TEST_SRCDIR}/polo"
states="${TEST_TMPDIR}/maze.states"
"${runfiles}/experiments/common/mpc" --task=point_mass_maze --steps=40 --horizon=8 --rollouts=16 \
  --print_every=0 --record="${states}" > /dev/null
out="$(xvfb-run -a "${runfiles}/tools/render" --states="${states}" --out="${TEST_TMPDIR}/maze.mp4" \
  --gif="${TEST_TMPDIR}/maze.gif" --width=320 --height=240)"
echo "${out}"
[[ "${out}" =~ frames=41\ width=320\ height=240\ first_frame_colours=([0-9]+) ]] || { echo "FAIL: ${out}"; exit 1; }
(( BASH_REMATCH[1] > 20 )) || { echo "FAIL: the first frame has ${BASH_REMATCH[1]} colours: blank"; exit 1; }
for f in maze.mp4 maze.gif; do
  [[ -s "${TEST_TMPDIR}/${f}" ]] || { echo "FAIL: ${f} missing"; exit 1; }
done
# A learner's run folder: episode K is episodes/K.states.
mkdir -p "${TEST_TMPDIR}/run/episodes"
cp "${states}" "${TEST_TMPDIR}/run/episodes/3.states"
run_out="$(xvfb-run -a "${runfiles}/tools/render" --run_dir="${TEST_TMPDIR}/run" --episode=3 \
  --out="${TEST_TMPDIR}/run3.mp4" --frames=5 --width=160 --height=120)"
[[ "${run_out}" == frames=5\ * ]] || { echo "FAIL: --run_dir --episode: ${run_out}"; exit 1; }
echo "not states" > "${TEST_TMPDIR}/bad.states"
set +e
xvfb-run -a "${runfiles}/tools/render" --states="${TEST_TMPDIR}/bad.states" --out="${TEST_TMPDIR}/bad.mp4" \
  2> "${TEST_TMPDIR}/err"
status=$?
set -e
(( status == 2 )) || { echo "FAIL: a bad state file gave status ${status}"; exit 1; }
grep -q "not a state file" "${TEST_TMPDIR}/err" || { echo "FAIL: no message"; cat "${TEST_TMPDIR}/err"; exit 1; }
echo "render_test: ok"
