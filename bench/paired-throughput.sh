#!/usr/bin/env bash
# bench/paired-throughput.sh OUT json|stream JAR_A "EXTRA_JVM_A" JAR_B "EXTRA_JVM_B" (env WARM=40 s, ROUNDS=3):
# two gateways at once, caches off, README's JVM options (bench/gateways.sh's GW_OPTS, no class archive: the
# two must not share one) plus each side's extra ones, each with its own mock (../shared/bench/mock-upstream.mjs);
# gateways and mocks share core 1, the two wrk (16 connections each, a new prompt per request) share core 0.
# Both sides run in the same seconds, so the machine's speed swings (up to 60% between rounds here) hit both
# alike; each round prints both sides' requests per second and B/A. Run it A against A first: the spread of B/A
# there (about 1-2%) is what a difference must exceed. Discard round 1 when WARM is short (C2 still compiling).
# bench/side-by-side.sh runs two jars the same way and reports each one's CPU per request instead.
set -uo pipefail
OUT=$(realpath -m "$1"); SC=$2; JAR_A=$(realpath "$3"); JAR_B=$(realpath "$5"); mkdir -p "$OUT"
cd "$(dirname "$0")/.."
source bench/gateways.sh
start() { # side jar extra port
  local side=$1 jar=$2 extra=$3 p=$4
  taskset -c 1 node "$SHARED/mock-upstream.mjs" --port $((p+1)) > "$OUT/mock-$side.log" 2>&1 & PIDS+=($!)
  MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$((p+1))/v1 \
    TIERGATE_USAGE_FILE=$OUT/usage-$side.jsonl taskset -c 1 "$GW_JAVA/java" $GW_OPTS $extra -jar "$jar" \
    --port $p --management-port off > "$OUT/gw-$side.log" 2>&1 & PIDS+=($!)
}
start a "$JAR_A" "$4" 18800; start b "$JAR_B" "$6" 18810
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -f "$OUT"/usage-*.jsonl "$OUT"/gw-*.log' EXIT
for p in 18800 18810; do for _ in $(seq 300); do curl -sf localhost:$p/readyz > /dev/null && break; sleep 0.2; done; done
request() { printf '{"model":"gpt-4o-mini",%s"messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"What is the capital of France? Answer in one sentence.__N__"}],"max_tokens":64,"temperature":0.2}' "$([[ $1 == stream ]] && echo '"stream":true,')"; }
pair_load() { BENCH_BODY=$(request "$SC") BENCH_UNIQUE=1 BENCH_HEADERS='x-tiergate-cache: off' BENCH_NONCE=$RANDOM$RANDOM \
    taskset -c 0 wrk -t1 -c16 -d"$2"s -s "$SHARED/post.lua" http://127.0.0.1:$1/v1/chat/completions | awk '/requests in/ {print $1}'; }
pair_load 18800 ${WARM:-40} > /dev/null & W=$!; pair_load 18810 ${WARM:-40} > /dev/null; wait $W
for r in $(seq ${ROUNDS:-3}); do
  pair_load 18800 20 > "$OUT/a" & W=$!; pair_load 18810 20 > "$OUT/b"; wait $W
  a=$(cat "$OUT/a"); b=$(cat "$OUT/b"); echo "round $r: A $((a/20)) req/s, B $((b/20)) req/s, B/A $(echo "scale=3; $b/$a" | bc)"
done
