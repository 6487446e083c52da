# Shared JSON encoding for the golden generators: arrays as {shape, data}, non-finite values as strings.
import math

import numpy as np


def enc(x):
    """Flat list of floats (bools as 0/1; NaN and infinities as "nan", "inf", "-inf")."""
    if hasattr(x, "detach"):
        x = x.detach().reshape(-1).tolist()
    else:
        x = np.asarray(x, dtype=np.float64).reshape(-1).tolist()
    out = []
    for v in x:
        if isinstance(v, bool):
            out.append(1.0 if v else 0.0)
        elif math.isnan(v):
            out.append("nan")
        elif math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(v)
    return out


def arr(x):
    """{shape, data} of a torch tensor or array-like."""
    shape = list(x.shape) if hasattr(x, "shape") else list(np.asarray(x).shape)
    return {"shape": shape, "data": enc(x)}
