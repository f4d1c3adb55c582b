#!/usr/bin/env python3
"""Request latency as the wire saw it, from a loopback capture of an HTTP/1.1 server port.

    tcpdump -i lo -n -tt -s 96 -w OUT.pcap 'tcp port PORT and (tcp[tcpflags] & tcp-push != 0)' &
    ... load with wrk (no pipelining) ...
    tcpdump -r OUT.pcap -n -tt | python3 bench/wire-latency.py PORT [CONNECTIONS]

Each connection alternates request and answer, so a request's latency is the time from the last
client segment carrying data before an answer to the first server segment carrying data after it.
Prints the count, mean, p50/p90/p99/p99.9 and max, the share over 100 ms, and with CONNECTIONS the
mean a closed loop of that many connections implies at the captured rate (Little's law:
connections / requests per second), a check on a load generator's own latency report: a reported
distribution whose mean exceeds it cannot be the requests' latency.
"""
import re
import statistics
import sys

port = int(sys.argv[1])
conns = int(sys.argv[2]) if len(sys.argv) > 2 else None
segment = re.compile(r'([\d.]+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+):.*length (\d+)')
sent = {}
latencies_ms = []
first = last = None
for line in sys.stdin:
    m = segment.match(line)
    if not m or int(m[4]) == 0:
        continue
    t, src, dst = float(m[1]), int(m[2]), int(m[3])
    first = t if first is None else first
    last = t
    if dst == port:
        sent[src] = t
    elif src == port and dst in sent:
        latencies_ms.append((t - sent.pop(dst)) * 1000)
if not latencies_ms:
    sys.exit('no request and answer pairs on port %d' % port)
x = sorted(latencies_ms)
n = len(x)


def pct(p):
    return x[min(n - 1, int(n * p))]


rate = n / (last - first) if last > first else float('nan')
print(f'requests {n} at {rate:,.0f}/s, mean {statistics.mean(x):.2f} ms, p50 {pct(.5):.2f}, p90 {pct(.9):.2f}, '
      f'p99 {pct(.99):.2f}, p99.9 {pct(.999):.2f}, max {x[-1]:.1f} ms, over 100 ms {sum(v > 100 for v in x)}')
if conns:
    print(f"Little's law: {conns} connections at {rate:,.0f}/s imply a mean of {conns / rate * 1000:.2f} ms "
          '(think time included)')
