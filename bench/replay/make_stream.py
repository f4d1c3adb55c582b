#!/usr/bin/env python3
"""Writes a replay stream of labelled prompts: one kind of traffic (MMLU questions) from
../shared/data/complexity/routellm-mmlu-train.jsonl, only its 'replay' half (the prompt clusters were
trained on the other half; gateway-router/training/learning/clusters.py), shuffled with a fixed seed.

Scores per tier: small = the weak model's correctness (Mixtral-8x7B), frontier = the strong model's
(GPT-4-1106), mid = their mean (the mid tier recovers half the gap: the assumption docs/routing.md
states for the static router's thresholds).

Usage: make_stream.py OUT.jsonl [N=2000] [SEED=19]
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../gateway-router/training/learning"))
import clusters  # noqa: E402

DATA = os.path.join(HERE, "../../../shared/data/complexity/routellm-mmlu-train.jsonl")


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 19
    rows = [r for r in clusters.read(DATA) if clusters.replay_split(r["prompt"]) == "replay"]
    random.Random(seed).shuffle(rows)
    with open(out, "w", encoding="utf-8") as f:
        for r in rows[:n]:
            weak, strong = float(r["weak_correct"]), float(r["strong_correct"])
            f.write(json.dumps({"prompt": r["prompt"], "group": r["source"],
                                "scores": {"small": weak, "mid": (weak + strong) / 2, "frontier": strong}}) + "\n")
    print(f"{min(n, len(rows))} prompts of {len(rows)} in the replay half -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
