#!/usr/bin/env python3
"""The collector's pauses per run of bench/profile.sh: bench/gc-summary.py OUT_DIR
Reads OUT_DIR/gc.log (-Xlog:gc with timemillis) and OUT_DIR/runs.txt (name, start, end in epoch
seconds) and prints, per run, the pauses in its window: count, total, share of the wall time,
longest, and the count of full collections."""
import re, sys
out = sys.argv[1]
pauses = []  # (epoch ms, kind, ms)
for line in open(f'{out}/gc.log'):
    m = re.match(r'\[(\d+)ms\].*GC\(\d+\) Pause (\S+(?: \([^)]*\))*).* (\d+(?:\.\d+)?)ms$', line.strip())
    if m:
        pauses.append((int(m.group(1)), m.group(2), float(m.group(3))))
print('| run | pauses | total ms | share of wall time | longest ms | full collections |\n|---|---:|---:|---:|---:|---:|')
for line in open(f'{out}/runs.txt'):
    name, start, end = line.split()
    start, end = int(start) * 1000, int(end) * 1000 + 999
    ps = [p for p in pauses if start <= p[0] <= end]
    total = sum(p[2] for p in ps)
    full = sum(1 for p in ps if p[1].startswith('Full'))
    print(f'| {name} | {len(ps)} | {total:.0f} | {100 * total / (end - start):.1f}% | {max((p[2] for p in ps), default=0):.1f} | {full} |')
