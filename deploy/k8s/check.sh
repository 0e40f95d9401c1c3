#!/usr/bin/env bash
# Renders deploy/k8s offline (kubectl kustomize) and checks every object
# (deploy/k8s/validate.mjs): the Kubernetes API schema via the npm package
# kubernetes-models, probes, resources, the learner's grace period, volume
# and --resume. No cluster needed. The npm packages are installed on first
# use into POLO_NPM_DIR (default ~/.cache/polo-npm).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
modules_dir="${POLO_NPM_DIR:-${HOME}/.cache/polo-npm}"
if [[ ! -f "${modules_dir}/node_modules/kubernetes-models/package.json" ||
      ! -f "${modules_dir}/node_modules/js-yaml/package.json" ]]; then
  mkdir -p "${modules_dir}"
  npm install --prefix "${modules_dir}" --no-audit --no-fund --loglevel=error \
    kubernetes-models@5.1.0 js-yaml@4.1.0 > /dev/null
fi
rendered="$(mktemp)"
trap 'rm -f "${rendered}"' EXIT
kubectl kustomize "${here}" > "${rendered}"
node "${here}/validate.mjs" "${rendered}" "${modules_dir}/node_modules"
