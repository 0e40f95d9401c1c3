"""polo.Client against a learner on 127.0.0.1 (//cluster:learner with an
in-process actor and target worker on point_mass_maze), over mutual TLS
with tokens, as a learner on another machine serves: status, progress and
workers with the CLI's --json keys, weights, a checkpoint, and the errors
(codes and the learner's messages)."""

import json
import os
import subprocess
import time

import grpc
import pytest

import polo
from polo_testing import free_port, runfile, tmpdir

DEADLINE_S = 60


class Learner:
    def __init__(self):
        self.certs = os.path.join(tmpdir(), "certs")
        subprocess.run(["/bin/bash", runfile("deploy/make_certs.sh"), self.certs],
                       check=True, capture_output=True, timeout=60)
        self.address = f"127.0.0.1:{free_port()}"
        self.health = f"127.0.0.1:{free_port()}"
        self.run_dir = os.path.join(tmpdir(), "run")
        c = self.certs
        logs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR", tmpdir())
        self.log_path = os.path.join(logs, "learner.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [runfile("cluster/learner"), f"--listen={self.address}",
             f"--health_listen={self.health}", "--task=point_mass_maze", "--actors=1",
             "--target_workers=1", f"--run_dir={self.run_dir}", "--total_steps=0",
             # Small MPPI and updates: the first update within a second or
             # two, then a new weights version about every 64 / 250 s (the
             # learner keeps 16: a checkpoint's version stays for seconds).
             "--horizon=8", "--rollouts=16", "--target_horizon=4", "--target_rollouts=8",
             "--update_every=64", "--gradient_steps=1", "--minibatch_size=4",
             "--min_replay_size=8",
             "--checkpoint_every_s=3600", f"--tls_cert={c}/server.pem",
             f"--tls_key={c}/server.key", f"--tls_client_ca={c}/ca.pem",
             f"--worker_token_file={c}/worker.token", f"--admin_token_file={c}/admin.token"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def client(self, token="worker", **kwargs):
        c = self.certs
        token_file = f"{c}/{token}.token" if token else None
        return polo.Client(self.address, tls_ca=f"{c}/ca.pem", tls_cert=f"{c}/client.pem",
                           tls_key=f"{c}/client.key", token_file=token_file,
                           tls_server_name="localhost", **kwargs)

    def cli_json(self, command):
        c = self.certs
        out = subprocess.run(
            [runfile("server/cli"), f"--learner={self.address}", f"--tls_ca={c}/ca.pem",
             f"--tls_cert={c}/client.pem", f"--tls_key={c}/client.key",
             "--tls_server_name=localhost", f"--token_file={c}/worker.token", command, "--json"],
            check=True, capture_output=True, text=True, timeout=30)
        return json.loads(out.stdout)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def wait_for(condition, what, learner):
    deadline = time.monotonic() + DEADLINE_S
    last = None
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except polo.LearnerError as e:
            if e.code != grpc.StatusCode.UNAVAILABLE:
                raise
            last = e
        time.sleep(0.2)
    with open(learner.log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()[-2000:]
    pytest.fail(f"no {what} within {DEADLINE_S} s (last error: {last}); learner.log ends:\n{log}")


@pytest.fixture(scope="module")
def learner():
    learner = Learner()
    try:
        client = learner.client()
        # Until the first update is done: a metrics line, weights past 0.
        wait_for(lambda: client.progress()["updates"] >= 1, "first update", learner)
        yield learner
    finally:
        learner.stop()


def test_status_progress_and_workers_have_the_clis_json_fields(learner):
    client = learner.client()
    status = client.status()
    assert set(status) == set(learner.cli_json("status"))
    assert status["config"]["task"] == "point_mass_maze"
    assert status["config"]["mode"] in ("SYNCHRONOUS", "ASYNCHRONOUS")
    assert status["run_dir"] == learner.run_dir
    progress = client.progress()
    cli = learner.cli_json("progress")
    # last_episode appears when the first episode ends, which may fall
    # between the two calls.
    assert set(progress) - {"last_episode"} == set(cli) - {"last_episode"}
    if "last_episode" in progress and "last_episode" in cli:
        assert set(progress["last_episode"]) == set(cli["last_episode"])
    # 64-bit counts are ints, not the JSON form's strings.
    assert isinstance(progress["agent_steps"], int) and progress["agent_steps"] >= 64
    assert isinstance(progress["value_loss"], float)
    workers = client.workers()
    assert [set(w) for w in workers] == [set(w) for w in learner.cli_json("workers")["workers"]]
    assert sorted(w["kind"] for w in workers) == ["ACTOR", "TARGET_WORKER"]


def test_watch_yields_progress_every_interval(learner):
    client = learner.client()
    start = time.monotonic()
    seen = [p["agent_steps"] for p in client.watch(interval_s=0.3, count=3)]
    assert len(seen) == 3 and seen == sorted(seen)
    assert time.monotonic() - start >= 0.6


def test_weights_are_the_learners_and_a_checkpoints(learner):
    admin = learner.client(token="admin")
    checkpoint = admin.checkpoint()
    assert checkpoint["path"].startswith(os.path.join(learner.run_dir, "checkpoints", "ckpt-"))
    version = checkpoint["weights_version"]
    from_learner = admin.weights(version=version)
    assert from_learner.version == version
    saved = polo.Value.load(os.path.join(checkpoint["path"], "weights.pb"))
    assert from_learner.weights.members == saved.weights.members
    latest = learner.client().weights()
    assert latest.version >= version and latest.num_features == 4
    assert polo.read_run(learner.run_dir).checkpoints[-1] == checkpoint["path"]


def test_errors_carry_the_grpc_code_and_the_learners_message(learner):
    with pytest.raises(polo.LearnerError) as e:
        learner.client().weights(version=10**9)
    assert e.value.code == grpc.StatusCode.NOT_FOUND and e.value.code_name == "NOT_FOUND"
    assert "1000000000" in e.value.details and "GetWeights: NOT_FOUND" in str(e.value)
    with pytest.raises(polo.LearnerError) as e:
        learner.client(token="worker").checkpoint()  # The admin token's call.
    assert e.value.code == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(polo.LearnerError) as e:
        learner.client(token=None).status()
    assert e.value.code == grpc.StatusCode.UNAUTHENTICATED
    # Plaintext: the health port serves only grpc.health.v1.
    with pytest.raises(polo.LearnerError) as e:
        polo.Client(learner.health).progress()
    assert e.value.code == grpc.StatusCode.UNIMPLEMENTED
    with pytest.raises(polo.LearnerError) as e:
        polo.Client(f"127.0.0.1:{free_port()}", timeout_s=2).status()
    assert e.value.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def test_bad_security_arguments_are_refused_naming_the_argument(learner):
    with pytest.raises(ValueError, match="tls_key: missing"):
        polo.Client(learner.address, tls_ca=f"{learner.certs}/ca.pem",
                    tls_cert=f"{learner.certs}/client.pem")
    with pytest.raises(ValueError, match="tls_ca: missing"):
        polo.Client(learner.address, tls_cert="a.pem", tls_key="a.key")
    short = os.path.join(tmpdir(), "short.token")
    with open(short, "w") as f:
        f.write("abc\n")
    with pytest.raises(ValueError, match="expected at least 16"):
        polo.Client(learner.address, token_file=short)
    with pytest.raises(ValueError, match="token_file: cannot read"):
        polo.Client(learner.address, token_file=os.path.join(tmpdir(), "absent"))
