"""Extracts Arena-Hard-Auto's `arena-bench-v1` into data/arena-bench-v1.jsonl (committed; this script
reproduces it byte for byte from the bare mirrors, MODEL_CARD.md):

  /usr/bin/python3 gateway-router/training/extract_arena_bench.py [--check]

Source: lmarena/arena-hard-auto (Apache-2.0) at commit 4a705dd: data/arena-bench-v1/question.jsonl (300
single-turn Chatbot Arena prompts) and data/arena-bench-v1/model_judgment/<model>.jsonl (GPT-4's 1-10
single-answer grade of each model's answer against a GPT-4 reference answer). One row per prompt: id,
prompt, and `scores`, every judged model's grade (null where the judge gave none).

Leakage guard: a prompt is dropped when it (near-)duplicates a prompt kept for evaluation only or already
in training: an MT-Bench prompt (the evaluation-only file beside this script), an Arena-hard v2.0 prompt
(the same mirror, HEAD), a MATH-500 problem (ZubinGou/math-evaluation-harness @db77bc6, data/math_oai,
the OpenAI MATH-500 split that ../shared/data's math-train.jsonl was cut from), or an Arena-hard v0.1
prompt (../shared/data, already in training). Near-duplicate: the same normalised text, or a shared run
of SHINGLE words. This script is the only training-side code that opens the evaluation-only files, and
only to drop overlaps; prepare.py reads its output through its guard. test_eval_only.py re-checks the
committed file against the same sets.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MIRRORS = os.environ.get("TIERGATE_MIRRORS", "/work/.mirror")
ARENA = os.path.join(MIRRORS, "lmarena+arena-hard-auto", "repo")
ARENA_COMMIT = "4a705dd"
MATH_HARNESS = os.path.join(MIRRORS, "ZubinGou+math-evaluation-harness", "repo")
MATH_COMMIT = "db77bc6"
SHARED = os.path.abspath(os.path.join(HERE, "..", "..", "..", "shared", "data", "complexity"))
OUT = os.path.join(HERE, "data", "arena-bench-v1.jsonl")
SHINGLE = 6


def git_show(repo, commit, path):
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def git_ls(repo, commit, path):
    return subprocess.run(["git", "-C", repo, "ls-tree", "--name-only", commit, path + "/"], check=True,
                          capture_output=True, text=True).stdout.split()


def jsonl(text):
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def shingles(text):
    w = words(text)
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def normalised(text):
    return " ".join(words(text))


class Fence:
    """A set of prompts a training prompt may not (near-)duplicate."""

    def __init__(self, name, prompts):
        self.name = name
        self.texts = {normalised(p) for p in prompts}
        self.shingles = set().union(*(shingles(p) for p in prompts))

    def hits(self, prompt):
        return normalised(prompt) in self.texts or bool(shingles(prompt) & self.shingles)


def fences():
    """The prompts kept out: evaluation-only sets, and what training already has."""
    with open(os.path.join(HERE, "eval-only", "mt-bench.jsonl"), encoding="utf-8") as f:
        mt_bench = [json.loads(line)["prompt"] for line in f if line.strip()]
    v2 = [q["prompt"] if "prompt" in q else q["turns"][0]["content"]
          for q in jsonl(git_show(ARENA, "HEAD", "data/arena-hard-v2.0/question.jsonl"))]
    math500 = [q["problem"] for q in jsonl(git_show(MATH_HARNESS, MATH_COMMIT, "data/math_oai/test.jsonl"))]
    with open(os.path.join(SHARED, "arena-hard-v0.1.jsonl"), encoding="utf-8") as f:
        v01 = [json.loads(line)["prompt"] for line in f if line.strip()]
    return [Fence("mt-bench", mt_bench), Fence("arena-hard-v2.0", v2), Fence("math-500", math500),
            Fence("arena-hard-v0.1", v01)]


def build():
    questions = jsonl(git_show(ARENA, ARENA_COMMIT, "data/arena-bench-v1/question.jsonl"))
    judged = {}
    for path in git_ls(ARENA, ARENA_COMMIT, "data/arena-bench-v1/model_judgment"):
        model = os.path.basename(path)[:-len(".jsonl")]
        if model.startswith("arena-bench-judgment"):
            continue   # a judge run over several models, not one model's grades
        judged[model] = {r["question_id"]: r.get("score") for r in jsonl(git_show(ARENA, ARENA_COMMIT, path))}
    models = sorted(judged)
    kept, dropped = [], {}
    walls = fences()
    seen = set()
    for q in questions:
        prompt = q["turns"][0] if isinstance(q["turns"][0], str) else q["turns"][0]["content"]
        hit = next((f.name for f in walls if f.hits(prompt)), None)
        if hit is None and normalised(prompt) in seen:
            hit = "duplicate"
        if hit:
            dropped[hit] = dropped.get(hit, 0) + 1
            continue
        seen.add(normalised(prompt))
        kept.append({"id": q["question_id"], "prompt": prompt,
                     "scores": {m: judged[m].get(q["question_id"]) for m in models}})
    return kept, dropped, len(questions)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = ap.parse_args()
    rows, dropped, total = build()
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    print(f"arena-bench-v1: {total} prompts, {len(rows)} kept; dropped: {dropped}", file=sys.stderr)
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{OUT} differs from what {os.path.basename(__file__)} extracts")
        print("identical", file=sys.stderr)
        return
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
