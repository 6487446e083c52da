# PyTorch peer for `npm run bench`: the same workloads and data (raw float32/int32 files), prints JSON.
# One-shot: OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_bench.py X.bin Y.bin RUN_SECONDS [RUNS]
#   RUNS: timed runs per item after warm-up (default 3); prints one JSON object with every item.
# Server (used by the bench): ... bench/torch_bench.py --serve X.bin Y.bin [RUN_SECONDS]
#   Loads the data and builds each workload's model once (seeded), prints {"ready": true, "version", "threads"}, then
#   reads one JSON command per stdin line and answers one JSON line each ({"rate": r} or {"error": "..."}):
#   {"item": "train" | "predict", "workload": "W1" (W1-W4), "runSeconds": 1.5} or {"item": "gemm", "m": .., "k": .., "n": ..}.
#   Each answer is one timed run after its warm-up (measure(..., runs=1)). Exits at end of input.
import json
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(2)
N_FEATURES, N_CLASSES, BATCH, PREDICT_BATCH = 784, 10, 32, 1024


def blas_core():
    """The BLAS PyTorch calls and the core its kernels are for: 'OpenBLAS Cooperlake', or 'not OpenBLAS'."""
    import ctypes
    try:
        lib = ctypes.CDLL('libblas.so.3')
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return 'OpenBLAS ' + lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        pass
    try:
        with open('/proc/self/maps') as maps:
            loaded = sorted({line.split()[-1] for line in maps if 'blas' in line.split()[-1]})
    except OSError:
        loaded = []
    target = ', '.join(loaded)
    if any('/blas/libblas' in path for path in loaded):
        # Debian's libblas3: the netlib reference BLAS, tens of times slower than OpenBLAS.
        return 'REFERENCE BLAS (Debian libblas3, not OpenBLAS: install libopenblas0-pthread for a meaningful peer)'
    return 'not OpenBLAS (%s)' % (target or 'BLAS unknown')


def measure(step, units, run_seconds, runs=3, warmup=2, max_steps=2000):
    t0 = time.perf_counter()
    for _ in range(warmup):
        step()
    per = max((time.perf_counter() - t0) / warmup, 1e-7)
    steps = max(1, min(max_steps, round(run_seconds / per)))
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * units / (time.perf_counter() - t0))
    return sorted(rates)[len(rates) // 2], rates


def build(name):
    layers = []
    if name == 'W4':
        # bench/w4.ts (W4_TORCH): the LeNet-style CNN; softmax folded into the loss as for W1-W3.
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, N_CLASSES))
    if name == 'W1':
        spec = ['bn', (300, 'elu'), 'bn', (100, 'elu'), 'bn', (N_CLASSES, None)]
    elif name == 'W2':
        spec = [(300, 'relu'), (100, 'relu'), (N_CLASSES, None)]
    else:
        spec = [(300, 'selu')] + [(100, 'selu')] * 99 + [(N_CLASSES, None)]
    fan_in = N_FEATURES
    for s in spec:
        if s == 'bn':
            layers.append(nn.BatchNorm1d(fan_in, eps=1e-3, momentum=0.01))
            continue
        units, act = s
        lin = nn.Linear(fan_in, units)
        if act == 'selu':
            nn.init.trunc_normal_(lin.weight, std=(1.0 / fan_in) ** 0.5)
        elif act is not None:
            nn.init.trunc_normal_(lin.weight, std=(2.0 / fan_in) ** 0.5)
        nn.init.zeros_(lin.bias)
        layers.append(lin)
        if act == 'elu':
            layers.append(nn.ELU())
        elif act == 'relu':
            layers.append(nn.ReLU())
        elif act == 'selu':
            layers.append(nn.SELU())
        fan_in = units
    # The softmax is fused into CrossEntropyLoss for training and applied explicitly for predict.
    return nn.Sequential(*layers)


def gemm(m, k, n, run_seconds, runs=3):
    a = torch.rand(m, k)
    b = torch.rand(k, n)
    flops = 2.0 * m * n * k
    med, _ = measure(lambda: torch.mm(a, b), flops, run_seconds, runs=runs, warmup=3, max_steps=20000)
    return med / 1e9


