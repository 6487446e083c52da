"""Golden values for test/layers: PyTorch where it matches Keras 3, Keras' formulas in float64 NumPy where it differs.

Run: /usr/bin/python3 scripts/golden/layers.py  (writes test/golden/layers.json)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(1234)
torch.set_default_dtype(torch.float64)


def arr(a):
    return np.asarray(a, dtype=np.float64).tolist()


def t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


out = {}

# Dense: y = act(x @ kernel + bias); PyTorch's Linear weight is kernel transposed.
x = rng.normal(size=(4, 5))
kernel = rng.normal(size=(5, 3)) * 0.5
bias = rng.normal(size=(3,)) * 0.1
acts = {
    'linear': lambda z: z,
    'relu': torch.relu,
    'elu': F.elu,
    'selu': torch.selu,
    'sigmoid': torch.sigmoid,
    'tanh': torch.tanh,
    'softplus': F.softplus,
    'softmax': lambda z: torch.softmax(z, dim=-1),
    'leaky_relu': lambda z: F.leaky_relu(z, 0.2),
}
dense = {'x': arr(x), 'kernel': arr(kernel), 'bias': arr(bias), 'outputs': {}}
for name, fn in acts.items():
    dense['outputs'][name] = arr(fn(F.linear(t(x), t(kernel).T, t(bias))).numpy())
dense['no_bias'] = arr(F.linear(t(x), t(kernel).T).numpy())
x3 = rng.normal(size=(2, 3, 5))
dense['x3'] = arr(x3)
dense['y3_relu'] = arr(torch.relu(F.linear(t(x3), t(kernel).T, t(bias))).numpy())
out['dense'] = dense

# Elementwise activation layers on values including the kinks.
xa = np.concatenate([np.array([-3.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 3.0]), rng.normal(size=9) * 2]).reshape(2, 8)
act = {'x': arr(xa)}
act['elu_1'] = arr(F.elu(t(xa), alpha=1.0).numpy())
act['elu_0_5'] = arr(F.elu(t(xa), alpha=0.5).numpy())
act['selu'] = arr(torch.selu(t(xa)).numpy())
act['leaky_0_3'] = arr(F.leaky_relu(t(xa), 0.3).numpy())
act['leaky_0_2'] = arr(F.leaky_relu(t(xa), 0.2).numpy())
rrelu = torch.nn.RReLU(1 / 8, 1 / 3).eval()
act['rrelu_eval'] = arr(rrelu(t(xa)).numpy())
rrelu2 = torch.nn.RReLU(0.1, 0.3).eval()
act['rrelu_eval_0_1_0_3'] = arr(rrelu2(t(xa)).numpy())
act['relu'] = arr(torch.relu(t(xa)).numpy())
act['relu6'] = arr(F.relu6(t(xa)).numpy())
x3s = rng.normal(size=(2, 3, 4))
act['softmax_x'] = arr(x3s)
act['softmax_axis_1'] = arr(torch.softmax(t(x3s), dim=1).numpy())
act['softmax_axis_-1'] = arr(torch.softmax(t(x3s), dim=-1).numpy())


# Keras relu(x, negative_slope, max_value, threshold) in NumPy (keras/src/activations/activations.py).
def keras_relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    neg = np.maximum(threshold - z, 0) if negative_slope != 0 else 0
    y = z * (z > threshold) if threshold != 0 else np.maximum(z, 0)
    if max_value is not None:
        y = np.clip(y, 0, max_value)
    return y - negative_slope * neg


act['keras_relu_cases'] = [
    {'args': {'maxValue': 1.5, 'negativeSlope': 0.1, 'threshold': 0.5}, 'y': arr(keras_relu(xa, 0.1, 1.5, 0.5))},
    {'args': {'maxValue': 6}, 'y': arr(keras_relu(xa, 0.0, 6.0, 0.0))},
    {'args': {'threshold': 1}, 'y': arr(keras_relu(xa, 0.0, None, 1.0))},
    {'args': {'negativeSlope': 0.05}, 'y': arr(keras_relu(xa, 0.05, None, 0.0))},
]
out['activations'] = act

# PReLU: y = relu(x) - alpha*relu(-x), alpha per unit (shape input_shape[1:]); PyTorch's prelu for [N, C].
xp = rng.normal(size=(5, 4))
alpha = rng.uniform(0.05, 0.5, size=(4,))
prelu = {'x': arr(xp), 'alpha': arr(alpha), 'y': arr(F.prelu(t(xp), t(alpha)).numpy())}
xp3 = rng.normal(size=(2, 3, 4))
alpha_shared = rng.uniform(0.05, 0.5, size=(1, 4))  # shared_axes=[1]
prelu['x3'] = arr(xp3)
prelu['alpha_shared'] = arr(alpha_shared)
prelu['y3_shared'] = arr((torch.relu(t(xp3)) - t(alpha_shared) * torch.relu(-t(xp3))).numpy())
out['prelu'] = prelu

# BatchNormalization, one training step (Keras formulas; PyTorch differs in momentum and unbiased running var).
xb = rng.normal(loc=2.0, scale=3.0, size=(8, 4))
gamma = rng.uniform(0.5, 1.5, size=(4,))
beta = rng.normal(size=(4,)) * 0.2
mm0 = rng.normal(size=(4,)) * 0.1
mv0 = rng.uniform(0.5, 2.0, size=(4,))
momentum, eps = 0.9, 1e-3
mean = xb.mean(axis=0)
var = xb.var(axis=0)  # biased
y_train = gamma * (xb - mean) / np.sqrt(var + eps) + beta
# PyTorch's training forward normalizes with the biased batch variance too: cross-check.
torch_y = F.batch_norm(t(xb), t(mm0.copy()), t(mv0.copy()), t(gamma), t(beta), training=True, momentum=0.1, eps=eps).numpy()
assert np.allclose(torch_y, y_train, atol=1e-12)
bn = {
    'x': arr(xb), 'gamma': arr(gamma), 'beta': arr(beta), 'moving_mean': arr(mm0), 'moving_variance': arr(mv0),
    'momentum': momentum, 'epsilon': eps,
    'y_train': arr(torch_y),
    'moving_mean_after': arr(mm0 * momentum + mean * (1 - momentum)),
    'moving_variance_after': arr(mv0 * momentum + var * (1 - momentum)),
    'y_inference': arr(gamma * (xb - mm0) / np.sqrt(mv0 + eps) + beta),
}
# axis=1 on [N, C, L] input (statistics over axes 0 and 2), default momentum and epsilon.
xb3 = rng.normal(size=(3, 2, 5))
mean3 = xb3.mean(axis=(0, 2))
var3 = xb3.var(axis=(0, 2))
bn['x3'] = arr(xb3)
bn['y3_train_axis1'] = arr(F.batch_norm(t(xb3), None, None, None, None, training=True, eps=1e-3).numpy())
bn['moving_mean3_after'] = arr(np.zeros(2) * 0.99 + mean3 * 0.01)
bn['moving_variance3_after'] = arr(np.ones(2) * 0.99 + var3 * 0.01)
out['batch_norm'] = bn

# LayerNormalization over the last axis (PyTorch layer_norm: biased variance, eps inside the sqrt).
xl = rng.normal(size=(3, 6)) * 2 + 1
lg = rng.uniform(0.5, 1.5, size=(6,))
lb = rng.normal(size=(6,)) * 0.3
out['layer_norm'] = {
    'x': arr(xl), 'gamma': arr(lg), 'beta': arr(lb), 'epsilon': 1e-3,
    'y': arr(F.layer_norm(t(xl), [6], t(lg), t(lb), eps=1e-3).numpy()),
}

# Dropout: kept units scaled by 1/(1-rate) (inverted dropout), measured from PyTorch.
xd = torch.ones(1000)
yd = F.dropout(xd, p=0.25, training=True)
kept = yd[yd != 0]
out['dropout'] = {'rate': 0.25, 'kept_scale': float(kept[0].item()), 'kept_scale_all_equal': bool(torch.all(kept == kept[0]).item())}

# AlphaDropout affine constants (keras/src/layers/regularization/alpha_dropout.py).
sa, ss = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
alpha_p = -sa * ss
rate = 0.2
a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
b = -a * alpha_p * rate
out['alpha_dropout'] = {'rate': rate, 'a': a, 'b': b, 'alpha_p': alpha_p}

path = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'layers.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', os.path.normpath(path))
