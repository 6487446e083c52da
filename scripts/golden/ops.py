# Golden values for every differentiable op: PyTorch float64 forwards and gradients -> test/golden/ops.json.
#
# Each case applies one op to fixed inputs (kink points -1, 0, 1 and broadcasting shapes included) and
# records the outputs and the gradients of sum_k sum(w_k * out_k) for fixed weights w_k (also recorded).
# Non-finite numbers are written as the strings "nan", "inf", "-inf" (JSON has no literal for them).
# Run: /usr/bin/python3 scripts/golden/ops.py
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

# The kink points -1, 0, 1 and a few ordinary values.
KINKS = [-2.5, -1.0, -0.5, 0.0, 0.3, 1.0, 1.7, 3.0]


def t(values, shape=None):
    x = torch.tensor(values, dtype=torch.float64)
    return x.reshape(shape) if shape is not None else x


def seq(shape, scale=0.37, offset=-1.1):
    """Deterministic, non-repeating values: offset + scale * (i mod 11) + 0.013 * i."""
    n = math.prod(shape)
    return t([offset + scale * (i % 11) + 0.013 * i for i in range(n)], shape)


def weights(shape, k):
    n = math.prod(shape)
    return t([0.5 + ((3 * i + k) % 7) / 7.0 for i in range(n)], list(shape))


from golden_json import arr, enc  # noqa: E402,F401


cases = []
# Cases where layerwise deliberately follows TensorFlow instead of PyTorch (tested as such, not compared directly).
tie_cases = []


def case(name, op, inputs, fn, attrs=None, wrt=None, dtypes=None, bucket=None):
    """inputs: tensors (float64 ones may get gradients); fn maps the inputs to one tensor or a tuple."""
    wrt = list(range(len(inputs))) if wrt is None else wrt
    leaves = []
    for i, x in enumerate(inputs):
        x = x.clone().detach()
        if i in wrt:
            x.requires_grad_(True)
        leaves.append(x)
    outs = fn(*leaves)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    ws = [weights(o.shape, k) for k, o in enumerate(outs)]
    objective = sum((o * w).sum() for o, w in zip(outs, ws))
    grads = torch.autograd.grad(objective, [leaves[i] for i in wrt], allow_unused=True) if wrt else []
    gmap = dict(zip(wrt, grads))
    (cases if bucket is None else bucket).append({
        "name": name,
        "op": op,
        "attrs": attrs or {},
        "inputs": [dict(arr(x), dtype=(dtypes[i] if dtypes else "float")) for i, x in enumerate(inputs)],
        "outputs": [arr(o) for o in outs],
        "weights": [arr(w) for w in ws],
        "grads": [arr(gmap[i]) if i in gmap and gmap[i] is not None else None for i in range(len(inputs))],
    })


# ---- elementwise unary (kinks -1, 0, 1 included) --------------------------------------------------
x = t(KINKS, [2, 4])
pos = t([0.0, 0.25, 1.0, 2.0, 0.5, 4.0, 1.5, 9.0], [2, 4])
unary = {
    "neg": torch.neg, "exp": torch.exp, "expm1": torch.expm1, "log": torch.log, "log1p": torch.log1p,
    "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "abs": torch.abs, "sign": torch.sign, "square": torch.square,
    "relu": torch.relu, "relu6": F.relu6, "selu": torch.selu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "softplus": F.softplus, "sin": torch.sin, "cos": torch.cos, "reciprocal": torch.reciprocal,
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round,
}
for name, fn in unary.items():
    case(f"{name}_kinks", name, [x], fn)
for name in ["log", "sqrt", "rsqrt"]:
    case(f"{name}_positive", name, [pos], unary[name])
case("log1p_domain", "log1p", [t([-1.0, -0.5, 0.0, 1.0, 3.0, 1e-9])], torch.log1p)
case("relu6_kinks6", "relu6", [t([5.0, 6.0, 7.0, 0.0])], F.relu6)
case("leakyRelu_kinks", "leakyRelu", [x], lambda a: F.leaky_relu(a, 0.2), {"alpha": 0.2})
case("leakyRelu_alpha03", "leakyRelu", [x], lambda a: F.leaky_relu(a, 0.3), {"alpha": 0.3})
case("elu_kinks", "elu", [x], lambda a: F.elu(a, 1.0), {"alpha": 1.0})
case("elu_alpha05", "elu", [x], lambda a: F.elu(a, 0.5), {"alpha": 0.5})
case("softplus_large", "softplus", [t([-40.0, -20.0, 20.0, 40.0])], F.softplus)
case("sigmoid_large", "sigmoid", [t([-40.0, -20.0, 20.0, 40.0])], torch.sigmoid)

