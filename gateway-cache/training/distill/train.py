"""Distil a 1-layer and a 2- or 3-layer student from the 6-layer all-MiniLM-L6-v2 teacher.
Usage: taskset -c 1 nice -n 19 /usr/bin/python3 train.py --until EPOCH_SECONDS [--max-sentences 60000]
"""
import argparse, json, random, time
import numpy as np
import torch
from common import (WordPiece, read, split_qqp, teacher, student, state_loss, pad, onnx_weights, JAR, MAXLEN, RouterFolds,
                    cosine_decay, ROUTER_SOURCES)

ap = argparse.ArgumentParser()
ap.add_argument("--until", type=float, required=True, help="stop training at this unix time")
ap.add_argument("--max-sentences", type=int, default=60000)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--lr", type=float, default=1e-4)
ap.add_argument("--select-steps", type=int, default=30)
ap.add_argument("--chat", type=int, default=0,
                help="also this many chat-style prompts: the verifier's training-split chat pairs (10 times each)"
                     " and the router's MMLU training prompts (no cache validation data)")
ap.add_argument("--router-prompts", type=int, default=0,
                help="also up to this many of the complexity router's labelled prompts (gateway-router/training/"
                     "build/prompts.jsonl, prepare.py) of its DEVELOPMENT folds only (train.py's split(), fold 0 ="
                     " its test set left out), from --router-sources, round-robin over the sources")
ap.add_argument("--router-sources", default=ROUTER_SOURCES)
ap.add_argument("--router-maxlen", type=int, default=256,
                help="token window for the router prompts (the runtime embeds up to 256 tokens)")
ap.add_argument("--only", default=None, help="train only this student: 1layer or the deeper one (2layer / 3layer)")
ap.add_argument("--depth", type=int, default=2, choices=(2, 3),
                help="layers of the deeper student; its start is picked among INITS[depth] of the teacher's layers")
ap.add_argument("--threads", type=int, default=1, help="PyTorch's intra-op threads")
ap.add_argument("--init-layers", default=None,
                help="the deeper student's start, e.g. 0,2,5 (the teacher's layers), instead of picking it by the loss")
ap.add_argument("--decay", action="store_true",
                help="cosine learning-rate decay over the time left until --until (default: constant after warm-up)")
args = ap.parse_args()
torch.set_num_threads(args.threads)
t0 = time.time()
log = open("train.log", "a")
def say(*a):
    s = " ".join(str(x) for x in a); print(s, flush=True); log.write(s + "\n"); log.flush()

tok = WordPiece()
A, _ = split_qqp(seed=0)
sents = sorted({q for p in A for q in (p["a"], p["b"])})
sts = sorted({s for p in read("stsb-train.jsonl") for s in (p["a"], p["b"])})
rng = random.Random(0)
rng.shuffle(sents)
pool = sts + sents
extra = []
if args.chat or args.router_prompts:
    # The complexity router's folds: its test fold is never trained on here, neither as a router prompt nor
    # among --chat's MMLU prompts (routellm-mmlu-train.jsonl holds the router's MMLU prompts, test fold included).
    router = RouterFolds()
    test_texts = router.test_texts
if args.chat:
    import os
    from common import HERE, REPO
    pairs = [json.loads(l) for l in open(os.path.join(os.path.dirname(HERE), "data", "chat-pairs.jsonl"))]
    chat = sorted({t for p in pairs if p["split"] == "train" for t in (p["a"], p["b"])})
    mmlu = [json.loads(l)["prompt"] for l in open(os.path.join(REPO, "..", "shared", "data", "complexity",
                                                                "routellm-mmlu-train.jsonl"))]
    n_chat = len(chat)
    chat = [t for t in chat if t not in test_texts]
    if n_chat != len(chat):
        say("chat texts in the router's test fold left out:", n_chat - len(chat))
    n_mmlu = len(mmlu)
    mmlu = [t for t in mmlu if t not in test_texts]
    say("MMLU training prompts: %d, %d of them in the router's test fold left out" % (n_mmlu, n_mmlu - len(mmlu)))
    rng.shuffle(mmlu)
    extra = (chat * 10 + mmlu)[:args.chat]
    say("chat-style prompts:", len(extra), "(%d training-split chat texts x10, then MMLU prompts)" % len(chat))
    pool = pool[:args.max_sentences - len(extra)] + extra
long_texts = set()
if args.router_prompts:
    rextra = router.development_prompts(args.router_prompts, args.router_sources.split(","), rng, say)
    long_texts = set(rextra)
    base = pool[:len(pool) - len(extra)]             # the chat prompts (--chat) stay
    pool = base[:args.max_sentences - len(extra) - len(rextra)] + extra + rextra
pool = pool[:args.max_sentences]
rng.shuffle(pool)
seqs = [tok(s, args.router_maxlen if s in long_texts else MAXLEN) for s in pool]
say("training sentences:", len(seqs), "(stsb-train %d, qqp-A %d available)" % (len(sts), len(sents)),
    "mean tokens %.1f" % np.mean([len(s) for s in seqs]), "tokenized in %.0fs" % (time.time() - t0))

w = onnx_weights(JAR)
T = teacher(w)
for p in T.parameters():
    p.requires_grad_(False)


def loss_fn(s_states, t_states, mask):
    mse, cos = state_loss(s_states, t_states, mask)
    return mse + cos, mse.item(), cos.item()


