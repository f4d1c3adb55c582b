#!/usr/bin/env bash
# Two jars side by side on a busy machine, caches off (the proxy path alone):
#   bench/side-by-side.sh OUT SECONDS ROUNDS JAR_A JAR_B
# Both jars run at once, each with its own mock (../shared/bench/mock-upstream.mjs), all four pinned
# to core 1 (wrk to core 0), so that both see the same contention from whatever else runs; per round
# and scenario (JSON, stream of 10 chunks; 16 connections, a new prompt per request,
# x-tiergate-cache: off), each gateway's own CPU per request (/proc/PID/stat) and its mock's, and
# its threads' CPU and context switches (bench/thread-switches.py). Ports 27411-27422; README's JVM
# options without the class archive (bench/gateways.sh's GW_OPTS). OUT/summary.md holds the figures.
set -uo pipefail
cd "$(dirname "$0")/.."
source bench/gateways.sh   # GW_OPTS, chat_body
OUT=$1 SECS=$2 ROUNDS=$3 A=$4 B=$5
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin; BN=$(realpath ../shared/bench); T=$(realpath bench)
A=$(realpath "$A") B=$(realpath "$B")
OUT=$(realpath -m "$OUT"); mkdir -p "$OUT"; PORTS=(27411 27421)
for p in 27411 27412 27421 27422; do ss -ltn | grep -q ":$p " && { echo "port $p busy"; exit 1; }; done
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
PIDS=(); MOCKS=(); NAMES=()
for k in 0 1; do
  jar=$([[ $k == 0 ]] && echo $A || echo $B); base=${PORTS[$k]}; NAMES+=($(basename $jar .jar))
  taskset -c 1 node $BN/mock-upstream.mjs --port $base > "$OUT/mock$k.log" 2>&1 & MOCKS+=($!)
  OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$base/v1 TIERGATE_USAGE_FILE=$OUT/usage$k.jsonl \
    MALLOC_ARENA_MAX=1 taskset -c 1 $JAVA/java $GW_OPTS -jar "$jar" --port $((base+1)) --management-port off > "$OUT/gw$k.log" 2>&1 & PIDS+=($!)
done
trap 'kill ${PIDS[@]} ${MOCKS[@]} 2>/dev/null' EXIT
for k in 0 1; do for _ in $(seq 900); do curl -sf "http://127.0.0.1:$((PORTS[k]+1))/readyz" >/dev/null && break; sleep 0.2; done; done
load() { # load K SCENARIO SECS OUTFILE
  BENCH_BODY=$(chat_body $2) BENCH_UNIQUE=1 BENCH_HEADERS='x-tiergate-cache: off' BENCH_NONCE=n$RANDOM taskset -c 0 wrk -t1 -c16 -d${3}s -s $BN/post.lua http://127.0.0.1:$((PORTS[$1]+1))/v1/chat/completions > "$4" 2>&1
}
for s in json stream json stream; do load 0 $s 15 /dev/null & W=$!; load 1 $s 15 /dev/null; wait $W; done
for round in $(seq $ROUNDS); do for s in json stream; do
  for k in 0 1; do python3 $T/thread-switches.py snap ${PIDS[$k]} "$OUT/a$k.json"; c0[$k]=$(cpu ${PIDS[$k]}); m0[$k]=$(cpu ${MOCKS[$k]}); done
  load 0 $s $SECS "$OUT/wrk0.out" & W=$!; load 1 $s $SECS "$OUT/wrk1.out"; wait $W
  for k in 0 1; do
    c1=$(cpu ${PIDS[$k]}); m1=$(cpu ${MOCKS[$k]}); python3 $T/thread-switches.py snap ${PIDS[$k]} "$OUT/b$k.json"
    n=$(grep -o 'requests=[0-9]*' "$OUT/wrk$k.out" | cut -d= -f2)
    echo "## ${NAMES[$k]} $s round $round: load $(cut -d' ' -f1-3 /proc/loadavg), requests $n, rps $((n / SECS)), gateway cpu $(( (c1-c0[k])*10000 / n )) us/req, mock cpu $(( (m1-m0[k])*10000 / n )) us/req" | tee -a "$OUT/summary.md"
    python3 $T/thread-switches.py diff "$OUT/a$k.json" "$OUT/b$k.json" $n 5 >> "$OUT/summary.md"
  done
done; done
