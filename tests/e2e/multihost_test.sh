#!/usr/bin/env bash
# //tests/e2e:multihost_test (slow, root): the README's several-machines
# commands on four "hosts" — network namespaces this test creates, each
# with its own address on a bridge in a fifth, the "switch": the learner
# (10.211.0.1), two actor hosts, a target-worker host, and a host for the
# CLI. Mutual TLS and tokens, as the learner requires beyond loopback.
# Midway one actor host's link goes down for 15 s and comes back; later the
# learner is SIGKILLed and restarted with --resume. Asserts: the run
# completes, every acked state is in it exactly once, every worker
# reconnects by itself, and the CLI on its own host saw the workers and the
# progress. Acting is made heavy (H = 64, 256 rollouts, one thread) so that
# the run outlasts the partition and the restart. The namespaces go on
# every exit path (trap).
set -euo pipefail

[[ $(id -u) -eq 0 ]] || { echo "multihost_test: needs root (ip netns)"; exit 1; }
command -v ip > /dev/null || { echo "multihost_test: needs iproute2"; exit 1; }

runfiles="${TEST_SRCDIR:-$(pwd)/..}/polo"
learner_bin="${runfiles}/cluster/learner"
actor_bin="${runfiles}/worker/actor"
target_bin="${runfiles}/worker/target_worker"
cli_bin="${runfiles}/server/cli"
out="${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}"
work="${TEST_TMPDIR:-$(mktemp -d)}/multihost"
rm -rf "${work}" && mkdir -p "${work}"

