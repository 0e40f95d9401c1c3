#!/usr/bin/env bash
# Runs one libFuzzer target (polo_fuzz_test in fuzz.bzl) for a fixed number of
# runs with a fixed seed over a copy of its seed corpus, under
# AddressSanitizer, UndefinedBehaviorSanitizer (fatal) and LeakSanitizer at
# exit, after the harness has stopped and freed the learner (fuzz_learner.h),
# so whatever the learner allocated and lost is reported with its stack.
# libFuzzer's own leak check after every input is off (-detect_leaks=0): the
# learner's rolling windows and buffers legitimately grow, so it re-ran many
# inputs with a full heap scan (LibTorch loaded): experience_batch_fuzzer
# ran 166 inputs/s with it, 1100 without.
# Fails on any crash, leak, sanitizer report or timeout, and prints
# libFuzzer's numbers.
#   fuzz_test.sh FUZZER CORPUS_DIR RUNS MAX_LEN
set -euo pipefail
fuzzer="$1" corpus="$2" runs="$3" max_len="$4"
here="${TEST_SRCDIR:-.}/${TEST_WORKSPACE:-polo}"
work="${TEST_TMPDIR:-$(mktemp -d)}"
# libFuzzer adds the inputs it finds to the corpus folder: a copy, never the
# checked-in one. Crash inputs land in artifacts/ (kept in the test outputs).
mkdir -p "${work}/corpus" "${work}/artifacts"
if compgen -G "${here}/${corpus}/*" > /dev/null; then
  cp "${here}/${corpus}"/* "${work}/corpus/"
fi
artifacts="${TEST_UNDECLARED_OUTPUTS_DIR:-${work}/artifacts}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=${here}/server/fuzz/lsan.supp:print_suppressions=1:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
log="${work}/fuzz.log"
status=0
"${fuzzer}" -runs="${runs}" -seed=1 -max_len="${max_len}" -timeout=30 -rss_limit_mb=4096 -detect_leaks=0 \
  -print_final_stats=1 -artifact_prefix="${artifacts}/" "${work}/corpus" > "${log}" 2>&1 || status=$?
# The numbers: libFuzzer's last status line and its final statistics.
grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "${log}" | tail -n 2 || true
grep -E '^(stat::|Done )' "${log}" || true
if [[ ${status} -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "${log}"; then
  echo "FAIL: $(basename "${fuzzer}") exited with ${status}; its log:"
  tail -n 150 "${log}"
  exit 1
fi
echo "PASS: $(basename "${fuzzer}"), ${runs} runs"
