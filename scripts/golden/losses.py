"""Golden values for layerwise losses: PyTorch (float64) where its semantics coincide with Keras 3.

Each case stores y_true, y_pred, optional sample weights, the reduced loss and d(loss)/d(y_pred)
computed by torch autograd. Run: /usr/bin/python3 scripts/golden/losses.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
D = torch.float64
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'losses.json')


def t(x):
    return x.detach().tolist()


cases = []


def add(name, loss, options, y_true, y_pred, fn, sample_weight=None, y_true_dtype='float64', reduction=None):
    """fn(y_true, y_pred_leaf) -> torch value (scalar, or per-sample for reduction 'none')."""
    p = y_pred.clone().to(D).requires_grad_(True)
    value = fn(y_true, p)
    value.sum().backward()
    case = {
        'name': name, 'loss': loss, 'options': options,
        'y_true': t(y_true), 'y_true_dtype': y_true_dtype, 'y_pred': t(y_pred),
        'value': t(value), 'grad': t(p.grad),
    }
    if sample_weight is not None:
        case['sample_weight'] = t(sample_weight)
    if reduction is not None:
        case['options'] = {**options, 'reduction': reduction}
    cases.append(case)


B, C = 4, 3
y_reg = torch.randn(B, C, dtype=D)
p_reg = torch.randn(B, C, dtype=D)
sw = torch.tensor([0.5, 1.0, 2.0, 0.0], dtype=D)

# Regression losses.
add('mse', 'mean_squared_error', {}, y_reg, p_reg, lambda y, p: F.mse_loss(p, y))
add('mse_sum', 'mse', {}, y_reg, p_reg, lambda y, p: ((p - y) ** 2).mean(-1).sum(), reduction='sum')
add('mse_none', 'mse', {}, y_reg, p_reg, lambda y, p: ((p - y) ** 2).mean(-1), reduction='none')
add('mse_weighted', 'mse', {}, y_reg, p_reg, lambda y, p: (((p - y) ** 2).mean(-1) * sw).sum() / B, sample_weight=sw)
add('mae', 'mean_absolute_error', {}, y_reg, p_reg, lambda y, p: F.l1_loss(p, y))
add('mae_weighted', 'mae', {}, y_reg, p_reg, lambda y, p: ((p - y).abs().mean(-1) * sw).sum() / B, sample_weight=sw)
y_pos = torch.rand(B, C, dtype=D) * 3 + 0.5
p_pos = torch.rand(B, C, dtype=D) * 3 + 0.1
add('mape', 'mape', {}, y_pos, p_pos, lambda y, p: (100 * ((y - p) / y.abs()).abs().mean(-1)).mean())
add('msle', 'msle', {}, y_pos, p_pos, lambda y, p: ((torch.log1p(p) - torch.log1p(y)) ** 2).mean())
add('huber', 'huber', {}, y_reg, p_reg * 2, lambda y, p: F.huber_loss(p, y, delta=1.0))
add('huber_delta', 'huber', {'delta': 0.5}, y_reg, p_reg * 2, lambda y, p: F.huber_loss(p, y, delta=0.5))
add('log_cosh', 'log_cosh', {}, y_reg, p_reg, lambda y, p: torch.log(torch.cosh(p - y)).mean())

# Binary cross-entropy (probabilities kept inside (eps, 1 - eps), where Keras' clipping is inactive).
y_bin = (torch.rand(B, 1, dtype=D) > 0.5).to(D)
y_bin[0, 0], y_bin[1, 0] = 1.0, 0.0
p_bin = torch.rand(B, 1, dtype=D) * 0.9 + 0.05
add('bce', 'binary_crossentropy', {}, y_bin, p_bin, lambda y, p: F.binary_cross_entropy(p, y))
add('bce_flat_labels', 'binary_crossentropy', {}, y_bin.reshape(B), p_bin, lambda y, p: F.binary_cross_entropy(p, y.reshape(B, 1)))
logits_bin = torch.randn(B, 1, dtype=D) * 3
add('bce_logits', 'binary_crossentropy', {'fromLogits': True}, y_bin, logits_bin, lambda y, p: F.binary_cross_entropy_with_logits(p, y))
add('bce_smoothing', 'binary_crossentropy', {'labelSmoothing': 0.2}, y_bin, p_bin, lambda y, p: F.binary_cross_entropy(p, y * 0.8 + 0.1))
y_multi = (torch.rand(B, C, dtype=D) > 0.5).to(D)
p_multi = torch.rand(B, C, dtype=D) * 0.9 + 0.05
add('bce_multilabel_weighted', 'binary_crossentropy', {}, y_multi, p_multi,
    lambda y, p: (F.binary_cross_entropy(p, y, reduction='none').mean(-1) * sw).sum() / B, sample_weight=sw)

# Categorical and sparse categorical cross-entropy.
labels = torch.tensor([0, 2, 1, 2])
onehot = F.one_hot(labels, C).to(D)
logits = torch.randn(B, C, dtype=D) * 2
probs = torch.softmax(torch.randn(B, C, dtype=D), -1) * 1.7   # unnormalized: Keras divides by the sum
add('cce_logits', 'categorical_crossentropy', {'fromLogits': True}, onehot, logits, lambda y, p: F.cross_entropy(p, y))
add('cce_probs', 'categorical_crossentropy', {}, onehot, probs,
    lambda y, p: F.nll_loss(torch.log(p / p.sum(-1, keepdim=True)), labels))
add('cce_smoothing', 'categorical_crossentropy', {'fromLogits': True, 'labelSmoothing': 0.1}, onehot, logits,
    lambda y, p: F.cross_entropy(p, labels, label_smoothing=0.1))
soft = torch.softmax(torch.randn(B, C, dtype=D), -1)
add('cce_soft_targets', 'categorical_crossentropy', {'fromLogits': True}, soft, logits, lambda y, p: F.cross_entropy(p, y))
add('scce_logits', 'sparse_categorical_crossentropy', {'fromLogits': True}, labels.to(D), logits,
    lambda y, p: F.cross_entropy(p, labels), y_true_dtype='int32')
add('scce_probs', 'sparse_categorical_crossentropy', {}, labels.to(D), probs,
    lambda y, p: F.nll_loss(torch.log(p / p.sum(-1, keepdim=True)), labels), y_true_dtype='uint8')
add('scce_column_labels', 'sparse_categorical_crossentropy', {'fromLogits': True}, labels.to(D).reshape(B, 1), logits,
    lambda y, p: F.cross_entropy(p, labels), y_true_dtype='float32')
add('scce_weighted', 'sparse_categorical_crossentropy', {'fromLogits': True}, labels.to(D), logits,
    lambda y, p: (F.cross_entropy(p, labels, reduction='none') * sw).sum() / B, sample_weight=sw, y_true_dtype='int32')
add('scce_ignore_class', 'sparse_categorical_crossentropy', {'fromLogits': True, 'ignoreClass': 2}, labels.to(D), logits,
    lambda y, p: F.cross_entropy(p, labels, ignore_index=2), y_true_dtype='int32')

# KL divergence (strictly positive distributions: Keras' clipping to [eps, 1] is inactive).
q = torch.softmax(torch.randn(B, C, dtype=D), -1)
r = torch.softmax(torch.randn(B, C, dtype=D), -1)
add('kld', 'kl_divergence', {}, q, r, lambda y, p: F.kl_div(torch.log(p), y, reduction='batchmean'))

# Hinge family (formulas in torch; margins kept away from the kink at 1).
y_pm = torch.where(torch.rand(B, C, dtype=D) > 0.5, 1.0, -1.0).to(D)
p_h = torch.randn(B, C, dtype=D) * 1.5
add('hinge_pm1', 'hinge', {}, y_pm, p_h, lambda y, p: torch.clamp(1 - y * p, min=0).mean())
add('hinge_01', 'hinge', {}, (y_pm + 1) / 2, p_h, lambda y, p: torch.clamp(1 - (2 * y - 1) * p, min=0).mean())
add('squared_hinge', 'squared_hinge', {}, y_pm, p_h, lambda y, p: (torch.clamp(1 - y * p, min=0) ** 2).mean())
add('categorical_hinge', 'categorical_hinge', {}, onehot, p_h,
    lambda y, p: torch.clamp(((1 - y) * p).max(-1).values - (y * p).sum(-1) + 1, min=0).mean())

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'generator': 'scripts/golden/losses.py', 'torch': torch.__version__, 'cases': cases}, f, indent=1)
print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')
