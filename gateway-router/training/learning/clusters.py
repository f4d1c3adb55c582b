#!/usr/bin/env python3
"""Trains the learning router's prompt clusters: k-means on the MiniLM-q sentence embeddings.

Reproducible: a fixed sample of ../shared/data prompts (seeded), embedded by the runtime's own code
(FeatureDump), k-means with a fixed seed on one thread. The labelled RouteLLM prompts are split by
a hash of their text: only the 'cluster' half is used here; the 'replay' half is what the replay
harness streams (replay_split() below is the one definition both use).

Usage: clusters.py sample OUT.jsonl            write the sampled prompts ({"text": ...} per line)
       clusters.py fit FEATURES.f32 META.json OUT.json   fit k-means, write the centroids JSON
"""
import hashlib
import json
import os
import random
import sys

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/data/complexity")
EVERYDAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../data/everyday.jsonl")
K = 16
SEED = 19
PER_SOURCE = {"routellm-mmlu-train.jsonl": 1500, "routellm-gsm8k.jsonl": 300, "gsm8k-train.jsonl": 300,
              "math-train.jsonl": 500, "svamp.jsonl": 200, "arena-hard-v0.1.jsonl": 500}


def replay_split(prompt):
    """'replay' for the half of the prompts the replay harness may stream, else 'cluster'."""
    return "replay" if hashlib.sha256(prompt.encode("utf-8")).digest()[0] >= 128 else "cluster"


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sample():
    rng = random.Random(SEED)
    texts = []
    for name, n in sorted(PER_SOURCE.items()):
        rows = [r["prompt"] for r in read(os.path.join(DATA, name)) if replay_split(r["prompt"]) == "cluster"]
        rng.shuffle(rows)
        texts.extend(rows[:n])
    texts.extend(r.get("prompt") or r.get("text") for r in read(EVERYDAY))
    return texts


def fit(features, meta, out):
    from sklearn.cluster import KMeans
    info = json.load(open(meta))
    rows = np.fromfile(features, dtype="<f4").reshape(info["rows"], info["cols"])
    dims = info["embedding_dimensions"]
    x = rows[:, :dims].astype(np.float64)
    km = KMeans(n_clusters=K, n_init=10, random_state=SEED).fit(x)
    sizes = np.bincount(km.labels_, minlength=K).tolist()
    doc = {"version": "clusters-v1", "embedding_model": info["embedding_model"], "dimensions": dims, "k": K,
           "seed": SEED, "trained_on": len(x), "sizes": sizes,
           "centroids": [[round(float(v), 6) for v in c] for c in km.cluster_centers_]}
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"k={K} on {len(x)} prompts, sizes {sizes}, inertia {km.inertia_:.1f}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            for t in sample():
                f.write(json.dumps({"text": t}) + "\n")
    elif sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
