"""Trains the semantic cache's pair verifier from build/features-<split>.{f32,tsv} (features.sh).

Designs compared (model choice on the calibration split only; the validation split is only reported):
  cosine+guards   the previous cache: cosine >= t and the default lexical guards
  verifier-lr     alignment + lexical features -> logistic regression
  verifier-mlp    the same features -> a small MLP (one hidden layer of 32 ReLU units, L2 1e-2; -a0.001: 1e-3)
  (each also trained with QQP (+qqp; by default QQP's noisy labels are left out of training) and scored with the
  default lexical guards in front (+guards))
The chosen model is written as ONNX (onnx.helper, opset 17, IR 8: Gemm / Relu / Sigmoid, the feature
standardisation folded into the first Gemm) with verifier.json beside it: feature names, the candidate
floor, and the calibration curve (precision and recall by probability threshold on the calibration split)
from which the runtime picks the operating point for a team's precision target.

  train.py [--out DIR]   (default: ../src/main/resources/dev/tiergate/cache/semantic/verify)
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
RESOURCES = os.path.join(HERE, "..", "src", "main", "resources", "dev", "tiergate", "cache", "semantic", "verify")
SEED = 20251202
TRAIN_FLOOR = 0.5       # pairs below this cosine are never candidates worth learning from
FLOOR = 0.70            # the runtime's default candidate floor (cache.semantic.threshold with the verifier)
TARGETS = (0.90, 0.95, 0.97, 0.99)
VERSION = "pair-verifier-2025-12-a"

with open(os.path.join(HERE, "feature_names.json")) as f:
    NAMES = json.load(f)


# Feature columns that trade places when query and candidate do (every other feature is symmetric).
SWAPS = [("bert_p", "bert_r"), ("content_p", "content_r"), ("worst_query_content", "worst_candidate_content"),
         ("low_query_share", "low_candidate_share"), ("query_only_words", "candidate_only_words"),
         ("query_swaps", "candidate_swaps"), ("worst_query_swap", "worst_candidate_swap"),
         ("log_query_tokens", "log_candidate_tokens")]


def swapped(x):
    """The features of (candidate, query) from those of (query, candidate)."""
    order = list(range(len(NAMES)))
    for a, b in SWAPS:
        i, j = NAMES.index(a), NAMES.index(b)
        order[i], order[j] = j, i
    return x[:, order]


def load(split):
    """A split's pairs and, when there, its surface pairs (the same prompt typed again)."""
    d = load_file(split)
    if os.path.exists(os.path.join(BUILD, "features-%s-surface.f32" % split)):
        e = load_file(split + "-surface")
        d = {k: np.concatenate([d[k], e[k]]) for k in d}
    return d


def load_file(split):
    x = np.fromfile(os.path.join(BUILD, "features-%s.f32" % split), dtype="<f4").reshape(-1, len(NAMES))
    meta = []
    with open(os.path.join(BUILD, "features-%s.tsv" % split)) as f:
        next(f)
        for line in f:
            label, kind, cos, guards, lsh = line.rstrip("\n").split("\t")
            meta.append((int(label), kind, float(cos), int(guards), int(lsh)))
    y = np.array([m[0] for m in meta])
    kind = np.array([m[1] for m in meta])
    cos = np.array([m[2] for m in meta])
    guards = np.array([m[3] for m in meta]).astype(bool)
    lsh = np.array([m[4] for m in meta]).astype(bool)
    with open(os.path.join(BUILD, "pairs-%s.jsonl" % split)) as f:
        group = np.array([json.loads(line)["group"] for line in f if line.strip()])
    assert len(y) == len(x), (split, len(y), len(x))
    # The dump computed (a, b) with a as the query; the cache stores a and is asked b: score in that order.
    x = swapped(x)
    return dict(x=x, y=y, kind=kind, cos=cos, guards=guards, lsh=lsh, group=group)


def family(kind):
    if kind.startswith("chat"):
        return "chat"
    if kind.startswith("hard"):
        return "hard"
    return kind


def near_miss(d):
    """Near misses: the generated hard negatives and the chat near misses (one changed slot, negation...)."""
    return np.array([(k.startswith("hard") or (k.startswith("chat") and k != "chat-paraphrase")) for k in d["kind"]])


