"""polo.read_run on a run folder as the learner writes it (server/run_folder.h)."""

import json
import os
import warnings

import pytest

import polo
from polo_testing import tmpdir

CONFIG = {"task": "humanoid_getup", "mode": "SYNCHRONOUS", "seed": "3", "kappa": 1,
          "mppi": {"horizon": 32, "num_rollouts": 120}, "total_steps": "48000"}
EPISODES = [
    {"unix_ms": 1795968965610, "episode": 1, "agent_steps": 600, "worker_id": "actor-1",
     "return": 185.6, "mean_reward": 0.309, "max_root_height": 0.748, "frac_standing": 0},
    {"unix_ms": 1795969068075, "episode": 2, "agent_steps": 1200, "worker_id": "actor-1",
     "return": None, "mean_reward": 0.417, "max_root_height": 1.21, "frac_standing": 0.5},
]
# Progress as rpc/json.h prints it: 64-bit counts as strings.
METRICS = [
    {"unix_ms": 1796291725144, "agent_steps": "25", "updates": "1", "value_loss": 0.39,
     "metric_names": ["height"], "metric_values": [0.5], "weights_published_unix_us":
     "1796291725143286", "last_episode": {"episode": "1", "return": 3.5}},
    {"unix_ms": 1796291726915, "agent_steps": "50", "updates": "2", "value_loss": "NaN"},
]


@pytest.fixture
def run_dir():
    path = os.path.join(tmpdir(), "run_test")
    os.makedirs(os.path.join(path, "checkpoints", "ckpt-1200-10"), exist_ok=True)
    os.makedirs(os.path.join(path, "checkpoints", "ckpt-600-5"), exist_ok=True)
    os.makedirs(os.path.join(path, "checkpoints", "ckpt-9-9.tmp"), exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(path, "episodes.jsonl"), "w") as f:
        f.writelines(json.dumps(e) + "\n" for e in EPISODES)
    with open(os.path.join(path, "metrics.jsonl"), "w") as f:
        f.writelines(json.dumps(m) + "\n" for m in METRICS)
        f.write('{"unix_ms":1796291728000,"agent_st')  # A line being written.
    return path


def test_episodes_and_metrics_are_lists_of_dicts_with_number_types(run_dir):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = polo.read_run(run_dir)
    assert [str(w.message) for w in caught] == [f"{run_dir}/metrics.jsonl:3: not JSON, skipped"]
    assert run.episodes == EPISODES
    assert [m["agent_steps"] for m in run.metrics] == [25, 50]
    assert run.metrics[0]["weights_published_unix_us"] == 1796291725143286
    assert run.metrics[0]["last_episode"] == {"episode": 1, "return": 3.5}
    assert run.metrics[0]["metric_names"] == ["height"]
    assert run.metrics[1]["value_loss"] != run.metrics[1]["value_loss"]  # NaN
    assert run.config["seed"] == 3 and run.config["total_steps"] == 48000
    assert run.config["mppi"] == {"horizon": 32, "num_rollouts": 120}
    assert run.checkpoints == [os.path.join(run_dir, "checkpoints", c)
                               for c in ("ckpt-600-5", "ckpt-1200-10")]


def test_pandas_frames_have_a_row_per_line(run_dir):
    pandas = pytest.importorskip("pandas")
    run = polo.read_run(run_dir)
    episodes = run.episodes_frame()
    assert isinstance(episodes, pandas.DataFrame)
    assert list(episodes["agent_steps"]) == [600, 1200]
    assert episodes["return"].isna().tolist() == [False, True]
    metrics = run.metrics_frame()
    assert list(metrics["updates"]) == [1, 2]
    assert metrics["last_episode.return"].iloc[0] == 3.5


def test_a_folder_without_run_files_is_refused():
    empty = os.path.join(tmpdir(), "not_a_run")
    os.makedirs(empty, exist_ok=True)
    with pytest.raises(FileNotFoundError, match="not a run folder"):
        polo.read_run(empty)
