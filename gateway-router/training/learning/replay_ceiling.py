#!/usr/bin/env python3
"""What a policy that sees only the learning router's context could reach on the replay stream.

Inputs: the replay stream (bench/replay/make_stream.py: per prompt the score of each tier) and the
context the gateway computes for each prompt (ReplayContexts, gateway-router test scope: complexity
score, static tier under the default thresholds, prompt cluster). Figures are on the last TAIL
prompts (the issue's "last 500 decisions"), next to the static router on the same prompts.

Policy classes (each a table from a context key to a tier, or thresholds on the score):
  global thresholds   one (mid, frontier) pair of thresholds on the score for every prompt
  cluster x static    a tier per (cluster, static tier): the cells the learning router learns over
  cluster thresholds  a (mid, frontier) pair of thresholds per cluster (a threshold shift per cluster)
  cluster x score bin a tier per (cluster, score quintile)
  per prompt          the outcome of every prompt known (no policy can beat it)

Each class is fitted two ways: 'in sample' on the last TAIL prompts themselves (the ceiling with full
knowledge of the very prompts it is scored on), and 'learned' on the prompts before them (every tier's
outcome known for all of them: more than any bandit ever observes), then scored on the last TAIL.

Two questions per class, the issue's two targets:
  small share   the most small-tier share keeping quality >= the static router's
  PGR           the best PGR keeping the small share >= the static router's
each also with the relative cost held <= the static router's ('cost-capped'): with mid scored as the
mean of small and frontier (the replay's assumption), replacing two mid answers by a small and a
frontier one keeps quality by construction and only costs more; the cost cap rules that out.

Optimisation: global thresholds by trying every pair on a grid (41 score quantiles, and the static
pair); the other classes' per-group choices under the constraints by a Lagrangian sweep (two
multipliers, on the small count and the cost), keeping the best choice that satisfies the constraints
on the fitting prompts: exact on the convex hull of the choices, so a ceiling may be a little below
the integer optimum.

Usage: replay_ceiling.py STREAM.jsonl CONTEXTS.jsonl [--tail 500] [--small-as-good 4,5]
"""
import argparse
import json
import sys

import numpy as np

TIERS = ("small", "mid", "frontier")
COSTS = np.array([0.06, 0.16, 1.0])    # the replay report's relative costs (list prices of the demo models)
BINS = 5


def load(stream_path, contexts_path):
    stream = [json.loads(line) for line in open(stream_path, encoding="utf-8") if line.strip()]
    contexts = [json.loads(line) for line in open(contexts_path, encoding="utf-8") if line.strip()]
    if len(stream) != len(contexts):
        sys.exit(f"{len(stream)} prompts but {len(contexts)} contexts")
    q = np.array([[s["scores"][t] for t in TIERS] for s in stream], dtype=float)
    score = np.array([c["score"] for c in contexts])
    static = np.array([TIERS.index(c["tier"]) for c in contexts])
    cluster = np.array([c["cluster"] for c in contexts])
    return q, score, static, cluster


def small_as_good(q, cluster, clusters):
    """A what-if traffic: in the given clusters the small model answers exactly as the frontier one (so
    mid too); elsewhere the stream's labels. Returns a copy."""
    q = q.copy()
    m = np.isin(cluster, clusters)
    q[m, 0] = q[m, 2]
    q[m, 1] = q[m, 2]
    return q


def summary(q, choice):
    """Quality, PGR, small share, mid share, frontier share, mean relative cost of a choice per prompt."""
    n = len(choice)
    quality = q[np.arange(n), choice].mean()
    weak, strong = q[:, 0].mean(), q[:, 2].mean()
    pgr = (quality - weak) / (strong - weak) if strong != weak else float("nan")
    shares = [float(np.mean(choice == t)) for t in range(3)]
    return {"quality": float(quality), "pgr": float(pgr), "small": shares[0], "mid": shares[1],
            "frontier": shares[2], "cost": float(COSTS[choice].mean())}


def lagrangian(q, idx, groups, n_options, option_tiers, constraint):
    """The best per-group picks on prompts idx under constraint(quality, pgr, small, cost) by a sweep of
    two multipliers: maximise quality + a·small − b·cost per group. Returns (picks, objective value)."""
    keys = np.unique(groups[idx])
    k_max = max(n_options(g) for g in keys)
    table = np.zeros((len(keys), k_max, 3))
    table[:, :, 0] = -np.inf
    for i, g in enumerate(keys):
        members = idx[groups[idx] == g]
        for k in range(n_options(g)):
            tiers = option_tiers(g, k, members)
            table[i, k] = (q[members, tiers].sum(), np.sum(tiers == 0), COSTS[tiers].sum())
    n = len(idx)
    weak, strong = q[idx, 0].mean(), q[idx, 2].mean()
    rows = np.arange(len(keys))
    best = None
    if len(keys) == 1:   # one group (global thresholds): every option is tried, exact
        for k in range(n_options(keys[0])):
            quality, small, cost = table[0, k] / n
            ok, value = constraint(quality, (quality - weak) / (strong - weak), small, cost)
            if ok and (best is None or value > best[1] + 1e-12):
                best = ({keys[0]: k}, value)
        return best
    for a in np.concatenate([-np.geomspace(1e-4, 1, 40)[::-1], [0], np.geomspace(1e-4, 1, 40)]):
        for b in np.concatenate([[0], np.geomspace(1e-4, 2, 40)]):
            picks = np.argmax(table[:, :, 0] + a * table[:, :, 1] - b * table[:, :, 2], axis=1)
            quality, small, cost = table[rows, picks].sum(axis=0) / n
            ok, value = constraint(quality, (quality - weak) / (strong - weak), small, cost)
            if ok and (best is None or value > best[1] + 1e-12):
                best = (dict(zip(keys.tolist(), picks.tolist())), value)
    return best


