#!/usr/bin/env python3
"""Summarise a JFR recording's Java execution samples as text (a flame graph's gist):
   bench/jfr-summary.py FILE.jfr [TOP]
- per library area, the share of samples with a frame there (inclusive);
- per Tiergate method nearest to the leaf, the share of samples (its own work and the library calls it makes);
- per Tiergate method, inclusive.
Native frames (ONNX Runtime's kernels) are not in jdk.ExecutionSample: the embedding's cost is undercounted."""
import collections, json, os, re, subprocess, sys
jfr = sys.argv[1]; top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run([os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr'), 'print', '--json', '--stack-depth', '200',
                      '--events', 'jdk.ExecutionSample', jfr], capture_output=True, text=True).stdout
events = json.loads(out)['recording']['events']
inclusive = collections.Counter(); areas = collections.Counter(); owner = collections.Counter()
AREAS = [('jackson (JSON)', 'com.fasterxml.jackson'), ('logback/logstash (request log)', ('ch.qos.logback', 'net.logstash')),
         ('micrometer (metrics)', 'io.micrometer'), ('reactor', 'reactor.'), ('netty', 'io.netty'),
         ('onnx/djl (embeddings, router)', ('ai.djl', 'ai.onnxruntime')), ('caffeine', 'com.github.benmanes'),
         ('lettuce/redis', 'io.lettuce')]
n = 0
for e in events:
    frames = e['values']['stackTrace']['frames'] if e['values'].get('stackTrace') else []
    names = [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name'] for f in frames]
    names = [re.sub(r'\$\$Lambda[/.]0x[0-9a-f]+', '$$Lambda', x) for x in names]
    if not names:
        continue
    n += 1
    for m in set(x for x in names if x.startswith('dev.tiergate')):
        inclusive[m] += 1
    seen = set()
    for label, prefix in AREAS:
        if any(x.startswith(prefix) for x in names):
            areas[label] += 1
    own = next((x for x in names if x.startswith('dev.tiergate')), '(outside tiergate code: ' + names[0].rsplit('.', 2)[0] + ')')
    owner[own] += 1
print(f'{n} samples')
print('\n| area (inclusive: samples with a frame there) | share |\n|---|---:|')
for k, v in areas.most_common():
    print(f'| {k} | {100*v/n:.1f}% |')
print('\n| nearest Tiergate frame to the leaf (its own work and the library calls it makes) | share |\n|---|---:|')
for k, v in owner.most_common(top):
    print(f'| `{k.replace("dev.tiergate.", "")}` | {100*v/n:.1f}% |')
print('\n| Tiergate method, inclusive | share |\n|---|---:|')
for k, v in inclusive.most_common(top):
    print(f'| `{k.replace("dev.tiergate.", "")}` | {100*v/n:.1f}% |')
