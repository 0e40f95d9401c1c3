#!/usr/bin/env bash
# Installs every Debian package the project needs, from deploy/packages.txt.
# Idempotent: when everything is present it only checks and returns (about a
# second). Runs `apt-get update` only when something is missing. Needs root
# (or sudo) on Debian bookworm; anywhere else it prints what to install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${here}/packages.txt"
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "${list}" | grep -v '^$')

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install_deps: this system has no apt-get/dpkg; install by hand the" >&2
  echo "equivalents of these Debian bookworm packages:" >&2
  printf '  %s\n' "${packages[@]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "${p}" 2>/dev/null || true)"
  [[ "${status}" == "install ok installed" ]] || missing+=("${p}")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install_deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi

echo "install_deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
${sudo} apt-get update -qq
${sudo} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install_deps: done"
