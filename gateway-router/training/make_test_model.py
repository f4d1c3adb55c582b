"""Writes the tiny classifier used by gateway-router's unit tests (4-d 'test-embedder' embedding).

Run: /usr/bin/python3 gateway-router/training/make_test_model.py
Hand-set weights: the frontier logit grows with log_tokens and log_task_verbs, the small logit
with the first embedding dimension, so tests can steer the tier with the prompt or the vector.
"""
import json
import os

import numpy as np

import onnx_export

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "dev", "tiergate", "router", "classifier")
FEATURES = ["log_tokens", "log_lines", "code_block", "code_line_fraction", "log_latex", "math_symbol_density",
            "digit_fraction", "log_numbers", "log_questions", "log_constraints", "log_task_verbs",
            "log_list_items", "non_ascii_fraction"]
DIM = 4

width = DIM + len(FEATURES)
w = np.zeros((width, 3), dtype=np.float32)
b = np.array([0.0, 0.0, -2.0], dtype=np.float32)
w[0, 0] = 4.0                                     # embedding[0] -> small
w[DIM + FEATURES.index("log_tokens"), 2] = 1.0    # longer prompt -> frontier
w[DIM + FEATURES.index("log_tokens"), 1] = 0.5
w[DIM + FEATURES.index("log_task_verbs"), 2] = 3.0
os.makedirs(OUT, exist_ok=True)
onnx_export.write(os.path.join(OUT, "test-model.onnx"), np.zeros(width), np.ones(width), [(w, b)],
                  "tiergate unit-test classifier")
with open(os.path.join(OUT, "test-model.json"), "w") as f:
    json.dump({"version": "test", "embedding_model": "test-embedder", "embedding_dimensions": DIM,
               "structural_features": FEATURES, "tiers": ["small", "mid", "frontier"], "input_name": "features",
               "threshold_mid": 0.3, "threshold_frontier": 0.6}, f, indent=2)
    f.write("\n")
