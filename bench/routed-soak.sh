#!/usr/bin/env bash
# Routed requests held for minutes: the bundled config with README's JVM options (OPENAI_BASE_URL at
# ../shared/bench's mock), `auto` with a new prompt per request at 16 connections, in 30 s rounds;
# after each round the requests and their p50 / p99, the old generation's fill, young and full
# collections, and RSS. What the learning router and the prompt-cache affinity keep per routed
# request must stay in its share of the heap (docs/benchmarks.md, "Routed requests for minutes").
#   bash bench/routed-soak.sh JAR SECONDS OUT_DIR
# SOAK_PATH (default /v1/chat/completions) and SOAK_BODY (default: run.sh's request with model `auto`;
# __N__ marks the per-request nonce) send another route, e.g. /v1/responses or /v1/messages.
# Mock and gateway on core 1, wrk on core 0, as ../shared/bench/run.sh places them.
set -u
JAR=${1:?jar} SECS=${2:?seconds} OUT=${3:?out dir}
mkdir -p "$OUT"
PORT=${MOCK_PORT:-18591} GWP=${GATEWAY_PORT:-18592} MGMT=${MGMT_PORT:-18593}
source "$(dirname "$0")/readme-gateway.sh"
DEFAULT_BODY='{"model":"auto","messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"What is the capital of France? Answer in one sentence.__N__"}],"max_tokens":64,"temperature":0.2}'
BODY=${SOAK_BODY:-$DEFAULT_BODY} ROUTE=${SOAK_PATH:-/v1/chat/completions}
{
  for ((t = 0; t < SECS; t += 30)); do
    BENCH_BODY="$BODY" BENCH_UNIQUE=1 BENCH_NONCE=$t taskset -c 0 wrk -t1 -c16 -d30s -s "$SHARED/post.lua" \
        "http://127.0.0.1:$GWP$ROUTE" | grep BENCH_RESULT \
      | sed -E 's/.*requests=([0-9]+).* p50_us=([0-9]+).* p99_us=([0-9]+).*status=([0-9]+).*/requests \1 p50_us \2 p99_us \3 non2xx \4/' | tr '\n' ' '
    echo "| $("$J/jstat" -gcutil "$GW" | tail -1 | awk '{print "old%", $4, "YGC", $7, "FGC", $9, "FGCT", $10}') | RSS $(awk '/VmRSS/ {print int($2/1024)}' "/proc/$GW/status") MB"
  done
  echo "full collections: $(grep -c 'Pause Full' "$OUT/gc.log"); the last: $(grep 'Pause Full' "$OUT/gc.log" | tail -1)"
} | tee "$OUT/soak.txt"
"$J/jcmd" "$GW" GC.class_histogram | head -20 > "$OUT/histo.txt"
