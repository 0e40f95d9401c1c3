#!/usr/bin/env bash
# bazel run //tools:plot -- RUN_DIR: tools/plot_run.py with Debian's python3
# (the one python3-matplotlib belongs to, whatever python3 is first on PATH).
set -euo pipefail
runfiles="${RUNFILES_DIR:-$0.runfiles}"
exec /usr/bin/python3 "${runfiles}/polo/tools/plot_run.py" "$@"
