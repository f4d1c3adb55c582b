#!/usr/bin/env bash
# The gateway process's own CPU time per request (utime + stime of /proc/PID/stat over the requests
# wrk got answered), for several builds or JVM settings side by side: unlike run.sh's "cpu us/req"
# (the busy time of the server core, whoever used it) this does not count what other processes did
# on that core, so it holds on a shared machine where throughput does not.
#   bench/cpu-per-request.sh OUT_DIR NAME=JAR[|EXTRA_JVM_OPTS] ...
# Env: ROUNDS [5], DURATION [8] seconds a measurement, PREWARM [40], CONNS [16], UNIQUE [1],
# EXTRA_HEADERS (e.g. 'x-tiergate-cache: off'). Gateways started and warmed as bench/gateways.sh
# says; rounds rotate the order. Rows: OUT_DIR/rows.txt; medians: OUT_DIR/table.md.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "$1"); shift; mkdir -p "$OUT"
source bench/gateways.sh
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
start_mock "$OUT"
NAMES=() PORTS=() GWS=()
for spec in "$@"; do
  start_gateway "$OUT" "$spec" >> "$OUT/rows.txt"; tail -1 "$OUT/rows.txt"
  NAMES+=("$GW_NAME") PORTS+=("$GW_PORT") GWS+=("$GW_PID")
done
n=${#NAMES[@]}
for r in $(seq 0 $(( ${ROUNDS:-5} - 1 ))); do
  for k in $(seq 0 $((n - 1))); do
    i=$(( (k + r) % n ))
    for scenario in json stream; do
      streamed=''; [[ $scenario == stream ]] && streamed='"stream":true,'
      before=$(cpu "${GWS[$i]}"); requests=$(load "${PORTS[$i]}" "${DURATION:-8}" "$streamed"); after=$(cpu "${GWS[$i]}")
      echo "${NAMES[$i]} $scenario $requests $(( (after - before) * 1000000 / TICK )) $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/rows.txt"
    done
  done
done
python3 - "$OUT/rows.txt" <<'PY' | tee "$OUT/table.md"
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#"): continue
    name, scenario, requests, cpu_us, load = line.split()
    rows.setdefault((name, scenario), []).append((int(cpu_us) / max(int(requests), 1), int(requests)))
print("| gateway | scenario | CPU us/request (median) | min-max | requests per round (median) |")
print("|---|---|---:|---|---:|")
for (name, scenario), values in rows.items():
    per = sorted(v[0] for v in values)
    print(f"| {name} | {scenario} | {statistics.median(per):.0f} | {per[0]:.0f}-{per[-1]:.0f} | {statistics.median(v[1] for v in values):.0f} |")
PY
