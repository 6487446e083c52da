"""Golden optimizer trajectories: Keras 3 update rules in float64 NumPy, cross-checked with torch.optim
where the conventions coincide (SGD with momentum/Nesterov at a constant rate, Adadelta), and
torch.nn.utils clip_grad_value_ / clip_grad_norm_ for the clipping modes. Also learning-rate schedules.

Run: /usr/bin/python3 scripts/golden/optimizers.py
"""
import json
import math
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'optimizers.json')
rng = np.random.default_rng(7)
SHAPES = [(3, 2), (2,)]
STEPS = 4
init = [rng.normal(size=s) for s in SHAPES]
grads = [[rng.normal(size=s) * 2.0 for s in SHAPES] for _ in range(STEPS)]
CLIPS = {'none': {}, 'clipValue': {'clipValue': 0.5}, 'clipNorm': {'clipNorm': 1.0}, 'globalClipNorm': {'globalClipNorm': 1.5}}


def clip_keras(gs, opts):
    """Keras 3 BaseOptimizer._clip_gradients."""
    if 'clipNorm' in opts:
        c = opts['clipNorm']
        return [g * c / max(np.sqrt(np.sum(g * g)), c) for g in gs]
    if 'globalClipNorm' in opts:
        c = opts['globalClipNorm']
        n = np.sqrt(sum(np.sum(g * g) for g in gs))
        return [g * (c * min(1.0 / n, 1.0 / c)) for g in gs]
    if 'clipValue' in opts:
        v = opts['clipValue']
        return [np.clip(g, -v, v) for g in gs]
    return gs


def clip_torch(gs, opts):
    """The same clipping through torch.nn.utils (per-tensor norm = one call per tensor)."""
    ps = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in gs]
    for p, g in zip(ps, gs):
        p.grad = torch.tensor(g)
    if 'clipNorm' in opts:
        for p in ps:
            torch.nn.utils.clip_grad_norm_([p], opts['clipNorm'])
    elif 'globalClipNorm' in opts:
        torch.nn.utils.clip_grad_norm_(ps, opts['globalClipNorm'])
    elif 'clipValue' in opts:
        torch.nn.utils.clip_grad_value_(ps, opts['clipValue'])
    return [p.grad.numpy() for p in ps]


def schedule_value(spec, step):
    if spec is None:
        return None
    k, c = spec['class_name'], spec['config']
    if k == 'ExponentialDecay':
        p = step / c['decay_steps']
        if c['staircase']:
            p = math.floor(p)
        return c['initial_learning_rate'] * c['decay_rate'] ** p
    if k == 'PiecewiseConstantDecay':
        for b, v in zip(c['boundaries'], c['values']):
            if step <= b:
                return v
        return c['values'][-1]
    if k == 'InverseTimeDecay':
        p = step / c['decay_steps']
        if c['staircase']:
            p = math.floor(p)
        return c['initial_learning_rate'] / (1 + c['decay_rate'] * p)
    if k == 'PolynomialDecay':
        d = c['decay_steps']
        if c['cycle']:
            d = d * (1 if step == 0 else math.ceil(step / c['decay_steps']))
            s = step
        else:
            s = min(step, d)
        return (c['initial_learning_rate'] - c['end_learning_rate']) * (1 - s / d) ** c['power'] + c['end_learning_rate']
    if k == 'CosineDecay':
        def decay(s, frm):
            cos = 0.5 * (1 + math.cos(math.pi * s / c['decay_steps']))
            return frm * ((1 - c['alpha']) * cos + c['alpha'])
        if c['warmup_target'] is None:
            return decay(min(step, c['decay_steps']), c['initial_learning_rate'])
        s = min(step, c['decay_steps'] + c['warmup_steps'])
        if s < c['warmup_steps']:
            return (c['warmup_target'] - c['initial_learning_rate']) * s / c['warmup_steps'] + c['initial_learning_rate']
        return decay(s - c['warmup_steps'], c['warmup_target'])
    raise ValueError(k)


