"""The comparison table of MODEL_CARD.md "Design (b)" and docs/semantic-cache.md: cosine + guards, design (a) (the
shipped verifier, its committed ONNX run here in numpy) and every design (b) run in build/cross-encoder/*.json,
on the validation split. Design (a) appears twice: at its shipped operating point (curve: calibration split plus
cross-fitted training pairs) and at the one read from the calibration split's chat pairs alone, the curve the
cross-encoders' points come from. Also: ROC AUC over the validation chat-style candidates (threshold-free) and
the validation precision / recall curves.

  compare_designs.py            (after train.sh's steps 1-3 and cross_encoder.sh)
"""
import glob
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as A  # noqa: E402

RESOURCES = os.path.join(HERE, "..", "src", "main", "resources", "dev", "tiergate", "cache", "semantic", "verify")


def shipped_probabilities(x):
    w = {t.name: numpy_helper.to_array(t) for t in onnx.load(os.path.join(RESOURCES, "verifier.onnx")).graph.initializer}
    h = np.maximum(x @ w["W0"] + w["B0"], 0)
    return (1 / (1 + np.exp(-(h @ w["W1"] + w["B1"]))))[:, 0]


def line(name, setting, v):
    f = v["chat_fresh"]
    return "| %s | %s | %s | %s | %s | %s | %.1f%% | %.1f%% | %s | %s | %s | %s |" % (
        name, setting, A.fmt(v["chat"]["precision"]), A.fmt(v["chat"]["recall"]), A.fmt(f["precision"]),
        A.fmt(f["recall"]), 100 * v["near_miss_false_hit_rate"], 100 * v["chat_near_miss_false_hit_rate"],
        A.fmt(v["qqp"]["precision"]), A.fmt(v["qqp"]["recall"]), A.fmt(v["stsb"]["precision"]),
        A.fmt(v["stsb"]["recall"]))


def main():
    calib, val = A.load("calib"), A.load("val")
    for d in (calib, val):
        d["population"] = np.array([k.startswith("chat") for k in d["kind"]])
        d["cand"] = (d["cos"] >= A.FLOOR) & d["lsh"]
        d["p"] = shipped_probabilities(d["x"])
    print("| design | setting | chat P | chat R | fresh P | fresh R | near misses served | chat near misses served"
          " | QQP P | QQP R | STS-B P | STS-B R |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for t in (0.85, 0.88):
        print(line("cosine + guards", "t = %.2f" % t, A.report((val["cos"] >= t) & val["guards"] & val["lsh"], val)))
    spec = json.load(open(os.path.join(RESOURCES, "verifier.json")))
    shipped_t = next(r["threshold"] for r in spec["calibration"] if r["precision"] >= 0.97)
    print(line("(a) alignment features + MLP (shipped)", "target 0.97, shipped curve (p ≥ %.2f)" % shipped_t,
               A.report(val["cand"] & (val["p"] >= shipped_t), val)))
    own_t = A.operating_point(A.curve(calib["p"], calib, calib["cand"]), 0.97)
    print(line("(a) alignment features + MLP (shipped)", "target 0.97, calibration-split curve (p ≥ %.2f)" % own_t,
               A.report(val["cand"] & (val["p"] >= own_t), val)))
    curves = {"(a)": A.curve(val["p"], val, val["cand"])}
    for path in sorted(glob.glob(os.path.join(A.BUILD, "cross-encoder", "*.json"))):
        r = json.load(open(path))
        name = os.path.basename(path)[:-len(".json")]
        point = r["targets"]["0.97"]
        seen, seconds, jobs = r["pairs_seen"], r["train_seconds"], 1
        if r.get("init"):  # a continuation: count the run it continued too
            first = json.load(open(r["init"][:-len(".pt")] + ".json"))
            seen, seconds, jobs = seen + first["pairs_seen"], seconds + first["train_seconds"], 2
        print(line("(b%s) %s (%d pairs seen of %d, %d min in %d job%s)" % (
                       "" if r["design"] == "full" else "'", name, seen, r["training_pairs"], round(seconds / 60), jobs, "s" if jobs > 1 else ""),
                   "target 0.97, calibration-split curve (p ≥ %.2f)" % point["threshold"], point["val"]))
        curves[name] = r["validation_curve"]
    print("\nvalidation chat-style precision / recall by threshold (candidates above the floor sharing a bucket)")
    names = list(curves)
    print("| p ≥ | " + " | ".join("%s P | %s R" % (n, n) for n in names) + " |")
    print("|---|" + "---|---|" * len(names))
    for t in (0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        cells = []
        for n in names:
            row = next(x for x in curves[n] if abs(x["threshold"] - t) < 1e-9)
            cells.append("%.3f | %.3f" % (row["precision"], row["recall"]) if row["hits"] else "– | 0")
        print("| %.2f | %s |" % (t, " | ".join(cells)))


if __name__ == "__main__":
    main()
