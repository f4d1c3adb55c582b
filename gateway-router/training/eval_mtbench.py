"""The shipped router on MT-Bench (evaluation only; eval_mtbench.sh runs it).

  /usr/bin/python3 eval_mtbench.py eval-only/mt-bench.jsonl build/eval-mtbench/contexts.jsonl

Quality: GPT-4's 1-10 judge score of the weak (Mixtral-8x7B-Instruct) and strong (GPT-4-1106) model's
answer. RouteLLM routes on the first turn and scores the mean of both turns (its MT-Bench benchmark);
turn 1 alone is shown too. The router's score ranks the prompts for RouteLLM's metrics (evaluate.py);
its tiers (default quality target 0.95 and 0.9) give the tier shares and the PGR reached at them. The mid
tier has no judge score: PGR is shown with mid at the strong model's quality (mid = strong, an upper
bound) and at the mean of both (mid = mean, the assumption the thresholds are derived under).
"""
import argparse
import json

import numpy as np

import evaluate

TIERS = ("small", "mid", "frontier")
BOOTSTRAP = 2000
SEED = 18


def load(data_path, contexts_path):
    rows = [json.loads(line) for line in open(data_path, encoding="utf-8") if line.strip()]
    contexts = [json.loads(line) for line in open(contexts_path, encoding="utf-8") if line.strip()]
    if len(rows) != len(contexts):
        raise SystemExit(f"{len(rows)} prompts but {len(contexts)} contexts")
    return rows, contexts


def quality(rows, role, turns):
    if turns == "turn 1":
        return np.array([r[f"{role}_turn1"] for r in rows])
    return np.array([(r[f"{role}_turn1"] + r[f"{role}_turn2"]) / 2 for r in rows])


def pgr_at_tiers(tiers, weak, strong, mid_weight):
    """PGR when small gets the weak model's quality, frontier the strong one's and mid
    weak + mid_weight * (strong - weak)."""
    gap = strong.mean() - weak.mean()
    if gap <= 0:
        return None
    w = np.array([{"small": 0.0, "mid": mid_weight, "frontier": 1.0}[t] for t in tiers])
    return float((weak + w * (strong - weak)).mean() - weak.mean()) / gap


def fmt(x, pct=False):
    if x is None:
        return "—"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


def block(rows, contexts, turns):
    score = np.array([c["score"] for c in contexts])
    weak, strong = quality(rows, "weak", turns), quality(rows, "strong", turns)
    out = {"n": len(rows), "weak": weak.mean(), "strong": strong.mean()}
    if strong.mean() > weak.mean():
        out.update(evaluate.routellm_metrics(score, weak, strong))
        # The best any ranking could do on these prompts: strong calls where the gain is largest.
        out["oracle_small_at_pgr90"] = evaluate.small_share_at(strong - weak, weak, strong, 0.9)
    for name, tiers in (("default", [c["tier"] for c in contexts]), ("q0.9", [c["tiers"]["0.9"] for c in contexts])):
        out[name] = {t: sum(x == t for x in tiers) / len(tiers) for t in TIERS}
        out[name]["pgr_mid_strong"] = pgr_at_tiers(tiers, weak, strong, 1.0)
        out[name]["pgr_mid_mean"] = pgr_at_tiers(tiers, weak, strong, 0.5)
    return out


def bootstrap(rows, contexts, turns):
    """95% percentile intervals of APGR and the small share at PGR 0.9 over prompts resampled with
    replacement (resamples where the strong model is not better are skipped)."""
    score = np.array([c["score"] for c in contexts])
    weak, strong = quality(rows, "weak", turns), quality(rows, "strong", turns)
    rng = np.random.default_rng(SEED)
    apgrs, smalls = [], []
    for _ in range(BOOTSTRAP):
        i = rng.integers(0, len(score), len(score))
        if strong[i].mean() <= weak[i].mean():
            continue
        apgrs.append(evaluate.apgr(score[i], weak[i], strong[i]))
        smalls.append(evaluate.small_share_at(score[i], weak[i], strong[i], 0.9))
    return np.percentile(apgrs, [2.5, 97.5]), np.percentile(smalls, [2.5, 97.5])


def table(title, groups, turns):
    print(f"\n### {title} ({turns})\n")
    print("| prompts | n | weak | strong | APGR | CPT(50%) | CPT(80%) | small at PGR 0.9 | (best ranking) "
          "| default: small / mid / frontier | PGR mid=strong | PGR mid=mean "
          "| q 0.9: small / mid / frontier | PGR mid=strong | PGR mid=mean |")
    print("|---" * 15 + "|")
    for name, (rows, contexts) in groups.items():
        b = block(rows, contexts, turns)
        d, q = b["default"], b["q0.9"]
        print(f"| {name} | {b['n']} | {b['weak']:.2f} | {b['strong']:.2f} | {fmt(b.get('apgr'))} "
              f"| {fmt(b.get('cpt50'), True)} | {fmt(b.get('cpt80'), True)} | {fmt(b.get('small_at_pgr90'), True)} "
              f"| {fmt(b.get('oracle_small_at_pgr90'), True)} "
              f"| {d['small']:.0%} / {d['mid']:.0%} / {d['frontier']:.0%} | {fmt(d['pgr_mid_strong'])} "
              f"| {fmt(d['pgr_mid_mean'])} "
              f"| {q['small']:.0%} / {q['mid']:.0%} / {q['frontier']:.0%} | {fmt(q['pgr_mid_strong'])} "
              f"| {fmt(q['pgr_mid_mean'])} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("contexts")
    args = p.parse_args()
    rows, contexts = load(args.data, args.contexts)
    pairs = list(zip(rows, contexts))
    overall = {
        "all": (rows, contexts),
        "decontaminated (RouteLLM's 72)": tuple(map(list, zip(*[(r, c) for r, c in pairs if not r["contaminated"]]))),
    }
    categories = {}
    for cat in sorted({r["category"] for r in rows}):
        categories[cat] = tuple(map(list, zip(*[(r, c) for r, c in pairs if r["category"] == cat])))
    for turns in ("mean of both turns", "turn 1"):
        table("MT-Bench, shipped router", overall, turns)
    for turns in ("mean of both turns", "turn 1"):
        (a_lo, a_hi), (s_lo, s_hi) = bootstrap(rows, contexts, turns)
        print(f"\nall 80, {turns}: bootstrap 95% interval ({BOOTSTRAP} resamples): APGR {a_lo:.3f} - {a_hi:.3f}, "
              f"small at PGR 0.9 {s_lo:.1%} - {s_hi:.1%}")
    table("MT-Bench per category, shipped router", categories, "mean of both turns")
    scores = {cat: np.mean([c["score"] for c in cs]) for cat, (_, cs) in categories.items()}
    print("\nmean complexity score per category: "
          + ", ".join(f"{cat} {s:.2f}" for cat, s in sorted(scores.items(), key=lambda kv: kv[1])))


if __name__ == "__main__":
    main()