# ---- broadcasting binary ops ---------------------------------------------------------------------
a23 = seq([2, 3])
b3 = seq([3], 0.61, 0.4)
a213 = seq([2, 1, 3])
b41 = seq([4, 1], 0.29, 0.3)
binary = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    # no ties below: maximum/minimum tie conventions differ (see test/ops), tested separately
    "maximum": torch.maximum, "minimum": torch.minimum,
}
for name, fn in binary.items():
    case(f"{name}_same", name, [a23, seq([2, 3], 0.53, -0.9)], fn)
    case(f"{name}_bcast_row", name, [a23, b3], fn)
    case(f"{name}_bcast_both", name, [a213, b41], fn)
    case(f"{name}_scalar", name, [a23, t(1.7)], fn)
# ties: PyTorch splits the gradient in half; layerwise gives all of it to the first argument (TensorFlow)
ta = t([1.0, -1.0, 0.0, 2.0, 0.5, 1.0])
tb = t([1.0, -1.0, 0.0, 1.0, 3.0, -1.0])
case("maximum_ties", "maximum", [ta, tb], torch.maximum, bucket=tie_cases)
case("minimum_ties", "minimum", [ta, tb], torch.minimum, bucket=tie_cases)
ma, mb = t([7.5, -7.5, 7.5, -7.5, 0.2, 3.1]), t([2.0, 2.0, -2.0, -2.0, 0.7, 1.3])
case("mod_signs", "mod", [ma, mb], torch.remainder)
case("mod_bcast", "mod", [seq([2, 3], 1.1, -3.3), t([1.3, 0.9, 2.2])], torch.remainder)
case("floorDiv_signs", "floorDiv", [ma, mb], lambda a, b: torch.div(a, b, rounding_mode="floor"), wrt=[])
case("round_half_even", "round", [t([0.5, 1.5, 2.5, -0.5, -1.5, 1.2, -2.7])], torch.round)
case("mul_kinks", "mul", [x, t([-1.0, 0.0, 1.0, 2.0])], torch.mul)
# pow: base >= 0 (the exponent gradient at base < 0 differs: NaN in PyTorch, 0 here as in TensorFlow)
pa = t([0.0, 0.0, 0.0, 1.0, 2.0, 0.5, 1.0, 3.0], [2, 4])
pb = t([0.0, 2.0, 0.5, 0.0, 3.0, -1.0, 1.0, 2.5], [2, 4])
case("pow_nonneg", "pow", [pa, pb], torch.pow)
case("pow_bcast", "pow", [seq([2, 3], 0.2, 0.5), t([2.0, 0.5, 3.0])], torch.pow)
case("pow_negbase_intexp", "pow", [t([-2.0, -1.0, -0.5, 0.0, 1.0]), t([2.0, 3.0, 2.0, 1.0, 2.0])], torch.pow, wrt=[0])
case("div_bcast_col", "div", [seq([3, 4]), t([0.5, -2.0, 4.0], [3, 1])], torch.div)

cond = t([1, 0, 1, 0, 0, 1]).reshape(2, 3).bool()
case("where_bcast", "where", [cond, a23, b3], torch.where, wrt=[1, 2], dtypes=["bool", "float", "float"])
case("where_scalar_b", "where", [cond, a23, t(0.5)], torch.where, wrt=[1, 2], dtypes=["bool", "float", "float"])
case("clip_kinks", "clip", [x], lambda a: torch.clamp(a, -1.0, 1.0), {"lo": -1.0, "hi": 1.0})
case("clip_asym", "clip", [x], lambda a: torch.clamp(a, 0.0, 1.7), {"lo": 0.0, "hi": 1.7})

