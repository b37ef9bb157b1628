"""Minimal safetensors writer/reader (numpy only), so the fixture generator needs no `safetensors` package.

Format: 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
  {"__metadata__": {str: str}, name: {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}, ...}
padded with spaces so the data section starts at a multiple of 8, then the raw little-endian tensor bytes,
laid out contiguously in header order (offsets are relative to the start of the data section).
"""

import json
import struct

import numpy as np

_DTYPES = {
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
}
_NAME_OF = {v: k for k, v in _DTYPES.items()}


def write(path, tensors, metadata=None):
    """Writes `tensors` (a dict name -> numpy array, written in insertion order) and `metadata` (str -> str)."""
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError(f"metadata must be str -> str, got {k!r}: {type(v).__name__}")
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        if name == "__metadata__":
            raise ValueError("reserved tensor name")
        arr = np.asarray(arr)
        dt = arr.dtype.newbyteorder("<")
        if dt not in _NAME_OF:
            raise TypeError(f"{name}: unsupported dtype {arr.dtype}")
        data = np.ascontiguousarray(arr, dtype=dt).tobytes(order="C")
        header[name] = {
            "dtype": _NAME_OF[dt],
            "shape": [int(s) for s in arr.shape],
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    pad = (-(8 + len(hjson))) % 8
    hjson += b" " * pad
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read(path):
    """Returns (tensors, metadata): an insertion-ordered dict name -> numpy array (header order), and the metadata dict."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: truncated")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} past end of file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    expected_begin = 0
    for name, info in header.items():
        dt = _DTYPES[info["dtype"]]
        shape = tuple(info["shape"])
        begin, end = info["data_offsets"]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * dt.itemsize:
            raise ValueError(f"{path}: {name}: byte range {begin}..{end} does not match {info['dtype']}{list(shape)}")
        if begin != expected_begin:
            raise ValueError(f"{path}: {name}: not contiguous (begins at {begin}, expected {expected_begin})")
        expected_begin = end
        tensors[name] = np.frombuffer(data[begin:end], dtype=dt).reshape(shape).copy()
    if expected_begin != len(data):
        raise ValueError(f"{path}: {len(data) - expected_begin} trailing bytes after the last tensor")
    return tensors, metadata


def write_fixture(out_dir, fx, kind, cfg, tensors, torch_version):
    """Writes one parity fixture with the metadata every kind shares; returns its path."""
    import json
    import os
    metadata = {
        "kind": kind,
        "config": json.dumps(cfg),
        "torch_version": torch_version,
        "description": fx["description"],
        "seed": str(fx["seed"]),
        "generator": "tools/parity/make_fixtures.py",
    }
    path = os.path.join(out_dir, fx["file"])
    write(path, tensors, metadata)
    return path

