"""Maps the labelled prompts in ../shared/data/complexity (and our everyday and open-ended prompts) to tiers.

Writes build/prompts.jsonl (id, text, label, source, group; weak and strong, both models' correctness,
where RouteLLM has them; level for MATH; kind for our own prompts) and build/prepare.json (counts, the dropped MMLU subjects)
for train.py. Labels: 0 small, 1 mid, 2 frontier, -1 unlabelled (reported
only). The mapping and its reasons are in MODEL_CARD.md.
"""
import collections
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.abspath(os.path.join(REPO, "..", "shared", "data", "complexity"))
OUT = os.path.join(HERE, "build")
# Evaluation-only data (MT-Bench): never a training, selection or threshold input (test_eval_only.py).
EVAL_ONLY = os.path.join(HERE, "eval-only")
SMALL, MID, FRONTIER, UNLABELLED = 0, 1, 2, -1
CHANCE = 0.25  # four-option multiple choice
UNLABELLED_SAMPLE = 1000
SEED = 20240601


def training_input(path):
    """`path`, after checking that it is not evaluation-only data: everything prepare.py reads goes through
    here, and train.py reads only what prepare.py writes."""
    real, fenced = os.path.realpath(path), os.path.realpath(EVAL_ONLY)
    if os.path.commonpath([real, fenced]) == fenced:
        raise ValueError(f"{path} is evaluation-only data ({EVAL_ONLY}): never a training input")
    return path


