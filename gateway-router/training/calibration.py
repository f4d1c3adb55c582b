"""The calibration curve shipped beside the model, and the thresholds a quality goal derives from it.

The same rule as the runtime's QualityGoal (gateway-router, dev.tiergate.router.policy): the Java test
QualityGoalTest checks that the thresholds written as the model's defaults are the ones the runtime
derives for the default quality target from the committed curve.
"""
import numpy as np

import evaluate

GRID = np.round(np.arange(0.0, 1.0001, 0.01), 2)
DEFAULT_QUALITY_TARGET = 0.95


def curve(scores, weak, strong, weights, measured_on):
    """At each grid threshold: quality kept (prompts scoring >= it go strong, the rest weak) and the
    share sent strong, each as a running minimum over rising thresholds so a target met at one
    threshold is met at every lower one."""
    points = []
    kept_min, share_min = 1.0, 1.0
    for t in GRID:
        kept_min = min(kept_min, evaluate.quality_kept(scores, weak, strong, t, weights))
        share_min = min(share_min, float(np.average(scores >= t, weights=weights)))
        points.append({"threshold": float(t), "quality_kept": round(kept_min, 6),
                       "frontier_share": round(share_min, 6)})
    points[0]["quality_kept"] = 1.0
    points[0]["frontier_share"] = 1.0
    return {"measured_on": measured_on, "points": points}


def threshold_for_quality(c, target):
    threshold = 0.0
    for p in c["points"]:
        if p["quality_kept"] < target:
            break
        threshold = p["threshold"]
    return threshold


def threshold_for_frontier_share(c, max_share):
    for p in c["points"]:
        if p["frontier_share"] <= max_share:
            return p["threshold"]
    return c["points"][-1]["threshold"]


def quality_kept_at(c, threshold):
    kept = c["points"][0]["quality_kept"]
    for p in c["points"]:
        if p["threshold"] > threshold:
            break
        kept = p["quality_kept"]
    return kept


def thresholds(c, quality_target=None, max_frontier_share=None):
    """(mid, frontier) for a goal, assuming the mid tier recovers at least half the small-to-frontier gap:
    frontier keeps (3q - 1) / 2 alone and mid (1 + q) / 2, which average to q (a share cap raises
    frontier; with a cap alone, q is the target the capped frontier threshold stands for)."""
    frontier = threshold_for_quality(c, (3.0 * quality_target - 1.0) / 2.0) if quality_target is not None else 0.0
    if max_frontier_share is not None:
        frontier = max(frontier, threshold_for_frontier_share(c, max_frontier_share))
    target = quality_target if quality_target is not None else (2.0 * quality_kept_at(c, frontier) + 1.0) / 3.0
    mid = min(frontier, threshold_for_quality(c, (1.0 + target) / 2.0))
    return mid, frontier