def choose(idx, groups, option_tiers, picks):
    out = np.empty(len(idx), dtype=int)
    g_of = groups[idx]
    for g in np.unique(g_of):
        where = np.nonzero(g_of == g)[0]
        out[where] = option_tiers(g, picks.get(g, 0), idx[where])
    return out


def classes(score, static, cluster, fit_idx):
    """The policy classes: name -> (groups per prompt, n_options(g), option_tiers(g, k, members))."""
    n = len(score)
    qs = np.quantile(score[fit_idx], np.linspace(0, 1, 41))
    # the static thresholds themselves (the lowest score each tier got), so the static policy is a choice
    static_pair = (score[static >= 1].min(), score[static == 2].min())
    grid = [(lo, hi) for i, lo in enumerate(qs) for hi in qs[i:]] + [(2.0, 2.0), static_pair]

    def thresholds(g, k, members):
        lo, hi = grid[k]
        s = score[members]
        return np.where(s >= hi, 2, np.where(s >= lo, 1, 0))

    edges = np.quantile(score[fit_idx], np.linspace(0, 1, BINS + 1)[1:-1])
    score_bin = np.searchsorted(edges, score, side="right")
    fixed = lambda g, k, members: np.full(len(members), k)   # noqa: E731
    return {
        "global thresholds": (np.zeros(n, dtype=int), lambda g: len(grid), thresholds),
        "cluster x static tier": (cluster * 3 + static, lambda g: 3, fixed),
        "cluster thresholds": (cluster, lambda g: len(grid), thresholds),
        "cluster x score bin": (cluster * BINS + score_bin, lambda g: 3, fixed),
        "per prompt": (np.arange(n), lambda g: 3, fixed),
    }


def ceilings(q, score, static, cluster, tail):
    n = len(q)
    test = np.arange(n - tail, n)
    train = np.arange(0, n - tail)
    base_test = summary(q[test], static[test])
    rows = []
    for fit_name, fit_idx in (("in sample", test), ("learned", train)):
        base = summary(q[fit_idx], static[fit_idx])
        bq, bs, bc, e = base["quality"], base["small"], base["cost"], 1e-9
        targets = {
            "small share": lambda q_, p, s, c: (q_ >= bq - e, s),
            "small share, cost-capped": lambda q_, p, s, c: (q_ >= bq - e and c <= bc + e, s),
            "PGR": lambda q_, p, s, c: (s >= bs - e, p),
            "PGR, cost-capped": lambda q_, p, s, c: (s >= bs - e and c <= bc + e, p),
        }
        for cname, (groups, n_options, option_tiers) in classes(score, static, cluster, fit_idx).items():
            if cname == "per prompt" and fit_name == "learned":
                continue
            for tname, constraint in targets.items():
                found = lagrangian(q, fit_idx, groups, n_options, option_tiers, constraint)
                if found is None:
                    continue
                s = summary(q[test], choose(test, groups, option_tiers, found[0]))
                rows.append({"fit": fit_name, "class": cname, "target": tname, **s})
    return base_test, rows


def per_cluster(q, static, cluster):
    """Per cluster over the whole stream: prompts, the small and frontier model's mean correctness, the
    gap between them, and the static router's small share."""
    out = ["| cluster | prompts | small correct | frontier correct | gap | static small share |",
           "|---|---|---|---|---|---|"]
    for c in sorted(np.unique(cluster), key=lambda c: -np.sum(cluster == c)):
        m = cluster == c
        out.append(f"| {c} | {m.sum()} | {q[m, 0].mean():.3f} | {q[m, 2].mean():.3f} | "
                   f"{q[m, 2].mean() - q[m, 0].mean():+.3f} | {np.mean(static[m] == 0):.1%} |")
    return "\n".join(out)


def markdown(base, rows, tail):
    out = [f"Static router on the last {tail}: quality {base['quality']:.3f}, PGR {base['pgr']:.3f}, "
           f"small {base['small']:.1%}, mid {base['mid']:.1%}, frontier {base['frontier']:.1%}, "
           f"relative cost {base['cost']:.3f}.", "",
           "| fitted | policy class | optimised for | quality | PGR | small | mid | frontier | rel. cost |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['fit']} | {r['class']} | {r['target']} | {r['quality']:.3f} | {r['pgr']:.3f} | "
                   f"{r['small']:.1%} | {r['mid']:.1%} | {r['frontier']:.1%} | {r['cost']:.3f} |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stream")
    p.add_argument("contexts")
    p.add_argument("--tail", type=int, default=500)
    p.add_argument("--small-as-good", default="", help="what-if: clusters (comma-separated) where small = frontier")
    args = p.parse_args()
    q, score, static, cluster = load(args.stream, args.contexts)
    if args.small_as_good:
        q = small_as_good(q, cluster, [int(c) for c in args.small_as_good.split(",")])
    base, rows = ceilings(q, score, static, cluster, args.tail)
    print(markdown(base, rows, args.tail))
    print()
    print(per_cluster(q, static, cluster))


if __name__ == "__main__":
    main()
