# Golden values for activations, regularizers, constraints and Orthogonal's QR -> test/golden/activations.json.
#
# Activations: PyTorch float64 forwards and the gradients of sum(w * f(x)) for fixed weights w, on inputs
# that include the kinks -1, 0, 1 (and -3, 3 for hard_sigmoid) and large magnitudes. Where Keras has no
# PyTorch twin (relu with threshold / max_value / negative_slope) Keras' own formula is evaluated in torch.
# Regularizers and constraints: Keras 3 formulas (backend epsilon 1e-7) in float64 torch / NumPy.
# Orthogonal: NumPy's QR with Keras' sign fix (q * sign(diag(r))).
# Run: /usr/bin/python3 scripts/golden/activations.py
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
EPS = 1e-7

POINTS = [-30.0, -10.0, -3.5, -1.0, -0.5, 0.0, 0.3, 1.0, 2.5, 10.0, 30.0]
HARD_POINTS = [-4.0, -3.0, -1.0, -0.2, 0.0, 1.0, 2.9, 3.0, 5.0]
EXP_POINTS = [-30.0, -10.0, -1.0, 0.0, 0.3, 1.0, 2.5, 10.0]
RELU6_POINTS = [-2.0, -1.0, 0.0, 1.0, 3.0, 5.9, 6.0, 7.5, 30.0]


from golden_json import arr, enc  # noqa: E402,F401


def weights(shape):
    n = math.prod(shape)
    return torch.tensor([0.5 + ((3 * i + 1) % 7) / 7.0 for i in range(n)]).reshape(shape)


def case(name, fn, x, params=None, tol=None):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    w = weights(list(y.shape))
    (g,) = torch.autograd.grad((y * w).sum(), x)
    c = {"name": name, "params": params or {}, "x": arr(x), "w": arr(w), "y": arr(y), "grad": arr(g)}
    if tol is not None:
        c["tol"] = tol
    return c


def keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """keras.src.layers.activations.ReLU.static_call, op for op."""
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return F.leaky_relu(x, negative_slope)
        negative_part = F.relu(-x + threshold) if threshold != 0 else F.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * (x > threshold).to(x.dtype)
    elif max_value == 6:
        x = F.relu6(x)
        clip_max = False
    else:
        x = F.relu(x)
    if clip_max:
        x = torch.clamp(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


v = torch.tensor(POINTS)
hard = torch.tensor(HARD_POINTS)
activations = [
    case("linear", lambda x: x, v),
    case("relu", F.relu, v),
    case("relu6", F.relu6, torch.tensor(RELU6_POINTS)),
    case("leaky_relu", lambda x: F.leaky_relu(x, 0.2), v),
    case("leaky_relu", lambda x: F.leaky_relu(x, 0.05), v, {"negative_slope": 0.05}),
    case("elu", F.elu, v),
    case("elu", lambda x: F.elu(x, alpha=0.5), v, {"alpha": 0.5}),
    case("selu", F.selu, v),
    case("gelu", F.gelu, v),
    case("gelu", lambda x: F.gelu(x, approximate="tanh"), v, {"approximate": True}),
    case("silu", F.silu, v),
    case("swish", F.silu, v),
    case("mish", F.mish, v),
    case("softplus", F.softplus, v),
    case("softsign", F.softsign, v),
    case("hard_sigmoid", F.hardsigmoid, hard),
    case("hard_silu", F.hardswish, torch.tensor([-4.0, -1.0, -0.2, 0.0, 1.0, 2.9, 5.0])),
    case("sigmoid", torch.sigmoid, v),
    case("tanh", torch.tanh, v),
    case("exponential", torch.exp, torch.tensor(EXP_POINTS)),
    case("relu", lambda x: keras_relu(x, negative_slope=0.1), v, {"negativeSlope": 0.1}),
    case("relu", lambda x: keras_relu(x, max_value=6.0), torch.tensor(RELU6_POINTS), {"maxValue": 6}),
    case("relu", lambda x: keras_relu(x, max_value=2.5), torch.tensor(RELU6_POINTS), {"maxValue": 2.5}),
    case("relu", lambda x: keras_relu(x, threshold=0.5), v, {"threshold": 0.5}),
    case("relu", lambda x: keras_relu(x, threshold=-1.5), v, {"threshold": -1.5}),
    case("relu", lambda x: keras_relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5), v,
         {"negativeSlope": 0.1, "maxValue": 2.0, "threshold": 0.5}),
]

