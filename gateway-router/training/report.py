"""Writes the metrics train.py measured: the metrics section of MODEL_CARD.md and the calibration section
of docs/routing.md (each between its markers), and prints them."""
import collections
import json
import os
import sys

import numpy as np

import calibration
import evaluate
from train import BUILD, CARD, COST, HERE, OUTCOME_SOURCES, md_table, pct, route

DOCS = os.path.abspath(os.path.join(HERE, "..", "..", "docs", "routing.md"))
TARGETS = [(0.80, None), (0.85, None), (0.90, None), (0.95, None), (0.98, None), (1.0, None), (None, 0.2),
           (None, 0.4)]


def write(d, results, chosen, curve, s, defaults):
    """s: split name -> (rows, their scores); the first is the out-of-fold development set."""
    card = "\n".join([data_section(d), selection_section(results, chosen), routellm_section(d, s),
                      difficulty_section(d, s, defaults), shares_section(d, s, defaults)])
    docs = "\n".join([targets_section(d, s, curve), curve_section(curve), routellm_section(d, s),
                      difficulty_section(d, s, defaults)])
    replace_block(CARD, "metrics", card)
    replace_block(DOCS, "calibration", docs)
    print(card + "\n" + docs, file=sys.stderr)


def replace_block(path, name, block):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin, end = f"<!-- {name}:begin (written by train.py) -->", f"<!-- {name}:end -->"
    head, found, rest = text.partition(begin)
    if not found:
        raise SystemExit(f"{path} has no {begin} marker")
    _, _, tail = rest.partition(end)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + block + "\n" + end + tail)


def data_section(d):
    with open(os.path.join(BUILD, "prepare.json")) as f:
        prep = json.load(f)
    counts = collections.Counter()
    for name, idx in (("development", d.dev), ("test", d.test)):
        for i in idx:
            counts[(d.sources[i], name)] += 1
    rows = []
    for src in sorted(set(d.sources)):
        per = collections.Counter(d.y[d.sources == src])
        rows.append([src, per[0], per[1], per[2], counts[(src, "development")], counts[(src, "test")]])
    val_subjects = sorted(set(d.groups[d.dev][d.sources[d.dev] == "mmlu"]))
    test_subjects = sorted(set(d.groups[d.test][d.sources[d.test] == "mmlu"]))
    sub = prep["mmlu_subjects"]
    low = sorted(sub, key=lambda k: sub[k]["strong_accuracy_where_weak_wrong"])[:5]
    return "\n".join([
        "### Data and split\n",
        md_table(["source", "small", "mid", "frontier", "development (4 folds)", "test (1 fold)"], rows),
        f"\nMMLU subjects in the development folds ({len(val_subjects)}; each fold's subjects held out whole "
        f"in turn): {', '.join(s.split('/')[1] for s in val_subjects)}.\n",
        f"Test subjects ({len(test_subjects)}, never trained or selected on): "
        f"{', '.join(s.split('/')[1] for s in test_subjects)}.\n",
        f"Dropped MMLU subjects: {', '.join(prep['dropped_mmlu_subjects'])}; duplicates removed: "
        f"{prep['duplicates_removed']}.\n",
        md_table(["subject", "n", "weak acc.", "strong acc.", "strong acc. where weak wrong"],
                 [[k, sub[k]["n"], sub[k]["weak_accuracy"], sub[k]["strong_accuracy"],
                   sub[k]["strong_accuracy_where_weak_wrong"]] for k in low]),
        "\n(the five lowest subjects; a subject is dropped below 0.25, chance for four options)\n"])


def selection_section(results, chosen):
    rows = [[r["name"], f"{r['criterion']:.4f}"] + [f"{r['val'][s]['apgr']:.3f}" for s in OUTCOME_SOURCES]
            + ["yes" if r["exported"] else "no (see below)"] for r in results]
    return "\n".join([
        "### Model selection (out of fold on the development folds)\n",
        md_table(["candidate", "mean APGR", *[f"APGR {s}" for s in OUTCOME_SOURCES], "exportable as trained"],
                 rows),
        f"\nChosen: **{chosen['name']}** (the highest out-of-fold mean APGR among the exportable candidates); then retrained on all development folds.\n"])


def routellm_section(d, s):
    rows = []
    for split, (idx, sc) in s.items():
        for src in OUTCOME_SOURCES:
            m = d.sources[idx] == src
            r = evaluate.routellm_metrics(sc[m], d.weak[idx][m], d.strong[idx][m])
            rows.append([split, src, r["n"], f"{r['weak_quality']:.3f}", f"{r['strong_quality']:.3f}",
                         f"{r['apgr']:.3f}", pct(r["cpt50"]), pct(r["cpt80"]), pct(r["small_at_pgr90"])])
    return "\n".join([
        "### RouteLLM metrics per source (evaluate.py; random routing: APGR 0.500, CPT(x) = x)\n",
        md_table(["split", "source", "n", "weak acc.", "strong acc.", "APGR", "CPT(50%)", "CPT(80%)",
                  "small share at PGR 0.9"], rows),
        "\nMMLU rows are subjects never trained on (whole subjects held out). Weak: Mixtral-8x7B-Instruct, "
        "strong: GPT-4-1106 (RouteLLM's per-prompt correctness).\n"])


