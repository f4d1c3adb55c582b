#!/usr/bin/env bash
# bench/paired-rate.sh OUT json|stream JAR_A "JVM_OPTS_A" JAR_B "JVM_OPTS_B"
#   (env RATE=150 per side, ROUNDS=4 of SECONDS_PER=20 s, WARM=20 s, UNIQUE=0 for exact-cache hits or 1 for
#   a new prompt per request, CONNS=16)
# The ~150 requests/s row side by side: two gateways in the same seconds, each with its own mock
# (../shared/bench/mock-upstream.mjs) and exactly the JVM options given (pass README's, or "" for the
# JVM's defaults as the issue's baseline ran), gateways and mocks on core 1, the two wrk on core 0.
# At this load a gateway's core is a few percent busy, so its p99 is mostly the machine's scheduling:
# run alone, one jar's p99 moved 2x between runs minutes apart (docs/benchmarks.md). Side by side,
# both gateways meet the same moments of the machine; each round prints both sides' p50 / p99 and B/A.
# Before the rounds each side gets WARM seconds of saturating load alone (16 connections, no pause), the
# sequence bench/profile.sh runs before its paced rows; then WARM more seconds paced, both at once, not kept.
# The request is run.sh's (system + user message, max_tokens 64); the pause per connection is
# CONNS*1000/RATE ms as in bench/profile.sh's paced runs (so a little under RATE is offered).
set -uo pipefail
OUT=$(realpath -m "$1"); SC=$2; JAR_A=$(realpath "$3"); OPTS_A=$4; JAR_B=$(realpath "$5"); OPTS_B=$6
mkdir -p "$OUT"
cd "$(dirname "$0")/.."
source bench/gateways.sh
CONNS=${CONNS:-16}
bench/paced-lua.sh "$SHARED" "$OUT/paced.lua"
start_side "$OUT" a "$JAR_A" "$OPTS_A --enable-native-access=ALL-UNNAMED" 18820
start_side "$OUT" b "$JAR_B" "$OPTS_B --enable-native-access=ALL-UNNAMED" 18830
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -f "$OUT"/usage-*.jsonl' EXIT
wait_ready 18820 && wait_ready 18830 || exit 1
load() {  # load PORT SECONDS PAUSE_MS: wrk on core 0; prints BENCH_RESULT's fields
  BENCH_BODY=$(chat_body "$SC") BENCH_UNIQUE=${UNIQUE:-0} BENCH_DELAY_MS=$3 BENCH_NONCE=$RANDOM$RANDOM \
    taskset -c 0 wrk -t1 -c"$CONNS" -d"$2"s --latency -s "$OUT/paced.lua" "http://127.0.0.1:$1/v1/chat/completions" \
    | sed -n 's/^BENCH_RESULT //p'
}
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
PAUSE=$((CONNS * 1000 / ${RATE:-150}))
WARM=${WARM:-20}
load 18820 "$WARM" 0 > /dev/null; load 18830 "$WARM" 0 > /dev/null
load 18820 "$WARM" "$PAUSE" > /dev/null & W=$!; load 18830 "$WARM" "$PAUSE" > /dev/null; wait $W
echo "# $SC, ${RATE:-150} req/s a side (pause $PAUSE ms x $CONNS connections), unique=${UNIQUE:-0}; A: $JAR_A $OPTS_A; B: $JAR_B $OPTS_B"
echo "| round | A rps | A p50 ms | A p99 ms | B rps | B p50 ms | B p99 ms | B/A p99 | load average |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
S=${SECONDS_PER:-20}
for r in $(seq "${ROUNDS:-4}"); do
  load 18820 "$S" "$PAUSE" > "$OUT/a" & W=$!; load 18830 "$S" "$PAUSE" > "$OUT/b"; wait $W
  a=$(cat "$OUT/a") b=$(cat "$OUT/b")
  [[ $(field "$a" status) == 0 && $(field "$b" status) == 0 && -n $a && -n $b ]] \
    || { echo "round $r: errors or no result: A [$a] B [$b]" >&2; exit 1; }
  echo "$a" >> "$OUT/rows-a.txt"; echo "$b" >> "$OUT/rows-b.txt"
  awk -v r="$r" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" -v ar="$(field "$a" requests)" -v ad="$(field "$a" duration_us)" \
      -v a5="$(field "$a" p50_us)" -v a9="$(field "$a" p99_us)" -v br="$(field "$b" requests)" -v bd="$(field "$b" duration_us)" \
      -v b5="$(field "$b" p50_us)" -v b9="$(field "$b" p99_us)" 'BEGIN {
    printf "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %s |\n", r, ar * 1e6 / ad, a5 / 1e3, a9 / 1e3,
      br * 1e6 / bd, b5 / 1e3, b9 / 1e3, b9 / a9, la }'
done
for side in a b; do echo "# $side: cache headers of the last request: $(curl -s -D - -o /dev/null "localhost:$([[ $side == a ]] \
  && echo 18820 || echo 18830)/v1/chat/completions" -H 'Authorization: Bearer sk-tiergate-demo' -H 'Content-Type: application/json' \
  -d "$(chat_body "$SC" | sed 's/__N__//')" | grep -i '^x-tiergate-cache:' | tr -d '\r')"; done
