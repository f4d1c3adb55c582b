"""Writes a trained classifier head as an ONNX graph with onnx.helper (no skl2onnx here).

Graph: features [N, D] -> (x - mean) / scale -> Gemm [-> Relu -> Gemm]* -> Softmax -> probabilities [N, K].
The standardisation stays explicit (Sub, Div) so the runtime computes what sklearn computes.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
INPUT = "features"
OUTPUT = "probabilities"


def write(path, mean, scale, layers, doc):
    """layers: [(W [in, out], b [out]), ...]; ReLU between layers, softmax after the last."""
    mean = np.asarray(mean, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    width = mean.shape[0]
    classes = np.asarray(layers[-1][1]).shape[0]
    inits = [numpy_helper.from_array(mean, "mean"), numpy_helper.from_array(scale, "scale")]
    nodes = [helper.make_node("Sub", [INPUT, "mean"], ["centred"], name="centre"),
             helper.make_node("Div", ["centred", "scale"], ["standardised"], name="standardise")]
    current = "standardised"
    for i, (w, b) in enumerate(layers):
        inits.append(numpy_helper.from_array(np.asarray(w, dtype=np.float32), f"W{i}"))
        inits.append(numpy_helper.from_array(np.asarray(b, dtype=np.float32), f"b{i}"))
        out = f"logits{i}"
        nodes.append(helper.make_node("Gemm", [current, f"W{i}", f"b{i}"], [out], name=f"dense{i}"))
        current = out
        if i < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [current], [f"hidden{i}"], name=f"relu{i}"))
            current = f"hidden{i}"
    nodes.append(helper.make_node("Softmax", [current], [OUTPUT], axis=1, name="softmax"))
    graph = helper.make_graph(
        nodes, "tiergate_complexity",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", width])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", classes])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tiergate-train", producer_version="1", doc_string=doc)
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def reference(x, mean, scale, layers):
    """The graph's computation in numpy (float64), for checks."""
    h = (np.asarray(x, dtype=np.float64) - mean) / scale
    for i, (w, b) in enumerate(layers):
        h = h @ np.asarray(w, dtype=np.float64) + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0)
    h = h - h.max(axis=1, keepdims=True)
    e = np.exp(h)
    return e / e.sum(axis=1, keepdims=True)
