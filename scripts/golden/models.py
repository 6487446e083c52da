"""Golden values for test/models/golden.test.ts: a Keras-style fit loop computed with PyTorch.

Model: Dense(3 -> 4, relu, kernel L2 0.01) -> Dense(4 -> 2, linear), loss MSE (mean over all entries),
plain SGD (lr 0.1), batch size 4 on 10 samples (last batch of 2), no shuffling, 3 epochs.
Keras semantics reproduced here: the training loss includes the regularization penalty; the epoch
loss is the mean of the batch losses weighted by batch size; evaluation (val_loss) runs on a
separate set after each epoch, with the penalty included, in inference mode.
Kernels are stored in Keras layout [in, out]; PyTorch uses [out, in].
Writes test/golden/models.json.
"""
import json
import os

import numpy as np
import torch

rng = np.random.default_rng(1234)
x = rng.normal(size=(10, 3)).astype(np.float32)
y = rng.normal(size=(10, 2)).astype(np.float32)
xv = rng.normal(size=(6, 3)).astype(np.float32)
yv = rng.normal(size=(6, 2)).astype(np.float32)
k1 = (rng.normal(size=(3, 4)) * 0.5).astype(np.float32)
b1 = (rng.normal(size=(4,)) * 0.1).astype(np.float32)
k2 = (rng.normal(size=(4, 2)) * 0.5).astype(np.float32)
b2 = (rng.normal(size=(2,)) * 0.1).astype(np.float32)

W1 = torch.tensor(k1.T.copy(), requires_grad=True)
B1 = torch.tensor(b1.copy(), requires_grad=True)
W2 = torch.tensor(k2.T.copy(), requires_grad=True)
B2 = torch.tensor(b2.copy(), requires_grad=True)
params = [W1, B1, W2, B2]
opt = torch.optim.SGD(params, lr=0.1)
L2 = 0.01


def forward(xb):
    h = torch.relu(xb @ W1.T + B1)
    return h @ W2.T + B2


def total_loss(xb, yb):
    return torch.mean((forward(xb) - yb) ** 2) + L2 * torch.sum(W1 ** 2)


def evaluate(xs, ys, batch):
    with torch.no_grad():
        tot, cnt = 0.0, 0
        for s in range(0, len(xs), batch):
            xb, yb = torch.tensor(xs[s:s + batch]), torch.tensor(ys[s:s + batch])
            tot += float(total_loss(xb, yb)) * len(xb)
            cnt += len(xb)
        return tot / cnt


history = {"loss": [], "val_loss": []}
for epoch in range(3):
    tot, cnt = 0.0, 0
    for s in range(0, 10, 4):
        xb, yb = torch.tensor(x[s:s + 4]), torch.tensor(y[s:s + 4])
        opt.zero_grad()
        loss = total_loss(xb, yb)
        loss.backward()
        opt.step()
        tot += float(loss) * len(xb)
        cnt += len(xb)
    history["loss"].append(tot / cnt)
    history["val_loss"].append(evaluate(xv, yv, 4))

out = {
    "x": x.tolist(), "y": y.tolist(), "xv": xv.tolist(), "yv": yv.tolist(),
    "initial": [k1.tolist(), b1.tolist(), k2.tolist(), b2.tolist()],
    "history": history,
    "final": [W1.detach().numpy().T.tolist(), B1.detach().numpy().tolist(), W2.detach().numpy().T.tolist(), B2.detach().numpy().tolist()],
}
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "models.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(path))
