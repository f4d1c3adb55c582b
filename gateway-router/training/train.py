"""Trains the complexity classifier on the features FeatureDump computed and writes it as ONNX.

Reads build/prompts.jsonl (prepare.py) and build/features.{f32,json} (FeatureDump). Split: 5
stratified folds over groups (prompts sharing an opening, arena-hard clusters), fold 0 test,
fold 1 validation, the rest train; seeds fixed. Chooses the model on validation log loss and the
recommended thresholds on validation, reports on test. Writes, unless --out names a directory
for a check:
  gateway-router/src/main/resources/dev/tiergate/router/classifier/complexity-v1.{onnx,json}
  gateway-router/src/test/resources/dev/tiergate/router/classifier/complexity-v1-probe.json
  the metrics section of gateway-router/training/MODEL_CARD.md
"""
import argparse
import collections
import json
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, log_loss, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.neural_network import MLPClassifier

import onnx_export

HERE = os.path.dirname(os.path.abspath(__file__))
ROUTER = os.path.abspath(os.path.join(HERE, ".."))
BUILD = os.path.join(HERE, "build")
MODEL_DIR = os.path.join(ROUTER, "src", "main", "resources", "dev", "tiergate", "router", "classifier")
PROBE_DIR = os.path.join(ROUTER, "src", "test", "resources", "dev", "tiergate", "router", "classifier")
CARD = os.path.join(HERE, "MODEL_CARD.md")
NAME = "complexity-v1"
TIERS = ["small", "mid", "frontier"]
SEED = 0
EVERYDAY_WEIGHT = 5          # our everyday prompts are few: each counts as this many rows in training
COST = np.array([1.0, 2.7, 16.7])   # relative input price small : mid : frontier (gpt-4o-mini : mid : gpt-4o)
MAX_HARD_TO_SMALL = 0.02     # recommended mid threshold: at most 2% of difficulty-hard prompts to small
HARD_SOURCES = ["arena-hard", "math"]
PROBE_ROWS_PER_TIER = 8


def load():
    with open(os.path.join(BUILD, "prompts.jsonl"), encoding="utf-8") as f:
        prompts = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(BUILD, "features.json")) as f:
        info = json.load(f)
    x = np.fromfile(os.path.join(BUILD, "features.f32"), dtype="<f4").reshape(info["rows"], info["cols"])
    assert len(prompts) == info["rows"], "features do not match prompts: run train.sh"
    return prompts, x, info


def split(y, sources, groups):
    strat = np.array([f"{s}/{l}" for s, l in zip(sources, y)])
    codes = {k: i for i, k in enumerate(sorted(set(strat)))}
    folds = list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
                 .split(np.zeros(len(y)), [codes[s] for s in strat], groups))
    test = folds[0][1]
    val = folds[1][1]
    train = np.setdiff1d(np.arange(len(y)), np.concatenate([test, val]))
    return train, val, test


def standardiser(x):
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def weighted_rows(idx, sources):
    """Training rows with the everyday prompts repeated (MLPClassifier takes no sample weights)."""
    extra = [i for i in idx if sources[i] == "everyday"] * (EVERYDAY_WEIGHT - 1)
    return np.concatenate([idx, np.array(extra, dtype=int)]) if extra else idx


def candidates():
    for c in (0.01, 0.03, 0.1):
        yield f"logistic C={c}", LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    yield "mlp 32 alpha=1.0", MLPClassifier(hidden_layer_sizes=(32,), alpha=1.0, max_iter=200,
                                            early_stopping=True, random_state=SEED)


def layers_of(model):
    if isinstance(model, LogisticRegression):
        return [(model.coef_.T, model.intercept_)]
    return [(w, b) for w, b in zip(model.coefs_, model.intercepts_)]


def score_of(p):
    return 0.5 * p[:, 1] + p[:, 2]


def route(scores, t_mid, t_frontier):
    return np.where(scores >= t_frontier, 2, np.where(scores >= t_mid, 1, 0))


def tradeoff(y, tiers):
    return {
        "small": float(np.mean(tiers == 0)), "mid": float(np.mean(tiers == 1)), "frontier": float(np.mean(tiers == 2)),
        "cost_vs_all_frontier": float(COST[tiers].sum() / (COST[2] * len(tiers))),
        "under_routed": float(np.mean(tiers < y)),
        "hard_to_small": float(np.mean(tiers[y == 2] == 0)) if np.any(y == 2) else 0.0,
        "over_routed": float(np.mean(tiers > y)),
    }


def difficulty_hard(y, sources):
    """Frontier-labelled prompts whose label is a difficulty judgement (arena-hard, MATH levels 4-5),
    not a single weak-model miss that may be chance."""
    return (y == 2) & np.isin(sources, HARD_SOURCES)


