#!/usr/bin/env python3
"""An offline simulator of bench/replay.sh's learning team: the learning router's bandit as the Java code
implements it (router.learning: TierBandit, ExplorationSchedule, ArmStats, OffPolicyEstimate,
PolicyLearner), fed the replay stream's scores for the tier it picks, with the logged propensities.
Used to check designs before they are built; its figures are a simulation, the replay's are measured.

What it models: cells (cluster x static tier); systematic exploration at the rate with a random phase,
to a neighbouring tier the quality floor allows, propensity rate / neighbours (serving: 1 - rate);
inverse-propensity sums per cell and tier; a promotion only when each changed cell's and the whole
policy's SNIPS difference clears `confidence` standard errors. What it does not: the gateway's refresh
timing (the state is read again every REFRESH prompts, about what refresh-ms 1000 gives at the
replay's pace) and concurrency.

Usage: replay_sim.py STREAM.jsonl CONTEXTS.jsonl [--explore 0.05] [--cost-weight 0.1] [--seeds 20]
                     [--min-samples 8] [--confidence 1.64] [--full-information] [--small-as-good 4,5]
"""
import argparse
import math

import numpy as np

from replay_ceiling import COSTS, load, small_as_good, summary

TIERS = ("small", "mid", "frontier")
REFRESH = 10


class Arm:
    __slots__ = ("n", "w", "w2", "wq", "wq2", "wc")

    def __init__(self):
        self.n = 0
        self.w = self.w2 = self.wq = self.wq2 = self.wc = 0.0

    def add(self, quality, propensity, cost):
        w = 1.0 / propensity
        self.n += 1
        self.w += w
        self.w2 += w * w
        self.wq += w * quality
        self.wq2 += w * quality * quality
        self.wc += w * cost

    def mean(self):
        return self.wq / self.w if self.w > 0 else math.nan

    def mean_cost(self):
        return self.wc / self.w if self.w > 0 else math.nan

    def var_of_mean(self):
        n_eff = self.w * self.w / self.w2 if self.w2 > 0 else 0
        if n_eff <= 0:
            return math.inf
        m = self.mean()
        return max(max(0.0, self.wq2 / self.w - m * m), 0.25 / (n_eff + 1)) / n_eff


class Learner:
    """The Java learner's logic, cell = (cluster, static tier)."""

    def __init__(self, explore, cost_weight, min_samples=8, confidence=1.64, quality_target=0.95, phase=0.0):
        self.rate, self.lam, self.min_n, self.z, self.qt = explore, cost_weight, min_samples, confidence, quality_target
        self.arms = {}
        self.serving = {}
        self.version = 0
        self.explicit = 0
        self.turns = 0
        self.phase = phase

    def arm(self, cell, tier):
        return self.arms.get((cell, tier)) or Arm()

    def allowed(self, cell, tier):
        a = self.arm(cell, tier)
        if a.n < self.min_n:
            return True
        best = [self.arm(cell, t).mean() for t in range(3) if self.arm(cell, t).n >= self.min_n]
        return not best or a.mean() + self.z * math.sqrt(a.var_of_mean()) >= self.qt * max(best)

    def turn(self):
        n = self.turns
        self.turns += 1
        return math.floor((n + 1) * self.rate + self.phase) > math.floor(n * self.rate + self.phase)

    def choose(self, cell, static, draw, serving):
        if self.explicit == 0:
            return static, 1.0, "classifier"
        is_turn = self.turn()
        serve = serving.get(cell, static)
        neighbours = [t for t in (serve - 1, serve + 1) if 0 <= t < 3 and self.allowed(cell, t)]
        cause = "classifier" if serve == static else "learned"
        if not neighbours or self.rate <= 0:
            return serve, 1.0, cause
        if is_turn:
            return neighbours[min(len(neighbours) - 1, int(draw * len(neighbours)))], self.rate / len(neighbours), "explore"
        return serve, 1.0 - self.rate, cause

    def feedback(self, cell, tier, quality, propensity):
        self.arms.setdefault((cell, tier), Arm()).add(quality, propensity, COSTS[tier])
        self.explicit += 1

    # --- OffPolicyEstimate / PolicyLearner ---
    def reward(self, cell, tier):
        a = self.arm(cell, tier)
        return math.nan if a.n < self.min_n else a.mean() - self.lam * a.mean_cost()

    def cell_diff(self, cell, cand, serv):
        static = cell[1]
        x, y = cand.get(cell, static), serv.get(cell, static)
        if x == y:
            return 0.0, 0.0
        m = self.reward(cell, x) - self.reward(cell, y)
        if math.isnan(m):
            return math.nan, math.nan
        return m, math.sqrt(self.arm(cell, x).var_of_mean() + self.arm(cell, y).var_of_mean())

    def supported(self, d):
        m, se = d
        return m > 0 and not math.isnan(se) and m - self.z * se > 0

    def promote(self):
        if self.explicit == 0:
            return
        counts = {}
        for (cell, _), a in self.arms.items():
            counts[cell] = counts.get(cell, 0) + a.n
        total = sum(counts.values())
        switches = dict(self.serving)
        for cell in sorted(counts):
            best, best_r = None, -math.inf
            for t in sorted(t for (c, t) in self.arms if c == cell):
                r = self.reward(cell, t)
                if not math.isnan(r) and r > best_r and self.allowed(cell, t):
                    best, best_r = t, r
            if best is None:
                continue
            trial = dict(switches)
            if best == cell[1]:
                trial.pop(cell, None)
            else:
                trial[cell] = best
            if self.supported(self.cell_diff(cell, trial, self.serving)):
                switches = trial
        if switches == self.serving:
            return
        mean = var = 0.0
        for cell, k in counts.items():
            m, se = self.cell_diff(cell, switches, self.serving)
            mean += k / total * m
            var += (k / total) ** 2 * se * se
        if self.supported((mean, math.sqrt(var))):
            self.serving = switches
            self.version += 1


