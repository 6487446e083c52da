# Independent reference for the lab's experiment 1 (vanishing/exploding gradients), rebuilt in PyTorch: the same five
# setups as examples/chapter11/lab/exp1_gradients.ts (Flatten, `depth` x Dense(units, act) with the setup's kernel
# initializer, Dense(10, softmax) with glorot_uniform, zero biases), one forward/backward pass of the sparse
# categorical cross-entropy (Keras' probability path: renormalize, clip to [1e-7, 1 - 1e-7]) on the first `batch`
# training images after the book's 5,000 validation images (pixels / 255; SELU gets them standardized with the
# per-pixel mean and std of the lab's `trainSize` training images, std floored at 1e-2), over the lab's seeds.
# The first/last ratio is the first hidden kernel's gradient L2 norm over the output kernel's (diagnostics.gradientReport).
# Writes examples/chapter11/lab/reference/gradients_torch.json for the full and the --quick configurations.
# Run: /usr/bin/python3 scripts/reference/gradients_torch.py
import gzip
import json
import math
import os
import platform

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(ROOT, "data", "fashion-mnist")
OUT = os.path.join(ROOT, "examples", "chapter11", "lab", "reference", "gradients_torch.json")
EPS = 1e-7
TRUNCATION_STD = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2] (Keras VarianceScaling)

# The lab's configurations (examples/chapter11/lab/config.ts: FULL / QUICK gradients, trainSize and seeds).
CONFIGS = {
    "full": {"depth": 50, "units": 100, "batch": 512, "trainSize": 55000, "seeds": 5},
    "quick": {"depth": 25, "units": 100, "batch": 128, "trainSize": 3000, "seeds": 2},
}


def images(name):
    raw = gzip.open(os.path.join(DATA, name)).read()
    return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / np.float32(255)


def labels(name):
    return np.frombuffer(gzip.open(os.path.join(DATA, name)).read(), np.uint8, offset=8).astype(np.int64)


def variance_scaling_normal(w, scale):
    std = math.sqrt(scale / w.shape[1]) / TRUNCATION_STD  # torch weights are [out, in]: fan_in = shape[1]
    nn.init.trunc_normal_(w, 0.0, std, -2 * std, 2 * std)


INITS = {
    "normal": lambda w: nn.init.normal_(w, 0.0, 1.0),
    "glorot_uniform": nn.init.xavier_uniform_,
    "he_normal": lambda w: variance_scaling_normal(w, 2.0),
    "lecun_normal": lambda w: variance_scaling_normal(w, 1.0),
}
ACTS = {"sigmoid": torch.sigmoid, "relu": torch.relu, "elu": nn.functional.elu, "selu": torch.selu}

# Same labels, order and inputs as the lab's SETUPS.
SETUPS = [
    {"label": "sigmoid + N(0, 1)", "activation": "sigmoid", "init": "normal", "standardized": False},
    {"label": "sigmoid + Glorot", "activation": "sigmoid", "init": "glorot_uniform", "standardized": False},
    {"label": "ReLU + He", "activation": "relu", "init": "he_normal", "standardized": False},
    {"label": "ELU + He", "activation": "elu", "init": "he_normal", "standardized": False},
    {"label": "SELU + LeCun", "activation": "selu", "init": "lecun_normal", "standardized": True},
]


def norms(setup, x, y, depth, units):
    sizes = [784] + [units] * depth
    hidden = [nn.Linear(sizes[i], sizes[i + 1]) for i in range(depth)]
    out = nn.Linear(units, 10)
    for layer in hidden:
        INITS[setup["init"]](layer.weight)
        nn.init.zeros_(layer.bias)
    nn.init.xavier_uniform_(out.weight)
    nn.init.zeros_(out.bias)
    act = ACTS[setup["activation"]]
    h = x
    for layer in hidden:
        h = act(layer(h))
    probs = torch.softmax(out(h), dim=-1)
    probs = probs / probs.sum(-1, keepdim=True)
    picked = probs.gather(1, y[:, None]).clamp(EPS, 1 - EPS)
    loss = -torch.log(picked).mean()
    loss.backward()
    # NOTE: the norms are summed in float64, as gradientReport does: float32 squares of gradients near 1e-30 underflow to 0.
    first = hidden[0].weight.grad.double().norm().item()
    last = out.weight.grad.double().norm().item()
    return {"ratio": first / last if last > 0 else float("nan"), "firstNorm": first, "outputNorm": last, "loss": loss.item()}


def run(cfg, x_all, y_all):
    train = x_all[5000:5000 + cfg["trainSize"]]
    mean = train.mean(0, keepdims=True)
    std = np.maximum(np.sqrt(((train - mean) ** 2).mean(0, keepdims=True)), np.float32(1e-2))
    batch = train[: cfg["batch"]]
    inputs = {False: torch.tensor(batch), True: torch.tensor((batch - mean) / std)}
    y = torch.tensor(y_all[5000:5000 + cfg["batch"]])
    out = []
    for setup in SETUPS:
        per_seed = []
        for seed in range(1, cfg["seeds"] + 1):
            torch.manual_seed(seed)
            per_seed.append(norms(setup, inputs[setup["standardized"]], y, cfg["depth"], cfg["units"]))
        ratios = [r["ratio"] for r in per_seed]
        print(f'{setup["label"]:20s} ratios {" ".join(f"{r:.3g}" for r in ratios)}', flush=True)
        out.append({"label": setup["label"], "seeds": list(range(1, cfg["seeds"] + 1)), "ratio": ratios,
                    "firstNorm": [r["firstNorm"] for r in per_seed], "outputNorm": [r["outputNorm"] for r in per_seed],
                    "loss": [r["loss"] for r in per_seed]})
    return out


def main():
    torch.set_num_threads(1)
    x_all = images("train-images-idx3-ubyte.gz")
    y_all = labels("train-labels-idx1-ubyte.gz")
    result = {
        "generator": "scripts/reference/gradients_torch.py",
        "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
        "configs": {},
    }
    for name, cfg in CONFIGS.items():
        print(f"== {name}: {cfg}", flush=True)
        result["configs"][name] = {**cfg, "setups": run(cfg, x_all, y_all)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
