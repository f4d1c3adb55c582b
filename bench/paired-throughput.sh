#!/usr/bin/env bash
# bench/paired-throughput.sh OUT json|stream JAR_A "EXTRA_JVM_A" JAR_B "EXTRA_JVM_B" (env WARM=40 s, ROUNDS=3):
# two gateways at once, caches off, README's JVM options plus each side's extra ones, each with its own mock
# (../shared/bench/mock-upstream.mjs); gateways and mocks share core 1, the two wrk (16 connections each,
# a new prompt per request) share core 0. Both sides
# run in the same seconds, so the machine's speed swings (up to 60% between rounds here) hit both alike;
# each round prints both sides' requests per second and B/A. Run it A against A first: the spread of B/A
# there (about 1-2%) is what a difference must exceed. Discard round 1 when WARM is short (C2 still compiling).
set -uo pipefail
OUT=$(realpath -m "$1"); SC=$2; mkdir -p "$OUT"; S=$(realpath "$(dirname "$0")/../../shared/bench"); J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
start() { # side jar extra port
  local side=$1 jar=$(realpath "$2") extra=$3 p=$4
  taskset -c 1 node "$S/mock-upstream.mjs" --port $((p+1)) > "$OUT/mock-$side.log" 2>&1 & echo $! >> "$OUT/pids"
  MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$((p+1))/v1 \
  TIERGATE_USAGE_FILE=$OUT/usage-$side.jsonl taskset -c 1 "$J/java" -Xms16m -Xmx64m -Xmn16m \
  -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
  -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:SharedArchiveFile="${jar%.jar}.jsa" \
  -XX:+AutoCreateSharedArchive -Xlog:cds=off -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
  $extra -jar "$jar" --port $p --management-port $((p+2)) > /dev/null 2>&1 & echo $! >> "$OUT/pids"
}
rm -f "$OUT/pids"
start a "$3" "$4" 18800; start b "$5" "$6" 18810
trap 'kill $(cat $OUT/pids) 2>/dev/null; wait 2>/dev/null; rm -f $OUT/usage-*.jsonl' EXIT
for p in 18800 18810; do for _ in $(seq 300); do curl -sf localhost:$p/readyz > /dev/null && break; sleep 0.2; done; done
body() { printf '{"model":"gpt-4o-mini",%s"messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"What is the capital of France? Answer in one sentence.__N__"}],"max_tokens":64,"temperature":0.2}' "$([[ $1 == stream ]] && echo '"stream":true,')"; }
load() { BENCH_BODY=$(body "$SC") BENCH_UNIQUE=1 BENCH_HEADERS='x-tiergate-cache: off' BENCH_NONCE=$RANDOM$RANDOM \
    taskset -c 0 wrk -t1 -c16 -d"$2"s -s "$S/post.lua" http://127.0.0.1:$1/v1/chat/completions | awk '/requests in/ {print $1}'; }
load 18800 ${WARM:-40} > /dev/null & W=$!; load 18810 ${WARM:-40} > /dev/null; wait $W
for r in $(seq ${ROUNDS:-3}); do
  load 18800 20 > "$OUT/a" & W=$!; load 18810 20 > "$OUT/b"; wait $W
  a=$(cat "$OUT/a"); b=$(cat "$OUT/b"); echo "round $r: A $((a/20)) req/s, B $((b/20)) req/s, B/A $(echo "scale=3; $b/$a" | bc)"
done