def choose_thresholds(y, scores, sources):
    """mid: the highest threshold that sends at most MAX_HARD_TO_SMALL of the difficulty-hard prompts
    to small; frontier: the threshold with the best F1 for frontier-vs-rest (never below mid)."""
    grid = np.round(np.arange(0.0, 1.0001, 0.01), 2)
    hard = difficulty_hard(y, sources)
    t_mid = 0.0
    for t in grid:
        if np.mean(scores[hard] < t) <= MAX_HARD_TO_SMALL:
            t_mid = float(t)
    best_f1, t_frontier = -1.0, 1.0
    for t in grid[grid >= t_mid]:
        f1 = f1_score(y == 2, scores >= t, zero_division=0)
        if f1 > best_f1:
            best_f1, t_frontier = f1, float(t)
    return t_mid, t_frontier


def per_tier(y, pred):
    p, r, f, n = precision_recall_fscore_support(y, pred, labels=[0, 1, 2], zero_division=0)
    return {TIERS[i]: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "n": int(n[i])}
            for i in range(3)}


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def pct(v):
    return f"{100 * v:.1f}%"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write model, metadata and probe here (a check), not into the source tree")
    args = ap.parse_args()
    prompts, x_all, info = load()
    labels = np.array([p["label"] for p in prompts])
    sources_all = np.array([p["source"] for p in prompts])
    keep = labels >= 0
    x, y, sources = x_all[keep], labels[keep], sources_all[keep]
    groups = np.array([p["group"] for p in prompts])[keep]
    train, val, test = split(y, sources, groups)
    mean, scale = standardiser(x[train])
    z = lambda rows: (x[rows].astype(np.float64) - mean) / scale
    fit_rows = weighted_rows(train, sources)

    results = []
    for name, model in candidates():
        model.fit(z(fit_rows), y[fit_rows])
        loss = log_loss(y[val], model.predict_proba(z(val)), labels=[0, 1, 2])
        results.append((loss, name, model))
        print(f"  {name}: validation log loss {loss:.4f}", file=sys.stderr)
    results.sort(key=lambda r: r[0])
    val_loss, chosen, model = results[0]
    t_mid, t_frontier = choose_thresholds(y[val], score_of(model.predict_proba(z(val))), sources[val])

    layers = layers_of(model)
    p_test = model.predict_proba(z(test))
    s_test = score_of(p_test)
    tiers_test = route(s_test, t_mid, t_frontier)
    # The ONNX graph must compute what sklearn computes.
    ref = onnx_export.reference(x[test], mean, scale, layers)
    assert np.max(np.abs(ref - p_test)) < 1e-6, np.max(np.abs(ref - p_test))

    out_dir = args.out or MODEL_DIR
    probe_dir = args.out or PROBE_DIR
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(probe_dir, exist_ok=True)
    doc = f"Tiergate complexity classifier {NAME}: {chosen}; see gateway-router/training/MODEL_CARD.md"
    onnx_export.write(os.path.join(out_dir, NAME + ".onnx"), mean, scale, layers, doc)
    spec = {"version": NAME, "embedding_model": info["embedding_model"],
            "embedding_dimensions": info["embedding_dimensions"],
            "structural_features": info["structural_features"], "tiers": TIERS,
            "input_name": onnx_export.INPUT, "threshold_mid": t_mid, "threshold_frontier": t_frontier,
            "model": chosen}
    with open(os.path.join(out_dir, NAME + ".json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")

    probe_idx = []
    for tier in range(3):
        probe_idx += [i for i in test if y[i] == tier][:PROBE_ROWS_PER_TIER]
    probe_p = model.predict_proba(z(np.array(probe_idx)))
    probe = {"model": NAME, "tolerance": 1e-6,
             "rows": [{"features": [float(v) for v in x[i]], "expected": [float(v) for v in p]}
                      for i, p in zip(probe_idx, probe_p)]}
    with open(os.path.join(probe_dir, NAME + "-probe.json"), "w") as f:
        json.dump(probe, f)
        f.write("\n")

    if args.out:
        print(f"check model written to {args.out}", file=sys.stderr)
        return
    write_card(prompts, labels, sources_all, x_all, mean, scale, layers, y, sources, train, val, test, results,
               chosen, t_mid, t_frontier, p_test, s_test, tiers_test, model, z)


def write_card(prompts, labels, sources_all, x_all, mean, scale, layers, y, sources, train, val, test, results,
               chosen, t_mid, t_frontier, p_test, s_test, tiers_test, model, z):
    with open(os.path.join(BUILD, "prepare.json")) as f:
        prep = json.load(f)
    lines = []
    counts = collections.Counter()
    for name, idx in (("train", train), ("validation", val), ("test", test)):
        for i in idx:
            counts[(sources[i], name)] += 1
    srcs = sorted(set(sources))
    lines.append("### Data and split\n")
    label_rows = []
    for s in srcs:
        per = collections.Counter(y[sources == s])
        label_rows.append([s, per[0], per[1], per[2], counts[(s, "train")], counts[(s, "validation")],
                           counts[(s, "test")]])
    lines.append(md_table(["source", "small", "mid", "frontier", "train", "validation", "test"], label_rows))
    lines.append(f"\nDropped MMLU subjects: {', '.join(prep['dropped_mmlu_subjects'])}; "
                 f"duplicates removed: {prep['duplicates_removed']}.\n")
    dropped = prep["dropped_mmlu_subjects"]
    sub = prep["mmlu_subjects"]
    lines.append(md_table(["subject", "n", "weak acc.", "strong acc.", "strong acc. where weak wrong"],
                          [[s, sub[s]["n"], sub[s]["weak_accuracy"], sub[s]["strong_accuracy"],
                            sub[s]["strong_accuracy_where_weak_wrong"]]
                           for s in sorted(sub, key=lambda k: sub[k]["strong_accuracy_where_weak_wrong"])[:5]]))
    lines.append("\n(the five lowest subjects; a subject is dropped below 0.25, chance for four options)\n")
    lines.append("### Model selection (validation log loss)\n")
    lines.append(md_table(["candidate", "log loss"], [[n, f"{l:.4f}"] for l, n, _ in results]))
    lines.append(f"\nChosen: **{chosen}**. Recommended thresholds (on validation: mid, the highest that sends at "
                 f"most {pct(MAX_HARD_TO_SMALL)} of arena-hard and MATH level 4-5 prompts to small; frontier, the "
                 f"best F1 for frontier-vs-rest): **mid {t_mid:.2f}, frontier {t_frontier:.2f}**.\n")
    lines.append("### Test set\n")
    lines.append(f"Log loss {log_loss(y[test], p_test, labels=[0, 1, 2]):.4f}; "
                 f"AUC of the score for label >= mid {roc_auc_score(y[test] >= 1, s_test):.3f}, "
                 f"for label = frontier {roc_auc_score(y[test] == 2, s_test):.3f}.\n")
    for title, pred in (("argmax", np.argmax(p_test, axis=1)),
                        (f"thresholds {t_mid:.2f}/{t_frontier:.2f}", tiers_test)):
        pt = per_tier(y[test], pred)
        lines.append(f"Per tier, {title}:\n")
        lines.append(md_table(["tier", "precision", "recall", "n"],
                              [[t, f"{v['precision']:.3f}", f"{v['recall']:.3f}", v["n"]] for t, v in pt.items()]))
        lines.append("")
    lines.append("Cost/quality trade-off on test (cost relative to sending everything to frontier, prices "
                 "small : mid : frontier = 1 : 2.7 : 16.7; under-routed = below the label tier):\n")
    rows = []
    pairs = [(t_mid, t_frontier), (0.0, 0.0), (0.1, 0.3), (0.2, 0.4), (0.3, 0.5), (0.4, 0.6), (0.5, 0.8),
             (1.0, 1.0)]
    for tm, tf in pairs:
        m = tradeoff(y[test], route(s_test, tm, tf))
        tiers = route(s_test, tm, tf)
        hard = difficulty_hard(y[test], sources[test])
        rows.append([f"{tm:.2f} / {tf:.2f}", pct(m["small"]), pct(m["mid"]), pct(m["frontier"]),
                     pct(m["cost_vs_all_frontier"]), pct(m["under_routed"]), pct(m["hard_to_small"]),
                     pct(np.mean(tiers[hard] == 0)), pct(m["over_routed"])])
    lines.append(md_table(["mid / frontier", "small", "mid", "frontier", "cost", "under-routed",
                           "frontier-labelled to small", "arena-hard + MATH 4-5 to small", "over-routed"], rows))
    lines.append("\nPer source on test, recommended thresholds:\n")
    rows = []
    for s in srcs:
        mask = sources[test] == s
        m = tradeoff(y[test][mask], tiers_test[mask])
        rows.append([s, int(mask.sum()), f"{np.mean(s_test[mask]):.3f}", pct(m["small"]), pct(m["mid"]),
                     pct(m["frontier"]), pct(m["under_routed"])])
    unl = sources_all == "gsm8k-train"
    if np.any(unl):
        s_unl = onnx_export.reference(x_all[unl], mean, scale, layers)
        s_unl = score_of(s_unl)
        t = route(s_unl, t_mid, t_frontier)
        rows.append(["gsm8k-train sample (unlabelled)", int(unl.sum()), f"{np.mean(s_unl):.3f}",
                     pct(np.mean(t == 0)), pct(np.mean(t == 1)), pct(np.mean(t == 2)), "n/a"])
    lines.append(md_table(["source", "n", "mean score", "small", "mid", "frontier", "under-routed"], rows))
    block = "\n".join(lines)
    with open(CARD, encoding="utf-8") as f:
        card = f.read()
    begin, end = "<!-- metrics:begin (written by train.py) -->", "<!-- metrics:end -->"
    head, _, rest = card.partition(begin)
    _, _, tail = rest.partition(end)
    with open(CARD, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + block + "\n" + end + tail)
    print(block, file=sys.stderr)


if __name__ == "__main__":
    main()
