"""Second stage: fine-tune a distilled student on the pair verifier's training pairs, matching what the
verifier reads of a pair (issue #20): the teacher's token-to-token cosines between the two prompts
(the whole matrix and each token's best match, BERTScore-like), the pair's sentence cosine, and, as in
train.py, each prompt's token states and pooled vector.
Usage: /usr/bin/python3 train_pairs.py --init student_2layer.pt --out DIR --until EPOCH_SECONDS [--rel 10]
Pairs: gateway-cache/training/build/pairs-train.jsonl and pairs-train-surface.jsonl only (train.sh's
training split; calibration and validation pairs are never read).
"""
import argparse, json, os, random, time
import numpy as np
import torch
from common import (WordPiece, read, split_qqp, teacher, student, mean_pool, state_loss, pad, onnx_weights, JAR, MAXLEN,
                    HERE, RouterFolds, cosine_decay, ROUTER_SOURCES)

ap = argparse.ArgumentParser()
ap.add_argument("--init", required=True, help="a student from train.py (its .pt)")
ap.add_argument("--out", required=True)
ap.add_argument("--until", type=float, required=True, help="stop training at this unix time")
ap.add_argument("--pairs-per-batch", type=int, default=24)
ap.add_argument("--sentences-per-batch", type=int, default=32)
ap.add_argument("--lr", type=float, default=1e-4)
ap.add_argument("--rel", type=float, default=10.0, help="weight of the pair terms against train.py's loss")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--decay", action="store_true", help="cosine learning-rate decay over the time left until --until")
ap.add_argument("--router-prompts", type=int, default=0,
                help="also keep the student close to the teacher on up to this many of the complexity router's"
                     " development-fold prompts (as train.py --router-prompts; its test fold left out)")
ap.add_argument("--router-per-batch", type=int, default=4, help="router prompts a step, a forward of their own")
ap.add_argument("--router-sources", default=ROUTER_SOURCES)
ap.add_argument("--router-maxlen", type=int, default=256)
args = ap.parse_args()
torch.set_num_threads(args.threads)
os.makedirs(args.out, exist_ok=True)
t0 = time.time()
log = open(os.path.join(args.out, "train.log"), "a")
def say(*a):
    s = " ".join(str(x) for x in a); print(s, flush=True); log.write(s + "\n"); log.flush()

say("args", vars(args))
tok = WordPiece()
build = os.path.join(os.path.dirname(HERE), "build")
pairs = [json.loads(l) for name in ("pairs-train.jsonl", "pairs-train-surface.jsonl")
         for l in open(os.path.join(build, name))]
pair_seqs = [(tok(p["a"], MAXLEN), tok(p["b"], MAXLEN)) for p in pairs]
A, _ = split_qqp(seed=0)
sents = sorted({q for p in A for q in (p["a"], p["b"])})
sts = sorted({s for p in read("stsb-train.jsonl") for s in (p["a"], p["b"])})
pair_texts = sorted({t for p in pairs for t in (p["a"], p["b"])})
rng = random.Random(1)
rng.shuffle(sents)
pool = [tok(s, MAXLEN) for s in sts + sents[:30000] + pair_texts]
router_pool = []
if args.router_prompts:
    router_pool = [tok(t, args.router_maxlen) for t in RouterFolds().development_prompts(
        args.router_prompts, args.router_sources.split(","), random.Random(2), say)]
say("pairs", len(pairs), "(positives %d)" % sum(p["label"] for p in pairs), "sentences", len(pool),
    "t=%.0fs" % (time.time() - t0))

w = onnx_weights(JAR)
T = teacher(w)
for p in T.parameters():
    p.requires_grad_(False)
ck = torch.load(args.init)
S = student(w, ck["layers_from_teacher"])
S.load_state_dict(ck["state_dict"])
S.word.weight.requires_grad_(False)
opt = torch.optim.Adam([p for p in S.parameters() if p.requires_grad], lr=args.lr)


def norm(x):
    return torch.nn.functional.normalize(x, dim=-1)


def pair_terms(sq, sc, tq, tc, mq, mc):
    """Token-cosine matrix MSE, best-match MSE (both sides), sentence-cosine MSE of the pairs."""
    Ss = torch.bmm(norm(sq), norm(sc).transpose(1, 2))
    St = torch.bmm(norm(tq), norm(tc).transpose(1, 2))
    m = (mq.unsqueeze(2) * mc.unsqueeze(1)).float()
    mat = (((Ss - St) ** 2) * m).sum() / m.sum()
    neg = (1 - m) * -4.0
    best = 0
    for dim, mm in ((2, mq), (1, mc)):
        bs, bt = (Ss + neg).max(dim).values, (St + neg).max(dim).values
        mm = mm.float()
        best = best + (((bs - bt) ** 2) * mm).sum() / mm.sum()
    cs = (norm(mean_pool(sq, mq)) * norm(mean_pool(sc, mc))).sum(-1)
    ct = (norm(mean_pool(tq, mq)) * norm(mean_pool(tc, mc))).sum(-1)
    return mat, best / 2, ((cs - ct) ** 2).mean()


def save():
    torch.save({"layers_from_teacher": ck["layers_from_teacher"], "state_dict": S.state_dict()},
               os.path.join(args.out, "student_%dlayer.pt" % len(ck["layers_from_teacher"])))


def forward(model, seqs):
    ids, mask = pad(seqs)
    return model(ids, mask, torch.zeros_like(ids)), mask


step = 0
start = time.time()
running = []
order = list(range(len(pairs)))
while time.time() < args.until:
    rng.shuffle(order)
    for k in range(0, len(order) - args.pairs_per_batch + 1, args.pairs_per_batch):
        if time.time() > args.until:
            break
        idx = order[k:k + args.pairs_per_batch]
        qs, cs = [pair_seqs[i][0] for i in idx], [pair_seqs[i][1] for i in idx]
        extra = [pool[rng.randrange(len(pool))] for _ in range(args.sentences_per_batch)]
        groups = [qs, cs, extra]
        if router_pool:
            groups.append([router_pool[rng.randrange(len(router_pool))] for _ in range(args.router_per_batch)])
        with torch.no_grad():
            teach = [forward(T, g) for g in groups]
        taught = [forward(S, g)[0] for g in groups]
        own = [state_loss(s, t, m) for s, (t, m) in zip(taught, teach)]
        mse = sum(o[0] for o in own) / len(own); cosl = sum(o[1] for o in own) / len(own)
        (sq, sc), ((tq, mq), (tc, mc)) = taught[:2], teach[:2]
        mat, best, pcos = pair_terms(sq, sc, tq, tc, mq, mc)
        loss = mse + cosl + args.rel * (mat + best + pcos)
        lr = args.lr * min(1.0, (step + 1) / 50)
        if args.decay:
            lr *= cosine_decay(start, args.until)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(); loss.backward(); opt.step()
        running.append([loss.item(), mse.item(), cosl.item(), mat.item(), best.item(), pcos.item()])
        step += 1
        if step % 25 == 0 or step == 1:
            r = np.mean(running[-25:], 0)
            say("step %d %.0fs | loss %.4f mse %.4f 1-cos %.4f | pair: matrix %.5f best %.5f cosine %.5f" % (
                (step, time.time() - start) + tuple(r)))
        if step % 100 == 0:
            save()
save()
say("done: steps", step, "train time %.0fs" % (time.time() - start))
