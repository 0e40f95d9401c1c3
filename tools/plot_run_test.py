"""The arithmetic and grouping of //tools:plot's several-run figures
(tools/plot_run.py), run by plot_test.sh with Debian's pytest."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_run  # noqa: E402


def curve(steps, values):
    return np.array(steps, dtype=float), np.array(values, dtype=float)


def test_a_group_is_its_runs_mean_and_range_at_every_step_of_any_run():
    # Run b has points only at 0 and 20: at 10 it is interpolated to 4.
    a = curve([0, 10, 20], [0, 10, 20])
    b = curve([0, 20], [2, 6])
    steps, mean, low, high = plot_run.aggregate([a, b], "range")
    assert steps.tolist() == [0, 10, 20]
    assert mean.tolist() == [1, 7, 13]
    assert low.tolist() == [0, 4, 6]
    assert high.tolist() == [2, 10, 20]


def test_a_run_counts_only_where_its_curve_reaches():
    # b ends at 10: at 20 the group is a alone, not b held at its last value.
    a = curve([0, 20], [0, 20])
    b = curve([0, 10], [4, 4])
    steps, mean, low, high = plot_run.aggregate([a, b], "range")
    assert steps.tolist() == [0, 10, 20]
    assert mean.tolist() == [2, 7, 20]
    assert (low[-1], high[-1]) == (20, 20)


def test_the_std_band_is_one_population_standard_deviation():
    steps, mean, low, high = plot_run.aggregate([curve([5], [1]), curve([5], [3])], "std")
    assert (mean[0], low[0], high[0]) == (2, 1, 3)


def run(name, config):
    return {"name": name, "config": config, "episodes": [], "metrics": []}


def test_runs_group_by_a_dotted_key_in_numeric_order():
    runs = [run("h16_s0", {"mppi": {"horizon": 16}, "seed": "0"}),
            run("h8_s0", {"mppi": {"horizon": 8}, "seed": "0"}),
            run("h8_s1", {"mppi": {"horizon": 8}, "seed": "1"}),
            run("old", {"seed": "2"})]
    groups = plot_run.group_runs(runs, "mppi.horizon")
    assert [(label, [r["name"] for r in members]) for label, members in groups] == [
        ("mppi.horizon=8", ["h8_s0", "h8_s1"]),
        ("mppi.horizon=16", ["h16_s0"]),
        ("mppi.horizon=none", ["old"]),
    ]


def test_without_a_key_each_run_is_a_group_of_its_own():
    groups = plot_run.group_runs([run("a", {}), run("b", {})], None)
    assert [label for label, _ in groups] == ["a", "b"]


@pytest.mark.parametrize("value, label", [
    ([32, 32], "32x32"), (True, "true"), ("humanoid_getup", "humanoid_getup"), (None, "none")])
def test_config_values_read_as_labels(value, label):
    assert plot_run.value_label(value) == label


def test_series_skips_rows_without_the_key_and_sorts_by_steps():
    r = run("a", {})
    r["episodes"] = [{"agent_steps": "20", "return": 2}, {"agent_steps": "10", "return": 1},
                     {"agent_steps": "30"}, {"agent_steps": "40", "return": None}]
    steps, values = plot_run.series(r, "episodes", "return")
    assert steps.tolist() == [10, 20]
    assert values.tolist() == [1, 2]
