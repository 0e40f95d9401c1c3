"""Protocol-buffer messages as plain Python dicts.

The keys are those of `//server:cli ... --json` (the proto field names, every
primitive field printed, unset messages and optional fields left out). The
values are Python's own types where the JSON form has to fall back on
strings: 64-bit integers are ints (JSON prints them as "123"), NaN and the
infinities are floats, enums are their names, as in the CLI's JSON.
"""

import math

from google.protobuf import descriptor, json_format

_INT64_TYPES = frozenset([
    descriptor.FieldDescriptor.TYPE_INT64,
    descriptor.FieldDescriptor.TYPE_UINT64,
    descriptor.FieldDescriptor.TYPE_SINT64,
    descriptor.FieldDescriptor.TYPE_FIXED64,
    descriptor.FieldDescriptor.TYPE_SFIXED64,
])
_FLOAT_TYPES = frozenset([
    descriptor.FieldDescriptor.TYPE_DOUBLE,
    descriptor.FieldDescriptor.TYPE_FLOAT,
])
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _scalar(field, value):
    if field.type in _INT64_TYPES and isinstance(value, str):
        return int(value)
    if field.type in _FLOAT_TYPES and isinstance(value, str):
        return _NON_FINITE.get(value, value)
    return value


def native_types(obj, message_descriptor):
    """`obj`, a dict in the proto3 JSON form of `message_descriptor` (proto
    field names), with 64-bit integers and non-finite numbers as Python
    numbers. Keys the descriptor does not know (a run folder's "unix_ms")
    are kept as they are."""
    fields = message_descriptor.fields_by_name
    out = {}
    for key, value in obj.items():
        field = fields.get(key)
        if field is None or value is None:
            out[key] = value
        elif field.message_type is not None:
            if field.label == descriptor.FieldDescriptor.LABEL_REPEATED:
                out[key] = [native_types(v, field.message_type) for v in value]
            else:
                out[key] = native_types(value, field.message_type)
        elif field.label == descriptor.FieldDescriptor.LABEL_REPEATED:
            out[key] = [_scalar(field, v) for v in value]
        else:
            out[key] = _scalar(field, value)
    return out


def to_dict(message):
    """`message` as the CLI's --json prints it, with Python number types."""
    obj = json_format.MessageToDict(
        message, preserving_proto_field_name=True, including_default_value_fields=True)
    return native_types(obj, message.DESCRIPTOR)
