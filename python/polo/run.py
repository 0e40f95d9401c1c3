"""polo.read_run: a learner's run folder as Python lists of dicts.

A run folder (server/run_folder.h, server/README.md) holds config.json (the
RunConfig), episodes.jsonl (one flat object per completed episode,
server/episode_record.h), metrics.jsonl (the Progress message after every
update, with "unix_ms" first) and checkpoints/ckpt-STEPS-UPDATES/ (each with
its weights.pb). The learner appends while it runs, so a folder can be read
at any time; a line it has not finished writing is skipped.
"""

import json
import os
import re
import warnings

from polo._messages import native_types
from polo._proto import polo_pb2

_CHECKPOINT = re.compile(r"^ckpt-(\d+)-(\d+)$")


class Run:
    """What read_run found. Attributes:

    dir          the folder
    config       config.json as a dict (proto field names), or None
    episodes     one dict per line of episodes.jsonl, keys as in the file
                 (episode, agent_steps, worker_id, length, return, mean_reward,
                 weights_version, wall_s, final_/mean_/max_<metric>, ...)
    metrics      one dict per line of metrics.jsonl (unix_ms and the
                 Progress fields: agent_steps, updates, value_loss, ...),
                 64-bit counts as ints
    checkpoints  the checkpoint folders, oldest first (each holds weights.pb,
                 for polo.Value.load)
    """

    def __init__(self, dir, config, episodes, metrics, checkpoints):
        self.dir = dir
        self.config = config
        self.episodes = episodes
        self.metrics = metrics
        self.checkpoints = checkpoints

    def episodes_frame(self):
        """episodes as a pandas DataFrame (ImportError without pandas)."""
        return _frame(self.episodes)

    def metrics_frame(self):
        """metrics as a pandas DataFrame, nested fields flattened
        ("last_episode.return"; ImportError without pandas)."""
        return _frame(self.metrics)

    def __repr__(self):
        return (f"polo.Run({self.dir!r}: {len(self.episodes)} episodes, "
                f"{len(self.metrics)} metrics lines, {len(self.checkpoints)} checkpoints)")


def _frame(records):
    try:
        import pandas
    except ImportError:
        raise ImportError("pandas is not installed (Debian: python3-pandas); the lists of dicts "
                          "need nothing") from None
    return pandas.json_normalize(records)


def _read_jsonl(path, descriptor):
    records = []
    if not os.path.exists(path):
        return records
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                warnings.warn(f"{path}:{number}: not JSON, skipped")
                continue
            if not isinstance(record, dict):
                warnings.warn(f"{path}:{number}: not a JSON object, skipped")
                continue
            records.append(native_types(record, descriptor) if descriptor else record)
    return records


def _checkpoints(dir):
    folder = os.path.join(dir, "checkpoints")
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        match = _CHECKPOINT.match(name)
        if match and os.path.isdir(os.path.join(folder, name)):
            found.append((int(match.group(1)), int(match.group(2)), os.path.join(folder, name)))
    return [path for _, _, path in sorted(found)]


def read_run(run_dir):
    """Reads the run folder `run_dir` (a learner's --run_dir). Raises
    FileNotFoundError if it holds none of config.json, episodes.jsonl and
    metrics.jsonl."""
    run_dir = os.fspath(run_dir)
    names = ("config.json", "episodes.jsonl", "metrics.jsonl")
    if not any(os.path.exists(os.path.join(run_dir, n)) for n in names):
        raise FileNotFoundError(f"{run_dir}: not a run folder (no {', '.join(names)})")
    config = None
    config_path = os.path.join(run_dir, "config.json")
    if os.path.exists(config_path):
        with open(config_path, encoding="utf-8") as f:
            config = native_types(json.load(f), polo_pb2.RunConfig.DESCRIPTOR)
    # Episode lines are flat (numbers already numbers, non-finite ones null).
    episodes = _read_jsonl(os.path.join(run_dir, "episodes.jsonl"), None)
    metrics = _read_jsonl(os.path.join(run_dir, "metrics.jsonl"), polo_pb2.Progress.DESCRIPTOR)
    return Run(run_dir, config, episodes, metrics, _checkpoints(run_dir))
