"""The README's ten-line MPC with a trained value (the block after
<!-- python-mpc-example -->), run as written on a toy system: a unit mass
on a line, no rewards, and a value that prices the position alone, so the
value is all that steers the plan."""

import os
import re

import numpy as np

from polo._proto import ensemble_pb2
from polo_testing import runfile, tmpdir


def readme_example():
    with open(runfile("README.md"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"<!-- python-mpc-example -->\n```python\n(.*?)```", text, re.S)
    assert match, "README.md: no python block after <!-- python-mpc-example -->"
    return match.group(1)


def position_value(slope):
    """V(x, v) = slope * x: one member, no hidden layer, no prior."""
    weights = ensemble_pb2.EnsembleWeights()
    weights.spec.num_features = 2
    weights.spec.ensemble_size = 1
    weights.spec.activation = ensemble_pb2.EnsembleSpec.TANH
    weights.normalisation.offset.extend([0.0, 0.0])
    weights.normalisation.scale.extend([1.0, 1.0])
    member = weights.members.add()
    for mlp, w in ((member.trained, [slope, 0.0]), (member.prior, [0.0, 0.0])):
        layer = mlp.layers.add()
        layer.in_features, layer.out_features = 2, 1
        layer.weights.extend(w)
        layer.bias.append(0.0)
    return weights


def step(s, u):
    """x, v of a unit mass pushed by u for 0.1 s; no reward."""
    x, v = s
    v = v + 0.1 * float(u[0])
    return (x + 0.1 * v, v), 0.0


def plan_actions(slope, steps=10):
    folder = os.path.join(tmpdir(), f"readme_{slope}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "weights.pb"), "wb") as f:
        f.write(position_value(slope).SerializeToString())
    namespace = {}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        exec(readme_example(), namespace)
    finally:
        os.chdir(cwd)
    state, actions = (0.0, 0.0), []
    for _ in range(steps):
        u = namespace["mppi_action"](state, step, np.array, nu=1)
        assert u.shape == (1,) and np.isfinite(u).all()
        actions.append(float(u[0]))
        state, _ = step(state, u)
    return actions, state


def test_the_readme_mpc_goes_where_the_value_is_higher():
    # Samples have sigma 0.3, so an unsteered mean over 10 steps is
    # within ~0.1 of 0; the value's pull is several times that.
    right, end_right = plan_actions(10.0)
    left, end_left = plan_actions(-10.0)
    assert np.mean(right) > 0.1 and end_right[0] > 0
    assert np.mean(left) < -0.1 and end_left[0] < 0