def difficulty_section(d, s, defaults):
    t_mid, t_frontier = defaults
    rows = []
    for split, (idx, sc) in s.items():
        m = d.sources[idx] == "math"
        lv, tiers = d.level[idx][m], route(sc[m], t_mid, t_frontier)
        easy, hard = lv <= 2, lv >= 4
        rows.append([split, int(m.sum()), f"{evaluate.spearman(sc[m], lv):.3f}",
                     pct(np.mean(tiers[easy] < 2)), pct(np.mean(tiers[easy] == 0)),
                     pct(np.mean(tiers[hard] == 0)), pct(np.mean(tiers[hard] == 2))])
    return "\n".join([
        f"### Graded difficulty: MATH (default thresholds mid {t_mid:.2f}, frontier {t_frontier:.2f})\n",
        md_table(["split", "n", "Spearman(score, level)", "Level 1-2 below frontier", "Level 1-2 to small",
                  "Level 4-5 to small", "Level 4-5 to frontier"], rows), ""])


def shares_section(d, s, defaults):
    t_mid, t_frontier = defaults
    rows = []
    for split, (idx, sc) in s.items():
        for src in sorted(set(d.sources)):
            m = d.sources[idx] == src
            tiers = route(sc[m], t_mid, t_frontier)
            rows.append([split, src, int(m.sum()), f"{np.mean(sc[m]):.3f}", pct(np.mean(tiers == 0)),
                         pct(np.mean(tiers == 1)), pct(np.mean(tiers == 2))])
    return "\n".join([
        f"### Tier shares per source at the default thresholds (quality target "
        f"{calibration.DEFAULT_QUALITY_TARGET}: mid {t_mid:.2f}, frontier {t_frontier:.2f})\n",
        md_table(["split", "source", "n", "mean score", "small", "mid", "frontier"], rows), ""])


def targets_section(d, s, curve):
    idx, sc = next(iter(s.values()))
    out_rows = np.isin(d.sources[idx], OUTCOME_SOURCES)
    weak, strong = d.weak[idx][out_rows], d.strong[idx][out_rows]
    cal_rows, cal_weak, cal_strong, cal_weights = d.calibration_mix(idx)
    pos = {r: i for i, r in enumerate(idx.tolist())}
    cal_scores = sc[[pos[r] for r in cal_rows.tolist()]]
    rows = []
    for target, cap in TARGETS:
        t_mid, t_frontier = calibration.thresholds(curve, target, cap)
        tiers = route(sc, t_mid, t_frontier)
        ct = route(cal_scores, t_mid, t_frontier)
        mix = [np.average(np.where(ct >= lowest, cal_strong, cal_weak), weights=cal_weights)
               / np.average(cal_strong, weights=cal_weights) for lowest in (2, 1)]
        mix_half = (mix[0] + mix[1]) / 2
        ot = tiers[out_rows]
        q_low = np.mean(np.where(ot == 2, strong, weak)) / np.mean(strong)
        q_high = np.mean(np.where(ot >= 1, strong, weak)) / np.mean(strong)
        q_half = (q_low + q_high) / 2
        cost = COST[ot].sum() / (COST[2] * len(ot))
        lv = d.level[idx]
        is_math = d.sources[idx] == "math"
        easy, hard = is_math & (lv <= 2), is_math & (lv >= 4)
        every = d.sources[idx] == "everyday"
        open_ended = d.sources[idx] == "open-ended"
        arena = d.sources[idx] == "arena-hard"
        goal = f"quality-target {target}" if target is not None else f"max-frontier-share {cap}"
        rows.append([goal, f"{t_mid:.2f} / {t_frontier:.2f}", f"**{mix_half:.3f}** ({mix[0]:.3f} – {mix[1]:.3f})",
                     pct(np.mean(ot == 0)), pct(np.mean(ot == 1)),
                     pct(np.mean(ot == 2)), f"**{q_half:.3f}** ({q_low:.3f} – {q_high:.3f})", pct(cost),
                     pct(np.mean(tiers[easy] < 2)), pct(np.mean(tiers[hard] == 0)), pct(np.mean(tiers[every] == 0)),
                     pct(np.mean(tiers[open_ended] == 0)), pct(np.mean(tiers[arena] == 2))])
    return "\n".join([
        "### What each goal costs and keeps (development folds, out of fold)\n",
        md_table(["goal", "mid / frontier", "quality kept (calibration mix)", "small", "mid", "frontier",
                  "quality kept", "cost",
                  "MATH L1-2 below frontier", "MATH L4-5 to small", "everyday to small", "open-ended to small",
                  "arena-hard to frontier"],
                 rows),
        f"\nShares, quality and cost are over the {int(out_rows.sum())} development prompts with both models' "
        "outcomes (MMLU subjects not trained on, GSM8K): small/mid/frontier shares, quality kept and cost are "
        "theirs. The calibration mix is what the curve is measured on (below). Quality kept: the mean "
        "correctness over the strong model's, in bold with the mid tier recovering half the weak-to-strong gap "
        "on its prompts (the assumption the thresholds are derived under), in brackets with the mid tier at "
        "the weak model's quality and at the strong one's (its true quality lies between). Cost: relative to "
        "sending everything to frontier at input prices small : mid : frontier = 1 : 2.7 : 16.7 (gpt-4o-mini : a mid model : gpt-4o).\n"])


def curve_section(curve):
    rows = [[f"{p['threshold']:.2f}", f"{p['quality_kept']:.3f}", pct(p["frontier_share"])]
            for p in curve["points"] if round(p["threshold"] * 100) % 5 == 0]
    return "\n".join([
        "### The calibration curve (shipped in complexity-v1.json)\n",
        f"Measured on {curve['measured_on']}.\n",
        md_table(["threshold", "quality kept", "frontier share"], rows), ""])
