#!/usr/bin/env bash
# A python/tests file under `bazel test` (//python:*_test): Debian's pytest
# on Debian's python3 (whatever python3 is first on PATH), the polo package
# and its generated stubs from the runfiles.
set -euo pipefail
runfiles="${TEST_SRCDIR:-${RUNFILES_DIR:-$0.runfiles}}"
export PYTHONPATH="${runfiles}/polo/python:${runfiles}/polo/python/tests"
export PYTHONDONTWRITEBYTECODE=1
xml=()
[[ -n "${XML_OUTPUT_FILE:-}" ]] && xml=("--junitxml=${XML_OUTPUT_FILE}")
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "${xml[@]}" "${runfiles}/polo/$1"
