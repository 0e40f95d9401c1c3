#!/usr/bin/env bash
# bazel run //tools:export -- --weights=FILE --format=onnx|torchscript|npz --out=FILE [--kappa=K]:
# python/polo/export.py with Debian's python3 (python3-torch, python3-onnx),
# relative paths taken from where `bazel run` was typed.
set -euo pipefail
runfiles="${RUNFILES_DIR:-$0.runfiles}"
runfiles="$(cd "${runfiles}" && pwd)"
export PYTHONPATH="${runfiles}/polo/python"
export PYTHONDONTWRITEBYTECODE=1
cd "${BUILD_WORKING_DIRECTORY:-.}"
exec /usr/bin/python3 -m polo.export "$@"
