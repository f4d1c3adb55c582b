"""Pairs for the semantic cache verifier: train / calib / val splits, hard negatives, chat-style pairs.

  build/pairs-train.jsonl   what the classifier is fitted on
  build/pairs-calib.jsonl   model choice and the calibration curve (precision by probability threshold)
  build/pairs-val.jsonl     held out: never trained or tuned on; every reported number comes from it
  build/pairs-<split>-surface.jsonl   the same prompt typed again (case, punctuation, spacing): positives
  data/chat-pairs.jsonl     the chat-style pairs written here (chat_pairs.py), with their split
  data/validation-chat.jsonl, data/validation-near-misses.jsonl   the validation split's chat pairs and
                            generated near misses, read by the stage tests

Splits are by connected question groups (union-find over the texts of every pair), so no sentence of a
validation pair occurs in a training or calibration pair; chat pairs split by intent family. Each row:
a, b, label (1 = the same request), kind (qqp, stsb, hard-<kind>, chat-...), group. Deterministic.
"""
import hashlib
import json
import os
import random
import re
import sys

import chat_pairs

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("PARAPHRASE_DIR", os.path.join(HERE, "..", "..", "..", "shared", "data", "paraphrase"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/data/paraphrase"
BUILD = os.path.join(HERE, "build")
OUT_DATA = os.path.join(HERE, "data")
SEED = 20251202
QQP_PAIRS = {"train": 12000, "calib": 3000, "val": 3000}
HARD_PAIRS = {"train": 5000, "calib": 1200, "val": 1200}
SPLITS = ("train", "calib", "val")


def read(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def norm(text):
    return " ".join(text.lower().split())


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split_of(group, shares=(0.70, 0.15)):
    h = int(hashlib.sha256((str(SEED) + group).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if h < shares[0] else ("calib" if h < shares[0] + shares[1] else "val")


def grouped(rows, source):
    uf = UnionFind()
    for r in rows:
        uf.union(norm(r["a"]), norm(r["b"]))
    out = {s: [] for s in SPLITS}
    for r in rows:
        group = source + ":" + uf.find(norm(r["a"]))
        out[split_of(group)].append(dict(r, group=group))
    return out


# ---- hard negatives: one change that alters what is asked ----
POOLS = [
    ["Python", "Java", "JavaScript", "C++", "C#", "Ruby", "Go", "Rust", "PHP", "Swift", "Kotlin", "Scala", "Perl"],
    ["India", "China", "Japan", "Germany", "France", "Canada", "Australia", "Brazil", "Russia", "Mexico", "Italy",
     "Spain", "Pakistan", "Nigeria", "Egypt", "Kenya", "England", "USA", "UK", "America"],
    ["Delhi", "Mumbai", "London", "Paris", "Tokyo", "Berlin", "Chicago", "Boston", "Bangalore", "Toronto", "Sydney",
     "Dubai", "Singapore", "Seattle"],
    ["Google", "Apple", "Microsoft", "Amazon", "Facebook", "Quora", "Netflix", "Samsung", "Uber", "Tesla", "IBM",
     "Infosys", "Twitter", "Instagram", "WhatsApp", "Snapchat", "LinkedIn", "YouTube"],
    ["Trump", "Clinton", "Obama", "Modi", "Hillary", "Putin", "Gandhi", "Einstein", "Newton"],
    ["iPhone", "Android", "Windows", "Linux", "Mac", "iOS", "Ubuntu"],
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"],
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
]
POOL_OF = {w.lower(): pool for pool in POOLS for w in pool}
UNITS = [("km", "miles"), ("kilometers", "miles"), ("kg", "pounds"), ("kilograms", "pounds"), ("Celsius", "Fahrenheit"),
         ("hours", "minutes"), ("days", "weeks"), ("weeks", "months"), ("months", "years"), ("dollars", "euros"),
         ("rupees", "dollars"), ("GB", "MB"), ("meters", "feet"), ("liters", "gallons"), ("inches", "centimeters")]
POLAR = [("best", "worst"), ("advantages", "disadvantages"), ("increase", "decrease"), ("before", "after"),
         ("buy", "sell"), ("more", "less"), ("cheap", "expensive"), ("start", "stop"), ("pros", "cons"),
         ("love", "hate"), ("win", "lose"), ("import", "export"), ("upload", "download"), ("maximum", "minimum"),
         ("fastest", "slowest"), ("easiest", "hardest"), ("first", "last"), ("positive", "negative"),
         ("rich", "poor"), ("hot", "cold"), ("good", "bad"), ("better", "worse"), ("strong", "weak"),
         ("increase", "reduce"), ("gain", "lose"), ("enable", "disable"), ("install", "uninstall"),
         ("open", "close"), ("higher", "lower"), ("safe", "dangerous"), ("legal", "illegal"), ("true", "false")]
NEGATE = [(r"\bis\b", "is not"), (r"\bare\b", "are not"), (r"\bcan\b", "cannot"), (r"\bdo\b", "don't"),
          (r"\bdoes\b", "doesn't"), (r"\bshould\b", "shouldn't"), (r"\bwill\b", "won't"), (r"\bwas\b", "wasn't"),
          (r"\bdid\b", "didn't"), (r"\bwould\b", "wouldn't"), (r"\bcould\b", "couldn't"), (r"\bhave\b", "don't have")]
UNNEGATE = [(r"\bis not\b", "is"), (r"\bare not\b", "are"), (r"\bcannot\b", "can"), (r"\bcan't\b", "can"),
            (r"\bdon't\b", "do"), (r"\bdoesn't\b", "does"), (r"\bisn't\b", "is"), (r"\bnot\b ", ""),
            (r"\bnever\b", "always"), (r"\bwithout\b", "with")]


def swap_word(text, pairs, rnd):
    options = []
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            for m in re.finditer(r"\b" + re.escape(x) + r"\b", text, flags=re.IGNORECASE):
                options.append((m, y))
    if not options:
        return None
    m, y = rnd.choice(options)
    word = m.group(0)
    y = y.capitalize() if word[0].isupper() and not y[0].isupper() else y
    return text[:m.start()] + y + text[m.end():]


def mutate(text, kind, rnd, entities):
    if kind == "number":
        nums = list(re.finditer(r"\d+(?:\.\d+)?", text))
        if not nums:
            return None
        m = rnd.choice(nums)
        v = m.group(0)
        if re.fullmatch(r"(19|20)\d\d", v):
            new = str(int(v) + rnd.choice([-10, -5, -2, -1, 1, 2, 5, 10]))
        elif "." in v:
            new = str(round(float(v) * rnd.choice([2, 3, 0.5]), 2))
        else:
            n = int(v)
            new = str(rnd.choice([n + 1, n + 2, n * 2, max(0, n - 1), n * 10, n + 5]))
        return None if new == v else text[:m.start()] + new + text[m.end():]
    if kind == "negation":
        for pattern, repl in (UNNEGATE if re.search(r"\bnot\b|n't\b|\bnever\b|\bwithout\b", text) else NEGATE):
            if re.search(pattern, text):
                return re.sub(pattern, repl, text, count=1)
        return None
    if kind == "entity":
        words = list(re.finditer(r"\b[A-Z][A-Za-z+#]+\b", text))
        words = [w for w in words if w.start() > 0]
        if not words:
            return None
        m = rnd.choice(words)
        pool = POOL_OF.get(m.group(0).lower()) or entities
        choice = rnd.choice([w for w in pool if w.lower() != m.group(0).lower()])
        return text[:m.start()] + choice + text[m.end():]
    if kind == "unit":
        return swap_word(text, UNITS, rnd)
    if kind == "date":
        years = list(re.finditer(r"\b(19|20)\d\d\b", text))
        if years:
            return mutate(text, "number", rnd, entities)
        return swap_word(text, [(a, b) for pool in POOLS[6:8] for a in pool for b in pool if a != b][:0]
                         + [(pool[i], pool[(i + 3) % len(pool)]) for pool in POOLS[6:8] for i in range(len(pool))], rnd)
    if kind == "polarity":
        return swap_word(text, POLAR, rnd)
    raise ValueError(kind)


KINDS = ["number", "negation", "entity", "unit", "date", "polarity"]
SURFACE_PAIRS = {"train": 800, "calib": 200, "val": 200}


def surface_pairs(rows, split, rnd):
    """The same prompt typed again: identical, other casing, punctuation or spacing. Always the same request."""
    texts = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    rnd.shuffle(texts)
    variants = [lambda t: t, lambda t: t.lower(), lambda t: t.rstrip("?.! ") if t.rstrip("?.! ") else t + "?",
                lambda t: t + "?" if not t.endswith("?") else t[:-1] + " ?", lambda t: "  ".join(t.split(" ")),
                lambda t: t[0].upper() + t[1:] if t[0].islower() else t[0].lower() + t[1:]]
    out = []
    for i, text in enumerate(texts[:SURFACE_PAIRS[split]]):
        out.append({"a": text, "b": variants[i % len(variants)](text), "label": 1, "kind": "surface",
                    "group": "surface:" + norm(text)})
    return out


def hard_negatives(rows, split, rnd):
    """From the split's own paraphrase pairs: (a, changed a) and (b, changed a)."""
    positives = [r for r in rows if r["label"] == 1]
    entities = sorted({w for r in rows for w in re.findall(r"(?<=\s)[A-Z][a-z]{3,}\b", r["a"])})[:500] or ["Python"]
    out = []
    rnd.shuffle(positives)
    for r in positives:
        for kind in KINDS:
            changed = mutate(r["a"], kind, rnd, entities)
            if changed and changed != r["a"]:
                partner = r["a"] if rnd.random() < 0.5 else r["b"]
                out.append({"a": partner, "b": changed, "label": 0, "kind": "hard-" + kind, "group": r["group"]})
    by_kind = {}
    for r in out:
        by_kind.setdefault(r["kind"], []).append(r)
    per_kind = HARD_PAIRS[split] // len(by_kind)
    chosen = []
    for kind in sorted(by_kind):
        chosen.extend(by_kind[kind][:per_kind])
    return chosen


def main():
    rnd = random.Random(SEED)
    os.makedirs(BUILD, exist_ok=True)
    qqp = [dict(a=r["a"], b=r["b"], label=int(r["paraphrase"]), kind="qqp") for r in read("qqp-train.jsonl")]
    stsb_train = [dict(a=r["a"], b=r["b"], label=int(r["score"] >= 4), kind="stsb") for r in read("stsb-train.jsonl")]
    stsb_dev = [dict(a=r["a"], b=r["b"], label=int(r["score"] >= 4), kind="stsb", group="stsb-dev")
                for r in read("stsb-dev.jsonl")]
    q = grouped(qqp, "qqp")
    s = grouped(stsb_train, "stsb")
    # STS-B train splits into train and calib only; STS-B dev is a second validation set.
    s["train"].extend(s.pop("val"))
    s["val"] = stsb_dev
    chats = chat_pairs.generate(SEED)
    chat_split = {}
    for family, *_ in chat_pairs.FAMILIES:
        chat_split[family] = split_of("chat:" + family, shares=(0.55, 0.15))
    for r in chats:
        r["split"] = chat_split[r["group"]]
    fresh = chat_pairs.generate(SEED, chat_pairs.FRESH_FAMILIES)
    for r in fresh:
        r["split"] = "val"
    chats = chats + fresh
    with open(os.path.join(OUT_DATA, "chat-pairs.jsonl"), "w", encoding="utf-8") as f:
        for r in chats:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    summary = {}
    for split in SPLITS:
        base = q[split]
        rnd.shuffle(base)
        base = base[:QQP_PAIRS[split]]
        hard = hard_negatives(base + s[split], split, rnd)
        chat = [{k: v for k, v in r.items() if k != "split"} for r in chats if r["split"] == split]
        chat.sort(key=lambda r: not r["group"].startswith("fresh-"))
        rows = base + s[split] + hard + chat
        rnd.shuffle(rows)
        with open(os.path.join(BUILD, "pairs-%s-surface.jsonl" % split), "w", encoding="utf-8") as f:
            for r in surface_pairs(rows, split, random.Random(SEED + len(split))):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        with open(os.path.join(BUILD, "pairs-%s.jsonl" % split), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        kinds = {}
        for r in rows:
            k = r["kind"].split("-")[0] if r["kind"].startswith("chat") else r["kind"]
            kinds.setdefault(k, [0, 0])[r["label"]] += 1
        summary[split] = {"pairs": len(rows), "by_source": {k: {"near_miss_or_other": v[0], "paraphrase": v[1]}
                                                           for k, v in sorted(kinds.items())},
                          "chat_families": sorted({r["group"] for r in chat})}
        if split == "val":
            with open(os.path.join(OUT_DATA, "validation-chat.jsonl"), "w", encoding="utf-8") as f:
                # fresh families first: the tests read the head of this file
                for r in chat:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            with open(os.path.join(OUT_DATA, "validation-near-misses.jsonl"), "w", encoding="utf-8") as f:
                for r in hard:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # No sentence of a validation pair in the other splits.
    seen = set()
    for split in ("train", "calib"):
        with open(os.path.join(BUILD, "pairs-%s.jsonl" % split), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if not r["kind"].startswith("chat"):
                    seen.update((norm(r["a"]), norm(r["b"])))
    with open(os.path.join(BUILD, "pairs-val.jsonl"), encoding="utf-8") as f:
        leaks = sum(1 for line in f for r in [json.loads(line)]
                    if r["kind"] in ("qqp",) and (norm(r["a"]) in seen or norm(r["b"]) in seen))
    summary["val_qqp_sentences_seen_in_train_or_calib"] = leaks
    with open(os.path.join(OUT_DATA, "splits.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    json.dump(summary, sys.stderr, indent=1)


if __name__ == "__main__":
    main()
