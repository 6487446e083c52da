"""Golden values for the Keras preprocessing layers (TensorFlow-backend formulas).

resize: torch.nn.functional.interpolate (bilinear, align_corners=False, no antialias == tf.image.resize with
half-pixel centers; 'nearest-exact' == TF's half-pixel nearest). Rotation / translation / zoom: the Keras 3
transform matrices, sampled by a NumPy transcription of TF's ImageProjectiveTransformV3 (map_coordinate per fill
mode, then nearest or bilinear reads with fill_value outside). Contrast, flips, crops, normalization: NumPy.
Run: /usr/bin/python3 scripts/golden/preprocessing.py  (writes test/golden/preprocessing.json)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from golden_json import arr  # noqa: E402

rng = np.random.RandomState(11)
IMAGES = rng.uniform(0, 255, size=(2, 5, 6, 2)).astype(np.float32)


def resize(x, h, w, mode):
    t = torch.from_numpy(x).permute(0, 3, 1, 2).double()
    out = F.interpolate(t, size=(h, w), mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    return out.permute(0, 2, 3, 1).numpy()


def map_coord(v, n, mode):
    if mode == "constant":
        return v
    if mode == "nearest":
        return min(max(v, 0.0), n - 1.0)
    u = v
    if mode == "reflect":
        if u < 0:
            if n <= 1:
                u = 0.0
            else:
                sz2 = 2 * n
                if u < sz2:
                    u = sz2 * int(-u / sz2) + u
                u = u + sz2 if u < -n else -u - 1
        elif u > n - 1:
            if n <= 1:
                u = 0.0
            else:
                sz2 = 2 * n
                u -= sz2 * int(u / sz2)
                if u >= n:
                    u = sz2 - u - 1
    elif mode == "wrap":
        if u < 0:
            u = 0.0 if n <= 1 else u + n * (int(-u / (n - 1)) + 1)
        elif u > n - 1:
            u = 0.0 if n <= 1 else u - n * int(u / (n - 1))
    return min(max(u, 0.0), n - 1.0)


def projective(images, transforms, interpolation, fill_mode, fill_value=0.0):
    b, h, w, c = images.shape
    out = np.zeros_like(images, dtype=np.float64)

    def read(img, y, x):
        if 0 <= y < h and 0 <= x < w:
            return img[int(y), int(x)]
        return np.full(c, fill_value)

    for i in range(b):
        t = transforms[i]
        for oy in range(h):
            for ox in range(w):
                k = t[6] * ox + t[7] * oy + 1
                if k == 0:
                    out[i, oy, ox] = fill_value
                    continue
                x = map_coord((t[0] * ox + t[1] * oy + t[2]) / k, w, fill_mode)
                y = map_coord((t[3] * ox + t[4] * oy + t[5]) / k, h, fill_mode)
                if interpolation == "nearest":
                    ry = math.copysign(math.floor(abs(y) + 0.5), y)
                    rx = math.copysign(math.floor(abs(x) + 0.5), x)
                    out[i, oy, ox] = read(images[i], ry, rx)
                else:
                    y0, x0 = math.floor(y), math.floor(x)
                    y1, x1 = y0 + 1, x0 + 1
                    top = (x1 - x) * read(images[i], y0, x0) + (x - x0) * read(images[i], y0, x1)
                    bot = (x1 - x) * read(images[i], y1, x0) + (x - x0) * read(images[i], y1, x1)
                    out[i, oy, ox] = (y1 - y) * top + (y - y0) * bot
    return out


def rotation_matrix(angles, h, w):
    out = []
    for a in angles:
        c, s = math.cos(a), math.sin(a)
        x_off = ((w - 1) - (c * (w - 1) - s * (h - 1))) / 2.0
        y_off = ((h - 1) - (s * (w - 1) + c * (h - 1))) / 2.0
        out.append([c, -s, x_off, s, c, y_off, 0.0, 0.0])
    return out


def translation_matrix(dx, dy):
    return [[1.0, 0.0, -a, 0.0, 1.0, -b, 0.0, 0.0] for a, b in zip(dx, dy)]


def zoom_matrix(zw, zh, h, w):
    return [[a, 0.0, (w - 1) / 2.0 * (1 - a), 0.0, b, (h - 1) / 2.0 * (1 - b), 0.0, 0.0] for a, b in zip(zw, zh)]


def main():
    h, w = IMAGES.shape[1:3]
    out = {"images": arr(IMAGES), "resize": [], "affine": [], "contrast": [], "normalization": {}}
    for size in [(3, 4), (8, 10), (5, 3)]:
        for mode, name in [("bilinear", "bilinear"), ("nearest-exact", "nearest")]:
            out["resize"].append({"size": list(size), "interpolation": name, "out": arr(resize(IMAGES, size[0], size[1], mode))})
    cases = [
        ("rotation", {"angles": [0.7, -2.2]}, rotation_matrix([0.7, -2.2], h, w)),
        ("translation", {"dx": [1.6, -2.3], "dy": [-0.8, 3.4]}, translation_matrix([1.6, -2.3], [-0.8, 3.4])),
        ("zoom", {"zw": [0.7, 1.4], "zh": [1.3, 0.6]}, zoom_matrix([0.7, 1.4], [1.3, 0.6], h, w)),
        ("big_translation", {"dx": [9.5, -13.25], "dy": [-11.5, 7.75]}, translation_matrix([9.5, -13.25], [-11.5, 7.75])),
    ]
    for name, params, mats in cases:
        for interp in ["bilinear", "nearest"]:
            for fill in ["reflect", "wrap", "constant", "nearest"]:
                res = projective(IMAGES.astype(np.float64), mats, interp, fill, 3.0 if fill == "constant" else 0.0)
                out["affine"].append({"kind": name, "params": params, "matrices": mats, "interpolation": interp,
                                      "fill_mode": fill, "fill_value": 3.0 if fill == "constant" else 0.0, "out": arr(res)})
    for factors in [[0.5, 1.7]]:
        x = IMAGES.astype(np.float64)
        mean = x.mean(axis=(1, 2), keepdims=True)
        f = np.array(factors).reshape(2, 1, 1, 1)
        out["contrast"].append({"factors": factors, "out": arr(np.clip((x - mean) * f + mean, 0, 255))})
    data = rng.normal(3.0, 2.0, size=(50, 4)).astype(np.float32)
    out["normalization"] = {"data": arr(data), "mean": arr(data.astype(np.float64).mean(axis=0)),
                            "variance": arr(data.astype(np.float64).var(axis=0))}
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "preprocessing.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