def run_keras(kind, o, clip, schedule=None):
    """Keras 3 apply_gradients in float64: clip, weight decay (w -= w*wd*lr), update_step, iterations += 1."""
    ws = [w.copy() for w in init]
    n = len(ws)
    zeros = lambda: [np.zeros_like(w) for w in ws]  # noqa: E731
    st = {}
    if kind == 'sgd' and o.get('momentum', 0) != 0:
        st['momentum'] = zeros()
    if kind in ('adam', 'nadam'):
        st['momentum'], st['velocity'] = zeros(), zeros()
        if o.get('amsgrad'):
            st['velocity_hat'] = zeros()
    if kind == 'rmsprop':
        st['velocity'] = zeros()
        if o.get('momentum', 0) > 0:
            st['momentum'] = zeros()
        if o.get('centered'):
            st['average_gradient'] = zeros()
    if kind == 'adagrad':
        st['accumulator'] = [np.full_like(w, o.get('initialAccumulatorValue', 0.1)) for w in ws]
    if kind == 'adamax':
        st['momentum'], st['norm'] = zeros(), zeros()
    if kind == 'adadelta':
        st['accumulated_grad'], st['accumulated_delta_var'] = zeros(), zeros()
    u_product = 1.0
    traj = []
    lr_const = o['learningRate']
    for it in range(STEPS):
        lr = schedule_value(schedule, it) if schedule else lr_const
        gs = clip_keras(grads[it], clip)
        wd = o.get('weightDecay')
        if wd:
            ws = [w - w * wd * lr for w in ws]
        t = it + 1
        if kind == 'nadam':
            u_product = u_product * o['beta1'] * (1 - 0.5 * 0.96 ** t)
        for i in range(n):
            g, w = gs[i], ws[i]
            if kind == 'sgd':
                mu = o.get('momentum', 0)
                if mu != 0:
                    m = st['momentum'][i] = mu * st['momentum'][i] - lr * g
                    w = w + (mu * m - lr * g if o.get('nesterov') else m)
                else:
                    w = w - lr * g
            elif kind == 'adam':
                b1, b2, eps = o['beta1'], o['beta2'], o['epsilon']
                a = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                m = st['momentum'][i] = st['momentum'][i] + (g - st['momentum'][i]) * (1 - b1)
                v = st['velocity'][i] = st['velocity'][i] + (g * g - st['velocity'][i]) * (1 - b2)
                if o.get('amsgrad'):
                    v = st['velocity_hat'][i] = np.maximum(st['velocity_hat'][i], v)
                w = w - a * m / (np.sqrt(v) + eps)
            elif kind == 'rmsprop':
                rho, eps, mom = o['rho'], o['epsilon'], o.get('momentum', 0)
                v = st['velocity'][i] = rho * st['velocity'][i] + (1 - rho) * g * g
                if o.get('centered'):
                    ag = st['average_gradient'][i] = rho * st['average_gradient'][i] + (1 - rho) * g
                    denom = v - ag * ag + eps
                else:
                    denom = v + eps
                inc = lr * g / np.sqrt(denom)
                if mom > 0:
                    mm = st['momentum'][i] = mom * st['momentum'][i] + inc
                    w = w - mm
                else:
                    w = w - inc
            elif kind == 'adagrad':
                acc = st['accumulator'][i] = st['accumulator'][i] + g * g
                w = w - lr * g / np.sqrt(acc + o['epsilon'])
            elif kind == 'adamax':
                b1, b2, eps = o['beta1'], o['beta2'], o['epsilon']
                m = st['momentum'][i] = st['momentum'][i] + (g - st['momentum'][i]) * (1 - b1)
                u = st['norm'][i] = np.maximum(b2 * st['norm'][i], np.abs(g))
                w = w - lr * m / ((1 - b1 ** t) * (u + eps))
            elif kind == 'nadam':
                b1, b2, eps = o['beta1'], o['beta2'], o['epsilon']
                u_t = b1 * (1 - 0.5 * 0.96 ** t)
                u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
                up1 = u_product * u_t1
                m = st['momentum'][i] = st['momentum'][i] + (g - st['momentum'][i]) * (1 - b1)
                v = st['velocity'][i] = st['velocity'][i] + (g * g - st['velocity'][i]) * (1 - b2)
                m_hat = u_t1 * m / (1 - up1) + (1 - u_t) * g / (1 - u_product)
                v_hat = v / (1 - b2 ** t)
                w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
            elif kind == 'adadelta':
                rho, eps = o['rho'], o['epsilon']
                eg = st['accumulated_grad'][i] = rho * st['accumulated_grad'][i] + (1 - rho) * g * g
                d = -np.sqrt(st['accumulated_delta_var'][i] + eps) * g / np.sqrt(eg + eps)
                st['accumulated_delta_var'][i] = rho * st['accumulated_delta_var'][i] + (1 - rho) * d * d
                w = w + lr * d
            ws[i] = w
        traj.append([w.tolist() for w in ws])
    return traj, st, u_product