def metrics(hit, d, mask=None):
    m = np.ones(len(hit), bool) if mask is None else mask
    y = d["y"][m]
    h = hit[m]
    tp = int((h & (y == 1)).sum())
    fp = int((h & (y == 0)).sum())
    pos = int((y == 1).sum())
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / pos if pos else None,
            "hits": int(h.sum()), "pairs": int(m.sum())}


def clean(d):
    """Every source but QQP, whose labels are noisy (its precision is a lower bound)."""
    return d["kind"] != "qqp"


def report(hit, d):
    chat = np.array([family(k) == "chat" for k in d["kind"]])
    fresh = np.array([g.startswith("fresh-") for g in d["group"]])
    nm = near_miss(d)
    out = {"all": metrics(hit, d), "clean": metrics(hit, d, clean(d)), "chat": metrics(hit, d, chat),
           "chat_fresh": metrics(hit, d, chat & fresh) if fresh.any() else None,
           "qqp": metrics(hit, d, d["kind"] == "qqp"), "stsb": metrics(hit, d, d["kind"] == "stsb"),
           "near_miss_false_hit_rate": float(hit[nm].mean()),
           "chat_near_miss_false_hit_rate": float(hit[nm & chat].mean())}
    return out


def both_orders(fit):
    """Fits on every pair in both orders, so the model does not learn which prompt came first."""
    def fit_both(x, y, w):
        return fit(np.concatenate([x, swapped(x)]), np.concatenate([y, y]), np.concatenate([w, w]))
    return fit_both


@both_orders
def fit_lr(x, y, w):
    mu, sd = x.mean(0), x.std(0) + 1e-6
    lr = LogisticRegression(C=1.0, max_iter=3000)
    lr.fit((x - mu) / sd, y, sample_weight=w)
    layers = [(lr.coef_.T.astype(np.float32), lr.intercept_.astype(np.float32), "sigmoid")]
    return mu, sd, layers


def mlp_fitter(alpha):
    @both_orders
    def fit_mlp(x, y, w):
        return fit_mlp_with(x, y, w, alpha)
    return fit_mlp


def fit_mlp_with(x, y, w, alpha):
    mu, sd = x.mean(0), x.std(0) + 1e-6
    # sklearn 1.2's MLP takes no sample weights: rows are repeated by their (integer) weight instead.
    reps = np.maximum(np.round(w).astype(int), 0)
    xs, ys = np.repeat(x, reps, axis=0), np.repeat(y, reps)
    mlp = MLPClassifier(hidden_layer_sizes=(32,), alpha=alpha, max_iter=400, early_stopping=True,
                        validation_fraction=0.1, random_state=SEED)
    mlp.fit((xs - mu) / sd, ys)
    layers = [(mlp.coefs_[0].astype(np.float32), mlp.intercepts_[0].astype(np.float32), "relu"),
              (mlp.coefs_[1].astype(np.float32), mlp.intercepts_[1].astype(np.float32), "sigmoid")]
    return mu, sd, layers


def forward(model, x):
    mu, sd, layers = model
    h = (x - mu) / sd
    for w, b, act in layers:
        h = h @ w + b
        h = np.maximum(h, 0) if act == "relu" else 1 / (1 + np.exp(-h))
    return h[:, 0]


def concat(a, b):
    return {k: np.concatenate([a[k], b[k]]) for k in ("y", "kind", "population")}


def curve(prob, d, candidates):
    """Precision and recall by threshold among candidates; recall over every paraphrase of the pairs."""
    population = d["population"]
    candidates = candidates & population
    positives = int(((d["y"] == 1) & population).sum())
    rows = []
    for t in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        hit = candidates & (prob >= t)
        tp = int((hit & (d["y"] == 1)).sum())
        fp = int((hit & (d["y"] == 0)).sum())
        rows.append({"threshold": float(t), "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
                     "recall": round(tp / positives, 4), "hits": tp + fp})
    return rows


def operating_point(rows, target):
    """The least threshold at which the precision of every hit at or above it reaches the target."""
    for r in rows:
        if r["hits"] > 0 and r["precision"] >= target:
            return r["threshold"]
    return 1.0


