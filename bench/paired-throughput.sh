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
start_side "$OUT" a "$JAR_A" "$GW_OPTS $4" 18800; start_side "$OUT" b "$JAR_B" "$GW_OPTS $6" 18810
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -f "$OUT"/usage-*.jsonl "$OUT"/gw-*.log' EXIT
wait_ready 18800 && wait_ready 18810 || exit 1
pair_load() { BENCH_BODY=$(chat_body "$SC") BENCH_UNIQUE=1 BENCH_HEADERS='x-tiergate-cache: off' BENCH_NONCE=$RANDOM$RANDOM \
    taskset -c 0 wrk -t1 -c16 -d"$2"s -s "$SHARED/post.lua" http://127.0.0.1:$1/v1/chat/completions | awk '/requests in/ {print $1}'; }
pair_load 18800 ${WARM:-40} > /dev/null & W=$!; pair_load 18810 ${WARM:-40} > /dev/null; wait $W
for r in $(seq ${ROUNDS:-3}); do
  pair_load 18800 20 > "$OUT/a" & W=$!; pair_load 18810 20 > "$OUT/b"; wait $W
  a=$(cat "$OUT/a"); b=$(cat "$OUT/b"); echo "round $r: A $((a/20)) req/s, B $((b/20)) req/s, B/A $(echo "scale=3; $b/$a" | bc)"
done
