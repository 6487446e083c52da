#!/usr/bin/python3
"""Writes small HDF5 files in the layouts h5py/libhdf5 produce beyond Keras' defaults, for the structure check.

Usage: /usr/bin/python3 scripts/golden/hdf5_layouts.py test/fixtures/hdf5-layouts test/golden/hdf5_layouts.json
  latest.h5   libver latest: superblock v3, "OHDR" object headers, link messages, a group with 20 links (dense
              storage: fractal heap + v2 B-tree), an object with 12 attributes (dense attribute storage)
  v108.h5     libver v108: superblock v2
  chunked.h5  libver earliest: chunked gzip and shuffle datasets (v1 chunk B-tree, filter pipeline), 7 chunks
The JSON lists, per file, each dataset's path, shape and sum, and the root's string attributes, as h5py reads them.
Hostile files (refused by the structure check; listed under "hostile" with what they point at):
  external_storage.h5  a dataset whose raw data lives in /etc/passwd (an external file list)
  external_link.h5     a link to the root of another file by absolute path
  virtual.h5           a virtual dataset mapped from another file
"""
import json
import os
import sys

import h5py
import numpy as np


def fill(f, dense):
    f.attrs["keras_version"] = "3.8.0"
    f.attrs.create("fixed", np.bytes_("fixed-length"))
    f.attrs["numbers"] = np.arange(5, dtype=np.float64)
    g = f.create_group("layers/dense")
    g.create_dataset("kernel", data=np.arange(12, dtype=np.float32).reshape(3, 4) / 7)
    g.create_dataset("bias", data=np.linspace(-1, 1, 4, dtype=np.float32))
    if dense:
        many = f.create_group("many")
        for i in range(20):
            many.create_dataset(f"w{i:02d}", data=np.full((2,), i, dtype=np.float32))
        for i in range(12):
            many.attrs[f"a{i:02d}"] = f"value {i}"


def describe(path):
    out = {"datasets": {}, "attrs": {}}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out["datasets"][name] = {"shape": list(obj.shape), "sum": float(np.asarray(obj[()], dtype=np.float64).sum())}
        f.visititems(visit)
        for k, v in f.attrs.items():
            if isinstance(v, (str, bytes)):
                out["attrs"][k] = v.decode() if isinstance(v, bytes) else v
    return out


def main(folder, out_json):
    os.makedirs(folder, exist_ok=True)
    files = {}
    for name, libver, dense in [("latest.h5", "latest", True), ("v108.h5", "v108", True)]:
        p = os.path.join(folder, name)
        with h5py.File(p, "w", libver=libver, track_order=False) as f:
            fill(f, dense)
        files[name] = describe(p)
    p = os.path.join(folder, "chunked.h5")
    with h5py.File(p, "w", libver="earliest") as f:
        fill(f, False)
        data = (np.arange(700, dtype=np.float32) % 13).reshape(70, 10)
        f.create_dataset("chunked/gzip", data=data, chunks=(10, 10), compression="gzip", compression_opts=6)
        f.create_dataset("chunked/shuffle", data=data * 2, chunks=(10, 10), shuffle=True, compression="gzip")
        f.create_dataset("chunked/plain", data=data - 1, chunks=(35, 5))
    files["chunked.h5"] = describe(p)
    hostile = {}
    p = os.path.join(folder, "external_storage.h5")
    with h5py.File(p, "w") as f:
        f.create_dataset("efl", shape=(4,), dtype="<f4", external=[("/etc/passwd", 0, 16)])
    hostile["external_storage.h5"] = "/etc/passwd"
    p = os.path.join(folder, "external_link.h5")
    with h5py.File(p, "w", libver="latest") as f:
        f["ext"] = h5py.ExternalLink("/etc/secret.h5", "/")
    hostile["external_link.h5"] = "/etc/secret.h5"
    p = os.path.join(folder, "virtual.h5")
    with h5py.File(p, "w", libver="latest") as f:
        layout = h5py.VirtualLayout(shape=(4,), dtype="<f4")
        layout[:] = h5py.VirtualSource("/etc/secret.h5", "data", shape=(4,))
        f.create_virtual_dataset("vds", layout)
    hostile["virtual.h5"] = "/etc/secret.h5"
    with open(out_json, "w") as fh:
        json.dump({"generator": "scripts/golden/hdf5_layouts.py", "h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version, "files": files, "hostile": hostile}, fh, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
