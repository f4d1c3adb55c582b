"""Held-out evaluation: 4,000 seeded QQP half-B pairs and all of stsb-dev.
Usage: taskset -c 1 nice -n 19 /usr/bin/python3 evaluate.py
"""
import json, os, random, time
import numpy as np
import torch
from common import WordPiece, read, split_qqp, teacher, MiniLM, embed, onnx_weights, JAR, MAXLEN

torch.set_num_threads(1)
T0 = time.time()
tok = WordPiece()
_, B = split_qqp(seed=0)
qqp = random.Random(1).sample(B, 4000)
sts = read("stsb-dev.jsonl")
if os.environ.get("QUICK"):
    qqp, sts = qqp[:300], sts[:300]
sets = {"QQP-B": ([p["a"] for p in qqp], [p["b"] for p in qqp], np.array([p["paraphrase"] for p in qqp])),
        "STSB-dev": ([p["a"] for p in sts], [p["b"] for p in sts], np.array([p["score"] >= 4 for p in sts], dtype=int))}

w = onnx_weights(JAR)
T = teacher(w)
models = {"teacher-6L": (T, None), "pruned-1L": (T, 1), "pruned-2L": (T, 2), "pruned-3L": (T, 3)}
for name in ("1layer", "2layer", "3layer"):
    if not os.path.exists("student_%s.pt" % name):   # train.py --only trains one of them
        continue
    ck = torch.load("student_%s.pt" % name)
    s = MiniLM(len(ck["layers_from_teacher"]))
    s.load_state_dict(ck["state_dict"]); s.eval()
    models["student-%s%s" % (name[0] + "L", str(ck["layers_from_teacher"]).replace(" ", ""))] = (s, None)


def auc(score, y):
    """P(a paraphrase scores above a non-paraphrase), ties counted half (Mann-Whitney)."""
    neg = np.sort(score[y == 0])
    below = np.searchsorted(neg, score[y == 1], side="left")
    up_to = np.searchsorted(neg, score[y == 1], side="right")
    return float((below + (up_to - below) / 2).sum() / (len(neg) * (y == 1).sum()))


def pr_at(score, y, t):
    sel = score >= t
    return (y[sel].mean() if sel.any() else float("nan")), y[sel].sum() / y.sum()


def recall_at_precision(score, y, p_target):
    """Highest recall over thresholds t (t = each distinct score) whose precision >= p_target; returns (recall, t, precision)."""
    order = np.argsort(-score, kind="mergesort")
    s, yy = score[order], y[order]
    tp = np.cumsum(yy); k = np.arange(1, len(s) + 1)
    last = np.r_[s[1:] != s[:-1], True]  # cut only between distinct scores
    prec, rec = tp / k, tp / y.sum()
    ok = np.where(last & (prec >= p_target))[0]
    if len(ok) == 0:
        return 0.0, float("nan"), float("nan")
    i = ok[-1]
    return rec[i], s[i], prec[i]


results, emb = {}, {}
for dname, (a, b, y) in sets.items():
    uniq = sorted(set(a) | set(b)); pos = {s: i for i, s in enumerate(uniq)}
    seqs = [tok(s, 128) for s in uniq]
    ia, ib = np.array([pos[s] for s in a]), np.array([pos[s] for s in b])
    for mname, (m, upto) in models.items():
        t = time.time()
        e = embed(m, seqs, upto=upto)
        emb[(dname, mname)] = e
        cos = (e[ia] * e[ib]).sum(1)
        results.setdefault(dname, {})[mname] = {"cos": cos, "embed_s": time.time() - t}
    tcos = results[dname]["teacher-6L"]["cos"]
    p_star, r_star = pr_at(tcos, y, 0.88)
    results[dname]["_teacher_at_0.88"] = (p_star, r_star, int(y.sum()), len(y))
    for mname in models:
        r = results[dname][mname]
        r["auc"] = auc(r["cos"], y)
        r["p@0.88"], r["r@0.88"] = pr_at(r["cos"], y, 0.88)
        r["recall@P*"], r["t@P*"], r["prec_there"] = recall_at_precision(r["cos"], y, p_star)
        r["cos_vs_teacher"] = float((emb[(dname, mname)] * emb[(dname, "teacher-6L")]).sum(1).mean())

out = {}
lines = []
for dname in sets:
    p_star, r_star, npos, n = results[dname]["_teacher_at_0.88"]
    lines.append("\n%s: %d pairs, %d paraphrases; teacher at t=0.88: precision %.3f recall %.3f" % (dname, n, npos, p_star, r_star))
    lines.append("%-22s %7s %9s %8s %9s %9s %8s %8s" % ("model", "AUC", "R@P*", "t@P*", "P@0.88", "R@0.88", "cos(T)", "embed_s"))
    for mname in models:
        r = results[dname][mname]
        lines.append("%-22s %7.4f %9.3f %8.3f %9.3f %9.3f %8.4f %8.1f" % (mname, r["auc"], r["recall@P*"], r["t@P*"], r["p@0.88"], r["r@0.88"], r["cos_vs_teacher"], r["embed_s"]))
        out.setdefault(dname, {})[mname] = {k: float(v) for k, v in r.items() if k != "cos"}
    out[dname]["teacher_at_0.88"] = {"precision": float(p_star), "recall": float(r_star), "positives": npos, "pairs": n}
# mean student-teacher cosine over all held-out unique sentences
lines.append("\nmean cos(model, teacher) over all held-out sentences (QQP-B sample + STSB-dev):")
for mname in models:
    c = np.concatenate([(emb[(d, mname)] * emb[(d, "teacher-6L")]).sum(1) for d in sets])
    lines.append("  %-22s %.4f (n=%d)" % (mname, c.mean(), len(c)))
    out.setdefault("cos_vs_teacher_all", {})[mname] = float(c.mean())
text = "\n".join(lines)
print(text)
suffix = "_quick" if os.environ.get("QUICK") else ""
open("results%s.txt" % suffix, "w").write(text + "\n")
json.dump(out, open("results%s.json" % suffix, "w"), indent=1)
print("eval time %.0fs" % (time.time() - T0))
