#!/usr/bin/python3
"""Checks files written by layerwise the way Keras reads them, with h5py + NumPy (Debian's python3-h5py).

Usage: /usr/bin/python3 scripts/golden/h5_verify.py <samples_dir> <fixtures_dir> <out.json>
  samples_dir: written by `node build/test/saving/samples.js <samples_dir>` (seq.keras, seq.h5, seq.weights.h5,
               seq_tfjs/model.json, func.keras, func.h5, predictions.json).
  fixtures_dir: test/fixtures/keras-real (real tf.keras 2.9 and Keras 3.8 files: the reference for attribute types).
Writes a verdict: every check with its result, and a structural fingerprint of each file that
test/saving/h5_verify.test.ts recomputes, so the verdict is known to be about the current layout.
"""
import hashlib
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

checks = []


def check(file, name, ok, detail=""):
    checks.append({"file": file, "check": name, "ok": bool(ok), "detail": detail})


# ------------------------------------------------------------------ structure fingerprint (mirrors samples.ts)

def attr_line(prefix, obj, name):
    a = obj.attrs.get_id(name)
    t = a.get_type()
    shape = ",".join(str(d) for d in a.shape)
    if t.get_class() == h5py.h5t.STRING:
        vlen = "vlen" if t.is_variable_str() else "fixed"
        cset = "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        return f"{prefix or '/'}@{name}:str:{vlen}:{cset}:[{shape}]"
    return f"{prefix or '/'}@{name}:{np.dtype(a.dtype).name}:[{shape}]"


def describe(group, prefix, lines):
    for name in group.attrs:
        lines.append(attr_line(prefix, group, name))
    for name in group:
        obj = group.get(name)
        p = f"{prefix}/{name}"
        if isinstance(obj, h5py.Group):
            lines.append(f"{p}:group")
            describe(obj, p, lines)
        else:
            lines.append(f"{p}:{np.dtype(obj.dtype).name}:[{','.join(str(d) for d in obj.shape)}]")
            for an in obj.attrs:
                lines.append(f"{p}@{an}")


def h5_lines(h5file):
    lines = []
    describe(h5file, "", lines)
    return sorted(lines)


def fingerprint(path, rel):
    if rel.endswith(".keras"):
        z = zipfile.ZipFile(path)
        with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as h:
            lines = ["zip:" + ",".join(sorted(z.namelist()))] + h5_lines(h)
    elif rel.endswith(".json"):
        j = json.load(open(path))
        lines = ["keys:" + ",".join(sorted(j.keys()))]
        for g in j["weightsManifest"]:
            lines.append("paths:" + ",".join(g["paths"]))
            for w in g["weights"]:
                lines.append(f"{w.get('group', '')}:{w['name']}:{w['dtype']}:[{','.join(str(d) for d in w['shape'])}]")
    else:
        with h5py.File(path, "r") as h:
            lines = h5_lines(h)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# ------------------------------------------------------------------ attribute types of real Keras files

def attr_type(obj, name):
    t = obj.attrs.get_id(name).get_type()
    if t.get_class() == h5py.h5t.STRING:
        return ("str", t.is_variable_str(), t.get_cset())
    return ("num", np.dtype(obj.attrs.get_id(name).dtype).name)


def same_attr_type(file, what, obj, ref, name):
    a, b = attr_type(obj, name), attr_type(ref, name)
    check(file, f"{what}@{name} type as Keras writes it", a == b, f"{a} vs Keras {b}")


# ------------------------------------------------------------------ NumPy forward pass (Keras semantics, inference)

def selu(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(np.minimum(x, 0)) - 1))


def activation(name, x):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "selu":
        return selu(x)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"activation {name} not handled by the verifier")


