"""Writes the graphs bench/onnx-layernorm/run.sh times: ten LayerNormalization nodes in a chain on
[1, 24, 384] (the embedding model's states for a 24-token prompt), the same with the contrib
SkipLayerNormalization (a zero residual), and ten Relu nodes (what a node costs with nothing to do).
Usage: /usr/bin/python3 graphs.py OUT_DIR"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(0)
scale = numpy_helper.from_array(rng.random(384).astype(np.float32), "scale")
bias = numpy_helper.from_array(rng.random(384).astype(np.float32), "bias")
zero = numpy_helper.from_array(np.zeros((1, 24, 384), np.float32), "zero")


def chain(name, make_node, initializers, microsoft=False):
    nodes, previous = [], "x"
    for i in range(10):
        output = "y" if i == 9 else f"t{i}"
        nodes.append(make_node(previous, output))
        previous = output
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 24, 384])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 24, 384])], initializers)
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid("com.microsoft", 1)] if microsoft else [])
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    onnx.save(model, f"{out}/{name}.onnx")


chain("layernorm10", lambda i, o: helper.make_node("LayerNormalization", [i, "scale", "bias"], [o], axis=-1,
                                                   epsilon=1e-12), [scale, bias])
chain("skiplayernorm10", lambda i, o: helper.make_node("SkipLayerNormalization", [i, "zero", "scale", "bias"], [o],
                                                       domain="com.microsoft", epsilon=1e-12), [scale, bias, zero],
      microsoft=True)
chain("relu10", lambda i, o: helper.make_node("Relu", [i], [o]), [])
