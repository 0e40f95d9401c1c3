"""//tools:export and polo.export: ONNX (onnx.checker, then OpenCV's dnn),
TorchScript (torch.jit.load) and npz against the C++ numbers."""

import os
import subprocess

import cv2
import numpy as np
import onnx
import pytest
import torch

import polo
from polo import export
from polo_testing import (max_relative_error, mpc_trace, random_weights, runfile, tmpdir,
                          write_weights)

GETUP = "results/humanoid/runs/humanoid_getup/weights.pb"


def hand_shaped():
    return write_weights(random_weights(34, 6, [64, 64], seed=4, value_offset=-5.0,
                                        normalise=False), "hand_export.pb")


# The C++ values of the committed getup value at kappa 0 and 1 and of a
# hand-shaped ensemble (value offset -5) at kappa 1; float32 exports match
# them to 1e-6 relative (measured: 2e-7 at most).
CASES = [
    ("getup_kappa0", lambda: runfile(GETUP), 0.0),
    ("getup_kappa1", lambda: runfile(GETUP), 1.0),
    ("hand_kappa1", hand_shaped, 1.0),
]
TOLERANCE = 1e-6


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def case(request):
    name, weights, kappa = request.param
    path = weights()
    features, planner = mpc_trace(path, kappa, "export_" + name)
    return name, path, kappa, features, planner


def test_onnx_passes_the_checker_and_opencv_gives_the_cpp_values(case):
    name, path, kappa, features, planner = case
    out = os.path.join(tmpdir(), name + ".onnx")
    export.to_onnx(polo.Value.load(path), out, kappa=kappa)
    onnx.checker.check_model(onnx.load(out))
    net = cv2.dnn.readNetFromONNX(out)
    net.setInput(features.astype(np.float32), "features")
    value, members = net.forward(["value", "members"])
    assert max_relative_error(value.reshape(-1), planner) <= TOLERANCE
    exact = polo.Value.load(path).members(features)
    assert np.max(np.abs(members - exact)) <= TOLERANCE * np.max(np.abs(exact))


def test_torchscript_loads_in_torch_and_gives_the_cpp_values(case):
    name, path, kappa, features, planner = case
    out = os.path.join(tmpdir(), name + ".pt")
    export.to_torchscript(polo.Value.load(path), out, kappa=kappa)
    module = torch.jit.load(out)
    x = torch.tensor(features, dtype=torch.float32)
    with torch.no_grad():
        value = module(x).numpy()
        members = module.members(x).numpy()
    assert value.shape == (len(features),)
    assert max_relative_error(value, planner) <= TOLERANCE
    exact = polo.Value.load(path).members(features)
    assert np.max(np.abs(members - exact)) <= TOLERANCE * np.max(np.abs(exact))


def test_npz_holds_the_named_arrays_and_loads_back_bit_for_bit(case):
    name, path, kappa, features, planner = case
    value = polo.Value.load(path)
    out = os.path.join(tmpdir(), name + ".npz")
    export.to_npz(value, out)
    with np.load(out, allow_pickle=False) as npz:
        layers = len(value.hidden_sizes) + 1
        expected = {"num_features", "ensemble_size", "hidden_sizes", "activation", "prior_scale",
                    "value_scale", "value_offset", "input_offset", "input_scale", "version",
                    "agent_steps"}
        expected |= {f"{p}_{a}_{l}" for p in ("trained", "prior") for a in ("weights", "bias")
                     for l in range(layers)}
        assert set(npz.files) == expected
        assert npz["trained_weights_0"].shape == (value.ensemble_size, value.hidden_sizes[0],
                                                  value.num_features)
        assert npz["trained_weights_0"].dtype == np.float32
        np.testing.assert_array_equal(npz["input_scale"], value.input_scale)
        assert str(npz["activation"]) == value.activation
    loaded = polo.Value.from_npz(out)
    assert list(loaded.weights.members) == list(value.weights.members)
    assert loaded.weights.normalisation == value.weights.normalisation
    assert list(loaded.value(features, kappa=kappa)) == list(planner)


def test_the_export_command_writes_each_format_and_refuses_a_bad_file():
    tool = runfile("tools/export")
    weights = runfile(GETUP)
    for fmt in ("onnx", "torchscript", "npz"):
        out = os.path.join(tmpdir(), "cli." + fmt)
        subprocess.run([tool, f"--weights={weights}", f"--format={fmt}", f"--out={out}",
                        "--kappa=0.5"], check=True, timeout=120, capture_output=True)
        assert os.path.getsize(out) > 10000
    x = np.random.default_rng(1).normal(0, 0.5, (20, 34))
    module = torch.jit.load(os.path.join(tmpdir(), "cli.torchscript"))
    exact = polo.Value.load(weights).value(x, kappa=0.5)
    assert max_relative_error(module(torch.tensor(x, dtype=torch.float32)).numpy(),
                              exact) <= TOLERANCE
    bad = os.path.join(tmpdir(), "bad.pb")
    with open(bad, "wb") as f:
        f.write(b"not weights")
    result = subprocess.run([tool, f"--weights={bad}", "--format=npz", "--out=/dev/null"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "not a polo.EnsembleWeights" in result.stderr