def forward(layers, weights, x):
    """layers: [(class_name, config)] without InputLayers; weights: list of arrays per layer."""
    x = x.astype(np.float64)
    for (cls, cfg), w in zip(layers, weights):
        if cls == "Flatten":
            x = x.reshape(x.shape[0], -1)
        elif cls == "Dense":
            x = activation(cfg.get("activation"), x @ w[0] + (w[1] if cfg.get("use_bias", True) else 0))
        elif cls == "BatchNormalization":
            gamma, beta, mean, var = w
            x = gamma * (x - mean) / np.sqrt(var + cfg.get("epsilon", 1e-3)) + beta
        elif cls == "LeakyReLU":
            a = cfg.get("negative_slope", cfg.get("alpha", 0.3))
            x = np.where(x >= 0, x, a * x)
        elif cls == "PReLU":
            x = np.maximum(x, 0) - w[0] * np.maximum(-x, 0)
        elif cls == "Dropout":
            pass
        else:
            raise ValueError(f"layer {cls} not handled by the verifier")
    return x


def snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def keras3_keys(classes):
    seen, keys = {}, []
    for c in classes:
        base = snake(c)
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append(base if n == 0 else f"{base}_{n}")
    return keys


def compare_outputs(file, out, expected):
    diff = float(np.max(np.abs(out.reshape(-1) - np.array(expected))))
    check(file, "NumPy forward pass over the stored weights equals layerwise's predictions (1e-5)", diff <= 1e-5, f"max abs diff {diff:.3g}")


# ------------------------------------------------------------------ legacy .h5

def verify_legacy(path, rel, ref, x, expected):
    with h5py.File(path, "r") as f:
        check(rel, "root attributes", sorted(f.attrs.keys()) == ["backend", "keras_version", "model_config", "training_config"], str(sorted(f.attrs.keys())))
        for a in f.attrs:
            same_attr_type(rel, "/", f, ref, a)
        mc = json.loads(f.attrs["model_config"])
        text = f.attrs["model_config"]
        check(rel, "model_config is Keras 2 style (no module/registered_name, batch_input_shape)", '"module"' not in text and "registered_name" not in text and "batch_shape" not in text)
        tc = json.loads(f.attrs["training_config"])
        check(rel, "training_config has loss, metrics, optimizer_config", all(k in tc for k in ("loss", "metrics", "optimizer_config")))
        mw = f["model_weights"]
        check(rel, "model_weights attributes", sorted(mw.attrs.keys()) == ["backend", "keras_version", "layer_names"], str(sorted(mw.attrs.keys())))
        for a in mw.attrs:
            same_attr_type(rel, "/model_weights", mw, ref["model_weights"], a)
        entries = mc["config"]["layers"]
        is_seq = mc["class_name"] == "Sequential"
        names = [e["config"]["name"] for e in entries if not (is_seq and e["class_name"] == "InputLayer")]
        layer_names = [n.decode() if isinstance(n, bytes) else n for n in mw.attrs["layer_names"]]
        check(rel, "layer_names lists the model's layers in order", layer_names == names, f"{layer_names} vs {names}")
        check(rel, "top_level_model_weights group", "top_level_model_weights" in mw)
        weights = []
        for n in layer_names:
            g = mw[n]
            wn = [w.decode() if isinstance(w, bytes) else w for w in g.attrs["weight_names"]]
            if len(wn) > 0:
                same_attr_type(rel, f"/model_weights/{n}", g, ref["model_weights/dense"], "weight_names")
                check(rel, f"{n}: weight names '<layer>/<weight>:0'", all(w.startswith(n + "/") and w.endswith(":0") for w in wn), str(wn))
            else:
                same_attr_type(rel, f"/model_weights/{n}", g, ref["model_weights/flatten"], "weight_names")
            weights.append([np.array(g[w]) for w in wn])
        layers = [(e["class_name"], e["config"]) for e in entries if e["class_name"] != "InputLayer"]
        by_name = dict(zip(layer_names, weights))
        compare_outputs(rel, forward(layers, [by_name[c["name"]] for _, c in layers], x), expected)
        og = f["optimizer_weights"]
        onames = [w.decode() if isinstance(w, bytes) else w for w in og.attrs["weight_names"]]
        same_attr_type(rel, "/optimizer_weights", og, ref["optimizer_weights"], "weight_names")
        it = og[onames[0]]
        check(rel, "optimizer_weights: first is the int64 scalar iteration count", it.shape == () and it.dtype == np.int64 and onames[0].endswith("/iter:0"), f"{onames[0]} {it.dtype} {it.shape}")


