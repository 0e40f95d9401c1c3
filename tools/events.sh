#!/usr/bin/env bash
# bazel run //tools:events -- RUN_DIR/tb: tools/event_file.py with Debian's
# python3 (no TensorBoard needed).
set -euo pipefail
runfiles="${RUNFILES_DIR:-$0.runfiles}"
exec /usr/bin/python3 "${runfiles}/polo/tools/event_file.py" "$@"
