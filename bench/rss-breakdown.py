#!/usr/bin/env python3
"""Where a process's resident set goes: bench/rss-breakdown.py PID|SMAPS_FILE [NMT_DETAIL_FILE]

Reads /proc/PID/smaps (or a saved copy of it) and, when given, the output of `jcmd PID VM.native_memory detail`, and
prints one Markdown table of resident MB by component:
  - JVM categories (Java Heap, Class, Code, Thread stacks, GC, ...) for mappings inside a range
    Native Memory Tracking reserved for them;
  - file-backed mappings by file (libjvm.so, libonnxruntime.so, the CDS archive, ...);
  - the rest of the anonymous memory, split by shape: glibc's main heap ([heap]), glibc malloc
    arenas (64 MB-aligned reservations of threads' arenas), stacks of native threads (8 MB + guard),
    and other anonymous mappings (large malloc blocks mmap'd on their own, ONNX Runtime's buffers).
Malloc'd JVM memory (NMT's "malloc=" figures) lives inside the glibc heaps and arenas: the table
shows NMT's malloc total next to them so the rest can be told apart from it. Without NMT's detail
output the JVM's own reservations (heap, metaspace, code cache) cannot be told from other anonymous
memory and are counted there: the table says so."""
import os, re, sys
from collections import defaultdict

pid = sys.argv[1]
ranges = []  # (start, end, category)
nmt_malloc_kb = None
if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
    text = open(sys.argv[2]).read()
    for m in re.finditer(r'^\[(0x[0-9a-f]+) - (0x[0-9a-f]+)\] reserved (?:and committed )?\d+KB for ([^\n]+?) from', text, re.M):
        ranges.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
    m = re.search(r'Total: reserved=\d+KB, committed=\d+KB\s*\n\s*malloc: (\d+)KB', text)
    if m:
        nmt_malloc_kb = int(m.group(1))
ranges.sort()

def categories(start, end):
    """The NMT categories a mapping overlaps, with the share of the mapping in each."""
    shares = []
    for s, e, c in ranges:
        overlap = min(end, e) - max(start, s)
        if overlap > 0:
            shares.append((c, overlap / (end - start)))
    return shares

maps = []
cur = None
for line in open(pid if os.path.isfile(pid) else f'/proc/{pid}/smaps'):
    head = re.match(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$', line)
    if head:
        cur = dict(start=int(head.group(1), 16), end=int(head.group(2), 16), perms=head.group(3),
                   path=head.group(4).strip(), rss=0, anon=0)
        maps.append(cur)
    elif line.startswith('Rss:'):
        cur['rss'] = int(line.split()[1])
    elif line.startswith('Anonymous:'):
        cur['anon'] = int(line.split()[1])

rows = defaultdict(int)
for i, m in enumerate(maps):
    size_kb = (m['end'] - m['start']) // 1024
    shares = categories(m['start'], m['end'])
    if shares:   # smaps may merge a JVM reservation with an adjacent anonymous mapping
        for c, share in shares:
            rows['JVM: ' + c] += int(m['rss'] * share)
        rest = 1 - sum(share for _, share in shares)
        if rest > 0:
            rows['other anonymous (large mmap\'d mallocs, native buffers)'] += int(m['rss'] * rest)
    elif m['path'] == '[heap]':
        rows['glibc main heap ([heap]: malloc of the main thread and small mallocs)'] += m['rss']
    elif m['path'] == '[stack]':
        rows['main thread stack'] += m['rss']
    elif m['path'].startswith('['):
        rows['kernel (' + m['path'] + ')'] += m['rss']
    elif m['path']:
        name = os.path.basename(m['path'].replace(' (deleted)', ''))
        if re.match(r'.*\.so(\.[0-9.]+)?$', name) or 'onnxruntime' in name or 'tokenizers' in name:
            rows['file: ' + name + (' (anon: relocations, .bss)' if m['anon'] > m['rss'] // 2 else '')] += m['rss']
        else:
            rows['file: ' + name] += m['rss']
    else:
        # a glibc arena is a 64 MB-aligned reservation (rw part + ---p rest) of at most 64 MB
        nxt = maps[i + 1] if i + 1 < len(maps) else None
        prev = maps[i - 1] if i > 0 else None
        arena = (m['start'] % (64 << 20) == 0 and m['perms'].startswith('rw') and size_kb <= 65536
                 and nxt is not None and nxt['start'] == m['end'] and nxt['perms'] == '---p'
                 and (m['end'] - m['start'] + nxt['end'] - nxt['start']) <= (64 << 20))
        stack = (m['perms'].startswith('rw') and size_kb in (8192, 8188, 10240, 1024, 1020, 2048, 2044)
                 and prev is not None and prev['end'] == m['start'] and prev['perms'] == '---p'
                 and (prev['end'] - prev['start']) <= 65536)
        if arena:
            rows['glibc malloc arenas (other threads\' malloc)'] += m['rss']
        elif stack:
            rows['native thread stacks (not the JVM\'s)'] += m['rss']
        else:
            rows['other anonymous (large mmap\'d mallocs, native buffers)'] += m['rss']

total = sum(rows.values())
print('| component | resident MB |')
print('|---|---:|')
for k, v in sorted(rows.items(), key=lambda kv: -kv[1]):
    if v >= 512:
        print(f'| {k} | {v / 1024:.1f} |')
print(f'| (total of smaps) | {total / 1024:.1f} |')
if nmt_malloc_kb is not None:
    print(f'| (of the glibc heaps and arenas: the JVM\'s own malloc per NMT) | {nmt_malloc_kb / 1024:.1f} |')
if not ranges:
    # Without NMT's address ranges nothing here tells the JVM's reservations from other anonymous
    # memory: the Java heap, metaspace, class space and code cache are all in "other anonymous".
    print('| (no Native Memory Tracking given: the Java heap, metaspace, class space and code cache are'
          ' counted in "other anonymous"; start the JVM with -XX:NativeMemoryTracking=detail to split them) | |')