# ------------------------------------------------------------------ Keras 3 weights layout

def verify_weights_h5(h, rel, ref_h, layers_cfg, is_seq, x, expected, with_optimizer):
    all_layers = [e for e in layers_cfg if not (is_seq and e["class_name"] == "InputLayer")]
    keys = keras3_keys([e["class_name"] for e in all_layers])
    check(rel, "top-level groups", sorted(h.keys()) == sorted(["layers", "vars"] + (["optimizer"] if with_optimizer else [])), str(sorted(h.keys())))
    check(rel, "layers/<snake_case class>[_n] keys in layer order", sorted(h["layers"].keys()) == sorted(keys), f"{sorted(h['layers'].keys())} vs {sorted(keys)}")
    weights = []
    for e, k in zip(all_layers, keys):
        vg = h[f"layers/{k}/vars"]
        same_attr_type(rel, f"/layers/{k}/vars", vg, ref_h["layers/dense/vars"], "name")
        check(rel, f"layers/{k}/vars@name is the layer name", vg.attrs["name"] == e["config"]["name"], f"{vg.attrs['name']}")
        n = len(vg.keys())
        check(rel, f"layers/{k}/vars numbered 0..{n - 1}", sorted(vg.keys(), key=int) == [str(i) for i in range(n)])
        weights.append([np.array(vg[str(i)]) for i in range(n)])
    same_attr_type(rel, "/vars", h["vars"], ref_h["vars"], "name")
    layers = [(e["class_name"], e["config"]) for e in all_layers]
    kept = [(l, w) for l, w in zip(layers, weights) if l[0] != "InputLayer"]
    compare_outputs(rel, forward([l for l, _ in kept], [w for _, w in kept], x), expected)
    if with_optimizer:
        ov = h["optimizer/vars"]
        it = ov["0"]
        check(rel, "optimizer/vars/0 is the int64 scalar iteration count, 1 the learning rate", it.shape == () and it.dtype == np.int64 and ov["1"].shape == () and ov["1"].dtype == np.float32)
        same_attr_type(rel, "/optimizer/vars", ov, ref_h["optimizer/vars"], "name")


def verify_keras(path, rel, ref_zip, x, expected):
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    check(rel, "zip entries metadata.json, config.json, model.weights.h5", sorted(i.filename for i in infos) == ["config.json", "metadata.json", "model.weights.h5"])
    check(rel, "entries stored uncompressed, as Keras writes them", all(i.compress_type == zipfile.ZIP_STORED for i in infos))
    meta = json.loads(z.read("metadata.json"))
    check(rel, "metadata.json keys", sorted(meta.keys()) == ["date_saved", "keras_version"], str(sorted(meta.keys())))
    cfg = json.loads(z.read("config.json"))
    ref_cfg = json.loads(ref_zip.read("config.json"))
    check(rel, "config.json top-level keys as Keras 3", sorted(cfg.keys()) == sorted(ref_cfg.keys()), f"{sorted(cfg.keys())} vs {sorted(ref_cfg.keys())}")
    entries = cfg["config"]["layers"]
    check(rel, "layer entries {module, class_name, config, registered_name}", all(all(k in e for k in ("module", "class_name", "config", "registered_name")) for e in entries))
    check(rel, "InputLayer writes batch_shape", all("batch_shape" in e["config"] for e in entries if e["class_name"] == "InputLayer"))
    with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as h, h5py.File(io.BytesIO(ref_zip.read("model.weights.h5")), "r") as ref_h:
        verify_weights_h5(h, rel, ref_h, entries, cfg["class_name"] == "Sequential", x, expected, True)


