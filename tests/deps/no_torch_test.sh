#!/bin/bash
# //tests/deps:no_torch_test: the binaries that never train (actor, target
# worker, CLI) do not link LibTorch (docs/design.md, "Packages"): it costs
# them about half a second of start-up and hundreds of megabytes of
# libraries. The learner, which trains, must link it (the check checks).
set -euo pipefail
fail=0
for bin in worker/actor worker/target_worker server/cli; do
  if ldd "$bin" | grep -qi torch; then
    echo "$bin links LibTorch:"; ldd "$bin" | grep -i torch; fail=1
  fi
done
ldd cluster/learner | grep -qi torch || { echo "cluster/learner: no LibTorch found (is ldd working?)"; fail=1; }
[[ $fail == 0 ]] && echo "no_torch_test: ok"
exit $fail
