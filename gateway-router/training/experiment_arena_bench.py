"""Does arena-bench-v1 (graded outcomes of several models on real open-ended prompts) improve the router?

Runs train.py's shipped recipe (the five-seed MLP on 3-tier labels) out of fold on the development
folds only, for several weightings of arena-bench and of our assumed-small open-ended prompts in
training and in the calibration mix, and prints, per weighting: APGR per outcome source, arena-bench's
small share at PGR 0.9, and at the thresholds each weighting's own calibration curve derives for the
default quality target, the tier shares that the MATH targets and the open-ended prompts are judged on.
Nothing here reads the test fold, MT-Bench or any other evaluation-only data. Needs build/ with the
arena-bench prompts (prepare.py --arena-bench, then FeatureDump as train.sh runs it):
  /usr/bin/python3 gateway-router/training/experiment_arena_bench.py [variant name ...]
--test (once, after choosing): the same for the chosen variant trained on all development folds and
scored on the test fold.
"""
import os
import sys

import numpy as np

import calibration
import evaluate
import onnx_export
import train

# (name, SOURCE_WEIGHTS, CALIBRATION_WEIGHTS)
VARIANTS = [
    ("arena-bench not used (the shipped recipe)", {"everyday": 5, "open-ended": 2, "arena-bench": 0},
     {"arena-bench": 0}),
    ("arena-bench in calibration only", {"everyday": 5, "open-ended": 2, "arena-bench": 0}, {}),
    ("arena-bench x2", {"everyday": 5, "open-ended": 2, "arena-bench": 2}, {}),
    ("arena-bench x4", {"everyday": 5, "open-ended": 2, "arena-bench": 4}, {}),
    ("arena-bench x8", {"everyday": 5, "open-ended": 2, "arena-bench": 8}, {}),
    ("arena-bench x4, open-ended x1", {"everyday": 5, "open-ended": 1, "arena-bench": 4}, {}),
    ("arena-bench x4, open-ended x1, calibration 0.5", {"everyday": 5, "open-ended": 1, "arena-bench": 4},
     {"open-ended": 0.5}),
]


OUTCOME_SOURCES = ["mmlu", "routellm-gsm8k", "arena-bench"]


def run(d, name, source_weights, calibration_weights):
    train.SOURCE_WEIGHTS = source_weights
    train.CALIBRATION_WEIGHTS = calibration_weights

    def score_rows(tr, held):
        mean, scale, layers = train.fit(d, tr, "3-tier", 0.0, lambda: train.Mlp(train.MLP_HIDDEN, 1e-2))
        return train.score_of(onnx_export.reference(d.x[held], mean, scale, layers))

    oof = train.out_of_fold(d, score_rows)
    dev = d.dev
    src = d.sources[dev]
    out = {"name": name}
    for s in OUTCOME_SOURCES:
        m = src == s
        out[f"APGR {s}"] = evaluate.apgr(oof[m], d.weak[dev][m], d.strong[dev][m])
    m = src == "arena-bench"
    ab = [i for i in dev[m]]
    cheap = np.array([d.kept[i]["cheap_mean"] for i in ab])
    front = np.array([d.kept[i]["frontier_mean"] for i in ab])
    out["APGR arena-bench (4 cheap vs 2 GPT-4 means)"] = evaluate.apgr(oof[m], cheap, front)
    out["arena-bench small at PGR 0.9"] = evaluate.small_share_at(oof[m], d.weak[dev][m], d.strong[dev][m], 0.9)
    cal_rows, w, s_, wt = d.calibration_mix(dev)
    by_row = dict(zip(dev.tolist(), oof))
    curve = calibration.curve(np.array([by_row[i] for i in cal_rows]), w, s_, wt, "experiment")
    t_mid, t_front = calibration.thresholds(curve, calibration.DEFAULT_QUALITY_TARGET)
    tiers = train.route(oof, t_mid, t_front)
    lv = d.level[dev]
    out["thresholds"] = f"{t_mid:.2f} / {t_front:.2f}"
    out["MATH L1-2 below frontier"] = np.mean(tiers[(src == "math") & (lv <= 2)] < 2)
    out["MATH L4-5 to small"] = np.mean(tiers[(src == "math") & (lv >= 4)] == 0)
    for s in ("arena-bench", "open-ended", "everyday", "arena-hard"):
        t = tiers[src == s]
        out[f"{s} s/m/f"] = "/".join(f"{100 * np.mean(t == k):.0f}" for k in range(3))
    return out


def test_fold(d, name, source_weights):
    """The variant trained on all development folds, scored on the test fold: read once, never chosen on."""
    train.SOURCE_WEIGHTS = source_weights
    mean, scale, layers = train.fit(d, d.dev, "3-tier", 0.0, lambda: train.Mlp(train.MLP_HIDDEN, 1e-2))
    sc = train.score_of(onnx_export.reference(d.x[d.test], mean, scale, layers))
    src = d.sources[d.test]
    out = {"name": name + " (test fold)"}
    for s in OUTCOME_SOURCES:
        m = src == s
        out[f"APGR {s}"] = evaluate.apgr(sc[m], d.weak[d.test][m], d.strong[d.test][m])
        out[f"small at PGR 0.9 {s}"] = evaluate.small_share_at(sc[m], d.weak[d.test][m], d.strong[d.test][m], 0.9)
    m = src == "arena-bench"
    cheap = np.array([d.kept[i]["cheap_mean"] for i in d.test[m]])
    front = np.array([d.kept[i]["frontier_mean"] for i in d.test[m]])
    out["n arena-bench"] = int(m.sum())
    out["APGR arena-bench (4 cheap vs 2 GPT-4 means)"] = evaluate.apgr(sc[m], cheap, front)
    return out


def main():
    # The build directory with the arena-bench rows (train.sh's own build/ has none): EXPERIMENT_BUILD.
    train.BUILD = os.environ.get("EXPERIMENT_BUILD", train.BUILD)
    d = train.Data()
    d.kept = [p for p in d.prompts_all if p["label"] >= 0]
    args = sys.argv[1:]
    if args[:1] == ["--test"]:
        for name, sw, _ in VARIANTS:
            if name in args[1:]:
                r = test_fold(d, name, sw)
                print(" | ".join(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in r.items()),
                      flush=True)
        return
    names = [v[0] for v in VARIANTS] if not args else args
    for name, sw, cw in VARIANTS:
        if name not in names:
            continue
        r = run(d, name, sw, cw)
        print(" | ".join(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in r.items()),
              flush=True)


if __name__ == "__main__":
    main()