def verify_tfjs(path, rel, x, expected):
    j = json.load(open(path))
    check(rel, "model.json keys", {"format", "generatedBy", "convertedBy", "modelTopology", "weightsManifest"} <= set(j.keys()), str(sorted(j.keys())))
    check(rel, "format is layers-model", j["format"] == "layers-model")
    topo = j["modelTopology"]
    text = json.dumps(topo)
    check(rel, "topology is Keras 2 style", '"module"' not in text and "batch_shape" not in text and topo["class_name"] in ("Sequential", "Model"))
    d = os.path.dirname(path)
    buf = b"".join(open(os.path.join(d, p), "rb").read() for g in j["weightsManifest"] for p in g["paths"])
    check(rel, "every shard is at most 4 MiB", all(os.path.getsize(os.path.join(d, p)) <= 4 * 1024 * 1024 for g in j["weightsManifest"] for p in g["paths"]))
    specs = [w for g in j["weightsManifest"] for w in g["weights"]]
    need = sum(int(np.prod(w["shape"])) * 4 for w in specs)
    check(rel, "shard bytes equal the manifest's shapes", need == len(buf), f"{len(buf)} vs {need}")
    arrays, off = {}, 0
    for w in specs:
        n = int(np.prod(w["shape"]))
        dt = "<f4" if w["dtype"] == "float32" else "<i4"
        arrays[(w.get("group"), w["name"])] = np.frombuffer(buf, dtype=dt, count=n, offset=off).reshape(w["shape"])
        off += n * 4
    layers = [(e["class_name"], e["config"]) for e in topo["config"]["layers"] if e["class_name"] != "InputLayer"]
    per_layer = [[v for (g, k), v in arrays.items() if g is None and k.split("/")[0] == c["name"]] for _, c in layers]
    compare_outputs(rel, forward(layers, per_layer, x), expected)


def main():
    samples, fixtures, out = sys.argv[1], sys.argv[2], sys.argv[3]
    pred = json.load(open(os.path.join(samples, "predictions.json")))
    x = np.array(pred["input"]["data"], dtype=np.float32).reshape(pred["input"]["shape"])
    ref_h5 = h5py.File(os.path.join(fixtures, "TeguhPermana666__Train_DNN__my_model_A.h5"), "r")
    ref_zip = zipfile.ZipFile(os.path.join(fixtures, "haiderareeb__Learn-DNNs__my_model_A.keras"))
    verify_legacy(os.path.join(samples, "seq.h5"), "seq.h5", ref_h5, x, pred["seq"])
    verify_legacy(os.path.join(samples, "func.h5"), "func.h5", ref_h5, x, pred["func"])
    verify_keras(os.path.join(samples, "seq.keras"), "seq.keras", ref_zip, x, pred["seq"])
    verify_keras(os.path.join(samples, "func.keras"), "func.keras", ref_zip, x, pred["func"])
    seq_cfg = json.loads(zipfile.ZipFile(os.path.join(samples, "seq.keras")).read("config.json"))
    with h5py.File(os.path.join(samples, "seq.weights.h5"), "r") as h, h5py.File(io.BytesIO(ref_zip.read("model.weights.h5")), "r") as ref_h:
        verify_weights_h5(h, "seq.weights.h5", ref_h, seq_cfg["config"]["layers"], True, x, pred["seq"], False)
    verify_tfjs(os.path.join(samples, "seq_tfjs", "model.json"), "seq_tfjs/model.json", x, pred["seq"])
    files = ["seq.keras", "seq.h5", "seq.weights.h5", "seq_tfjs/model.json", "func.keras", "func.h5"]
    verdict = {
        "generator": "scripts/golden/h5_verify.py",
        "h5py": h5py.__version__,
        "hdf5": h5py.version.hdf5_version,
        "numpy": np.__version__,
        "all_ok": all(c["ok"] for c in checks),
        "fingerprints": {f: fingerprint(os.path.join(samples, f), f) for f in files},
        "checks": checks,
    }
    with open(out, "w") as fh:
        json.dump(verdict, fh, indent=1)
    failed = [c for c in checks if not c["ok"]]
    for c in failed:
        print("FAIL", c["file"], c["check"], c["detail"])
    print(f"{len(checks) - len(failed)}/{len(checks)} checks passed")
    sys.exit(0 if not failed else 1)


if __name__ == "__main__":
    main()
