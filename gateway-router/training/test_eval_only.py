"""Evaluation-only data (eval-only/: MT-Bench; Arena-hard v2.0, MATH-500) never reaches training. Run by
train.sh --check:
  /usr/bin/python3 -m unittest discover -s gateway-router/training -p 'test_*.py'
"""
import glob
import inspect
import json
import os
import re
import unittest

import extract_arena_bench
import prepare

HERE = os.path.dirname(os.path.abspath(__file__))
# The code that builds the labels, trains, selects, calibrates or clusters: it may not name eval-only data.
TRAINING_CODE = ["prepare.py", "train.py", "calibration.py", "check.py", "compare.py", "onnx_export.py", "report.py",
                 "make_test_model.py", "experiment_arena_bench.py", *glob.glob(os.path.join(HERE, "learning", "*.py")),
                 *glob.glob(os.path.join(HERE, "src", "**", "*.java"), recursive=True)]
# extract_arena_bench.py is not in the list: it opens the evaluation-only sets, only to drop overlaps.
SHINGLE = 6
ARENA_BENCH = os.path.join(HERE, "data", "arena-bench-v1.jsonl")
MIRRORED = all(os.path.isdir(r) for r in (extract_arena_bench.ARENA, extract_arena_bench.MATH_HARNESS))
FENCED = re.compile(r"eval[-_]only|mt-bench\.jsonl|make_mtbench|eval_mtbench", re.IGNORECASE)


class EvalOnlyGuardTest(unittest.TestCase):
    def test_the_guard_rejects_eval_only_paths(self):
        for path in (os.path.join(prepare.EVAL_ONLY, "mt-bench.jsonl"),
                     os.path.join(HERE, "data", "..", "eval-only", "mt-bench.jsonl"),
                     prepare.EVAL_ONLY):
            with self.assertRaises(ValueError, msg=path):
                prepare.training_input(path)

    def test_the_guard_passes_training_data(self):
        for path in (os.path.join(prepare.DATA, "svamp.jsonl"), os.path.join(HERE, "data", "everyday.jsonl"),
                     os.path.join(HERE, "data", "open-ended.jsonl"), os.path.join(HERE, "eval-onlyish.jsonl")):
            self.assertEqual(prepare.training_input(path), path)

    def test_prepare_reads_through_the_guard(self):
        data = prepare.DATA
        try:
            prepare.DATA = prepare.EVAL_ONLY
            with self.assertRaises(ValueError):
                prepare.read("mt-bench.jsonl")
        finally:
            prepare.DATA = data

    def test_our_prompts_are_not_taken_from_mt_bench(self):
        """The prompts we wrote (training/data/) share no run of SHINGLE words with an MT-Bench prompt."""
        def shingles(text):
            words = re.findall(r"[a-z0-9']+", text.lower())
            return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
        with open(os.path.join(prepare.EVAL_ONLY, "mt-bench.jsonl"), encoding="utf-8") as f:
            fenced = set().union(*(shingles(json.loads(line)["prompt"]) for line in f if line.strip()))
        for name in ("everyday", "open-ended", "arena-bench-v1"):
            shared = [r["prompt"][:40] for r in prepare.read_own(name) if shingles(r["prompt"]) & fenced]
            self.assertEqual(shared, [], f"{name}.jsonl prompts sharing {SHINGLE} words in a row with MT-Bench")

    def test_the_near_duplicate_fence(self):
        fence = extract_arena_bench.Fence("f", ["Write a haiku about the sea in winter, please, now."])
        self.assertTrue(fence.hits("write a HAIKU about the sea in winter!"))        # same words, case, punctuation
        self.assertTrue(fence.hits("Could you write a haiku about the sea in winter for me?"))  # six words in a row
        self.assertFalse(fence.hits("Write a limerick about the sea in summer."))
        self.assertFalse(fence.hits("haiku"))

    @unittest.skipUnless(MIRRORED, "the mirrors extract_arena_bench.py reads are not on this machine")
    def test_arena_bench_has_no_prompt_of_an_evaluation_set_or_of_arena_hard_v01(self):
        """The committed arena-bench-v1.jsonl shares no prompt (nor six words in a row) with MT-Bench,
        Arena-hard v2.0, MATH-500 or the Arena-hard v0.1 prompts already in training."""
        fences = extract_arena_bench.fences()
        self.assertEqual([f.name for f in fences], ["mt-bench", "arena-hard-v2.0", "math-500", "arena-hard-v0.1"])
        for fence in fences:
            self.assertGreater(len(fence.texts), 70, fence.name)
            hits = [r["id"] for r in prepare.read_own("arena-bench-v1") if fence.hits(r["prompt"])]
            self.assertEqual(hits, [], f"arena-bench-v1.jsonl prompts near-duplicating {fence.name}")

    def test_no_training_code_names_eval_only_data(self):
        for path in TRAINING_CODE:
            with open(os.path.join(HERE, path), encoding="utf-8") as f:
                text = f.read()
            if os.path.basename(path) == "prepare.py":
                # The guard itself: its comment, EVAL_ONLY and training_input, the only use of EVAL_ONLY.
                text = text.replace(inspect.getsource(prepare.training_input), "")
                text = "\n".join(line for line in text.splitlines()
                                  if not line.startswith(("# Evaluation-only data", 'EVAL_ONLY = ')))
                self.assertNotIn("EVAL_ONLY", text, "prepare.py uses EVAL_ONLY outside the guard")
            self.assertIsNone(FENCED.search(text), f"{path} names evaluation-only data")


if __name__ == "__main__":
    unittest.main()
