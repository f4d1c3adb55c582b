"""Trains the complexity classifier on the features FeatureDump computed and writes it as ONNX.

Reads build/prompts.jsonl (prepare.py) and build/features.{f32,json} (FeatureDump). Split: every
source is cut into 5 folds, stratified by label and grouped (an MMLU subject, an arena-hard cluster,
prompts sharing an opening); fold 0 is the test set, folds 1-4 the development set. Every candidate
(logistic regression, MLPs on several labelings, a similarity-weighted kNN) is scored out of fold on
the development set (trained on three folds, scored on the fourth, so every MMLU subject is scored by
a model that never saw it); the exportable candidate with the best mean APGR (evaluate.py) over the
sources with both models' outcomes ships, retrained on all development folds. Its out-of-fold scores
give the calibration curve (calibration.py) and the default thresholds. Seeds fixed, one thread.
Writes, unless --out names a directory for a check:
  gateway-router/src/main/resources/dev/tiergate/router/classifier/complexity-v1.{onnx,json}
  gateway-router/src/test/resources/dev/tiergate/router/classifier/complexity-v1-probe.json
  the metrics section of gateway-router/training/MODEL_CARD.md and the calibration section of
  docs/routing.md (report.py)
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

import calibration
import evaluate
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
# Our own prompts are few: each counts as this many rows in training (MODEL_CARD.md); a weight of 0 leaves
# a source out of training (experiment_arena_bench.py varies these).
SOURCE_WEIGHTS = {"everyday": 5, "open-ended": 2}
# How much each source weighs in the calibration mix, relative to the others (1 unless named; 0 leaves it out).
CALIBRATION_WEIGHTS = {}
# MATH levels 1-2 (small) count twice, so that MATH's small and frontier labels weigh about the same
# (1,198 x 2 against 2,276 rows of levels 4-5; chosen on the development folds, MODEL_CARD.md).
MATH_LEVEL_WEIGHTS = {1: 2, 2: 2}
COST = np.array([1.0, 2.7, 16.7])   # relative input price small : mid : frontier (gpt-4o-mini : mid : gpt-4o)
PROBE_ROWS_PER_TIER = 8


def load():
    with open(os.path.join(BUILD, "prompts.jsonl"), encoding="utf-8") as f:
        prompts = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(BUILD, "features.json")) as f:
        info = json.load(f)
    x = np.fromfile(os.path.join(BUILD, "features.f32"), dtype="<f4").reshape(info["rows"], info["cols"])
    assert len(prompts) == info["rows"], "features do not match prompts: run train.sh"
    return prompts, x, info


FOLDS = 5
TEST_FOLD = 0


def split(y, sources, groups):
    """A fold (0..4) for every row: stratified by label, grouped (an MMLU subject, an arena-hard cluster,
    a shared opening), and drawn per source, so adding prompts to one source moves no other's folds."""
    fold = np.empty(len(y), dtype=int)
    for src in np.unique(sources):
        rows = np.flatnonzero(sources == src)
        folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
        for f, (_, held) in enumerate(folds.split(np.zeros(len(rows)), y[rows], groups[rows])):
            fold[rows[held]] = f
    return fold


def standardiser(x):
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def weighted_rows(idx, sources, levels):
    """Training rows with our own prompts (SOURCE_WEIGHTS) and MATH's easy levels (MATH_LEVEL_WEIGHTS)
    repeated: as simple as sample weights, for every candidate."""
    idx = idx[np.array([SOURCE_WEIGHTS.get(sources[i], 1) > 0 for i in idx], dtype=bool)]
    extra = [i for src, w in SOURCE_WEIGHTS.items() if w > 1
             for i in [i for i in idx if sources[i] == src] * (w - 1)]
    extra += [i for lv, w in MATH_LEVEL_WEIGHTS.items()
              for i in [i for i in idx if sources[i] == "math" and levels[i] == lv] * (w - 1)]
    return np.concatenate([idx, np.array(extra, dtype=int)]) if extra else idx


# Prompts with both models' outcomes: RouteLLM's metrics (correctness; graded outcomes such as
# arena-bench's, grade / 10, work the same way: experiment_arena_bench.py adds them).
OUTCOME_SOURCES = ["mmlu", "routellm-gsm8k"]
MLP_EPOCHS = 15
MLP_HIDDEN = 64
MLP_SEEDS = (0, 1, 2, 3, 4)
KNN = ((50, 10.0), (200, 10.0), (50, 50.0))


