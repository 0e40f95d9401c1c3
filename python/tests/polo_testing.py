"""What the python tests share: runfiles, free ports, random weights and
//experiments:mpc's trace (the C++ numbers polo.Value is checked against)."""

import csv
import os
import socket
import subprocess

import numpy as np

from polo._proto import ensemble_pb2


def runfile(path):
    """A file of this workspace in the test's runfiles, e.g. "cluster/learner"."""
    root = os.environ.get("TEST_SRCDIR") or os.environ["RUNFILES_DIR"]
    return os.path.join(root, "polo", path)


def tmpdir():
    return os.environ.get("TEST_TMPDIR", "/tmp")


def free_port():
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_weights(num_features, ensemble_size, hidden_sizes, activation="tanh", seed=0,
                   prior_scale=1.0, value_scale=None, value_offset=None, normalise=True):
    """An EnsembleWeights message with weights drawn from a fixed seed:
    layers U(-1.5, 1.5) / sqrt(in), biases U(-0.5, 0.5), and with `normalise`
    a normalisation offset N(0, 0.3), scale U(0.5, 2) (else the identity)."""
    rng = np.random.default_rng(seed)
    weights = ensemble_pb2.EnsembleWeights()
    spec = weights.spec
    spec.num_features = num_features
    spec.ensemble_size = ensemble_size
    spec.hidden_sizes.extend(hidden_sizes)
    spec.activation = (ensemble_pb2.EnsembleSpec.RELU if activation == "relu"
                       else ensemble_pb2.EnsembleSpec.TANH)
    spec.prior_scale = prior_scale
    if value_scale is not None:
        spec.value_scale = value_scale
    if value_offset is not None:
        spec.value_offset = value_offset
    offset = rng.normal(0, 0.3, num_features) if normalise else np.zeros(num_features)
    scale = rng.uniform(0.5, 2.0, num_features) if normalise else np.ones(num_features)
    weights.normalisation.offset.extend(offset.tolist())
    weights.normalisation.scale.extend(scale.tolist())
    widths = [num_features] + list(hidden_sizes) + [1]
    for _ in range(ensemble_size):
        member = weights.members.add()
        for mlp in (member.trained, member.prior):
            for l in range(len(widths) - 1):
                layer = mlp.layers.add()
                layer.in_features, layer.out_features = widths[l], widths[l + 1]
                w = rng.uniform(-1.5, 1.5, widths[l] * widths[l + 1]) / np.sqrt(widths[l])
                layer.weights.extend(w.astype(np.float32).tolist())
                layer.bias.extend(rng.uniform(-0.5, 0.5, widths[l + 1]).astype(np.float32).tolist())
    weights.version = 7
    return weights


def write_weights(weights, name):
    path = os.path.join(tmpdir(), name)
    with open(path, "wb") as f:
        f.write(weights.SerializeToString())
    return path


def mpc_trace(weights_path, kappa, name, task="humanoid_getup", steps=15):
    """Runs //experiments:mpc with the value in `weights_path` at `kappa`
    (a short, cheap MPPI: H = 3, K = 6, one thread, seed 0) and returns the
    trace's features of each step's s_t, shape (steps, num_features), and
    its value column, the C++ OptimisticValue of those features."""
    trace = os.path.join(tmpdir(), name + ".csv")
    subprocess.run(
        [runfile("experiments/common/mpc"), f"--task={task}", f"--value={weights_path}",
         f"--kappa={kappa}", "--horizon=3", "--rollouts=6", f"--steps={steps}", "--threads=1",
         "--seed=0", "--print_every=0", f"--trace={trace}", "--trace_features"],
        check=True, stdout=subprocess.DEVNULL, timeout=120)
    with open(trace, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [c for c in rows[0] if c.startswith("x")]
    features = np.array([[float(r[c]) for c in names] for r in rows])
    values = np.array([float(r["value"]) for r in rows])
    return features, values


def max_relative_error(actual, expected):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return float(np.max(np.abs(actual - expected) / np.abs(expected)))
