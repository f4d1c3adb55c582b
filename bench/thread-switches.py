#!/usr/bin/env python3
"""Per-thread CPU and context switches of a process, from /proc (bench/side-by-side.sh):
   thread-switches.py snap PID FILE   |   thread-switches.py diff BEFORE AFTER [REQUESTS [TOP]]
A thread woken per request (a pool, a log writer) shows as voluntary switches per request."""
import os, sys, json, collections
def snap(pid):
    out = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            comm = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            st = open(f'/proc/{pid}/task/{tid}/stat').read().rsplit(')', 1)[1].split()
            ticks = int(st[11]) + int(st[12])
            d = dict(l.split(':\t') for l in open(f'/proc/{pid}/task/{tid}/status').read().splitlines() if ':\t' in l)
            out[tid] = [comm, ticks, int(d['voluntary_ctxt_switches']), int(d['nonvoluntary_ctxt_switches'])]
        except FileNotFoundError:
            pass
    return out
if sys.argv[1] == 'diff':
    a = json.load(open(sys.argv[2])); b = json.load(open(sys.argv[3])); n = float(sys.argv[4]) if len(sys.argv) > 4 else 1
    top = int(sys.argv[5]) if len(sys.argv) > 5 else None
    agg = collections.defaultdict(lambda: [0, 0, 0])
    for tid, (comm, t, v, nv) in b.items():
        t0, v0, nv0 = (a[tid][1:] if tid in a else (0, 0, 0))
        k = comm.rstrip('0123456789-')
        agg[k][0] += t - t0; agg[k][1] += v - v0; agg[k][2] += nv - nv0
    print(f'{"thread":32} {"cpu ms":>8} {"vol cs":>9} {"invol":>8}  per request: vol cs')
    rows = [(k, x) for k, x in sorted(agg.items(), key=lambda x: -x[1][1] - x[1][0]) if any(x)]
    for k, (t, v, nv) in rows[:top]:
        print(f'{k:32} {t*10:8} {v:9} {nv:8}  {v/n:.3f}')
else:
    json.dump(snap(sys.argv[2]), open(sys.argv[3], 'w'))
