#!/usr/bin/env bash
# //deploy:deploy_check: deploy/check.sh from the test's runfiles, with its
# npm packages in the test's own folder unless POLO_NPM_DIR is given.
set -euo pipefail
export POLO_NPM_DIR="${POLO_NPM_DIR:-${TEST_TMPDIR}/npm}"
export HOME="${HOME:-${TEST_TMPDIR}}"
bash "${TEST_SRCDIR}/polo/deploy/check.sh"