def outcome_labels(y, weak, strong, kind):
    """Tier labels; for prompts with both models' outcomes, `kind` says how they map:
    '3-tier': weak right -> small, only strong right -> frontier, neither -> mid (as before);
    'gain': only the strong model right (what routing it there gains) -> frontier, else small; for
    graded outcomes (arena-bench, grade / 10) the strong model's grade more than 2.5 points higher."""
    if kind == "3-tier":
        return y
    out = y.copy()
    has = weak >= 0
    out[has] = np.where(strong[has] - weak[has] > 0.25, 2, 0)
    return out


def soft_targets(labels, groups, sources, train, alpha):
    """One-hot labels; an MMLU row's mixed with its subject's label distribution on the training rows
    (weight alpha): one four-option answer is a noisy label, the subject's rate much less so."""
    targets = np.eye(3)[labels]
    if alpha == 0:
        return targets
    in_train = np.zeros(len(labels), dtype=bool)
    in_train[train] = True
    for g in np.unique(groups[sources == "mmlu"]):
        rows = groups == g
        if np.any(rows & in_train):
            targets[rows] = (1 - alpha) * targets[rows] + alpha * np.eye(3)[labels[rows & in_train]].mean(axis=0)
    return targets


class Mlp:
    """Dropout -> Linear -> ReLU -> Linear, trained with soft-label cross-entropy (AdamW, one thread),
    once per seed; the seeds' logits are averaged, which is one wider MLP (their hidden layers side by
    side, the output weights divided by the number of seeds), exported as two Gemm layers. One seed's
    MMLU APGR moved by 0.1 from seed to seed: the average is what is chosen on and shipped."""

    def __init__(self, hidden, weight_decay, seeds=MLP_SEEDS, epochs=MLP_EPOCHS):
        self.hidden, self.weight_decay, self.seeds, self.epochs = hidden, weight_decay, seeds, epochs

    def fit(self, x, targets):
        parts = [self._fit_one(x, targets, seed) for seed in self.seeds]
        n = len(parts)
        self.layers = [(np.concatenate([p[0] for p in parts], axis=1), np.concatenate([p[1] for p in parts])),
                       (np.concatenate([p[2] for p in parts], axis=0) / n, np.sum([p[3] for p in parts], axis=0) / n)]
        return self

    def _fit_one(self, x, targets, seed):
        torch.manual_seed(seed)
        torch.set_num_threads(1)
        net = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(x.shape[1], self.hidden), torch.nn.ReLU(),
                                  torch.nn.Linear(self.hidden, 3))
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=self.weight_decay)
        xt = torch.tensor(x, dtype=torch.float32)
        tt = torch.tensor(targets, dtype=torch.float32)
        gen = torch.Generator().manual_seed(seed)
        for _ in range(self.epochs):
            net.train()
            perm = torch.randperm(len(xt), generator=gen)
            for start in range(0, len(xt), 128):
                b = perm[start:start + 128]
                loss = -(tt[b] * torch.log_softmax(net(xt[b]), dim=1)).sum(dim=1).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        net.eval()
        return (net[1].weight.detach().numpy().T.astype(np.float32), net[1].bias.detach().numpy(),
                net[3].weight.detach().numpy().T.astype(np.float32), net[3].bias.detach().numpy())


def logistic():
    return LogisticRegression(C=0.01, max_iter=3000, random_state=SEED)


def candidates():
    """(name, label kind, subject smoothing, model factory): every one is cross-validated, the best ships."""
    yield "logistic C=0.01, 3-tier labels", "3-tier", 0.0, logistic
    yield "logistic C=0.01, gain labels", "gain", 0.0, logistic
    yield "mlp 64 x 5 seeds, 3-tier labels", "3-tier", 0.0, lambda: Mlp(MLP_HIDDEN, 1e-2)
    yield "mlp 64 x 5 seeds, 3-tier labels, subject-smoothed 0.5", "3-tier", 0.5, lambda: Mlp(MLP_HIDDEN, 1e-2)
    yield "mlp 64 x 5 seeds, gain labels, subject-smoothed 1.0", "gain", 1.0, lambda: Mlp(MLP_HIDDEN, 1e-2)


def fit(d, rows, kind, alpha, make):
    """A model trained on `rows`: its standardiser and layers (what the ONNX graph holds)."""
    mean, scale = standardiser(d.x[rows])
    fit_rows = weighted_rows(rows, d.sources, d.level)
    targets = soft_targets(outcome_labels(d.y, d.weak, d.strong, kind), d.groups, d.sources, rows, alpha)
    z = (d.x[fit_rows].astype(np.float64) - mean) / scale
    model = make()
    if isinstance(model, LogisticRegression):
        model.fit(z, targets[fit_rows].argmax(axis=1))
    else:
        model.fit(z, targets[fit_rows])
    return mean, scale, layers_of(model)