logits = torch.tensor([[-1.0, 0.0, 1.0, 2.0, -0.5],
                       [1000.0, 0.0, -1000.0, 999.0, 3.0],
                       [0.0, 0.0, 0.0, 0.0, 0.0]])
for axis in (-1, 0):
    activations.append(case("softmax", lambda x, a=axis: torch.softmax(x, dim=a), logits, {"axis": axis}))
    activations.append(case("log_softmax", lambda x, a=axis: torch.log_softmax(x, dim=a), logits, {"axis": axis}))

# Regularizers (Keras 3: l1 * sum|w| + l2 * sum w^2, no 1/2).
W = torch.tensor([[0.5, -1.5, 0.0], [2.0, -0.25, 3.0]])
regularizers = []
for cls, params in [("L1", {"l1": 0.01}), ("L1", {"l1": 0.3}), ("L2", {"l2": 0.01}), ("L2", {"l2": 0.2}),
                    ("L1L2", {"l1": 0.05, "l2": 0.1}), ("L1L2", {"l1": 0.0, "l2": 0.0})]:
    w = W.clone().requires_grad_(True)
    value = params.get("l1", 0.0) * w.abs().sum() + params.get("l2", 0.0) * (w * w).sum()
    (g,) = torch.autograd.grad(value, w)
    regularizers.append({"class_name": cls, "config": params, "w": arr(w), "value": float(value), "grad": arr(g)})

# Constraints (Keras 3 formulas, NumPy float64).
rng = np.random.default_rng(7)
W2 = rng.normal(size=(4, 3)) * 1.5
W4 = rng.normal(size=(3, 3, 2, 4))


def norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=True))


def max_norm(w, max_value=2.0, axis=0):
    n = norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def unit_norm(w, axis=0):
    return w / (EPS + norms(w, axis))


def min_max_norm(w, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
    n = norms(w, axis)
    desired = rate * np.clip(n, min_value, max_value) + (1 - rate) * n
    return w * (desired / (EPS + n))


def non_neg(w):
    return w * (w >= 0.0)


constraints = []
for cls, cfg, fn, w in [
    ("MaxNorm", {}, lambda w: max_norm(w), W2),
    ("MaxNorm", {"max_value": 1.0, "axis": 1}, lambda w: max_norm(w, 1.0, 1), W2),
    ("MaxNorm", {"max_value": 1.5, "axis": [0, 1, 2]}, lambda w: max_norm(w, 1.5, [0, 1, 2]), W4),
    ("NonNeg", {}, non_neg, W2),
    ("UnitNorm", {}, lambda w: unit_norm(w), W2),
    ("UnitNorm", {"axis": 1}, lambda w: unit_norm(w, 1), W2),
    ("UnitNorm", {"axis": [0, 1, 2]}, lambda w: unit_norm(w, [0, 1, 2]), W4),
    ("MinMaxNorm", {}, lambda w: min_max_norm(w), W2),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": 1},
     lambda w: min_max_norm(w, 1.0, 2.0, 0.5, 1), W2),
    ("MinMaxNorm", {"min_value": 2.5, "max_value": 3.0, "rate": 1.0, "axis": 0},
     lambda w: min_max_norm(w, 2.5, 3.0, 1.0, 0), W2),
]:
    constraints.append({"class_name": cls, "config": cfg, "w": arr(w), "expected": arr(fn(w))})

# Orthogonal: the unique QR (positive diag(R)), as Keras: q, r = qr(a); q *= sign(diag(r)).
orthogonal = []
for shape in [(6, 4), (5, 5), (40, 7)]:
    a = rng.normal(size=shape)
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    orthogonal.append({"a": arr(a), "q": arr(q)})

out = {
    "generator": "scripts/golden/activations.py",
    "torch": torch.__version__,
    "numpy": np.__version__,
    "activations": activations,
    "regularizers": regularizers,
    "constraints": constraints,
    "orthogonal": orthogonal,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "golden", "activations.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
print(f"wrote {len(activations)} activation, {len(regularizers)} regularizer, {len(constraints)} constraint, "
      f"{len(orthogonal)} QR cases to {os.path.normpath(path)}")
