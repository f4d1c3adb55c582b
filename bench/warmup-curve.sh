#!/usr/bin/env bash
# Caches-off JSON throughput in consecutive windows from a cold start, to see how long the JIT takes:
#   bench/warmup-curve.sh JAR OUT_DIR [WINDOWS 12] [SECONDS 10] [extra JVM options...]
# README's JVM options (plus the extras), gateway and mock on core 1, wrk on core 0 at 16 connections;
# prints the req/s of each window and the RSS at the end (OUT_DIR/curve.txt). SCENARIO='"stream":true,' for streams.
set -uo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "$1"); OUT=$(realpath -m "$2"); W=${3:-12}; D=${4:-10}; shift $(( $# < 4 ? $# : 4 )); mkdir -p "$OUT"
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin; S=$(realpath ../shared/bench)
taskset -c 1 node "$S/mock-upstream.mjs" --port 18791 > "$OUT/mock.log" 2>&1 & MOCK=$!
MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:18791/v1 TIERGATE_USAGE_FILE=$OUT/usage.jsonl \
  taskset -c 1 "$J/java" -Xms16m -Xmx64m -Xmn16m -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m \
  -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 \
  "$@" -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -jar "$JAR" --port 18792 --management-port off \
  > "$OUT/gw.log" 2>&1 & GW=$!
trap 'kill $GW $MOCK 2>/dev/null' EXIT
for _ in $(seq 300); do curl -sf localhost:18792/readyz >/dev/null && break; sleep 0.2; done
body='{"model":"gpt-4o-mini",'${SCENARIO:-}'"messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"What is the capital of France? Answer in one sentence.__N__"}],"max_tokens":64,"temperature":0.2}'
rates=""
for _ in $(seq "$W"); do
  rates="$rates $(BENCH_BODY=$body BENCH_UNIQUE=1 BENCH_HEADERS='x-tiergate-cache: off' taskset -c 0 wrk -t1 -c16 -d"${D}s" \
    -s "$S/post.lua" http://127.0.0.1:18792/v1/chat/completions | awk '/Requests\/sec/{print $2}')"
done
echo "${*:-README options}:$rates | $(grep VmRSS /proc/$GW/status)" | tee -a "$OUT/curve.txt"