def run_torch(kind, o, clip):
    if o.get('weightDecay'):
        return None  # torch.optim.SGD's weight_decay is an L2 term on the gradient, not Keras' decoupled decay
    ps = [torch.tensor(w, requires_grad=True) for w in init]
    if kind == 'sgd':
        opt = torch.optim.SGD(ps, lr=o['learningRate'], momentum=o.get('momentum', 0), nesterov=o.get('nesterov', False))
    elif kind == 'adadelta':
        opt = torch.optim.Adadelta(ps, lr=o['learningRate'], rho=o['rho'], eps=o['epsilon'])
    else:
        return None
    traj = []
    for it in range(STEPS):
        for p, g in zip(ps, clip_torch(grads[it], clip)):
            p.grad = torch.tensor(g)
        opt.step()
        traj.append([p.detach().numpy().tolist() for p in ps])
    return traj


ADAM = {'learningRate': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-7}
VARIANTS = [
    ('sgd', 'SGD', {'learningRate': 0.1}),
    ('sgd_momentum', 'SGD', {'learningRate': 0.1, 'momentum': 0.9}),
    ('sgd_nesterov', 'SGD', {'learningRate': 0.1, 'momentum': 0.9, 'nesterov': True}),
    ('sgd_weight_decay', 'SGD', {'learningRate': 0.1, 'momentum': 0.5, 'weightDecay': 0.05}),
    ('adam', 'Adam', dict(ADAM)),
    ('adam_amsgrad', 'Adam', {**ADAM, 'amsgrad': True}),
    # A large epsilon makes Keras' placement (added to sqrt(v), bias correction folded into the rate) visible.
    ('adam_large_epsilon', 'Adam', {**ADAM, 'epsilon': 0.5}),
    ('adamw', 'AdamW', {**ADAM, 'weightDecay': 0.1}),
    ('rmsprop', 'RMSprop', {'learningRate': 0.01, 'rho': 0.9, 'epsilon': 1e-7}),
    ('rmsprop_large_epsilon', 'RMSprop', {'learningRate': 0.01, 'rho': 0.9, 'epsilon': 0.5}),
    ('rmsprop_centered_momentum', 'RMSprop', {'learningRate': 0.01, 'rho': 0.8, 'epsilon': 1e-7, 'momentum': 0.5, 'centered': True}),
    ('adagrad', 'Adagrad', {'learningRate': 0.1, 'initialAccumulatorValue': 0.1, 'epsilon': 1e-7}),
    ('adamax', 'Adamax', {'learningRate': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-7}),
    ('nadam', 'Nadam', {'learningRate': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-7}),
    ('adadelta', 'Adadelta', {'learningRate': 1.0, 'rho': 0.95, 'epsilon': 1e-7}),
]
KIND = {'SGD': 'sgd', 'Adam': 'adam', 'AdamW': 'adam', 'RMSprop': 'rmsprop', 'Adagrad': 'adagrad', 'Adamax': 'adamax', 'Nadam': 'nadam', 'Adadelta': 'adadelta'}
# Keras variable order after iterations and learning_rate: slot names, grouped (all vars per name) unless interleaved.
ORDER = {
    'sgd': ['momentum'], 'adam': ['momentum', 'velocity', 'velocity_hat'], 'rmsprop': ['velocity', 'momentum', 'average_gradient'],
    'adagrad': ['accumulator'], 'adamax': ['momentum', 'norm'], 'nadam': ['momentum', 'velocity'],
    'adadelta': ['accumulated_grad', 'accumulated_delta_var'],
}

