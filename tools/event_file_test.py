"""//tools:event_file_test: the learner's TensorBoard event files, read back
with tools/event_file.py, an implementation independent of the C++ writer
(its own CRC-32C and protobuf decoding). Run by event_file_test.sh with
Debian's pytest; LEARNER names the learner binary.
"""

import json
import os
import socket
import struct
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import event_file  # noqa: E402


def test_crc32c_gives_the_check_value_and_the_rfc3720_examples():
    assert event_file.crc32c(b"123456789") == 0xE3069283
    assert event_file.crc32c(bytes(32)) == 0x8A9136AA
    assert event_file.crc32c(b"\xff" * 32) == 0x62A8AB43
    assert event_file.crc32c(bytes(range(32))) == 0x46DD794E
    assert event_file.crc32c(bytes(reversed(range(32)))) == 0x113FDB5C


def test_the_mask_rotates_right_by_15_and_adds_the_offset():
    # 0xE3069283 rotated right by 15 is 0x2507C60D; + 0xA282EAD8 mod 2^32.
    assert event_file.masked_crc32c(b"123456789") == 0xC78AB0E5
    assert event_file.masked_crc32c(b"") == 0xA282EAD8


def frame(data):
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", event_file.masked_crc32c(length)) + data +
            struct.pack("<I", event_file.masked_crc32c(data)))


def hand_built_event():
    """An Event encoded field by field: wall_time 1.5, step -2, a summary
    of ("a/b", 0.25) and a value with no simple_value."""
    value = b"\x0a\x03a/b" + b"\x15" + struct.pack("<f", 0.25)
    summary = b"\x0a" + bytes([len(value)]) + value + b"\x0a\x03\x0a\x01c"
    step = b"\x10" + b"\xfe" + b"\xff" * 8 + b"\x01"  # -2 as a 10-byte varint.
    return b"\x09" + struct.pack("<d", 1.5) + step + b"\x2a" + bytes([len(summary)]) + summary


def test_a_hand_built_file_reads_back_field_by_field(tmp_path):
    path = tmp_path / "events.out.tfevents.1.host"
    version = b"\x1a\x0dbrain.Event:2"
    path.write_bytes(frame(version) + frame(hand_built_event()))
    events = event_file.read_events(str(path))
    assert [e["file_version"] for e in events] == ["brain.Event:2", None]
    assert events[1]["wall_time"] == 1.5
    assert events[1]["step"] == -2
    assert events[1]["values"] == [("a/b", 0.25)]


@pytest.mark.parametrize("where", ["length", "data", "data crc"])
def test_a_flipped_bit_anywhere_is_caught(tmp_path, where):
    record = bytearray(frame(hand_built_event()))
    at = {"length": 0, "data": 20, "data crc": len(record) - 1}[where]
    record[at] ^= 0x04
    path = tmp_path / "events"
    path.write_bytes(bytes(record))
    with pytest.raises(event_file.EventFileError, match="CRC|torn"):
        event_file.read_events(str(path))


def test_a_torn_last_record_is_caught(tmp_path):
    path = tmp_path / "events"
    path.write_bytes(frame(b"\x1a\x0dbrain.Event:2") + frame(hand_built_event())[:-3])
    with pytest.raises(event_file.EventFileError, match="byte 31: a torn record"):
        event_file.read_events(str(path))


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def run_learner(run, total_steps, *flags):
    """A real run of point-mass goal episodes of 16 steps, an update every
    16 steps (about 2 s for 48 steps)."""
    args = ["--task=point_mass_goal", f"--total_steps={total_steps}", "--episode_length=16",
            "--horizon=4", "--rollouts=4", "--update_every=16", "--gradient_steps=2",
            "--minibatch_size=8", "--target_horizon=2", "--target_rollouts=2",
            "--target_iterations=1", "--actor_threads=1", "--target_workers=1",
            "--progress=false", "--seed=0", f"--listen=localhost:{free_port()}",
            f"--run_dir={run}"] + list(flags)
    done = subprocess.run([os.environ["LEARNER"]] + args, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    run_learner(run, 48)
    return run


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def f32(x):
    """x as the float32 an event stores."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def test_the_learner_writes_one_file_named_as_tensorboard_expects(run_dir):
    names = os.listdir(run_dir / "tb")
    assert len(names) == 1
    prefix, seconds, host = names[0].rsplit(".", 2)
    assert prefix == "events.out.tfevents"
    assert seconds.isdigit()
    assert host == socket.gethostname()


def test_every_episode_and_update_is_an_event_with_the_lines_numbers(run_dir):
    events = event_file.read_events(str(next((run_dir / "tb").iterdir())))
    episodes = jsonl(run_dir / "episodes.jsonl")
    updates = jsonl(run_dir / "metrics.jsonl")
    assert len(episodes) == 3 and len(updates) == 3
    assert events[0]["file_version"] == "brain.Event:2"
    assert len(events) == 1 + len(episodes) + len(updates)
    found = event_file.scalars(str(run_dir / "tb"))
    # One record feeds both files: the same steps and values (as float32).
    assert found["episode/return"] == [
        (int(e["agent_steps"]), pytest.approx(e["unix_ms"] / 1000, abs=0.002), f32(e["return"]))
        for e in episodes]
    assert [(s, v) for s, _, v in found["episode/max_distance_to_goal"]] == [
        (int(e["agent_steps"]), f32(e["max_distance_to_goal"])) for e in episodes]
    assert [(s, v) for s, _, v in found["train/value_loss"]] == [
        (int(u["agent_steps"]), f32(u["value_loss"])) for u in updates]
    assert [v for _, _, v in found["system/cpu_utilisation"]] == [
        f32(u["cpu_utilisation"]) for u in updates]
    # A goal task's episodes lose reward every step.
    assert all(v < 0 for _, _, v in found["episode/return"])


def test_the_tags_are_those_the_readme_lists(run_dir):
    found = event_file.scalars(str(run_dir / "tb"))
    metrics = ["x", "y", "distance_to_goal"]
    episode = {"episode/return", "episode/mean_reward", "episode/length"} | {
        f"episode/{kind}_{m}" for kind in ("final", "mean", "max") for m in metrics}
    train = {"train/value_loss", "train/replay_size", "train/last_update_s",
             "train/last_update_targets_s"}
    system = {"system/states_per_second", "system/targets_per_second",
              "system/cpu_utilisation", "system/resident_bytes"}
    assert set(found) == episode | train | system


def test_tensorboard_false_writes_no_events_and_the_lines_still(tmp_path):
    run_learner(tmp_path, 16, "--tensorboard=false")
    assert not (tmp_path / "tb").exists()
    assert len(jsonl(tmp_path / "episodes.jsonl")) == 1
