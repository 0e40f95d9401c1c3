#!/usr/bin/env bash
# //cluster:scale_model_test: scale_model.py against rounds worked by hand.
# a = 0.2 s / 2 threads = 0.1 s; Z 16; C 1.6 core-s; u 0.05 s; no fan-out.
# sync, K = 2 (4 target cores): 16 x 0.1 / 2 + 1.6 / 4 + 0.05 = 1.25 s a round,
# 750 rounds = 15.6 min; efficiency (1.6 + 0.4 + 0.05) / (2 x 1.25) = 0.82.
# async, K = 2: 1.6 / P + 0.05 <= 0.8 first at P = 3; 12000 x 0.1 / 2 = 10 min.
# K_max: 1.6 / P <= 1.6 / K - 0.05 with P <= 256 up to K = 28; ingest 2 cores x 0.1 / 0.002 = 100.
# K = 32: no P keeps 0.05 s; at 256 cores an update is 0.05625 s, which 32
# actors fill with 32 x 0.05625 / 0.1 = 18 steps; the run 12000 x 0.1 / 32 s.
set -euo pipefail
out=$(/usr/bin/python3 "$1" --step_s=0.2 --thread_efficiency=1 --fanout_s=0 --startup_s=0 \
  --update_s=0.05 --target_core_s=1.6 --learner_cpu_s_per_step=0.002 --machines=1,2,32)
grep -qF 'K_max: 28 actors (update loop, async, at most 256 target cores), 100 (learner ingest on 2 cores)' <<< "${out}" \
  || { echo "FAIL: K_max"; echo "${out}"; exit 1; }
grep -qF '| 1 | 2.450 | 30.6 | 1.00 | 2 | 16.0 | 20.0 | 1.00 | 0.02 |' <<< "${out}" || { echo "FAIL: K=1"; echo "${out}"; exit 1; }
grep -qF '| 2 | 1.250 | 15.6 | 0.82 | 3 | 16.0 | 10.0 | 1.00 | 0.04 |' <<< "${out}" || { echo "FAIL: K=2"; echo "${out}"; exit 1; }
grep -qF '| 32 | 0.125 | 1.6 | 0.42 | 256 | 18.0 | 0.6 | 1.00 | 0.64 |' <<< "${out}" || { echo "FAIL: K=32"; echo "${out}"; exit 1; }
if /usr/bin/python3 "$1" --step_s=0 2> "${TEST_TMPDIR}/err"; then echo "FAIL: --step_s=0 accepted"; exit 1; fi
grep -q -- '--step_s: got 0.0, expected > 0' "${TEST_TMPDIR}/err" || { echo "FAIL: message"; cat "${TEST_TMPDIR}/err"; exit 1; }
echo "scale_model_test: ok"