def make_student(layers):
    s = student(w, layers)
    s.word.weight.requires_grad_(False)  # word-embedding table kept frozen (teacher's)
    opt = torch.optim.Adam([p for p in s.parameters() if p.requires_grad], lr=args.lr)
    return s, opt


def batch_of(idx):
    ids, mask = pad([seqs[i] for i in idx])
    return ids, mask, torch.zeros_like(ids)


def batches(order, bs):
    out = []
    for k in range(0, len(order), bs * 50):
        chunk = sorted(order[k:k + bs * 50], key=lambda i: len(seqs[i]))
        out += [chunk[j:j + bs] for j in range(0, len(chunk), bs)]
    rng.shuffle(out)
    return out


# ---- pick the deeper student's init on a small slice of the training sentences ----
INITS = {2: ([0, 5], [0, 1]), 3: ([0, 2, 5], [0, 1, 2], [1, 3, 5])}
if args.init_layers:
    INITS[args.depth] = ([int(x) for x in args.init_layers.split(",")],)
    assert len(INITS[args.depth][0]) == args.depth, "--init-layers must name --depth layers"
sel_train = list(range(0, args.select_steps * 32))
sel_eval = list(range(len(seqs) - 256, len(seqs)))
with torch.no_grad():
    cache_train = []
    for k in range(0, len(sel_train), 32):
        ids, mask, ty = batch_of(sel_train[k:k + 32])
        cache_train.append((ids, mask, ty, T(ids, mask, ty)))
    cache_eval = []
    for k in range(0, 256, 64):
        ids, mask, ty = batch_of(sel_eval[k:k + 64])
        cache_eval.append((ids, mask, ty, T(ids, mask, ty)))


def eval_loss(s):
    with torch.no_grad():
        tot = [0.0, 0.0, 0.0]
        for ids, mask, ty, tt in cache_eval:
            l, a, b = loss_fn(s(ids, mask, ty), tt, mask)
            tot[0] += l.item() / len(cache_eval); tot[1] += a / len(cache_eval); tot[2] += b / len(cache_eval)
        return tot


selection = {}
for layers in INITS[args.depth]:
    s, opt = make_student(layers)
    before = eval_loss(s)
    for ids, mask, ty, tt in cache_train:
        l, _, _ = loss_fn(s(ids, mask, ty), tt, mask)
        opt.zero_grad(); l.backward(); opt.step()
    after = eval_loss(s)
    selection[str(layers)] = {"init_loss": before, "after_%d_steps" % len(cache_train): after}
    say("select", layers, "loss(total,mse,1-cos) at init %s, after %d steps of 32 %s" % (
        ["%.4f" % x for x in before], len(cache_train), ["%.4f" % x for x in after]))
pick = min(INITS[args.depth], key=lambda L: selection[str(L)]["after_%d_steps" % len(cache_train)][0])
say("picked %d-layer init" % args.depth, pick, "t=%.0fs" % (time.time() - t0))

# ---- main distillation: both students on the same batches, one teacher forward per batch ----
students = {"1layer": ([0],) + make_student([0]), "%dlayer" % args.depth: (pick,) + make_student(pick)}
if args.only:
    students = {args.only: students[args.only]}
train_idx = list(range(0, len(seqs) - 256))  # last 256 kept as the selection eval slice
step, seen, epoch = 0, 0, 0
start = time.time()
running = {k: [] for k in students}
done = False
while not done:
    for idx in batches(train_idx, args.batch):
        if time.time() > args.until:
            done = True; break
        ids, mask, ty = batch_of(idx)
        with torch.no_grad():
            tt = T(ids, mask, ty)
        for name, (layers, s, opt) in students.items():
            lr = args.lr * min(1.0, (step + 1) / 50)
            if args.decay:
                lr *= cosine_decay(start, args.until)
            for g in opt.param_groups:
                g["lr"] = lr
            l, a, b = loss_fn(s(ids, mask, ty), tt, mask)
            opt.zero_grad(); l.backward(); opt.step()
            running[name].append((l.item(), a, b))
        step += 1; seen += len(idx)
        if step % 25 == 0:
            msg = " ".join("%s %.4f(mse %.4f, 1-cos %.4f)" % ((k,) + tuple(np.mean(v[-25:], 0))) for k, v in running.items())
            say("step %d seen %d epoch %d %.0fs/%.2fs per step | %s" % (step, seen, epoch, time.time() - start, (time.time() - start) / step, msg))
        if step % 100 == 0:
            for name, (layers, s, opt) in students.items():
                torch.save({"layers_from_teacher": layers, "state_dict": s.state_dict()}, "student_%s.pt" % name)
    else:
        epoch += 1
train_time = time.time() - start
for name, (layers, s, opt) in students.items():
    torch.save({"layers_from_teacher": layers, "state_dict": s.state_dict()}, "student_%s.pt" % name)
    say(name, "final eval-slice loss", ["%.4f" % x for x in eval_loss(s)])
json.dump({"sentences_in_pool": len(seqs), "sentences_seen": seen, "steps": step, "epochs_completed": epoch,
           "batch": args.batch, "lr": args.lr, "decay": args.decay, "threads": args.threads, "train_seconds": train_time, "selection": selection, "picked": pick},
          open("train_summary.json", "w"), indent=1)
say("done: steps", step, "sentences seen", seen, "train time %.0fs" % train_time)
