#!/usr/bin/env bash
# //tools:event_file_test: tools/event_file_test.py under Debian's pytest
# (python3-pytest belongs to /usr/bin/python3, whatever python3 is first on
# PATH), with the learner it runs for a real event file.
set -euo pipefail
here="${TEST_SRCDIR}/polo/tools"
export LEARNER="${TEST_SRCDIR}/polo/cluster/learner"
cd "${TEST_TMPDIR}"
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp="${TEST_TMPDIR}/pytest" \
  "${here}/event_file_test.py"
