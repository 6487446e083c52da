"""Golden metric values: Keras 3 metric definitions evaluated in NumPy (accumulated over two batches,
with and without sample weights). AUC follows Keras' evenly-spaced-thresholds path (float32 buckets,
reverse cumulative sums) and its Riemann sums, cross-checked against direct per-threshold counting.

Run: /usr/bin/python3 scripts/golden/metrics.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'metrics.json')
rng = np.random.default_rng(3)
EPS = 1e-7


def f32(x):
    return np.asarray(x, dtype=np.float32)


# Binary data: two batches of [n, 1] with probabilities (a few exact edge values).
bin_batches = []
for n in (40, 25):
    y = (rng.random((n, 1)) > 0.45).astype(np.float32)
    p = f32(np.clip(y * 0.35 + rng.random((n, 1)) * 0.65, 0, 1))
    bin_batches.append({'y_true': y, 'y_pred': p, 'sample_weight': f32(rng.random(n) * 2)})
bin_batches[0]['y_pred'][:4, 0] = [0.0, 1.0, 0.5, 0.7]

# Categorical data: two batches of [n, 5] scores, integer labels, with one exact tie row.
C = 5
cat_batches = []
for n in (12, 9):
    labels = rng.integers(0, C, size=n)
    scores = f32(rng.random((n, C)))
    cat_batches.append({'labels': labels, 'y_pred': scores, 'sample_weight': f32(rng.random(n) * 2)})
cat_batches[0]['y_pred'][0] = [0.3, 0.3, 0.3, 0.1, 0.0]
cat_batches[0]['labels'][0] = 2


def weighted_mean(values_per_batch, weights_per_batch):
    total = sum(float(np.sum(v * w)) for v, w in zip(values_per_batch, weights_per_batch))
    count = sum(float(np.sum(w)) for w in weights_per_batch)
    return total / count


def both(per_sample):
    """Unweighted and weighted running means over the two batches."""
    vals = [per_sample(b) for b in BATCHES]
    return {
        'unweighted': weighted_mean(vals, [np.ones_like(v) for v in vals]),
        'weighted': weighted_mean(vals, [b['sample_weight'] for b in BATCHES]),
    }


def in_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return (np.sum(scores > target[:, None], axis=1) < k).astype(np.float64)


results = {}
BATCHES = bin_batches
for thr in (0.5, 0.7):
    results[f'binary_accuracy_{thr}'] = both(lambda b: (b['y_true'][:, 0] == (b['y_pred'][:, 0] > thr)).astype(np.float64))
BATCHES = cat_batches
results['sparse_categorical_accuracy'] = both(lambda b: (np.argmax(b['y_pred'], -1) == b['labels']).astype(np.float64))
results['categorical_accuracy'] = results['sparse_categorical_accuracy']
for k in (1, 2, 3):
    results[f'top_k_{k}'] = both(lambda b: in_top_k(b['labels'], b['y_pred'], k))
onehot = lambda b: np.eye(C)[b['labels']]  # noqa: E731
results['mse'] = both(lambda b: np.mean((b['y_pred'] - onehot(b)) ** 2, -1))
results['mae'] = both(lambda b: np.mean(np.abs(b['y_pred'] - onehot(b)), -1))


def confusion(thresholds, weighted):
    tp = np.zeros(len(thresholds)); fp = np.zeros(len(thresholds)); tn = np.zeros(len(thresholds)); fn = np.zeros(len(thresholds))
    for b in bin_batches:
        y = b['y_true'][:, 0] != 0
        p = b['y_pred'][:, 0]
        w = b['sample_weight'] if weighted else np.ones_like(p)
        for j, t in enumerate(thresholds):
            pos = p > np.float32(t)
            tp[j] += np.sum(w * (pos & y)); fp[j] += np.sum(w * (pos & ~y))
            fn[j] += np.sum(w * (~pos & y)); tn[j] += np.sum(w * (~pos & ~y))
    return tp, fp, tn, fn


def confusion_buckets(n, weighted):
    """Keras' evenly-distributed-thresholds path: bucket = ceil(p*(n-1)) - 1 (float32), relu'd, reverse cumsum."""
    tp = np.zeros(n); fp = np.zeros(n); tn = np.zeros(n); fn = np.zeros(n)
    for b in bin_batches:
        y = b['y_true'][:, 0] != 0
        p = b['y_pred'][:, 0]
        w = b['sample_weight'].astype(np.float64) if weighted else np.ones(len(p))
        idx = np.maximum(np.ceil(p * np.float32(n - 1)) - 1, 0).astype(int)
        idx = np.minimum(idx, n - 1)
        pos_b = np.bincount(idx, weights=w * y, minlength=n)
        neg_b = np.bincount(idx, weights=w * ~y, minlength=n)
        tpb = np.cumsum(pos_b[::-1])[::-1]; fpb = np.cumsum(neg_b[::-1])[::-1]
        tp += tpb; fp += fpb; fn += np.sum(w * y) - tpb; tn += np.sum(w * ~y) - fpb
    return tp, fp, tn, fn


def div0(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))


def auc(n, curve, method, weighted):
    thresholds = [0 - EPS] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + EPS]
    tp, fp, tn, fn = confusion_buckets(n, weighted)
    direct = confusion(thresholds, weighted)
    assert all(np.allclose(a, b) for a, b in zip((tp, fp, tn, fn), direct)), 'bucket path differs from direct counting'
    if curve == 'PR' and method == 'interpolation':
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div0(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div0(p[:-1], np.maximum(p[1:], 0)), np.ones_like(p[1:]))
        return float(np.sum(div0(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))))
    recall = div0(tp, tp + fn)
    if curve == 'ROC':
        x, y = div0(fp, fp + tn), recall
    else:
        x, y = recall, div0(tp, tp + fp)
    if method == 'interpolation':
        h = (y[:-1] + y[1:]) / 2
    elif method == 'minoring':
        h = np.minimum(y[:-1], y[1:])
    else:
        h = np.maximum(y[:-1], y[1:])
    return float(np.sum((x[:-1] - x[1:]) * h))


aucs = []
for n, curve, method in [(200, 'ROC', 'interpolation'), (200, 'ROC', 'minoring'), (200, 'ROC', 'majoring'),
                         (11, 'ROC', 'interpolation'), (200, 'PR', 'interpolation'), (50, 'PR', 'majoring')]:
    aucs.append({'num_thresholds': n, 'curve': curve, 'summation_method': method,
                 'unweighted': auc(n, curve, method, False), 'weighted': auc(n, curve, method, True)})

pr = []
for thr in (0.5, 0.3):
    entry = {'threshold': thr}
    for weighted in (False, True):
        tp, fp, _, fn = confusion([thr], weighted)
        key = 'weighted' if weighted else 'unweighted'
        entry[key] = {'precision': float(div0(tp, tp + fp)[0]), 'recall': float(div0(tp, tp + fn)[0])}
    pr.append(entry)

with open(OUT, 'w') as f:
    json.dump({
        'generator': 'scripts/golden/metrics.py', 'numpy': np.__version__,
        'binary': [{k: v.tolist() for k, v in b.items()} for b in bin_batches],
        'categorical': [{k: v.tolist() for k, v in b.items()} for b in cat_batches],
        'results': results, 'auc': aucs, 'precision_recall': pr,
    }, f)
print(f'wrote {os.path.normpath(OUT)}: {len(results)} accuracy/error results, {len(aucs)} AUC variants')