def out_of_fold(d, score_rows):
    """Scores of the development rows, each from a model trained on the other development folds (so an
    MMLU row is scored by a model that never saw its subject). score_rows(train, held) -> scores."""
    scores = np.full(len(d.y), np.nan)
    for f in range(FOLDS):
        if f == TEST_FOLD:
            continue
        held = d.dev[d.fold[d.dev] == f]
        scores[held] = score_rows(d.dev[d.fold[d.dev] != f], held)
    return scores[d.dev]


def layers_of(model):
    if isinstance(model, LogisticRegression):
        return [(model.coef_.T, model.intercept_)]
    return model.layers


def knn_scores(emb, queries, refs, values, k, gamma):
    """RouteLLM's similarity-weighted ranking in its simplest form: the softmax(gamma * cosine)-weighted
    mean of the k most similar training prompts' label scores."""
    out = np.empty(len(queries))
    ref = emb[refs]
    for start in range(0, len(queries), 1024):
        q = queries[start:start + 1024]
        sims = emb[q] @ ref.T
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        ts = np.take_along_axis(sims, top, axis=1)
        w = np.exp(gamma * (ts - ts.max(axis=1, keepdims=True)))
        out[start:start + 1024] = (w * values[top]).sum(axis=1) / w.sum(axis=1)
    return out


def selection_score(scores, rows, sources, weak, strong):
    """Validation criterion: the mean APGR over the sources with both models' outcomes."""
    return float(np.mean([evaluate.apgr(scores[m], weak[rows][m], strong[rows][m])
                          for m in (sources[rows] == s for s in OUTCOME_SOURCES)]))


def score_of(p):
    return 0.5 * p[:, 1] + p[:, 2]


def route(scores, t_mid, t_frontier):
    return np.where(scores >= t_frontier, 2, np.where(scores >= t_mid, 1, 0))


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def pct(v):
    return f"{100 * v:.1f}%"


