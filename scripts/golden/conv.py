# Golden values for the convolution, pooling and upsampling layers: PyTorch float64 -> test/golden/conv.json.
#
# Each case gives a layer's Keras config, its input and weights (Keras layouts: conv kernels [kh, kw, in/groups, out],
# transposed [kh, kw, out, in], depthwise [kh, kw, in, multiplier]), the output, and the gradients of sum(w * out)
# with respect to the input and every weight. TensorFlow's 'same' padding (the odd pixel at the bottom/right) is
# emulated with an explicit F.pad; average pooling leaves padded positions out of the count, as TensorFlow does.
# Run: /usr/bin/python3 scripts/golden/conv.py
import json
import math
import os

import torch
import torch.nn.functional as F

from golden_json import arr

torch.set_default_dtype(torch.float64)


def seq(shape, k=0):
    """Deterministic, non-repeating values in about [-1.2, 1.2] (no ties inside small pooling windows)."""
    n = math.prod(shape)
    vals = [math.sin(0.7 * i + 0.31 * k + 0.2) * 1.1 + 0.0007 * i for i in range(n)]
    return torch.tensor(vals).reshape(shape)


def weights(shape):
    n = math.prod(shape)
    return torch.tensor([0.5 + ((3 * i + 1) % 7) / 7.0 for i in range(n)]).reshape(shape)