def export(model, path):
    mu, sd, layers = model
    nodes, inits = [], []
    w0, b0, act0 = layers[0]
    # fold standardisation: ((x - mu) / sd) @ W + b = x @ (W / sd) + (b - (mu / sd) @ W)
    w0f = (w0 / sd[:, None]).astype(np.float32)
    b0f = (b0 - (mu / sd) @ w0).astype(np.float32)
    folded = [(w0f, b0f, act0)] + layers[1:]
    current = "features"
    for i, (w, b, act) in enumerate(folded):
        inits.append(helper.make_tensor("W%d" % i, TensorProto.FLOAT, w.shape, w.flatten().tolist()))
        inits.append(helper.make_tensor("B%d" % i, TensorProto.FLOAT, b.shape, b.flatten().tolist()))
        nodes.append(helper.make_node("Gemm", [current, "W%d" % i, "B%d" % i], ["Z%d" % i]))
        out = "probability" if act == "sigmoid" else "H%d" % i
        nodes.append(helper.make_node("Sigmoid" if act == "sigmoid" else "Relu", ["Z%d" % i], [out]))
        current = out
    graph = helper.make_graph(nodes, "pair_verifier",
                              [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", len(NAMES)])],
                              [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["n", 1])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tiergate")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=RESOURCES)
    args = ap.parse_args()
    np.random.seed(SEED)
    train, calib, val = load("train"), load("calib"), load("val")

    fit_mask = train["cos"] >= TRAIN_FLOOR
    # The calibration curve is read on chat-style pairs, the traffic the precision target is about: the
    # calibration split's, and the training split's through 5-fold cross-fitting by group (each pair scored by
    # a model that did not see its group), so that the curve rests on 36 families rather than 7.
    for d in (train, calib, val):
        d["population"] = np.array([k.startswith("chat") for k in d["kind"]])
    designs, fitters = {}, {"verifier-lr": fit_lr, "verifier-mlp": mlp_fitter(1e-2),
                             "verifier-mlp-a0.001": mlp_fitter(1e-3)}
    for qqp_weight in (0, 1):
        w = np.where(train["kind"] == "qqp", qqp_weight, 1.0) * np.where(train["population"], 3.0, 1.0)
        suffix = "" if qqp_weight == 0 else "+qqp"
        for name, fit in fitters.items():
            designs[name + suffix] = (fit, w)
    fitted = {name: fit(train["x"][fit_mask], train["y"][fit_mask], w[fit_mask])
              for name, (fit, w) in designs.items()}
    folds = np.array([int(hashlib.sha256(g.encode()).hexdigest()[:8], 16) % 5 for g in train["group"]])
    oof = {}
    for name, (fit, w) in designs.items():
        oof[name] = np.zeros(len(train["y"]))
        for k in range(5):
            m = fit_mask & (folds != k)
            oof[name][folds == k] = forward(fit(train["x"][m], train["y"][m], w[m]), train["x"][folds == k])

    results = {"floor": FLOOR, "designs": {}}
    # baseline: cosine + guards, by threshold (LSH bucket sharing included: a pair that shares no bucket is never compared)
    base = {}
    for t in (0.80, 0.85, 0.88, 0.90, 0.92, 0.95):
        base["%.2f" % t] = {"calib": report((calib["cos"] >= t) & calib["guards"] & calib["lsh"], calib),
                            "val": report((val["cos"] >= t) & val["guards"] & val["lsh"], val)}
    results["designs"]["cosine+guards"] = base

    choice = {}
    variants = [(name, fitted[name], guards) for name in designs for guards in (False, True)]
    for base_name, model, guards in variants:
        pc = forward(model, calib["x"])
        pv = forward(model, val["x"])
        cand_c = (calib["cos"] >= FLOOR) & calib["lsh"] & (calib["guards"] if guards else True)
        cand_v = (val["cos"] >= FLOOR) & val["lsh"] & (val["guards"] if guards else True)
        cand_t = (train["cos"] >= FLOOR) & train["lsh"] & (train["guards"] if guards else True)
        name = base_name + ("+guards" if guards else "")
        rows = curve(np.concatenate([oof[base_name], pc]), concat(train, calib), np.concatenate([cand_t, cand_c]))
        per_target = {}
        for target in TARGETS:
            t = operating_point(rows, target)
            per_target["%.2f" % target] = {"threshold": t, "calib": report(cand_c & (pc >= t), calib),
                                           "val": report(cand_v & (pv >= t), val)}
        val_rows = curve(pv, val, cand_v)
        results["designs"][name] = {"targets": per_target, "calibration_curve": rows, "validation_curve": val_rows}
        # model choice: recall of the calibration curve (cross-fitted training and calibration chat pairs) at 0.97
        point = operating_point(rows, 0.97)
        choice[name] = next(r["recall"] for r in rows if r["threshold"] == point)
        print("%-13s calib recall@0.97 %.3f" % (name, choice[name]), file=sys.stderr)
    chosen = max(choice, key=choice.get)
    results["chosen"] = chosen
    model = fitted[chosen[:-len("+guards")] if chosen.endswith("+guards") else chosen]
    os.makedirs(args.out, exist_ok=True)
    export(model, os.path.join(args.out, "verifier.onnx"))
    spec = {"version": VERSION, "design": chosen, "embedding_model": "all-minilm-l6-v2-q", "input": "features",
            "output": "probability", "features": NAMES, "floor": FLOOR, "guards": chosen.endswith("+guards"),
            "calibration": [{"threshold": r["threshold"], "precision": r["precision"], "recall": r["recall"]}
                            for r in results["designs"][chosen]["calibration_curve"]],
            "probe": {"features": val["x"][:4].round(6).tolist(),
                      "probability": [round(float(p), 6) for p in forward(model, val["x"][:4].round(6))]}}
    with open(os.path.join(args.out, "verifier.json"), "w") as f:
        json.dump(spec, f, indent=1)
    # near misses by kind on validation: the previous cache at 0.88 and the chosen verifier at the default target
    pv = forward(model, val["x"])
    t = results["designs"][chosen]["targets"]["0.97"]["threshold"]
    served = (val["cos"] >= FLOOR) & val["lsh"] & (pv >= t) & (val["guards"] if chosen.endswith("+guards") else True)
    old = (val["cos"] >= 0.88) & val["guards"] & val["lsh"]
    by_kind = {}
    for kind in sorted(set(val["kind"])):
        m = (val["kind"] == kind) & (val["y"] == 0)
        if kind.startswith("hard") or kind.startswith("chat-"):
            if m.sum():
                by_kind[kind] = {"pairs": int(m.sum()), "cosine+guards@0.88": float(old[m].mean()),
                                 chosen + "@0.97": float(served[m].mean())}
    results["near_misses_by_kind"] = by_kind
    with open(os.path.join(BUILD if args.out == RESOURCES else args.out, "report.json"), "w") as f:
        json.dump(results, f, indent=1)
    summary(results)


def fmt(v):
    return "–" if v is None else "%.3f" % v


def row(v):
    fresh = v["chat_fresh"] or {"precision": None, "recall": None}
    return "%s | %s | %s | %s | %s | %s | %s | %s | %.3f | %.3f" % (
        fmt(v["all"]["precision"]), fmt(v["all"]["recall"]), fmt(v["clean"]["precision"]), fmt(v["clean"]["recall"]),
        fmt(v["chat"]["precision"]), fmt(v["chat"]["recall"]), fmt(fresh["precision"]), fmt(fresh["recall"]),
        v["near_miss_false_hit_rate"], v["chat_near_miss_false_hit_rate"])


def summary(results):
    print("design | setting | val P | val R | clean P | clean R | chat P | chat R | fresh chat P | fresh chat R | near-miss false hits | chat near-miss false hits")
    for t, r in results["designs"]["cosine+guards"].items():
        v = r["val"]
        print("cosine+guards | t=%s | %s" % (t, row(v)))
    for name in results["designs"]:
        if name == "cosine+guards":
            continue
        for target, r in results["designs"][name]["targets"].items():
            print("%s | target %s (p>=%.2f) | %s" % (name, target, r["threshold"], row(r["val"])))
    print("chosen:", results["chosen"])


if __name__ == "__main__":
    main()