def simulate(q, static, cluster, learner, rng, full_information=False):
    n = len(q)
    chosen = np.empty(n, dtype=int)
    causes = []
    serving = {}
    for i in range(n):
        if i % REFRESH == 0:
            learner.promote()
            serving = dict(learner.serving)
        cell = (int(cluster[i]), int(static[i]))
        tier, propensity, cause = learner.choose(cell, int(static[i]), rng.random(), serving)
        chosen[i] = tier
        causes.append(cause)
        if full_information:   # every tier's outcome, as if each had been served (not a bandit: a bound)
            for t in range(3):
                learner.feedback(cell, t, q[i, t], 1.0)
        else:
            learner.feedback(cell, tier, q[i, tier], propensity)
    return chosen, causes


def windows(q, static, chosen, causes, size=250, tail=500):
    n = len(q)
    ranges = [(a, min(n, a + size)) for a in range(0, n, size)] + [(n - tail, n)]
    out = []
    for a, b in ranges:
        s, l = summary(q[a:b], static[a:b]), summary(q[a:b], chosen[a:b])
        out.append((a, b, s, l, np.mean([c == "explore" for c in causes[a:b]]),
                    np.mean([c == "learned" for c in causes[a:b]])))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stream")
    p.add_argument("contexts")
    p.add_argument("--explore", type=float, default=0.05)
    p.add_argument("--cost-weight", type=float, default=0.1)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--min-samples", type=int, default=8)
    p.add_argument("--confidence", type=float, default=1.64, help="z of the gate (0: greedy on the point estimate)")
    p.add_argument("--small-as-good", default="", help="what-if: clusters (comma-separated) where small = frontier")
    p.add_argument("--full-information", action="store_true",
                   help="the learner gets every tier's score for every prompt (an upper bound, not a bandit)")
    args = p.parse_args()
    q, _, static, cluster = load(args.stream, args.contexts)
    if args.small_as_good:
        q = small_as_good(q, cluster, [int(c) for c in args.small_as_good.split(",")])
    tails, worst, versions = [], [], []
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        learner = Learner(args.explore, args.cost_weight, args.min_samples, args.confidence, phase=rng.random())
        chosen, causes = simulate(q, static, cluster, learner, rng, args.full_information)
        w = windows(q, static, chosen, causes)
        tails.append(w[-1])
        worst.append(min(l["pgr"] - s["pgr"] for a, b, s, l, e, _ in w[1:-1]))
        versions.append(learner.version)
        if seed == 0:
            print("| window | static quality / PGR | learning quality / PGR | small static -> learning | explored | learned |")
            print("|---|---|---|---|---|---|")
            for a, b, s, l, e, lr in w:
                print(f"| {a + 1}-{b} | {s['quality']:.3f} / {s['pgr']:.3f} | {l['quality']:.3f} / {l['pgr']:.3f} | "
                      f"{s['small']:.1%} -> {l['small']:.1%} | {e:.1%} | {lr:.1%} |")
    lq = np.array([t[3]["quality"] for t in tails])
    lp = np.array([t[3]["pgr"] for t in tails])
    ls = np.array([t[3]["small"] for t in tails])
    s = tails[0][2]
    print(f"\nover {args.seeds} seeds (explore {args.explore}, cost-weight {args.cost_weight}, min-samples "
          f"{args.min_samples}, confidence {args.confidence}): last 500 "
          f"quality {lq.mean():.3f} ± {lq.std():.3f}, PGR {lp.mean():.3f} ± {lp.std():.3f}, "
          f"small {ls.mean():.1%} ± {ls.std():.1%} (static {s['quality']:.3f} / {s['pgr']:.3f} / {s['small']:.1%}); "
          f"worst window after the first 250: PGR {np.mean(worst):+.3f} on average, {np.min(worst):+.3f} at worst; "
          f"promotions {np.mean(versions):.1f} on average, {np.max(versions)} at most")


if __name__ == "__main__":
    main()