# ---- reductions ----------------------------------------------------------------------------------
r = seq([2, 3, 4])
ties = t([1.0, 3.0, 3.0, -1.0, 2.0, 2.0, 0.0, 0.0, -1.0, 5.0, 5.0, 5.0], [2, 2, 3])
for keep in [False, True]:
    for axis in [0, 1, -1, [0, 2], None]:
        tag = f"{'all' if axis is None else axis}_{'keep' if keep else 'drop'}".replace(", ", "_")
        dims = list(range(3)) if axis is None else ([axis] if isinstance(axis, int) else axis)
        attrs = {"axis": axis, "keepDims": keep}
        case(f"sum_{tag}", "sum", [r], lambda a, d=dims, k=keep: a.sum(d, keepdim=k), attrs)
        case(f"mean_{tag}", "mean", [r], lambda a, d=dims, k=keep: a.mean(d, keepdim=k), attrs)
        case(f"max_{tag}", "max", [r], lambda a, d=dims, k=keep: a.amax(d, keepdim=k), attrs)
        case(f"min_{tag}", "min", [r], lambda a, d=dims, k=keep: a.amin(d, keepdim=k), attrs)
        case(f"logSumExp_{tag}", "logSumExp", [r], lambda a, d=dims, k=keep: torch.logsumexp(a, d, keepdim=k), attrs)
        case(f"moments_{tag}", "moments", [r],
             lambda a, d=dims, k=keep: (a.mean(d, keepdim=k), a.var(d, unbiased=False, keepdim=k)), attrs)
# ties share the gradient equally (amax/amin in PyTorch, reduce_max in TensorFlow)
case("max_ties_last", "max", [ties], lambda a: a.amax(-1), {"axis": -1, "keepDims": False})
case("min_ties_last", "min", [ties], lambda a: a.amin(-1), {"axis": -1, "keepDims": False})
case("max_ties_all", "max", [ties], lambda a: a.amax(), {"axis": None, "keepDims": False})
for axis in [0, 1]:
    case(f"prod_{axis}", "prod", [seq([3, 4], 0.3, 0.2)], lambda a, d=axis: a.prod(d), {"axis": axis, "keepDims": False})
    case(f"prod_{axis}_keep", "prod", [seq([3, 4], 0.3, 0.2)], lambda a, d=axis: a.prod(d, keepdim=True), {"axis": axis, "keepDims": True})
# zeros in a product: one zero (the gradient there is the product of the others), two zeros (all zero)
pz = t([2.0, 0.0, 3.0, -1.0, 0.0, 0.0, 4.0, 0.5, 1.5, -2.0, 1.0, 0.0], [3, 4])
case("prod_zeros_last", "prod", [pz], lambda a: a.prod(-1), {"axis": -1, "keepDims": False})
case("prod_zeros_first", "prod", [pz], lambda a: a.prod(0), {"axis": 0, "keepDims": False})

# ---- softmax ---------------------------------------------------------------------------------------
for axis in [-1, 0]:
    case(f"softmax_{axis}", "softmax", [r], lambda a, d=axis: torch.softmax(a, d), {"axis": axis})
    case(f"logSoftmax_{axis}", "logSoftmax", [r], lambda a, d=axis: torch.log_softmax(a, d), {"axis": axis})
big = t([1000.0, 1001.0, 999.0, -1000.0, 0.0, 1000.0], [2, 3])
case("softmax_large", "softmax", [big], lambda a: torch.softmax(a, -1), {"axis": -1})
case("logSoftmax_large", "logSoftmax", [big], lambda a: torch.log_softmax(a, -1), {"axis": -1})
case("logSumExp_infinite", "logSumExp", [t([-math.inf, -math.inf, math.inf, 1.0, 0.0, -math.inf], [3, 2])],
     lambda a: torch.logsumexp(a, -1), {"axis": -1, "keepDims": False}, wrt=[])
case("logSumExp_large", "logSumExp", [big], lambda a: torch.logsumexp(a, -1), {"axis": -1, "keepDims": False})

# ---- matmul ----------------------------------------------------------------------------------------
def mm(ta, tb):
    def f(a, b):
        return torch.matmul(a.mT if ta else a, b.mT if tb else b)
    return f


