#!/usr/bin/env python3
"""CPU time of a process's threads, grouped by thread name (trailing numbers dropped):
   bench/thread-cpu.py snap PID > FILE          a snapshot (tid, name, utime+stime in clock ticks)
   bench/thread-cpu.py diff BEFORE AFTER [REQS]  per group: CPU seconds between the two, share, µs per request
Read from /proc/PID/task/*/stat, so native work (ONNX Runtime's kernels) counts, unlike JFR's
Java execution samples."""
import collections, os, re, sys
TICK = os.sysconf('SC_CLK_TCK')

def snap(pid):
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        print(f'{tid}\t{name}\t{int(fields[11]) + int(fields[12])}')

def load(path):
    return {tid: (name, int(t)) for tid, name, t in (line.rstrip('\n').split('\t') for line in open(path))}

def diff(before, after, reqs=None):
    a, b = load(before), load(after)
    groups = collections.Counter()
    for tid, (name, t) in b.items():
        groups[re.sub(r'[-#]?\d+$', '', name) or name] += t - a.get(tid, (name, 0))[1]
    total = sum(groups.values())
    print(f'| thread group | CPU s | share |{" µs/request |" if reqs else ""}\n|---|---:|---:|{"---:|" if reqs else ""}')
    for name, t in groups.most_common():
        if t <= 0:
            continue
        row = f'| {name} | {t / TICK:.2f} | {100 * t / total:.1f}% |'
        if reqs:
            row += f' {1e6 * t / TICK / reqs:.0f} |'
        print(row)
    print(f'| all | {total / TICK:.2f} | 100% |{f" {1e6 * total / TICK / reqs:.0f} |" if reqs else ""}')

if __name__ == '__main__':
    if sys.argv[1] == 'snap':
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None)
