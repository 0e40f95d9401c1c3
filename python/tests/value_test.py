"""polo.Value against the C++ ensemble (//experiments:mpc --trace's value
column, learner/optimistic_value.cc on the features of each step's state),
and eq. 6's properties."""

import math

import numpy as np
import pytest

import polo
from polo._proto import ensemble_pb2
from polo_testing import (max_relative_error, mpc_trace, random_weights, runfile,
                          write_weights)

GETUP = "results/humanoid/runs/humanoid_getup/weights.pb"

# (name, weights, kappa): the committed humanoid value, and random ensembles
# of the humanoid's 34 features for each path through the C++ code: ReLU
# with a narrow last hidden layer (Eigen's coefficient-wise product), no
# hidden layer, wide layers (inputs summed in blocks of 16 from 128 on),
# the hand's shape with its value offset; optimism from negative to large.
CASES = [
    ("getup_kappa0", lambda: runfile(GETUP), 0.0),
    ("getup_kappa1", lambda: runfile(GETUP), 1.0),
    ("relu", lambda: write_weights(random_weights(
        34, 5, [130, 8], "relu", seed=1, prior_scale=0.5, value_scale=3.0, value_offset=-2.0),
        "relu.pb"), -0.5),
    ("linear", lambda: write_weights(random_weights(34, 3, [], seed=2), "linear.pb"), 0.0),
    ("wide", lambda: write_weights(random_weights(34, 7, [200, 150, 20], seed=3,
                                                  value_scale=10.0), "wide.pb"), 30.0),
    ("hand_shape", lambda: write_weights(random_weights(34, 6, [64, 64], seed=4, value_offset=-5.0,
                                                        normalise=False), "hand.pb"), 1.0),
]


@pytest.mark.parametrize("name,weights,kappa", CASES, ids=[c[0] for c in CASES])
def test_value_is_the_planners_to_1e9_relative(name, weights, kappa):
    path = weights()
    features, planner = mpc_trace(path, kappa, name)
    value = polo.Value.load(path)
    ours = value.value(features, kappa=kappa)
    # The same float32 operations in the same order: in practice bit for bit.
    assert max_relative_error(ours, planner) <= 1e-9
    # Row by row gives the same numbers as the batch.
    assert [value.value(x, kappa=kappa) for x in features] == list(ours)


def test_members_mean_is_the_value_at_kappa_zero_and_optimism_lies_between_mean_and_max():
    value = polo.Value.load(runfile(GETUP))
    x = np.random.default_rng(0).normal(0, 0.5, (50, value.num_features))
    members = value.members(x)
    assert members.shape == (50, value.ensemble_size)
    assert value.members(x[0]).shape == (value.ensemble_size,)
    np.testing.assert_allclose(value.value(x), members.mean(axis=1), rtol=1e-15, atol=0)
    optimistic = value.value(x, kappa=1.0)
    assert np.all(optimistic >= members.mean(axis=1) - 1e-12)
    assert np.all(optimistic <= members.max(axis=1) + 1e-12)
    assert np.any(optimistic > members.mean(axis=1) + 1e-6)
    # kappa -> inf: the max, within log(K) / kappa (exactly that below it
    # where one member stands out).
    near_max = value.value(x, kappa=1e4)
    bound = math.log(value.ensemble_size) / 1e4
    assert np.all(np.abs(near_max - members.max(axis=1)) <= bound * (1 + 1e-6))
    # Eq. 6 written out, at a kappa where nothing overflows.
    k = 0.3
    direct = np.log(np.mean(np.exp(k * members), axis=1)) / k
    np.testing.assert_allclose(value.value(x, kappa=k), direct, rtol=1e-12)


def test_one_row_gives_a_float_and_a_batch_an_array():
    value = polo.Value.load(runfile(GETUP))
    x = np.zeros(value.num_features)
    assert isinstance(value.value(x), float)
    assert value.value(x[None, :]).shape == (1,)
    assert value.value(np.zeros((0, value.num_features))).shape == (0,)


def test_the_spec_reads_as_the_file_says():
    value = polo.Value.load(runfile(GETUP))
    assert (value.num_features, value.ensemble_size, value.hidden_sizes) == (34, 6, (16, 16))
    assert (value.activation, value.prior_scale, value.value_scale, value.value_offset) == (
        "tanh", 1.0, 10.0, 0.0)
    assert value.version == 48000
    assert value.weights.spec.value_scale == 10.0


def test_features_of_the_wrong_shape_are_refused():
    value = polo.Value.load(runfile(GETUP))
    with pytest.raises(ValueError, match=r"features: have shape \(33,\), expected \(34,\)"):
        value.value(np.zeros(33))
    with pytest.raises(ValueError, match="kappa: is inf"):
        value.value(np.zeros(34), kappa=math.inf)


def test_malformed_weights_are_refused_naming_the_field():
    weights = random_weights(4, 2, [3], seed=5)
    del weights.members[1].prior.layers[0].bias[2]
    with pytest.raises(ValueError, match=r"members\[1\]\.prior\.layers\[0\]\.bias: has 2 values, "
                                         r"expected 3"):
        polo.Value(weights)
    weights = random_weights(4, 2, [3], seed=5)
    weights.spec.activation = ensemble_pb2.EnsembleSpec.ACTIVATION_UNSPECIFIED
    with pytest.raises(ValueError, match="spec.activation"):
        polo.Value(weights)
    weights = random_weights(4, 2, [3], seed=5)
    weights.normalisation.scale[1] = math.nan
    with pytest.raises(ValueError, match=r"normalisation.scale\[1\]: is nan"):
        polo.Value(weights)
    with pytest.raises(ValueError, match="not a polo.EnsembleWeights"):
        polo.Value.from_bytes(b"\xff\xff\xff")
