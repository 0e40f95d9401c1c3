#!/usr/bin/env bash
# Checks deploy/ offline, as far as this machine allows (containers cannot
# run here): lints deploy/Dockerfile with the npm dockerfilelint, renders and
# validates deploy/k8s (deploy/k8s/check.sh), and parses the systemd units
# with systemd-analyze where it exists. Needs kubectl, node and npm; npm
# packages go to POLO_NPM_DIR (default ~/.cache/polo-npm) on first use.
# Run by //deploy:deploy_check (slow suite).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
for tool in kubectl node npm; do
  command -v "${tool}" > /dev/null || { echo "deploy/check.sh: needs ${tool}" >&2; exit 2; }
done
modules_dir="${POLO_NPM_DIR:-${HOME}/.cache/polo-npm}"
if [[ ! -x "${modules_dir}/node_modules/.bin/dockerfilelint" ]]; then
  mkdir -p "${modules_dir}"
  npm install --prefix "${modules_dir}" --no-audit --no-fund --loglevel=error \
    dockerfilelint@1.8.0 > /dev/null
fi
echo "== Dockerfile"
"${modules_dir}/node_modules/.bin/dockerfilelint" "${here}/Dockerfile"
echo "== Kubernetes"
POLO_NPM_DIR="${modules_dir}" "${here}/k8s/check.sh"
echo "== systemd"
if command -v systemd-analyze > /dev/null; then
  # Parses the units; "not executable" only says the binaries are not
  # installed on this machine.
  out="$(cd "${here}/systemd" && SYSTEMD_LOG_LEVEL=warning \
         systemd-analyze verify --man=no ./*.service 2>&1 | grep -v 'is not executable' || true)"
  if [[ -n "${out}" ]]; then echo "${out}"; exit 1; fi
  echo "units parse"
else
  echo "systemd-analyze not installed: units not checked"
fi
echo "deploy check: ok"