p="pm$(( $$ % 10000 ))"      # Names: at most 15 characters.
hosts=(l a1 a2 t c)
declare -A addr=([l]=10.211.0.1 [a1]=10.211.0.11 [a2]=10.211.0.12 [t]=10.211.0.21 [c]=10.211.0.31)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "${pid}" 2> /dev/null || true; done
  wait 2> /dev/null || true
  for h in "${hosts[@]}"; do ip netns del "${p}${h}" 2> /dev/null || true; done
  ip netns del "${p}sw" 2> /dev/null || true
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for f in "${out}"/*.log; do echo "== ${f}"; tail -n 20 "${f}"; done
  exit 1
}

# The network: a bridge in the switch namespace, one veth per host.
ip netns add "${p}sw"
ip -n "${p}sw" link add br0 type bridge
ip -n "${p}sw" link set br0 up
for h in "${hosts[@]}"; do
  ip netns add "${p}${h}"
  ip link add "${p}${h}" netns "${p}sw" type veth peer name eth0 netns "${p}${h}"
  ip -n "${p}sw" link set "${p}${h}" master br0 up
  ip -n "${p}${h}" addr add "${addr[${h}]}/24" dev eth0
  ip -n "${p}${h}" link set eth0 up
  ip -n "${p}${h}" link set lo up
done
on() { local h="$1"; shift; ip netns exec "${p}${h}" "$@"; }

# Certificates for the learner's address, and the tokens.
bash "${runfiles}/deploy/make_certs.sh" "${work}/certs" "IP:${addr[l]}" > /dev/null
certs="${work}/certs"
learner_addr="${addr[l]}:50051"
tls=(--tls_ca="${certs}/ca.pem" --tls_cert="${certs}/client.pem" --tls_key="${certs}/client.key")
learner_flags=(--listen=0.0.0.0:50051 --actors=0 --target_workers=0 --progress=false
  --run_dir="${work}/run" --mode=async --total_steps=3000 --checkpoint_every_s=3
  --horizon=64 --rollouts=256 --target_horizon=8 --target_rollouts=16 --update_every=16
  --gradient_steps=4 --minibatch_size=16 --min_replay_size=16 --ensemble_size=4
  --tls_cert="${certs}/server.pem" --tls_key="${certs}/server.key" --tls_client_ca="${certs}/ca.pem"
  --worker_token_file="${certs}/worker.token" --admin_token_file="${certs}/admin.token")

start() {  # start HOST NAME COMMAND...: in the background, logging to NAME.log
  local h="$1" name="$2"; shift 2
  # `ip netns exec` execs the command: $! is the process itself, which a
  # signal must reach (through a shell function it would hit a subshell).
  ip netns exec "${p}${h}" "$@" > "${out}/${name}.log" 2>&1 &
  pids+=("$!")
  eval "pid_${name}=$!"
}
cli() {  # cli TOKEN COMMAND: the CLI from the CLI host, JSON
  on c "${cli_bin}" --learner="${learner_addr}" "${tls[@]}" --token_file="${certs}/$1.token" \
    --timeout_s=5 "$2" --json 2> /dev/null
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
steps() { cli worker progress | json ".get('agent_steps', 0)" 2> /dev/null || echo 0; }
wait_steps() {  # wait_steps N SECONDS
  local deadline=$(( $(date +%s) + $2 ))
  while (( $(date +%s) < deadline )); do
    (( $(steps) >= $1 )) && return 0
    sleep 0.5
  done
  return 1
}

# Workers first, as machines come up in any order; then the learner.
start a1 actor1 "${actor_bin}" --learner="${learner_addr}" --threads=1 "${tls[@]}" --token_file="${certs}/worker.token"
start a2 actor2 "${actor_bin}" --learner="${learner_addr}" --threads=1 "${tls[@]}" --token_file="${certs}/worker.token"
start t target "${target_bin}" --learner="${learner_addr}" --threads=1 "${tls[@]}" --token_file="${certs}/worker.token"
start l learner "${learner_bin}" "${learner_flags[@]}"
wait_steps 300 120 || fail "the run did not reach 300 steps"
workers="$(cli worker workers | json "['workers']" | tr -d ' ')"
for kind in ACTOR TARGET_WORKER; do
  [[ "$(echo "${workers}" | grep -o "'kind':'${kind}'" | wc -l)" -ge 1 ]] || fail "CLI: no ${kind} in ${workers}"
done
[[ "$(echo "${workers}" | grep -o "'kind':'ACTOR'" | wc -l)" -eq 2 ]] || fail "CLI: not 2 actors: ${workers}"

# Partition: actor host 1 loses its link for 15 s, then comes back.
ip -n "${p}sw" link set "${p}a1" down
before=$(steps)
sleep 15
ip -n "${p}sw" link set "${p}a1" up
(( $(steps) > before )) || fail "the run stalled while one actor host was cut off"
echo "partition: ${before} steps before, $(steps) after 15 s"

# The learner dies (after a periodic checkpoint) and comes back with --resume.
sleep 4
killed_at=$(steps)
kill -KILL "${pid_learner}"
wait "${pid_learner}" 2> /dev/null || true
start l learner_restarted "${learner_bin}" "${learner_flags[@]}" --resume
echo "learner SIGKILLed at ${killed_at} steps; restarted with --resume"
# Every worker finds the new learner by itself (the cut-off actor included).
connected() {
  cli worker workers | python3 -c "import json,sys; print(sum(1 for w in json.load(sys.stdin).get('workers', []) if w.get('connected')))" 2> /dev/null || echo 0
}
deadline=$(( $(date +%s) + 60 ))
until (( $(connected) == 3 )); do
  (( $(date +%s) < deadline )) || fail "not all 3 workers reconnected to the restarted learner"
  sleep 0.5
done
echo "all 3 workers connected to the restarted learner"

# The run completes; the actors learn it and exit.
deadline=$(( $(date +%s) + 300 ))
while kill -0 "${pid_learner_restarted}" 2> /dev/null && (( $(date +%s) < deadline )); do sleep 1; done
kill -0 "${pid_learner_restarted}" 2> /dev/null && fail "the restarted learner did not finish"
wait "${pid_learner_restarted}" || fail "the restarted learner exited with $?"
grep -q "final steps 3000 " "${out}/learner_restarted.log" || fail "the run did not complete at 3000"
grep -q "replay 3000 " "${out}/learner_restarted.log" || fail "the buffer does not hold 3000 states"
for a in actor1 actor2; do
  eval "pid=\${pid_${a}}"
  for _ in $(seq 30); do kill -0 "${pid}" 2> /dev/null || break; sleep 1; done
  wait "${pid}" || fail "${a} exited with $?"
done
accepted=0
for a in actor1 actor2; do
  line="$(grep -oE '[0-9]+ steps, [0-9]+ unaccepted' "${out}/${a}.log" | tail -1)"
  [[ -n "${line}" ]] || fail "${a} printed no summary"
  read -r made _ unaccepted _ <<< "${line}"
  accepted=$(( accepted + made - unaccepted ))
done
# Every state an actor saw accepted is in the run exactly once: states
# acked after the last checkpoint before the kill were resent.
(( accepted == 3000 )) || fail "the actors' accepted states add up to ${accepted}, not 3000"
kill -TERM "${pid_target}"
wait "${pid_target}" || fail "the target worker exited with $?"
echo "multihost: run complete, 3000 of 3000 states, partition and learner restart survived"