def same_pads(length, k, s, d):
    kd = (k - 1) * d + 1
    out = -(-length // s)
    total = max((out - 1) * s + kd - length, 0)
    return total // 2, total - total // 2


def pads2d(h, w, k, s, d, padding):
    if padding == "valid":
        return (0, 0, 0, 0)
    top, bottom = same_pads(h, k[0], s[0], d[0])
    left, right = same_pads(w, k[1], s[1], d[1])
    return (left, right, top, bottom)


def to_nchw(x, data_format):
    return x if data_format == "channels_first" else x.permute(0, 3, 1, 2)


def from_nchw(y, data_format):
    return y if data_format == "channels_first" else y.permute(0, 2, 3, 1)


def conv2d_fn(cfg):
    k, s, d, g, fmt = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"], cfg.get("groups", 1), cfg["data_format"]

    def f(x, kernel, bias=None):
        xc = to_nchw(x, fmt)
        xc = F.pad(xc, pads2d(xc.shape[2], xc.shape[3], k, s, d, cfg["padding"]))
        y = F.conv2d(xc, kernel.permute(3, 2, 0, 1), bias, stride=s, dilation=d, groups=g)
        return from_nchw(act(y, cfg), fmt)

    return f


def conv1d_fn(cfg):
    k, s, d = cfg["kernel_size"][0], cfg["strides"][0], cfg["dilation_rate"][0]

    def f(x, kernel, bias=None):
        xc = x.permute(0, 2, 1)
        if cfg["padding"] == "same":
            xc = F.pad(xc, same_pads(xc.shape[2], k, s, d))
        elif cfg["padding"] == "causal":
            xc = F.pad(xc, ((k - 1) * d, 0))
        y = F.conv1d(xc, kernel.permute(2, 1, 0), bias, stride=s, dilation=d, groups=cfg.get("groups", 1))
        return act(y, cfg).permute(0, 2, 1)

    return f


def deconv_length(n, k, s, d, padding, output_padding):
    kd = (k - 1) * d + 1
    if output_padding is None:
        return n * s + max(kd - s, 0) if padding == "valid" else n * s
    pad = kd // 2 if padding == "same" else 0
    return (n - 1) * s + kd - 2 * pad + output_padding


def conv2d_transpose_fn(cfg):
    k, s, d = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"]
    op = cfg.get("output_padding")

    def f(x, kernel, bias=None):
        xc = x.permute(0, 3, 1, 2)
        full = F.conv_transpose2d(xc, kernel.permute(3, 2, 0, 1), None, stride=s, dilation=d)
        out = []
        for axis in range(2):
            n = xc.shape[2 + axis]
            length = deconv_length(n, k[axis], s[axis], d[axis], cfg["padding"], None if op is None else op[axis])
            kd = (k[axis] - 1) * d[axis] + 1
            before = max((n - 1) * s[axis] + kd - length, 0) // 2 if cfg["padding"] == "same" else 0
            out.append((before, length))
        # crop (and zero-extend when the output is longer than the full transposed convolution)
        (t, oh), (l, ow) = out
        extra_h = max(t + oh - full.shape[2], 0)
        extra_w = max(l + ow - full.shape[3], 0)
        full = F.pad(full, (0, extra_w, 0, extra_h))
        y = full[:, :, t:t + oh, l:l + ow]
        if bias is not None:
            y = y + bias.reshape(1, -1, 1, 1)
        return act(y, cfg).permute(0, 2, 3, 1)

    return f


def depthwise_fn(cfg):
    k, s, d, m = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"], cfg["depth_multiplier"]

    def f(x, kernel, bias=None):
        xc = x.permute(0, 3, 1, 2)
        c = xc.shape[1]
        xc = F.pad(xc, pads2d(xc.shape[2], xc.shape[3], k, s, d, cfg["padding"]))
        w = kernel.reshape(k[0], k[1], 1, c * m).permute(3, 2, 0, 1)
        y = F.conv2d(xc, w, bias, stride=s, dilation=d, groups=c)
        return act(y, cfg).permute(0, 2, 3, 1)

    return f


def separable_fn(cfg):
    k, s, d, m = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"], cfg["depth_multiplier"]

    def f(x, depthwise, pointwise, bias=None):
        xc = x.permute(0, 3, 1, 2)
        c = xc.shape[1]
        xc = F.pad(xc, pads2d(xc.shape[2], xc.shape[3], k, s, d, cfg["padding"]))
        y = F.conv2d(xc, depthwise.reshape(k[0], k[1], 1, c * m).permute(3, 2, 0, 1), None, stride=s, dilation=d, groups=c)
        y = F.conv2d(y, pointwise.permute(3, 2, 0, 1), bias)
        return act(y, cfg).permute(0, 2, 3, 1)

    return f


def pool2d_fn(cfg, kind, rank=2):
    p, s, fmt = cfg["pool_size"], cfg["strides"], cfg.get("data_format", "channels_last")

    def f(x):
        if rank == 1:
            xc = x.permute(0, 2, 1).unsqueeze(2)
            pp, ss = [1, p[0]], [1, s[0]]
        else:
            xc = to_nchw(x, fmt)
            pp, ss = p, s
        pads = pads2d(xc.shape[2], xc.shape[3], pp, ss, [1, 1], cfg["padding"])
        if kind == "max":
            y = F.max_pool2d(F.pad(xc, pads, value=-math.inf), pp, ss)
        else:
            total = F.avg_pool2d(F.pad(xc, pads), pp, ss) * (pp[0] * pp[1])
            count = F.avg_pool2d(F.pad(torch.ones_like(xc), pads), pp, ss) * (pp[0] * pp[1])
            y = total / count
        if rank == 1:
            return y.squeeze(2).permute(0, 2, 1)
        return from_nchw(y, fmt)

    return f


def upsample_fn(cfg):
    def f(x):
        xc = x.permute(0, 3, 1, 2)
        if cfg["interpolation"] == "nearest":
            y = xc.repeat_interleave(cfg["size"][0], dim=2).repeat_interleave(cfg["size"][1], dim=3)
        else:
            y = F.interpolate(xc, scale_factor=tuple(cfg["size"]), mode="bilinear", align_corners=False)
        return y.permute(0, 2, 3, 1)

    return f


def act(y, cfg):
    a = cfg.get("activation", "linear")
    return {"linear": lambda t: t, "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "selu": F.selu}[a](y)


cases = []


def case(name, layer, cfg, x_shape, weight_shapes, fn):
    x = seq(x_shape, 0).requires_grad_(True)
    ws = [(seq(s, i + 1) * 0.5).requires_grad_(True) for i, s in enumerate(weight_shapes)]
    y = fn(x, *ws)
    w = weights(y.shape)
    grads = torch.autograd.grad((y * w).sum(), [x, *ws])
    cases.append({
        "name": name, "layer": layer, "config": cfg, "input": arr(x), "weights": [arr(t) for t in ws],
        "output": arr(y), "objective_weights": arr(w), "grad_input": arr(grads[0]), "grad_weights": [arr(g) for g in grads[1:]],
    })


def conv_cfg(filters, k, s=(1, 1), padding="valid", d=(1, 1), groups=1, fmt="channels_last", activation="linear", use_bias=True):
    return {"filters": filters, "kernel_size": list(k), "strides": list(s), "padding": padding, "dilation_rate": list(d),
            "groups": groups, "data_format": fmt, "activation": activation, "use_bias": use_bias}


def conv2d_case(name, x_shape, cfg):
    cin = x_shape[3] if cfg["data_format"] == "channels_last" else x_shape[1]
    shapes = [cfg["kernel_size"] + [cin // cfg["groups"], cfg["filters"]]] + ([[cfg["filters"]]] if cfg["use_bias"] else [])
    case(name, "Conv2D", cfg, x_shape, shapes, conv2d_fn(cfg))


conv2d_case("conv2d valid 3x3", [2, 5, 6, 3], conv_cfg(4, (3, 3)))
conv2d_case("conv2d same 3x3 relu", [2, 5, 6, 3], conv_cfg(4, (3, 3), padding="same", activation="relu"))
conv2d_case("conv2d same stride 2, even kernel (asymmetric pad)", [2, 7, 8, 2], conv_cfg(3, (4, 2), s=(2, 2), padding="same"))
conv2d_case("conv2d same stride 2x3 odd sizes", [1, 9, 7, 2], conv_cfg(2, (3, 3), s=(2, 3), padding="same", activation="tanh"))
conv2d_case("conv2d valid stride 2", [2, 7, 7, 2], conv_cfg(3, (3, 3), s=(2, 2)))
conv2d_case("conv2d same dilation 2", [1, 7, 6, 2], conv_cfg(3, (3, 3), padding="same", d=(2, 2)))
conv2d_case("conv2d valid dilation 2x1", [1, 8, 5, 2], conv_cfg(2, (2, 3), d=(2, 1)))
conv2d_case("conv2d groups 2", [2, 5, 5, 4], conv_cfg(6, (3, 3), padding="same", groups=2, activation="relu"))
conv2d_case("conv2d 1x1", [2, 3, 4, 5], conv_cfg(3, (1, 1)))
conv2d_case("conv2d 1-channel in and out, no bias", [2, 6, 5, 1], conv_cfg(1, (3, 2), padding="same", use_bias=False))
conv2d_case("conv2d channels_first", [2, 3, 5, 6], conv_cfg(4, (3, 3), padding="same", fmt="channels_first", activation="sigmoid"))

for name, x_shape, cfg in [
    ("conv1d valid", [2, 10, 3], {"filters": 4, "kernel_size": [3], "strides": [1], "padding": "valid", "dilation_rate": [1]}),
    ("conv1d same stride 2", [2, 9, 2], {"filters": 3, "kernel_size": [4], "strides": [2], "padding": "same", "dilation_rate": [1]}),
    ("conv1d causal dilation 2", [1, 8, 2], {"filters": 2, "kernel_size": [3], "strides": [1], "padding": "causal", "dilation_rate": [2]}),
]:
    cfg = {**cfg, "groups": 1, "data_format": "channels_last", "activation": "relu", "use_bias": True}
    case(name, "Conv1D", cfg, x_shape, [cfg["kernel_size"] + [x_shape[2], cfg["filters"]], [cfg["filters"]]], conv1d_fn(cfg))

for name, x_shape, cfg in [
    ("conv2d_transpose same 5x5 stride 2 (DCGAN)", [2, 4, 4, 3], {"filters": 2, "kernel_size": [5, 5], "strides": [2, 2], "padding": "same"}),
    ("conv2d_transpose valid 3x3 stride 2", [1, 3, 4, 2], {"filters": 3, "kernel_size": [3, 3], "strides": [2, 2], "padding": "valid"}),
    ("conv2d_transpose valid kernel < stride", [1, 3, 3, 2], {"filters": 2, "kernel_size": [1, 2], "strides": [3, 3], "padding": "valid"}),
    ("conv2d_transpose same 4x4 stride 2 even", [1, 3, 3, 2], {"filters": 2, "kernel_size": [4, 4], "strides": [2, 2], "padding": "same"}),
    ("conv2d_transpose same stride 1 dilation 2", [1, 4, 5, 2], {"filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "dilation_rate": [2, 2]}),
    ("conv2d_transpose output_padding", [1, 3, 3, 2], {"filters": 2, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same", "output_padding": [1, 0]}),
]:
    cfg = {"dilation_rate": [1, 1], "output_padding": None, **cfg, "data_format": "channels_last", "activation": "tanh", "use_bias": True}
    case(name, "Conv2DTranspose", cfg, x_shape, [cfg["kernel_size"] + [cfg["filters"], x_shape[3]], [cfg["filters"]]], conv2d_transpose_fn(cfg))

for name, x_shape, cfg in [
    ("depthwise same stride 2 multiplier 2", [2, 7, 6, 3], {"kernel_size": [3, 3], "strides": [2, 2], "padding": "same", "depth_multiplier": 2}),
    ("depthwise valid dilation 2", [1, 7, 7, 2], {"kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "dilation_rate": [2, 2], "depth_multiplier": 1}),
]:
    cfg = {"dilation_rate": [1, 1], **cfg, "data_format": "channels_last", "activation": "relu", "use_bias": True}
    c, m = x_shape[3], cfg["depth_multiplier"]
    case(name, "DepthwiseConv2D", cfg, x_shape, [cfg["kernel_size"] + [c, m], [c * m]], depthwise_fn(cfg))

cfg = {"filters": 4, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same", "dilation_rate": [1, 1], "depth_multiplier": 2,
       "data_format": "channels_last", "activation": "relu", "use_bias": True}
case("separable same stride 2", "SeparableConv2D", cfg, [2, 6, 5, 3], [[3, 3, 3, 2], [1, 1, 6, 4], [4]], separable_fn(cfg))

for layer, kind in [("MaxPooling2D", "max"), ("AveragePooling2D", "avg")]:
    for name, x_shape, cfg in [
        ("2x2 valid", [2, 6, 5, 3], {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}),
        ("3x3 stride 2 same (asymmetric)", [1, 8, 7, 2], {"pool_size": [3, 3], "strides": [2, 2], "padding": "same"}),
        ("2x2 stride 2 same odd sizes", [2, 5, 7, 1], {"pool_size": [2, 2], "strides": [2, 2], "padding": "same"}),
        ("3x2 stride 1 valid channels_first", [1, 2, 5, 6], {"pool_size": [3, 2], "strides": [1, 1], "padding": "valid", "data_format": "channels_first"}),
    ]:
        cfg = {"data_format": "channels_last", **cfg}
        case(f"{layer} {name}", layer, cfg, x_shape, [], pool2d_fn(cfg, kind))
for layer, kind in [("MaxPooling1D", "max"), ("AveragePooling1D", "avg")]:
    for name, x_shape, cfg in [
        ("2 valid", [2, 9, 3], {"pool_size": [2], "strides": [2], "padding": "valid"}),
        ("3 stride 2 same", [1, 8, 2], {"pool_size": [3], "strides": [2], "padding": "same"}),
    ]:
        cfg = {"data_format": "channels_last", **cfg}
        case(f"{layer} {name}", layer, cfg, x_shape, [], pool2d_fn(cfg, kind, rank=1))

for name, x_shape, cfg in [
    ("nearest 2x3", [2, 3, 4, 2], {"size": [2, 3], "interpolation": "nearest"}),
    ("bilinear 2x2", [1, 4, 3, 2], {"size": [2, 2], "interpolation": "bilinear"}),
    ("bilinear 3x2", [2, 3, 4, 1], {"size": [3, 2], "interpolation": "bilinear"}),
]:
    cfg = {**cfg, "data_format": "channels_last"}
    case(f"UpSampling2D {name}", "UpSampling2D", cfg, x_shape, [], upsample_fn(cfg))

for name, layer, x_shape, cfg, fn in [
    ("GlobalAveragePooling2D", "GlobalAveragePooling2D", [2, 3, 4, 3], {"data_format": "channels_last", "keepdims": False}, lambda x: x.mean(dim=(1, 2))),
    ("GlobalMaxPooling2D keepdims", "GlobalMaxPooling2D", [2, 3, 4, 3], {"data_format": "channels_last", "keepdims": True}, lambda x: x.amax(dim=(1, 2), keepdim=True)),
    ("GlobalAveragePooling2D channels_first", "GlobalAveragePooling2D", [2, 3, 4, 3], {"data_format": "channels_first", "keepdims": False}, lambda x: x.mean(dim=(2, 3))),
    ("GlobalAveragePooling1D", "GlobalAveragePooling1D", [2, 5, 3], {"data_format": "channels_last", "keepdims": False}, lambda x: x.mean(dim=1)),
    ("GlobalMaxPooling1D", "GlobalMaxPooling1D", [2, 5, 3], {"data_format": "channels_last", "keepdims": False}, lambda x: x.amax(dim=1)),
    ("ZeroPadding2D [[1, 2], [0, 3]]", "ZeroPadding2D", [2, 3, 2, 2], {"padding": [[1, 2], [0, 3]], "data_format": "channels_last"},
     lambda x: F.pad(x, (0, 0, 0, 3, 1, 2))),
    ("ZeroPadding2D channels_first", "ZeroPadding2D", [1, 2, 3, 2], {"padding": [[1, 1], [2, 2]], "data_format": "channels_first"},
     lambda x: F.pad(x, (2, 2, 1, 1))),
    ("Cropping2D [[1, 0], [2, 1]]", "Cropping2D", [2, 5, 6, 2], {"cropping": [[1, 0], [2, 1]], "data_format": "channels_last"}, lambda x: x[:, 1:5, 2:5, :]),
    ("Rescaling 1/255 offset -1", "Rescaling", [2, 3], {"scale": 1 / 127.5, "offset": -1.0}, lambda x: x * (1 / 127.5) - 1.0),
    # Keras' Flatten moves channels_first features to channels-last order (transpose (0, 2, ..., 1)) before flattening.
    ("Flatten channels_last", "Flatten", [2, 3, 2, 4], {"data_format": "channels_last"}, lambda x: x.reshape(2, -1)),
    ("Flatten channels_first", "Flatten", [2, 3, 2, 4], {"data_format": "channels_first"}, lambda x: x.permute(0, 2, 3, 1).reshape(2, -1)),
    ("Flatten channels_first rank 3", "Flatten", [2, 3, 5], {"data_format": "channels_first"}, lambda x: x.permute(0, 2, 1).reshape(2, -1)),
    ("Flatten channels_first rank 2", "Flatten", [2, 3], {"data_format": "channels_first"}, lambda x: x.reshape(2, -1)),
]:
    case(name, layer, cfg, x_shape, [], fn)

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "conv.json")
with open(out, "w") as fh:
    json.dump({"generated_by": "scripts/golden/conv.py", "torch": torch.__version__, "cases": cases}, fh)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
