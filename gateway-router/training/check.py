"""train.sh --check: is the committed model the one the script produces from the committed data?

Compares the retrained model in DIR with the committed one: the metadata must be equal; the
.onnx bytes equal, or else (floats not bit-reproducible across machines) both graphs' outputs on
the probe rows and on every feature row within 1e-6.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import train

TOLERANCE = 1e-6


def graph_params(path):
    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    layers = []
    i = 0
    while f"W{i}" in inits:
        layers.append((inits[f"W{i}"], inits[f"b{i}"]))
        i += 1
    return inits["mean"], inits["scale"], layers


def outputs(path, x):
    mean, scale, layers = graph_params(path)
    return train.onnx_export.reference(x, mean.astype(np.float64), scale.astype(np.float64), layers)


def main():
    new_dir = sys.argv[1]
    name = train.NAME
    committed_onnx = os.path.join(train.MODEL_DIR, name + ".onnx")
    new_onnx = os.path.join(new_dir, name + ".onnx")
    with open(os.path.join(train.MODEL_DIR, name + ".json")) as f:
        committed_spec = json.load(f)
    with open(os.path.join(new_dir, name + ".json")) as f:
        new_spec = json.load(f)
    if committed_spec != new_spec:
        sys.exit(f"FAIL: metadata differs\ncommitted: {committed_spec}\nretrained: {new_spec}")
    with open(committed_onnx, "rb") as a, open(new_onnx, "rb") as b:
        if a.read() == b.read():
            print(f"OK: {name}.onnx is byte-identical to the retrained model")
            return
    with open(os.path.join(train.PROBE_DIR, name + "-probe.json")) as f:
        probe = np.array([r["features"] for r in json.load(f)["rows"]], dtype=np.float32)
    _, x, _ = train.load()
    rows = np.concatenate([probe, x])
    diff = float(np.max(np.abs(outputs(committed_onnx, rows) - outputs(new_onnx, rows))))
    if diff > TOLERANCE:
        sys.exit(f"FAIL: committed and retrained models differ by {diff:.3g} (tolerance {TOLERANCE})")
    print(f"OK: bytes differ, outputs agree within {diff:.3g} on {len(rows)} rows")


if __name__ == "__main__":
    main()
