#!/usr/bin/env bash
# Every in-memory store filled in one gateway: the bundled config with README's JVM options
# (OPENAI_BASE_URL at ../shared/bench's mock), then in turn, SECS (45) s each at 16 connections with a
# new input per request: chat through `auto` (exact and semantic caches, the decision log, the
# conversations' tiers), the Responses API (stored responses), /v1/embeddings with the demo model
# (the embeddings cache), streams (stream recordings), chat again. After each: the old generation's
# fill and the full collections so far; at the end what a requested full collection leaves, which
# must stay well inside the 46 MB old generation (docs/benchmarks.md, "Routed requests for minutes").
#   bash bench/fill-stores.sh JAR OUT_DIR
set -u
JAR=${1:?jar} OUT=${2:?out dir}; SECS=${SECS:-45}
mkdir -p "$OUT"
PORT=${MOCK_PORT:-18691} GWP=${GATEWAY_PORT:-18692} MGMT=${MGMT_PORT:-18693}
source "$(dirname "$0")/readme-gateway.sh"
PROMPT='What is the capital of France? Answer in one sentence.__N__'
step() {  # step NAME PATH BODY
  BENCH_BODY="$3" BENCH_UNIQUE=1 BENCH_NONCE=$1 taskset -c 0 wrk -t1 -c16 -d"${SECS}s" -s "$SHARED/post.lua" \
      "http://127.0.0.1:$GWP$2" | grep BENCH_RESULT \
    | sed -E 's/.*requests=([0-9]+).* p50_us=([0-9]+).*status=([0-9]+).*/requests \1 p50_us \2 non2xx \3/' | tr '\n' ' '
  echo "$1 | $("$J/jstat" -gcutil "$GW" | tail -1 | awk '{print "old%", $4, "full collections", $9, "taking", $10, "s"}')"
}
{
  step chat /v1/chat/completions '{"model":"auto","messages":[{"role":"user","content":"'"$PROMPT"'"}],"max_tokens":64}'
  step responses /v1/responses '{"model":"auto","input":"'"$PROMPT"'","max_output_tokens":64}'
  step embeddings /v1/embeddings '{"model":"demo-embedding","input":["'"$PROMPT"'"]}'
  step stream /v1/chat/completions '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"'"$PROMPT"'"}],"max_tokens":64}'
  step chat-again /v1/chat/completions '{"model":"auto","messages":[{"role":"user","content":"'"$PROMPT"'"}],"max_tokens":64}'
  "$J/jcmd" "$GW" GC.run > /dev/null; sleep 1
  echo "a requested full collection: $(grep 'Pause Full' "$OUT/gc.log" | tail -1 | grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)')"
} | tee "$OUT/fill.txt"
"$J/jcmd" "$GW" GC.class_histogram | head -20 > "$OUT/histo.txt"