def read(name):
    with open(training_input(os.path.join(DATA, name)), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_own(name):
    """Prompts we wrote (training/data/<name>.jsonl): prompt, kind, source."""
    with open(training_input(os.path.join(HERE, "data", name + ".jsonl")), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def group_of(source, text):
    """Prompts that share a long opening (questions on one passage) share a group, so a split cannot leak."""
    norm = re.sub(r"\s+", " ", text.strip().lower())[:400]
    return source.split("/")[0] + ":" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def correctness_label(row):
    if row["weak_correct"]:
        return SMALL          # the weak model answers it: a cheap tier is enough
    if row["strong_correct"]:
        return FRONTIER       # only the strong model answers it
    return MID                # neither does: hard, but the strong model does not help either


def outcomes(row):
    """Both models' per-prompt correctness, kept for the RouteLLM metrics (evaluate.py)."""
    return {"weak": int(bool(row["weak_correct"])), "strong": int(bool(row["strong_correct"]))}


# arena-bench-v1 (data/arena-bench-v1.jsonl, extract_arena_bench.py): GPT-4's 1-10 grades of several
# models' answers to real Chatbot Arena prompts. The label compares a cheap tier (the mean grade of
# ARENA_CHEAP) with the frontier (the mean of ARENA_FRONTIER): within ARENA_SMALL_GAP points -> small,
# ARENA_FRONTIER_GAP or more -> frontier, mid between. The outcomes kept for RouteLLM's metrics and the
# calibration curve are one weak/strong pair, ARENA_WEAK and ARENA_STRONG, grade / 10 (MODEL_CARD.md).
ARENA_CHEAP = ("Mixtral-8x7B-Instruct-v0.1", "gpt-3.5-turbo", "gpt-3.5-turbo-1106", "claude-instant-1")
ARENA_FRONTIER = ("gpt-4-turbo", "gpt-4-0314")
ARENA_WEAK, ARENA_STRONG = "Mixtral-8x7B-Instruct-v0.1", "gpt-4-turbo"
ARENA_SMALL_GAP, ARENA_FRONTIER_GAP = 1.0, 3.0


def mean_grade(scores, models):
    grades = [scores[m] for m in models if scores.get(m) is not None]
    return sum(grades) / len(grades) if grades else None


def graded_label(scores):
    """The tier an arena-bench prompt needs, or None when a grade it depends on is missing."""
    cheap, frontier = mean_grade(scores, ARENA_CHEAP), mean_grade(scores, ARENA_FRONTIER)
    if cheap is None or frontier is None or scores.get(ARENA_WEAK) is None or scores.get(ARENA_STRONG) is None:
        return None
    gap = frontier - cheap
    return SMALL if gap <= ARENA_SMALL_GAP else FRONTIER if gap >= ARENA_FRONTIER_GAP else MID


def broken_subjects(rows):
    """Subjects where the strong model is below chance on the questions the weak model misses."""
    by_subject = collections.defaultdict(list)
    for r in rows:
        by_subject[r["source"]].append(r)
    report = {}
    for subject, rs in sorted(by_subject.items()):
        missed = [r for r in rs if not r["weak_correct"]]
        strong_on_missed = sum(r["strong_correct"] for r in missed) / max(1, len(missed))
        report[subject] = {
            "n": len(rs),
            "weak_accuracy": round(sum(r["weak_correct"] for r in rs) / len(rs), 3),
            "strong_accuracy": round(sum(r["strong_correct"] for r in rs) / len(rs), 3),
            "strong_accuracy_where_weak_wrong": round(strong_on_missed, 3),
        }
    dropped = sorted(s for s, v in report.items() if v["strong_accuracy_where_weak_wrong"] < CHANCE)
    return dropped, report


def main(with_arena_bench="--arena-bench" in sys.argv[1:]):
    """--arena-bench: add arena-bench-v1's graded prompts (experiment_arena_bench.py); the shipped model
    is trained without them (MODEL_CARD.md: they did not help on the development folds)."""
    out = []

    def add(text, label, source, group=None, **outcome):
        out.append({"text": text, "label": label, "source": source, "group": group or group_of(source, text),
                    **outcome})

    mmlu = read("routellm-mmlu-train.jsonl")
    dropped, subjects = broken_subjects(mmlu)
    for r in mmlu:
        if r["source"] not in dropped:
            # Grouped by subject: the split then measures generalisation to subjects never seen.
            add(r["prompt"], correctness_label(r), "mmlu", r["source"], **outcomes(r))
    for r in read("routellm-gsm8k.jsonl"):
        add(r["prompt"], correctness_label(r), "routellm-gsm8k", **outcomes(r))
    levels = {"Level 1": SMALL, "Level 2": SMALL, "Level 3": MID, "Level 4": FRONTIER, "Level 5": FRONTIER}
    for r in read("math-train.jsonl"):
        if r["level"] in levels:
            add(r["prompt"], levels[r["level"]], "math", level=int(r["level"].split()[-1]))
    for r in read("svamp.jsonl"):
        add(r["prompt"], SMALL, "svamp")
    for r in read("arena-hard-v0.1.jsonl"):
        add(r["prompt"], FRONTIER, "arena-hard", "arena-hard:" + r["cluster"])
    # Our own prompts (MODEL_CARD.md): labelled small by assumption, not by measured outcomes.
    for name in ("everyday", "open-ended"):
        for r in read_own(name):
            add(r["prompt"], SMALL, name, kind=r["kind"])
    gsm_train = read("gsm8k-train.jsonl")
    for r in random.Random(SEED).sample(gsm_train, UNLABELLED_SAMPLE):
        add(r["prompt"], UNLABELLED, "gsm8k-train")
    if with_arena_bench:
        # Last, so that every other row keeps its place (and the shipped model its bytes) without them.
        for r in read_own("arena-bench-v1"):
            label = graded_label(r["scores"])
            if label is not None:
                add(r["prompt"], label, "arena-bench", weak=r["scores"][ARENA_WEAK] / 10.0,
                    strong=r["scores"][ARENA_STRONG] / 10.0,
                    cheap_mean=mean_grade(r["scores"], ARENA_CHEAP) / 10.0,
                    frontier_mean=mean_grade(r["scores"], ARENA_FRONTIER) / 10.0)

    seen = set()
    unique = []
    for r in out:
        key = r["text"].strip()
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    for i, r in enumerate(unique):
        r["id"] = i

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "prompts.jsonl"), "w", encoding="utf-8") as f:
        for r in unique:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = collections.Counter((r["source"], r["label"]) for r in unique)
    summary = {
        "rows": len(unique),
        "duplicates_removed": len(out) - len(unique),
        "dropped_mmlu_subjects": dropped,
        "mmlu_subjects": subjects,
        "counts": {f"{s}/{l}": n for (s, l), n in sorted(counts.items())},
    }
    with open(os.path.join(OUT, "prepare.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
    print(f"prompts: {len(unique)} ({len(out) - len(unique)} duplicates removed); dropped MMLU subjects: {dropped}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