cases = []
for clip_name, clip in CLIPS.items():
    a, b = clip_keras(grads[0], clip), clip_torch(grads[0], clip)
    for x, y in zip(a, b):
        assert np.allclose(x, y, rtol=1e-5, atol=1e-6), f'clipping {clip_name}: keras formula vs torch differ'
    for name, cls, o in VARIANTS:
        kind = KIND[cls]
        traj, st, u_product = run_keras(kind, o, clip)
        state = []
        names = [s for s in ORDER[kind] if s in st]
        if kind == 'adamax':
            for i in range(len(init)):
                state += [st[s][i].tolist() for s in names]
        else:
            for s in names:
                state += [st[s][i].tolist() for i in range(len(init))]
        if kind == 'nadam':
            state.append(u_product)
        case = {'name': f'{name}/{clip_name}', 'class_name': cls, 'options': {**o, **clip}, 'params': traj, 'slots': state}
        tt = run_torch(kind, o, clip)
        if tt is not None:
            assert np.allclose(np.concatenate([np.ravel(x) for x in tt[-1]]), np.concatenate([np.ravel(x) for x in traj[-1]]), rtol=1e-5, atol=1e-5), name
            case['torch_params'] = tt
        cases.append(case)

SCHEDULES = [
    {'class_name': 'ExponentialDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 3, 'decay_rate': 0.5, 'staircase': False, 'name': 'ExponentialDecay'}},
    {'class_name': 'ExponentialDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 3, 'decay_rate': 0.5, 'staircase': True, 'name': 'ExponentialDecay'}},
    {'class_name': 'PiecewiseConstantDecay', 'config': {'boundaries': [2, 5], 'values': [1.0, 0.5, 0.1], 'name': 'PiecewiseConstant'}},
    {'class_name': 'InverseTimeDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 2, 'decay_rate': 0.5, 'staircase': False, 'name': 'InverseTimeDecay'}},
    {'class_name': 'InverseTimeDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 2, 'decay_rate': 0.5, 'staircase': True, 'name': 'InverseTimeDecay'}},
    {'class_name': 'PolynomialDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 4, 'end_learning_rate': 0.01, 'power': 2.0, 'cycle': False, 'name': 'PolynomialDecay'}},
    {'class_name': 'PolynomialDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 4, 'end_learning_rate': 0.01, 'power': 0.5, 'cycle': True, 'name': 'PolynomialDecay'}},
    {'class_name': 'CosineDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 6, 'alpha': 0.1, 'name': 'CosineDecay', 'warmup_target': None, 'warmup_steps': 0}},
    {'class_name': 'CosineDecay', 'config': {'initial_learning_rate': 0.0, 'decay_steps': 6, 'alpha': 0.0, 'name': 'CosineDecay', 'warmup_target': 0.2, 'warmup_steps': 3}},
]
schedules = [{**s, 'values': [schedule_value(s, k) for k in range(12)]} for s in SCHEDULES]

# Optimizers driven by a schedule (learning rate evaluated at `iterations` before the increment).
for name, cls, o, sched in [
    ('sgd_momentum_exponential', 'SGD', {'learningRate': 0.1, 'momentum': 0.9}, SCHEDULES[0]),
    ('adam_cosine_warmup', 'Adam', dict(ADAM), SCHEDULES[8]),
]:
    traj, _, _ = run_keras(KIND[cls], o, {}, schedule=sched)
    opts = {k: v for k, v in o.items() if k != 'learningRate'}
    cases.append({'name': f'{name}/none', 'class_name': cls, 'options': opts, 'schedule': sched, 'params': traj})

with open(OUT, 'w') as f:
    json.dump({
        'generator': 'scripts/golden/optimizers.py', 'torch': torch.__version__, 'numpy': np.__version__,
        'init': [w.tolist() for w in init], 'grads': [[g.tolist() for g in step] for step in grads],
        'cases': cases, 'schedules': schedules,
    }, f)
print(f'wrote {len(cases)} optimizer cases and {len(schedules)} schedules to {os.path.normpath(OUT)}')
