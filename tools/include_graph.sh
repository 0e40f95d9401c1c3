#!/bin/bash
# Prints the project's package include graph ("from -> to: N includes") and,
# with --check, fails listing every include that goes against the layers
#
#   util <- models <- planner <- learner <- config <- rpc <- {server, worker}
#        <- {cluster, experiments, tools} ; proto (the wire schema) below everything
#
# (experiments stop at config, the run presets; tools, the render and plot
# binaries, reach server for its run folders)
#
# (docs/design.md, "Packages and layers"). Reads the sources under the
# current directory, or under $1 when given (the test passes its runfiles).
# Usage: tools/include_graph.sh [--check] [ROOT]
set -euo pipefail
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
root="${1:-.}"
cd "$root"

# Packages each package may include (besides itself and proto).
declare -A allowed=(
  [util]=""
  [models]="util"
  [planner]="util models"
  [learner]="util models planner"
  [config]="util models planner learner"
  [rpc]="util models planner learner config"
  [server]="util models planner learner config rpc"
  [worker]="util models planner learner config rpc"
  [cluster]="util models planner learner config rpc server worker"
  [experiments]="util models planner learner config"
  [tests]="util models planner learner config rpc server worker cluster experiments third_party"
  [tools]="util models planner learner config rpc server"
)

edges=$(mktemp)
bad=$(mktemp)
trap 'rm -f "$edges" "$bad"' EXIT
while IFS= read -r file; do
  from="${file%%/*}"
  [[ -v "allowed[$from]" ]] || continue
  { grep -oE '^#include "[a-z_0-9]+/' "$file" || true; } | sed -E 's/#include "([a-z_0-9]+)\//\1/' |
    while IFS= read -r to; do
      [[ -v "allowed[$to]" || "$to" == "proto" ]] || continue  # absl, grpc, google: external.
      echo "$from $to" >>"$edges"
      [[ "$to" == "$from" || "$to" == "proto" ]] && continue
      if [[ " ${allowed[$from]} " != *" $to "* ]]; then
        grep -nE "^#include \"$to/" "$file" | sed "s|^|$file:|" >>"$bad"
      fi
    done
done < <(find . -path ./bazel-\* -prune -o \( -name '*.h' -o -name '*.cc' \) -print |
           sed 's|^\./||' | sort)

sort "$edges" | uniq -c | awk '$2 != $3 {printf "%-12s -> %-12s %4d includes\n", $2, $3, $1}'
if [[ -s "$bad" ]]; then
  echo
  sort -u "$bad" -o "$bad"
  echo "includes against the layers ($(wc -l <"$bad")):"
  cat "$bad"
  [[ $check == 1 ]] && exit 1
fi
[[ $check == 1 ]] && echo "layers: no include goes against them"
exit 0
