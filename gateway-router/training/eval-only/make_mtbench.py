"""Derives eval-only/mt-bench.jsonl from RouteLLM's MT-Bench files (Apache-2.0, see README.md).

  git --git-dir=<RouteLLM clone>/.git ... or a bare mirror:
  /usr/bin/python3 eval-only/make_mtbench.py <RouteLLM git dir> [commit]

One row per MT-Bench question: its first-turn prompt (what RouteLLM routes on), category, the GPT-4
single-answer scores (1-10) of the weak (Mixtral-8x7B-Instruct-v0.1) and strong (gpt-4-1106-preview)
model per turn, and whether RouteLLM lists it as contaminated (in RouteLLM's own training data).
"""
import json
import os
import subprocess
import sys

WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1"
STRONG = "gpt-4-1106-preview"
BASE = "routellm/evals/mt_bench/"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mt-bench.jsonl")


def lines(git_dir, commit, path):
    text = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    git_dir = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    questions = lines(git_dir, commit, BASE + "question.jsonl")
    contaminated = {r["eval_prompt"] for r in lines(git_dir, commit, BASE + "contaminated_prompts.jsonl")}
    scores = {}
    for j in lines(git_dir, commit, BASE + "judgements.jsonl"):
        key = (j["question_id"], j["model"], j["turn"])
        if key in scores:
            sys.exit(f"two judgements for {key}")
        scores[key] = float(j["score"])
    with open(OUT, "w", encoding="utf-8") as f:
        for q in sorted(questions, key=lambda q: q["question_id"]):
            qid = q["question_id"]
            row = {"question_id": qid, "category": q["category"], "prompt": q["turns"][0],
                   "contaminated": q["turns"][0] in contaminated or q["turns"][1] in contaminated}
            for role, model in (("weak", WEAK), ("strong", STRONG)):
                for turn in (1, 2):
                    row[f"{role}_turn{turn}"] = scores[(qid, model, turn)]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(questions)} questions -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
