#!/usr/bin/env python3
"""Independent safetensors reader (standard library only: struct, json) used by SafetensorsTest.

Usage: python3 read_safetensors.py FILE
Parses FILE the way the Hugging Face format defines it, checks the header (8-aligned, space padding, known dtypes,
shape x dtype size == span, contiguous offsets filling the buffer) and prints one JSON object:
{"metadata": {...}, "tensors": {name: {"dtype": .., "shape": [..], "values": [..]}}} with tensors in header order.
Exits 1 with a message on stderr when a check fails.
"""
import json
import struct
import sys

FORMATS = {"F32": ("<f", 4), "F64": ("<d", 8), "I64": ("<q", 8)}


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n % 8 != 0 or 8 + n > len(data):
        fail("header length %d not a multiple of 8 or past the end" % n)
    raw = data[8:8 + n]
    text = raw.decode("utf-8")
    stripped = text.rstrip(" ")
    if not stripped.startswith("{") or not stripped.endswith("}"):
        fail("header is not a JSON object padded with spaces: %r" % text[-16:])
    header = json.loads(stripped)
    buffer = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        fail("metadata not str -> str")
    spans = []
    out = {}
    for name, info in header.items():
        dtype = info["dtype"]
        if dtype not in FORMATS:
            fail("unknown dtype %s" % dtype)
        fmt, size = FORMATS[dtype]
        shape = info["shape"]
        begin, end = info["data_offsets"]
        count = 1
        for d in shape:
            count *= d
        if count * size != end - begin:
            fail("tensor %s: %d x %d bytes != [%d, %d]" % (name, count, size, begin, end))
        spans.append((begin, end, name))
        values = [struct.unpack_from(fmt, buffer, begin + i * size)[0] for i in range(count)]
        out[name] = {"dtype": dtype, "shape": shape, "values": values}
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            fail("tensor %s begins at %d, expected %d" % (name, begin, position))
        position = end
    if position != len(buffer):
        fail("tensors cover %d bytes of a %d-byte buffer" % (position, len(buffer)))
    json.dump({"metadata": metadata, "tensors": out}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
