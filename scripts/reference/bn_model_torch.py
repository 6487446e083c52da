# Independent reference run for the lab's BN acceptance figure: the API.md BN model with Keras defaults, rebuilt in
# PyTorch (SGD 1e-3, batch 32, 10 epochs, the book's split). Run: /usr/bin/python3 scripts/reference/bn_model_torch.py [seed] [variant]
# variant: elu-he (API.md / book text, default) or relu-glorot (the book's notebook: ReLU, Keras' default glorot_uniform).
# (PyTorch keeps unbiased running variances, a small difference from Keras.)
import gzip, numpy as np, torch, torch.nn as nn, math, sys
torch.set_num_threads(1)
import os
d=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'data', 'fashion-mnist') + os.sep
def imgs(f): return np.frombuffer(gzip.open(d+f).read(), np.uint8, offset=16).reshape(-1,784).astype(np.float32)/255
def labs(f): return np.frombuffer(gzip.open(d+f).read(), np.uint8, offset=8).astype(np.int64)
X=imgs('train-images-idx3-ubyte.gz'); Y=labs('train-labels-idx1-ubyte.gz')
Xt=torch.tensor(imgs('t10k-images-idx3-ubyte.gz')); Yt=torch.tensor(labs('t10k-labels-idx1-ubyte.gz'))
Xv,Yv=torch.tensor(X[:5000]),torch.tensor(Y[:5000]); Xtr,Ytr=torch.tensor(X[5000:]),torch.tensor(Y[5000:])
seed=int(sys.argv[1]) if len(sys.argv)>1 else 0
torch.manual_seed(seed)
def he(l):  # Keras 3 he_normal: truncated normal (2 std) with std sqrt(2/fan_in)/0.87962566
    std=math.sqrt(2/l.in_features)/0.87962566103423978
    nn.init.trunc_normal_(l.weight, 0, std, -2*std, 2*std); nn.init.zeros_(l.bias)
def glorot(l): nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias)
bn=lambda n: nn.BatchNorm1d(n, eps=1e-3, momentum=0.01)
variant=sys.argv[2] if len(sys.argv)>2 else 'elu-he'
assert variant in ('elu-he','relu-glorot'), variant
init,Act=(he,nn.ELU) if variant=='elu-he' else (glorot,nn.ReLU)
l1,l2,l3=nn.Linear(784,300),nn.Linear(300,100),nn.Linear(100,10); init(l1); init(l2); glorot(l3)
m=nn.Sequential(bn(784),l1,Act(),bn(300),l2,Act(),bn(100),l3)
opt=torch.optim.SGD(m.parameters(), lr=1e-3)
lossf=nn.CrossEntropyLoss()
def acc(x,y):
    m.eval()
    with torch.no_grad(): r=(m(x).argmax(1)==y).float().mean().item()
    m.train(); return r
for ep in range(10):
    perm=torch.randperm(len(Xtr))
    for i in range(0,len(Xtr),32):
        idx=perm[i:i+32]; opt.zero_grad(); l=lossf(m(Xtr[idx]),Ytr[idx]); l.backward(); opt.step()
    print(ep+1, 'val', round(acc(Xv,Yv),4), 'test', round(acc(Xt,Yt),4), flush=True)
