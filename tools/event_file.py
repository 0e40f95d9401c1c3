"""Reads TensorBoard event files without TensorFlow or TensorBoard.

  bazel run //tools:events -- RUN_DIR/tb [FILE ...]

prints, for every scalar tag of the files (a folder: every
events.out.tfevents.* file in it, in name order, as TensorBoard reads a
run), its number of points, first and last step and last value.

The format is public: each record is its length (uint64, little endian),
the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the
data; the data is a tensorflow.Event message (wall_time double 1, step int64
2, file_version string 3, summary 5: Summary with repeated Value 1, each tag
string 1 and simple_value float 2). This reader is independent of the C++
writer (util/tensorboard_writer.h): its own CRC-32C, computed bit by bit
from the polynomial, and its own protobuf wire decoding. Every CRC is
checked; a mismatch, a torn record or malformed data raises EventFileError.
"""

import os
import struct
import sys

_POLYNOMIAL = 0x82F63B78  # Castagnoli's 0x1EDC6F41, bit-reversed.


def _crc_of_byte(byte):
    crc = byte
    for _ in range(8):
        crc = (crc >> 1) ^ (_POLYNOMIAL if crc & 1 else 0)
    return crc


_TABLE = [_crc_of_byte(b) for b in range(256)]


def crc32c(data):
    """CRC-32C of bytes: crc32c(b"123456789") == 0xE3069283."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


class EventFileError(ValueError):
    """A record that cannot be read: names the file and the byte offset."""


def records(path):
    """Yields the data of every record of the file at `path`, CRCs checked."""
    with open(path, "rb") as f:
        data = f.read()
    at = 0
    while at < len(data):
        if at + 12 > len(data):
            raise EventFileError(f"{path}: byte {at}: a torn record header")
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        if header_crc != masked_crc32c(header):
            raise EventFileError(f"{path}: byte {at}: the length's CRC does not match")
        if at + 16 + length > len(data):
            raise EventFileError(f"{path}: byte {at}: a torn record ({length} bytes of data)")
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        if body_crc != masked_crc32c(body):
            raise EventFileError(f"{path}: byte {at}: the data's CRC does not match")
        yield body
        at += 16 + length


def _varint(data, at):
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 63:
            raise EventFileError("a truncated varint")
        b = data[at]
        at += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, at


def _fields(data):
    """(field number, wire type, value) of a serialised message: ints for
    varints, bytes for the other wire types."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == 1:
            value, at = data[at:at + 8], at + 8
        elif wire == 2:
            length, at = _varint(data, at)
            value, at = data[at:at + length], at + length
        elif wire == 5:
            value, at = data[at:at + 4], at + 4
        else:
            raise EventFileError(f"wire type {wire} of field {number} is not read here")
        if at > len(data):
            raise EventFileError(f"field {number} runs past the end of its message")
        yield number, wire, value


def parse_event(data):
    """An Event as a dict: wall_time, step, file_version (or None) and
    values, the summary's [(tag, simple_value)] (a value without
    simple_value, which scalars never are, is left out)."""
    event = {"wall_time": 0.0, "step": 0, "file_version": None, "values": []}
    for number, wire, value in _fields(data):
        if number == 1 and wire == 1:
            (event["wall_time"],) = struct.unpack("<d", value)
        elif number == 2 and wire == 0:
            event["step"] = value - (1 << 64) if value >= 1 << 63 else value
        elif number == 3 and wire == 2:
            event["file_version"] = value.decode("utf-8")
        elif number == 5 and wire == 2:
            for v_number, v_wire, v_value in _fields(value):
                if v_number != 1 or v_wire != 2:
                    continue
                tag, simple = None, None
                for f_number, f_wire, f_value in _fields(v_value):
                    if f_number == 1 and f_wire == 2:
                        tag = f_value.decode("utf-8")
                    elif f_number == 2 and f_wire == 5:
                        (simple,) = struct.unpack("<f", f_value)
                if tag is not None and simple is not None:
                    event["values"].append((tag, simple))
    return event


def read_events(path):
    """Every event of one file, in order."""
    events = []
    for body in records(path):
        try:
            events.append(parse_event(body))
        except EventFileError as e:
            raise EventFileError(f"{path}: {e}") from None
    return events


def event_files(path):
    """`path` itself if a file; else its events.out.tfevents.* files in name
    order (TensorBoard reads them as one run)."""
    if os.path.isfile(path):
        return [path]
    return sorted(os.path.join(path, n) for n in os.listdir(path) if "tfevents" in n)


def scalars(path):
    """{tag: [(step, wall_time, value), ...]} over the event files of `path`."""
    out = {}
    for file in event_files(path):
        for event in read_events(file):
            for tag, value in event["values"]:
                out.setdefault(tag, []).append((event["step"], event["wall_time"], value))
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: events RUN_DIR/tb | FILE ...", file=sys.stderr)
        return 2
    for arg in argv[1:]:
        # Under `bazel run`, relative paths are the user's, not the runfiles'.
        if not os.path.isabs(arg) and os.environ.get("BUILD_WORKING_DIRECTORY"):
            arg = os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], arg)
        files = event_files(arg)
        if not files:
            print(f"events: {arg}: no event files", file=sys.stderr)
            return 2
        try:
            events = [event for file in files for event in read_events(file)]
        except (EventFileError, OSError) as e:
            print(f"events: {e}", file=sys.stderr)
            return 1
        found = {}
        for event in events:
            for tag, value in event["values"]:
                found.setdefault(tag, []).append((event["step"], value))
        print(f"{arg}: {len(files)} file(s), {len(events)} events, {len(found)} tags")
        for tag in sorted(found):
            points = found[tag]
            print(f"  {tag:34s} {len(points):6d} points  steps {points[0][0]}..{points[-1][0]}"
                  f"  last {points[-1][1]:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
