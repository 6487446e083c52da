"""Small reference files for the IDX and .npz readers, written by NumPy (np.savez / savez_compressed).

Run: /usr/bin/python3 scripts/golden/datasets_fixtures.py  (writes test/golden/datasets_fixtures.json)
Each fixture carries its bytes (base64), its SHA-256, and the arrays NumPy reads back.
"""
import base64
import hashlib
import io
import json
import os
import struct
import tarfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def b64(data):
    return base64.b64encode(data).decode("ascii")


def idx_bytes(arr):
    code = IDX_CODES[arr.dtype.type]
    header = bytes([0, 0, code, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def describe(arr):
    return {"shape": list(arr.shape), "dtype": str(arr.dtype), "values": arr.reshape(-1).tolist()}


def npz_fixture(arrays, compressed):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    data = buf.getvalue()
    with np.load(io.BytesIO(data)) as f:
        read_back = {k: describe(f[k]) for k in f.files}
    return {"base64": b64(data), "sha256": hashlib.sha256(data).hexdigest(), "arrays": read_back}


def tar_fixture():
    members = {"a.txt": b"alpha\n", "sub/b.bin": bytes(range(256)) * 3}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    data = buf.getvalue()
    return {"base64": b64(data), "sha256": hashlib.sha256(data).hexdigest(),
            "members": {k: b64(v) for k, v in members.items()}}


def main():
    rng = np.random.default_rng(7)
    idx = {}
    for dtype in [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]:
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            arr = rng.integers(info.min, info.max, size=(3, 4, 2), endpoint=True).astype(dtype)
        else:
            arr = rng.normal(size=(3, 4, 2)).astype(dtype)
        entry = describe(arr)
        entry["base64"] = b64(idx_bytes(arr))
        idx[np.dtype(dtype).name] = entry

    # A miniature mnist.npz with Keras' keys and dtypes, plus other dtypes the reader must handle.
    mini = {
        "x_train": rng.integers(0, 255, size=(6, 28, 28), endpoint=True).astype(np.uint8),
        "y_train": rng.integers(0, 9, size=(6,), endpoint=True).astype(np.uint8),
        "x_test": rng.integers(0, 255, size=(4, 28, 28), endpoint=True).astype(np.uint8),
        "y_test": rng.integers(0, 9, size=(4,), endpoint=True).astype(np.uint8),
    }
    others = {
        "i64": rng.integers(-1000, 1000, size=(2, 3)).astype(np.int64),
        "f32": rng.normal(size=(5,)).astype(np.float32),
        "f64": rng.normal(size=(2, 2)).astype(np.float64),
        "b": rng.normal(size=(4,)) > 0,
        "be_i4": rng.integers(-100000, 100000, size=(3,)).astype(">i4"),
        "u16": rng.integers(0, 65535, size=(3,)).astype(np.uint16),
        "scalar": np.float32(2.5),
    }
    out = {
        "generator": "scripts/golden/datasets_fixtures.py (NumPy %s)" % np.__version__,
        "idx": idx,
        "mnist_npz": npz_fixture(mini, compressed=False),
        "mnist_npz_compressed": npz_fixture(mini, compressed=True),
        "dtypes_npz": npz_fixture(others, compressed=True),
        "tar_gz": tar_fixture(),
    }
    with open(os.path.join(ROOT, "test", "golden", "datasets_fixtures.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
