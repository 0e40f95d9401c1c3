#!/usr/bin/env bash
# //notebooks:*_test: executes the notebook $1 (a path in the workspace) with
# Debian's jupyter-nbconvert on Debian's python3 kernel, the learner binary
# $2 (a runfiles path) as POLO_LEARNER. nbconvert exits non-zero if a cell
# raises; the notebook's last cell asserts what the run must show and prints
# a line starting "ok:", which must be in its output.
set -euo pipefail
runfiles="${TEST_SRCDIR:-${RUNFILES_DIR:-$0.runfiles}}/polo"
tmp="${TEST_TMPDIR}"
export POLO_LEARNER="${runfiles}/$2"
# The run folder (tempfile.mkdtemp), Jupyter's, IPython's and matplotlib's
# files, all in the test's own folder; HOME too, so that no kernel a user
# installed in theirs replaces Debian's python3 one.
export TMPDIR="${tmp}" HOME="${tmp}" JUPYTER_RUNTIME_DIR="${tmp}/jupyter" \
  IPYTHONDIR="${tmp}/ipython" MPLCONFIGDIR="${tmp}/matplotlib"
export PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1
name="$(basename "$1" .ipynb)"
/usr/bin/jupyter-nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=python3 \
  --ExecutePreprocessor.timeout=240 --output-dir="${tmp}" --output="${name}" "${runfiles}/$1"
# What the notebook printed, for the test log; the "ok:" line must be in it.
/usr/bin/python3 -c '
import json, sys
printed = "".join("".join(output["text"])
                  for cell in json.load(open(sys.argv[1]))["cells"]
                  for output in cell.get("outputs", []) if output.get("name") == "stdout")
sys.stdout.write(printed)
if not any(line.startswith("ok: ") for line in printed.splitlines()):
    sys.exit("FAIL: no line starting \"ok: \" in what the notebook printed")
' "${tmp}/${name}.ipynb"