class Data:
    """The labelled prompts, their features and the split."""

    def __init__(self):
        prompts, x_all, self.info = load()
        labels = np.array([p["label"] for p in prompts])
        keep = labels >= 0
        self.prompts_all, self.x_all = prompts, x_all
        self.sources_all = np.array([p["source"] for p in prompts])
        kept = [p for p, k in zip(prompts, keep) if k]
        self.x, self.y, self.sources = x_all[keep], labels[keep], self.sources_all[keep]
        self.groups = np.array([p["group"] for p in kept])
        self.weak = np.array([p.get("weak", -1) for p in kept])
        self.strong = np.array([p.get("strong", -1) for p in kept])
        self.level = np.array([p.get("level", 0) for p in kept])
        self.fold = split(self.y, self.sources, self.groups)
        self.test = np.flatnonzero(self.fold == TEST_FOLD)
        self.dev = np.flatnonzero(self.fold != TEST_FOLD)

    def outcome_rows(self, rows):
        return rows[np.isin(self.sources[rows], OUTCOME_SOURCES)]

    def calibration_mix(self, rows):
        """The rows, weak and strong qualities and weights the calibration curve is measured on: both
        models' correctness where the data has it (MMLU, GSM8K); elsewhere what the labels already
        assume: small-labelled prompts (everyday, open-ended, SVAMP, MATH levels 1-2) the weak model
        answers as well as the strong one (1, 1); arena-hard and MATH levels 4-5 only the strong one does
        (0, 1); MATH level 3 is left out. Each source weighs the same in total, so MMLU's size does not
        make the curve an exam's."""
        src, lv = self.sources[rows], self.level[rows]
        keep = ~((src == "math") & (lv == 3))
        rows, src = rows[keep], src[keep]
        weak = self.weak[rows].astype(np.float64)
        strong = self.strong[rows].astype(np.float64)
        assumed = weak < 0
        easy = assumed & (self.y[rows] == 0)
        weak[easy], strong[easy] = 1.0, 1.0
        weak[assumed & ~easy], strong[assumed & ~easy] = 0.0, 1.0
        weights = np.zeros(len(rows))
        for s in np.unique(src):
            weights[src == s] = CALIBRATION_WEIGHTS.get(s, 1.0) / np.sum(src == s)
        rows, weak, strong, weights = rows[weights > 0], weak[weights > 0], strong[weights > 0], weights[weights > 0]
        return rows, weak, strong, weights


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write model, metadata and probe here (a check), not into the source tree")
    args = ap.parse_args()
    d = Data()

    results = []
    for name, kind, alpha, make in candidates():
        def score_rows(train, held, kind=kind, alpha=alpha, make=make):
            mean, scale, layers = fit(d, train, kind, alpha, make)
            return score_of(onnx_export.reference(d.x[held], mean, scale, layers))
        oof = out_of_fold(d, score_rows)
        results.append({"name": name, "kind": kind, "alpha": alpha, "make": make, "exported": True, "oof": oof,
                        "criterion": selection_score(oof, d.dev, d.sources, d.weak, d.strong),
                        "val": per_source_routellm(d, d.dev, oof)})
        print(f"  {name}: out-of-fold mean APGR {results[-1]['criterion']:.4f}", file=sys.stderr)
    emb = d.x[:, :d.info["embedding_dimensions"]]
    for k, gamma in KNN:
        oof = out_of_fold(d, lambda train, held: knn_scores(emb, held, train, d.y[train] / 2.0, k, gamma))
        results.append({"name": f"knn (similarity-weighted) k={k} gamma={gamma:g}", "exported": False, "oof": oof,
                        "criterion": selection_score(oof, d.dev, d.sources, d.weak, d.strong),
                        "val": per_source_routellm(d, d.dev, oof)})
        print(f"  knn k={k} gamma={gamma}: out-of-fold mean APGR {results[-1]['criterion']:.4f}", file=sys.stderr)
    chosen = max((r for r in results if r["exported"]), key=lambda r: r["criterion"])
    mean, scale, layers = fit(d, d.dev, chosen["kind"], chosen["alpha"], chosen["make"])
    scores = lambda rows: score_of(onnx_export.reference(d.x[rows], mean, scale, layers))

    cal_rows, cal_weak, cal_strong, cal_weights = d.calibration_mix(d.dev)
    oof_by_row = dict(zip(d.dev.tolist(), chosen["oof"]))
    cal_scores = np.array([oof_by_row[i] for i in cal_rows])
    curve = calibration.curve(cal_scores, cal_weak, cal_strong, cal_weights,
                              f"the {len(cal_rows)} development prompts scored out of fold (each by a model that "
                              f"never saw it, nor its MMLU subject), each of the "
                              f"{len(np.unique(d.sources[cal_rows]))} sources weighing the same; outcomes: both "
                              f"models' correctness for {', '.join(OUTCOME_SOURCES)}, assumed from the labels "
                              f"elsewhere (MODEL_CARD.md)")
    t_mid, t_frontier = calibration.thresholds(curve, calibration.DEFAULT_QUALITY_TARGET)

    out_dir = args.out or MODEL_DIR
    probe_dir = args.out or PROBE_DIR
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(probe_dir, exist_ok=True)
    doc = f"Tiergate complexity classifier {NAME}: {chosen['name']}; see gateway-router/training/MODEL_CARD.md"
    onnx_export.write(os.path.join(out_dir, NAME + ".onnx"), mean, scale, layers, doc)
    spec = {"version": NAME, "embedding_model": d.info["embedding_model"],
            "embedding_dimensions": d.info["embedding_dimensions"],
            "structural_features": d.info["structural_features"], "tiers": TIERS,
            "input_name": onnx_export.INPUT, "threshold_mid": t_mid, "threshold_frontier": t_frontier,
            "default_quality_target": calibration.DEFAULT_QUALITY_TARGET,
            "model": chosen["name"], "calibration": curve}
    with open(os.path.join(out_dir, NAME + ".json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")

    probe_idx = []
    for tier in range(3):
        probe_idx += [i for i in d.test if d.y[i] == tier][:PROBE_ROWS_PER_TIER]
    probe_p = onnx_export.reference(d.x[probe_idx], mean, scale, layers)
    probe = {"model": NAME, "tolerance": 1e-6,
             "rows": [{"features": [float(v) for v in d.x[i]], "expected": [float(v) for v in p]}
                      for i, p in zip(probe_idx, probe_p)]}
    with open(os.path.join(probe_dir, NAME + "-probe.json"), "w") as f:
        json.dump(probe, f)
        f.write("\n")

    if args.out:
        write_figures(os.path.join(args.out, "figures.json"), results, chosen)
        print(f"check model written to {args.out}", file=sys.stderr)
        return
    import report
    report.write(d, results, chosen, curve, {"validation (out of fold)": (d.dev, chosen["oof"]),
                                             "test": (d.test, scores(d.test))}, (t_mid, t_frontier))


def write_figures(path, results, chosen):
    """The model-selection figures the card's table shows, unrounded: what compare.py checks a retrain by."""
    figures = {"chosen": chosen["name"],
               "candidates": {r["name"]: {"mean_apgr": float(r["criterion"]),
                                          **{f"apgr {s}": float(r["val"][s]["apgr"]) for s in OUTCOME_SOURCES}}
                              for r in results}}
    with open(path, "w") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")


def per_source_routellm(d, rows, s):
    return {src: evaluate.routellm_metrics(s[m], d.weak[rows][m], d.strong[rows][m])
            for src in OUTCOME_SOURCES for m in [d.sources[rows] == src]}


if __name__ == "__main__":
    main()
