#!/usr/bin/env bash
# //experiments/value:value_ranking_test: the ranking check on the committed
# humanoid value with a tiny batch: one CSV row per rollout and checked step,
# finite numbers, correlations in [-1, 1], the same rows with 1 and 2
# threads, and bad flags refused with the flag's name.
set -euo pipefail
bin="$1"
weights="$2"
dir="${TEST_TMPDIR}"
common=(--task=humanoid_getup --horizon=4 --rollouts=8 --temperature=0.05
        --temperature_mode=absolute --value="${weights}" --kappa=0 --seed=1 --at=2,3
        --continuation_steps=5)
"${bin}" "${common[@]}" --threads=1 --out="${dir}/one.csv" > "${dir}/one.txt"
"${bin}" "${common[@]}" --threads=2 --out="${dir}/two.csv" > "${dir}/two.txt"
[[ $(($(wc -l < "${dir}/one.csv") - 1)) -eq 16 ]] || { echo "FAIL: expected 2 steps x 8 rollouts"; cat "${dir}/one.csv"; exit 1; }
cmp -s "${dir}/one.csv" "${dir}/two.csv" || { echo "FAIL: 1 and 2 threads differ"; diff "${dir}/one.csv" "${dir}/two.csv"; exit 1; }
/usr/bin/python3 - "${dir}/one.csv" "${dir}/one.txt" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert {r["step"] for r in rows} == {"2", "3"}, rows
for r in rows:
    for k in ("running_return", "terminal_value", "continuation_return"):
        assert math.isfinite(float(r[k])), r
lines = open(sys.argv[2]).read().split("\n")
lines = [l for l in lines if l]
assert len(lines) == 2, lines
for line in lines:
    kv = dict(x.split("=") for x in line.split())
    for k in ("pearson_v_g", "spearman_v_g", "spearman_score_truth"):
        assert -1.0001 <= float(kv[k]) <= 1.0001, line
    assert float(kv["truth_best"]) >= float(kv["truth_of_value_pick"]), line
    assert float(kv["truth_best"]) >= float(kv["truth_mean"]), line
PY
if "${bin}" "${common[@]}" --at=0 2> "${dir}/err"; then echo "FAIL: --at=0 accepted"; exit 1; fi
grep -q -- '--at: got "0", expected agent steps >= 1' "${dir}/err" || { echo "FAIL: --at error"; cat "${dir}/err"; exit 1; }
if "${bin}" --task=humanoid_getup --at=2 2> "${dir}/err"; then echo "FAIL: no --value accepted"; exit 1; fi
grep -q -- '--value: required' "${dir}/err" || { echo "FAIL: --value error"; cat "${dir}/err"; exit 1; }
if "${bin}" "${common[@]}" --threads=0 2> "${dir}/err"; then echo "FAIL: --threads=0 accepted"; exit 1; fi
grep -q -- '--threads: got 0, expected 1..256' "${dir}/err" || { echo "FAIL: --threads error"; cat "${dir}/err"; exit 1; }
if "${bin}" "${common[@]}" --out="${dir}/no/such/dir/x.csv" 2> "${dir}/err"; then echo "FAIL: bad --out accepted"; exit 1; fi
grep -q -- "--out: cannot write '${dir}/no/such/dir/x.csv'" "${dir}/err" || { echo "FAIL: --out error"; cat "${dir}/err"; exit 1; }
if "${bin}" "${common[@]}" --task=point_mass_maze 2> "${dir}/err"; then echo "FAIL: weights of another task accepted"; exit 1; fi
grep -qE -- "--value: ensemble has [0-9]+ features, task point_mass_maze has [0-9]+" "${dir}/err" || { echo "FAIL: feature-count error"; cat "${dir}/err"; exit 1; }
echo "value_ranking_test: ok"
