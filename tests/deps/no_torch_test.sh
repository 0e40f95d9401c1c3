#!/bin/bash
# //tests/deps:no_torch_test: the binaries that never train (actor, target
# worker, CLI) do not link LibTorch (docs/design.md, "Packages"): it costs
# them about half a second of start-up and hundreds of megabytes of
# libraries. The learner, which trains, must link it (the check checks).
set -euo pipefail
fail=0
# ldd's whole output is read first: `ldd | grep -q` under pipefail fails at
# random when grep exits early and ldd dies of SIGPIPE.
for bin in worker/actor worker/target_worker server/cli; do
  libs=$(ldd "$bin")
  if grep -qi torch <<< "$libs"; then
    echo "$bin links LibTorch:"; grep -i torch <<< "$libs"; fail=1
  fi
done
libs=$(ldd cluster/learner)
grep -qi torch <<< "$libs" || { echo "cluster/learner: no LibTorch found (is ldd working?)"; fail=1; }
[[ $fail == 0 ]] && echo "no_torch_test: ok"
exit $fail
