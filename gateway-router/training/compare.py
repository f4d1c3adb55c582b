"""train.sh --check, part 2: are a retrain's figures the committed model's, within what a different CPU moves?

PyTorch's and BLAS's kernels sum in another order on another CPU (AVX2, AVX-512), so an MLP retrained on
another machine has other weights in the last digits and scores differ slightly; its figures must still
agree with the committed ones within these tolerances (MODEL_CARD.md, "Reproducing"):
  - MLP candidates' mean APGR +-0.002 and per-source APGR +-0.005 (five seeds' arithmetic drifts);
  - logistic and kNN candidates to the card's rounding (+-0.0001 mean, +-0.001 per source);
  - the chosen candidate: the same name;
  - the default thresholds +-0.01 and each calibration point's quality kept and frontier share +-0.005;
  - every other metadata field equal.
compare(...) returns the rows of that table; main() prints it and exits 1 on any failure.
"""
import json
import re
import sys
from dataclasses import dataclass

MLP_MEAN, MLP_SOURCE = 0.002, 0.005
ROUNDED_MEAN, ROUNDED_SOURCE = 0.0001, 0.001
THRESHOLD, CURVE = 0.01, 0.005
TOLERANT_SPEC_FIELDS = ("threshold_mid", "threshold_frontier", "calibration")


@dataclass(frozen=True)
class Row:
    figure: str
    committed: object
    retrained: object
    tolerance: float  # 0: must be equal
    ok: bool

    def line(self):
        diff = (f"{self.retrained - self.committed:+.4f}" if isinstance(self.committed, float)
                and isinstance(self.retrained, float) else "")
        tol = f"+-{self.tolerance:g}" if self.tolerance else "equal"
        return f"{'ok  ' if self.ok else 'FAIL'} {self.figure}: committed {self.committed}, retrained {self.retrained} {diff} ({tol})"


def selection_table(card_text):
    """The card's 'Model selection' table: {candidate: {column: value}}, and the chosen candidate."""
    section = card_text.split("### Model selection", 1)[1]
    lines = []
    for line in section.splitlines():
        if line.startswith("|"):
            lines.append(line)
        elif lines:
            break  # the first table only: later sections have tables of their own
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    table = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        table[cells[0]] = {h: float(v) for h, v in zip(header[1:], cells[1:]) if h.startswith(("mean", "APGR"))}
    chosen = re.search(r"Chosen: \*\*(.+?)\*\*", section).group(1)
    return table, chosen


def _within(figure, committed, retrained, tolerance):
    ok = committed is not None and retrained is not None and abs(retrained - committed) <= tolerance + 1e-12
    return Row(figure, committed, retrained, tolerance, ok)


def compare_selection(card_text, figures):
    table, chosen = selection_table(card_text)
    rows = [Row("chosen candidate", chosen, figures["chosen"], 0, chosen == figures["chosen"])]
    for name, committed in table.items():
        mine = figures["candidates"].get(name, {})
        mean_tol, source_tol = (MLP_MEAN, MLP_SOURCE) if name.startswith("mlp") else (ROUNDED_MEAN, ROUNDED_SOURCE)
        for column, value in committed.items():
            key = "mean_apgr" if column.startswith("mean") else column.lower()
            rows.append(_within(f"{name}: {column}", value, mine.get(key),
                                mean_tol if column.startswith("mean") else source_tol))
    return rows


def compare_spec(committed, retrained):
    rows = []
    for key in sorted(set(committed) | set(retrained)):
        if key not in TOLERANT_SPEC_FIELDS:
            rows.append(Row(f"metadata {key}", committed.get(key), retrained.get(key), 0,
                            committed.get(key) == retrained.get(key)))
    for key in ("threshold_mid", "threshold_frontier"):
        rows.append(_within(key, committed.get(key), retrained.get(key), THRESHOLD))
    mine, theirs = committed["calibration"], retrained.get("calibration", {})
    rows.append(Row("calibration measured_on", mine.get("measured_on"), theirs.get("measured_on"), 0,
                    mine.get("measured_on") == theirs.get("measured_on")))
    points = {p["threshold"]: p for p in theirs.get("points", [])}
    worst = {"quality_kept": (0.0, None), "frontier_share": (0.0, None)}
    missing = [p["threshold"] for p in mine["points"] if p["threshold"] not in points]
    for p in mine["points"]:
        q = points.get(p["threshold"])
        for field in worst:
            if q is not None and abs(q[field] - p[field]) >= worst[field][0]:
                worst[field] = (abs(q[field] - p[field]), p["threshold"])
    rows.append(Row("calibration thresholds", len(mine["points"]), len(points), 0,
                    not missing and len(points) == len(mine["points"])))
    for field, (diff, at) in worst.items():
        rows.append(Row(f"calibration {field}, largest difference (at threshold {at})", 0.0, round(diff, 6),
                        CURVE, diff <= CURVE + 1e-12))
    return rows


def compare(card_text, committed_spec, retrained_spec, figures):
    return compare_selection(card_text, figures) + compare_spec(committed_spec, retrained_spec)


def report(rows):
    """Prints each row's line; returns the rows that failed."""
    for row in rows:
        print(row.line())
    return [r for r in rows if not r.ok]


def main():
    card, committed_spec, retrained_spec, figures = sys.argv[1:5]
    with open(card) as f:
        card_text = f.read()
    load = lambda p: json.load(open(p))
    rows = compare(card_text, load(committed_spec), load(retrained_spec), load(figures))
    failed = report(rows)
    print(f"{len(rows) - len(failed)} of {len(rows)} figures agree" + (f"; {len(failed)} FAIL" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
