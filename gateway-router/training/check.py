"""train.sh --check: is the committed model the one the script produces from the committed data?

Two parts, because floats are not bit-reproducible across CPUs (MODEL_CARD.md, "Reproducing"):
1. Exact, the graph: the committed ONNX graph, run in float64 on the probe prompts' features as this
   checkout computes them now (the retrain's probe file), gives the probabilities recorded in the committed
   probe file within 1e-5, and those features are the recorded ones within 1e-4. This proves the feature
   path (embedding and structural features) and the shipped graph are what the committed files say.
2. Tolerant, the training: the retrain's figures (candidates' APGR, thresholds, calibration curve) agree with
   the committed ones within compare.py's tolerances, which are wider than a CPU's kernels move them and
   far narrower than any real change to data, features or training moves them.
   python3 check.py BUILD_DIR
"""
import json
import os
import sys

import numpy as np

import compare

# onnx (graph_check) and train (main: torch, sklearn) are imported where used, so that compare's and the
# graph check's unit tests run with numpy and onnx alone.

OUTPUT_TOLERANCE = 1e-5
FEATURE_TOLERANCE = 1e-4


def graph_params(path):
    import onnx
    from onnx import numpy_helper
    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    layers = []
    i = 0
    while f"W{i}" in inits:
        layers.append((inits[f"W{i}"], inits[f"b{i}"]))
        i += 1
    return inits["mean"], inits["scale"], layers


def outputs(path, x):
    import onnx_export
    mean, scale, layers = graph_params(path)
    return onnx_export.reference(x, mean.astype(np.float64), scale.astype(np.float64), layers)


def read_probe(path):
    with open(path) as f:
        rows = json.load(f)["rows"]
    return (np.array([r["features"] for r in rows], dtype=np.float64),
            np.array([r["expected"] for r in rows], dtype=np.float64))


def graph_check(committed_onnx, committed_probe, fresh_probe):
    """Rows of compare.Row: the fresh features against the recorded ones, the graph's outputs on them."""
    recorded_x, recorded_p = read_probe(committed_probe)
    fresh_x, _ = read_probe(fresh_probe)
    if fresh_x.shape != recorded_x.shape:
        return [compare.Row("probe rows (features)", recorded_x.shape, fresh_x.shape, 0, False)]
    feature_diff = float(np.max(np.abs(fresh_x - recorded_x)))
    output_diff = float(np.max(np.abs(outputs(committed_onnx, fresh_x) - recorded_p)))
    return [compare.Row(f"probe features, largest difference ({len(fresh_x)} rows)", 0.0, feature_diff,
                        FEATURE_TOLERANCE, feature_diff <= FEATURE_TOLERANCE),
            compare.Row("committed graph on fresh features vs recorded probabilities, largest difference", 0.0,
                        output_diff, OUTPUT_TOLERANCE, output_diff <= OUTPUT_TOLERANCE)]


def main():
    import train
    new_dir = sys.argv[1]
    name = train.NAME
    rows = graph_check(os.path.join(train.MODEL_DIR, name + ".onnx"),
                       os.path.join(train.PROBE_DIR, name + "-probe.json"),
                       os.path.join(new_dir, name + "-probe.json"))
    with open(train.CARD) as f:
        card = f.read()
    with open(os.path.join(train.MODEL_DIR, name + ".json")) as f:
        committed_spec = json.load(f)
    with open(os.path.join(new_dir, name + ".json")) as f:
        retrained_spec = json.load(f)
    with open(os.path.join(new_dir, "figures.json")) as f:
        figures = json.load(f)
    rows += compare.compare(card, committed_spec, retrained_spec, figures)
    failed = compare.report(rows)
    if failed:
        sys.exit(f"FAIL: {len(failed)} of {len(rows)} checks (above)")
    print(f"OK: the committed graph computes the recorded probabilities from this checkout's features, and the "
          f"retrain's {len(rows) - 2} figures agree with the committed ones within their tolerances")


if __name__ == "__main__":
    main()