case("matmul_2d", "matmul", [seq([2, 3]), seq([3, 4], 0.21)], mm(False, False))
case("matmul_tA", "matmul", [seq([3, 2]), seq([3, 4], 0.21)], mm(True, False), {"transposeA": True})
case("matmul_tB", "matmul", [seq([2, 3]), seq([4, 3], 0.21)], mm(False, True), {"transposeB": True})
case("matmul_tAtB", "matmul", [seq([3, 2]), seq([4, 3], 0.21)], mm(True, True), {"transposeA": True, "transposeB": True})
case("matmul_batch", "matmul", [seq([2, 2, 3]), seq([2, 3, 4], 0.21)], mm(False, False))
case("matmul_batch_tB", "matmul", [seq([2, 2, 3]), seq([2, 4, 3], 0.21)], mm(False, True), {"transposeB": True})
case("matmul_bcast_batch", "matmul", [seq([2, 1, 2, 3]), seq([3, 3, 4], 0.21)], mm(False, False))
case("matmul_bcast_2d_rhs", "matmul", [seq([2, 2, 3]), seq([3, 4], 0.21)], mm(False, False))
case("matmul_vec_mat", "matmul", [seq([3]), seq([3, 4], 0.21)], mm(False, False))
case("matmul_mat_vec", "matmul", [seq([2, 3]), seq([3], 0.21)], mm(False, False))
case("matmul_vec_vec", "matmul", [seq([3]), seq([3], 0.21)], mm(False, False))
case("matmul_vec_batch", "matmul", [seq([3]), seq([2, 3, 4], 0.21)], mm(False, False))

# ---- fused dense: act(x @ kernel + bias) -------------------------------------------------------------
dx, dk, db = seq([3, 4], 0.4, -1.3), seq([4, 5], 0.23, -0.6), seq([5], 0.17, -0.3)
dense_acts = {
    "linear": lambda z: z, "relu": torch.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "elu": F.elu, "selu": torch.selu, "leakyRelu": lambda z: F.leaky_relu(z, 0.2),
}
for name, act in dense_acts.items():
    case(f"dense_{name}", "dense", [dx, dk, db], lambda a, k, b, f=act: f(a @ k + b), {"activation": name})
case("dense_nobias", "dense", [dx, dk], lambda a, k: torch.tanh(a @ k), {"activation": "tanh"})

# ---- layout ----------------------------------------------------------------------------------------
case("reshape", "reshape", [r], lambda a: a.reshape(4, -1), {"shape": [4, -1]})
case("transpose_default", "transpose", [r], lambda a: a.permute(2, 1, 0), {})
case("transpose_perm", "transpose", [r], lambda a: a.permute(1, 2, 0), {"perm": [1, 2, 0]})
case("slice_mid", "slice", [r], lambda a: a[:, 1:3, 1:4], {"begin": [0, 1, 1], "size": [-1, 2, 3]})
case("slice_neg_begin", "slice", [r], lambda a: a[1:, :, 2:], {"begin": [-1, 0, -2]})
case("sliceAxis_1", "sliceAxis", [r], lambda a: a[:, -2:, :], {"axis": 1, "start": -2})
case("concat_1", "concat", [r, seq([2, 1, 4], 0.5)], lambda a, b: torch.cat([a, b], 1), {"axis": 1})
case("concat_last", "concat", [r, seq([2, 3, 2], 0.5)], lambda a, b: torch.cat([a, b], -1), {"axis": -1})
case("stack_1", "stack", [a23, seq([2, 3], 0.5)], lambda a, b: torch.stack([a, b], 1), {"axis": 1})
gi = torch.tensor([2, 0, 2, -1])
case("gather_0", "gather", [seq([3, 4]), gi], lambda a, i: a[i], {"axis": 0}, wrt=[0], dtypes=["float", "int32"])
case("gather_1", "gather", [r, torch.tensor([[2, 0], [1, 1]])], lambda a, i: a[:, i], {"axis": 1},
     wrt=[0], dtypes=["float", "int32"])
case("pad", "pad", [a23], lambda a: F.pad(a, (0, 2, 1, 1), value=0.0), {"paddings": [[1, 1], [0, 2]]})
case("pad_value", "pad", [a23], lambda a: F.pad(a, (0, 1, 0, 0), value=-3.0), {"paddings": [[0, 0], [0, 1]], "value": -3.0})
case("broadcastTo", "broadcastTo", [seq([3, 1])], lambda a: a.expand(2, 3, 4), {"shape": [2, 3, 4]})

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "ops.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/golden/ops.py", "torch": torch.__version__, "cases": cases, "tieCases": tie_cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