class Workload:
    """One workload's model, optimizer and batch cursor, kept across commands (steady state)."""

    def __init__(self, name, x, y):
        torch.manual_seed(42)
        self.model = build(name)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01)
        self.loss_fn = nn.CrossEntropyLoss()
        if name == 'W4':  # the channels-last batch (as layerwise and tfjs read it) permuted to NCHW
            x = x.view(-1, 28, 28, 1).permute(0, 3, 1, 2)
        self.x, self.y = x, y
        self.offset = 0
        self.px = x[:PREDICT_BATCH].clone()

    def train_step(self):
        o = self.offset
        if o + BATCH > self.x.shape[0]:
            o = 0
        xb, yb = self.x[o:o + BATCH], self.y[o:o + BATCH]
        self.offset = o + BATCH
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.opt.step()

    def predict(self):
        with torch.no_grad():
            torch.softmax(self.model(self.px), dim=1)

    def train_rate(self, run_seconds):
        self.model.train()
        return measure(self.train_step, BATCH, run_seconds, runs=1)[0]

    def predict_rate(self, run_seconds):
        self.model.eval()
        return measure(self.predict, PREDICT_BATCH, run_seconds, runs=1, warmup=1)[0]


def load(x_path, y_path):
    x = torch.from_numpy(np.fromfile(x_path, dtype=np.float32).reshape(-1, N_FEATURES))
    y = torch.from_numpy(np.fromfile(y_path, dtype=np.int32).astype(np.int64))
    return x, y


def serve(argv):
    x, y = load(argv[0], argv[1])
    default_seconds = float(argv[2]) if len(argv) > 2 else 1.5
    workloads = {name: Workload(name, x, y) for name in ['W1', 'W2', 'W3', 'W4']}
    gemm_inputs = {}

    def answer(obj):
        sys.stdout.write(json.dumps(obj) + '\n')
        sys.stdout.flush()

    answer({'ready': True, 'version': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas_core()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            run_seconds = float(cmd.get('runSeconds', default_seconds))
            item = cmd.get('item')
            if item in ('train', 'predict'):
                w = workloads[cmd['workload']]
                rate = w.train_rate(run_seconds) if item == 'train' else w.predict_rate(run_seconds)
            elif item == 'gemm':
                m, k, n = int(cmd['m']), int(cmd['k']), int(cmd['n'])
                if (m, k, n) not in gemm_inputs:
                    gemm_inputs[(m, k, n)] = (torch.rand(m, k), torch.rand(k, n))
                a, b = gemm_inputs[(m, k, n)]
                rate = measure(lambda: torch.mm(a, b), 2.0 * m * n * k, run_seconds, runs=1, warmup=3, max_steps=20000)[0] / 1e9
            else:
                raise ValueError(f'unknown item {item!r}')
            answer({'rate': rate})
        except Exception as e:  # report and keep serving
            answer({'error': f'{type(e).__name__}: {e}'.split('\n')[0]})


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--serve':
        serve(sys.argv[2:])
        return
    x = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, N_FEATURES))
    y = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.int32).astype(np.int64))
    run_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.5
    n_runs = max(1, int(sys.argv[4])) if len(sys.argv) > 4 else 3
    out = {'version': torch.__version__, 'threads': torch.get_num_threads(), 'runs': n_runs, 'train': {}, 'predict': {}, 'gemm': {}}
    for name in ['W1', 'W2', 'W3']:
        torch.manual_seed(42)
        model = build(name)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
        state = {'offset': 0}

        def step():
            o = state['offset']
            if o + BATCH > x.shape[0]:
                o = 0
            xb, yb = x[o:o + BATCH], y[o:o + BATCH]
            state['offset'] = o + BATCH
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()

        model.train()
        med, runs = measure(step, BATCH, run_seconds, runs=n_runs)
        out['train'][name] = {'median': med, 'runs': runs}
        model.eval()
        px = x[:PREDICT_BATCH].clone()

        def predict():
            with torch.no_grad():
                torch.softmax(model(px), dim=1)

        med, runs = measure(predict, PREDICT_BATCH, run_seconds, runs=n_runs, warmup=1)
        out['predict'][name] = {'median': med, 'runs': runs}
    for (m, k, n) in [(32, 784, 300), (32, 300, 100), (1024, 784, 300), (2048, 2048, 2048)]:
        out['gemm'][f'{m}x{k}x{n}'] = gemm(m, k, n, run_seconds, n_runs)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
