"""Golden checksums of the bundled Fashion-MNIST, read exactly as keras.datasets.fashion_mnist does.

Run: /usr/bin/python3 scripts/golden/fashion_mnist.py  (writes test/golden/fashion_mnist.json)
"""
import gzip
import hashlib
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data", "fashion-mnist")


def load():
    # Same reads as keras/src/datasets/fashion_mnist.py: labels at offset 8, images at offset 16.
    files = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
    paths = [os.path.join(DATA, f) for f in files]
    with gzip.open(paths[0], "rb") as f:
        y_train = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as f:
        x_train = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as f:
        y_test = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as f:
        x_test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def summary(x, y):
    flat = x.reshape(-1).astype(np.int64)
    weights = (np.arange(flat.size, dtype=np.int64) % 65521) + 1
    return {
        "x_shape": list(x.shape),
        "y_shape": list(y.shape),
        "label_counts": np.bincount(y, minlength=10).astype(int).tolist(),
        "first_labels": y[:20].astype(int).tolist(),
        "last_label": int(y[-1]),
        "pixel_sum": int(flat.sum()),
        "pixel_sum_of_squares": int((flat * flat).sum()),
        "pixel_weighted_sum": int((flat * weights).sum()),
        "first_image_sum": int(x[0].astype(np.int64).sum()),
        "last_image_sum": int(x[-1].astype(np.int64).sum()),
        "first_image_row_14": x[0, 14].astype(int).tolist(),
        "per_class_pixel_sum": [int(x[y == c].astype(np.int64).sum()) for c in range(10)],
        "label_sum": int(y.astype(np.int64).sum()),
    }


def main():
    (x_train, y_train), (x_test, y_test) = load()
    sums = {}
    for name in sorted(os.listdir(DATA)):
        if name.endswith(".gz"):
            with open(os.path.join(DATA, name), "rb") as f:
                sums[name] = hashlib.sha256(f.read()).hexdigest()
    out = {
        "generator": "scripts/golden/fashion_mnist.py (NumPy %s)" % np.__version__,
        "sha256": sums,
        "train": summary(x_train, y_train),
        "test": summary(x_test, y_test),
    }
    with open(os.path.join(ROOT, "test", "golden", "fashion_mnist.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
