"""RouteLLM's router metrics (Ong et al., "RouteLLM: Learning to Route LLMs with Preference Data", 2024).

A router gives every prompt a score; a prompt goes to the strong model when its score is among the
highest. With `weak` and `strong` the quality each model gets on each prompt (e.g. 1/0 correctness):
- PGR(c), the performance gap recovered with a share c of calls to the strong model:
  (Q(c) - Q_weak) / (Q_strong - Q_weak), Q(c) the mean quality when the top share c goes strong;
- APGR: the mean of PGR over c in [0, 1] (the area under the PGR curve); random routing gives 0.5;
- CPT(x): the smallest share of strong calls with PGR >= x;
- the small (weak) share at PGR x: 1 - CPT(x).
Ties in the score are broken at random: the curve is evaluated at the ends of each run of equal
scores and linear in between, which is the expected curve over random tie-breaks, so a constant
score gives exactly the random router's APGR of 0.5.

Pure numpy; `test_evaluate.py` checks it on small fixtures with answers worked out by hand.
"""
import numpy as np


def pgr_curve(scores, weak, strong):
    """(share of strong calls, PGR) at the ends of each tie group, from 0 to 1 strong calls."""
    scores = np.asarray(scores, dtype=np.float64)
    weak = np.asarray(weak, dtype=np.float64)
    strong = np.asarray(strong, dtype=np.float64)
    n = len(scores)
    if n == 0:
        raise ValueError("no prompts")
    gap = strong.mean() - weak.mean()
    if gap <= 0:
        raise ValueError(f"the strong model is not better on these prompts (gap {gap:.4f})")
    order = np.argsort(-scores, kind="stable")
    gain = (strong - weak)[order]
    s = scores[order]
    # The last index of each run of equal scores: the curve's knots.
    ends = np.flatnonzero(np.r_[s[1:] != s[:-1], True]) + 1
    cum = np.r_[0.0, np.cumsum(gain)]
    shares = np.r_[0.0, ends / n]
    pgr = np.r_[0.0, cum[ends] / n / gap]
    return shares, pgr


def apgr(scores, weak, strong):
    shares, pgr = pgr_curve(scores, weak, strong)
    return float(np.sum((shares[1:] - shares[:-1]) * (pgr[1:] + pgr[:-1]) / 2))


def cpt(scores, weak, strong, target):
    """The smallest share of strong calls at which the (interpolated) PGR reaches `target`; 1.0 if never
    before all calls are strong (PGR is 1 there)."""
    shares, pgr = pgr_curve(scores, weak, strong)
    for i in range(1, len(shares)):
        if pgr[i] >= target:
            lo, hi = pgr[i - 1], pgr[i]
            if hi == lo or lo >= target:
                return float(shares[i - 1] if lo >= target else shares[i])
            return float(shares[i - 1] + (target - lo) / (hi - lo) * (shares[i] - shares[i - 1]))
    return 1.0


def small_share_at(scores, weak, strong, target):
    return 1.0 - cpt(scores, weak, strong, target)


def spearman(a, b):
    """Spearman's rank correlation with average ranks for ties."""
    ra, rb = _ranks(a), _ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denom = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float((ra * rb).sum() / denom) if denom > 0 else 0.0


def _ranks(values):
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    v = values[order]
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[j + 1] == v[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return ranks


def routellm_metrics(scores, weak, strong):
    """The RouteLLM block for one source with per-prompt outcomes of both models."""
    weak = np.asarray(weak, dtype=np.float64)
    strong = np.asarray(strong, dtype=np.float64)
    return {
        "n": int(len(weak)),
        "weak_quality": float(weak.mean()),
        "strong_quality": float(strong.mean()),
        "apgr": apgr(scores, weak, strong),
        "cpt50": cpt(scores, weak, strong, 0.5),
        "cpt80": cpt(scores, weak, strong, 0.8),
        "small_at_pgr90": small_share_at(scores, weak, strong, 0.9),
    }


def quality_kept(scores, weak, strong, threshold, weights=None):
    """Mean quality over the strong model's when prompts scoring >= threshold go strong, the rest weak
    (means weighted by `weights` when given)."""
    scores = np.asarray(scores, dtype=np.float64)
    q = np.where(scores >= threshold, strong, weak)
    return float(np.average(q, weights=weights) / np.average(strong, weights=weights))
