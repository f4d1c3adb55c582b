#!/usr/bin/env bash
# Memory footprint and start-up time of the jar under load, for JVM option sets chosen by
# measurement (docs/benchmarks.md, "Footprint"). Each argument is one option set, e.g.
#   bench/footprint.sh "" "-Xmx96m -XX:+UseSerialGC"
# For each: start the jar with the bundled config (OPENAI_BASE_URL at the mock, so both the demo
# and the gpt-4o models are configured and the embedding and router models are loaded), time the
# start until /readyz answers, run wrk at 16 connections for $SECONDS_EACH s each: JSON with a new
# prompt per request (every stage works: embedding, router, upstream), streams with new prompts,
# then exact-cache hits; print RSS now and at its peak (VmRSS, VmHWM) and heap after a GC.
# FOOTPRINT_HISTO=DIR also writes each option set's largest heap classes after the load to DIR/N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${SECONDS_EACH:-20}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=${FOOTPRINT_JAR:-gateway-server/target/tiergate.jar}
[[ -f $JAR ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TMP=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
MOCK_PORT=$(free_port)
node bench/mock-upstream.mjs --port "$MOCK_PORT" 2>"$TMP/mock.log" & PIDS+=($!)
body() { printf '{"model":"%s",%s"messages":[{"role":"user","content":"What is the capital of France?__N__"}],"max_tokens":64}' "$1" "$2"; }
load() {  # load PORT BODY UNIQUE
  BENCH_UNIQUE=$3 BENCH_BODY=$2 wrk -t1 -c16 -d"${SECONDS_EACH}s" -s bench/report.lua "http://127.0.0.1:$1/v1/chat/completions" | grep '^RESULT' | sed 's/^RESULT //'
}
printf '| JVM options | start-up s | RSS after MB | peak RSS MB | heap after GC MB | json new-prompt rps |\n|---|---|---|---|---|---|\n'
for opts in "$@"; do
  port=$(free_port) mport=$(free_port)
  started=$(date +%s.%N)
  envs=() jvm=()   # NAME=value words are environment variables (e.g. MALLOC_ARENA_MAX=2), the rest JVM options
  for word in $opts; do [[ $word == -* ]] && jvm+=("$word") || envs+=("$word"); done
  env "${envs[@]}" OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
    TIERGATE_USAGE_FILE=$TMP/usage-$port.jsonl \
    "$JAVA" -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED "${jvm[@]}" \
    -jar "$JAR" --port "$port" --management-port "$mport" >"$TMP/gw-$port.log" 2>&1 & gw=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  up=$(echo "$(date +%s.%N) - $started" | bc -l)
  json=$(load "$port" "$(body auto '')" 1)
  load "$port" "$(body auto '"stream":true,')" 1 >/dev/null
  load "$port" "$(body auto '')" 0 >/dev/null
  rss=$(awk '/VmRSS/ {print $2/1024}' /proc/$gw/status); hwm=$(awk '/VmHWM/ {print $2/1024}' /proc/$gw/status)
  heap=$("${JAVA%/java}/jcmd" "$gw" GC.run >/dev/null 2>&1; "${JAVA%/java}/jcmd" "$gw" GC.heap_info 2>/dev/null \
    | grep -oE '(total|used) [0-9]+K' | awk '/used/ {s += $2} END {print int(s)}')
  [[ -n ${FOOTPRINT_HISTO:-} ]] && { mkdir -p "$FOOTPRINT_HISTO"; echo "$opts" > "$FOOTPRINT_HISTO/$port.txt"
    "${JAVA%/java}/jcmd" "$gw" GC.class_histogram 2>/dev/null | head -30 >> "$FOOTPRINT_HISTO/$port.txt"; }
  printf '| `%s` | %.1f | %.0f | %.0f | %s | %s |\n' "${opts:-(README)}" "$up" "$rss" "$hwm" \
    "$( [[ -n $heap ]] && echo $((heap / 1024)) || echo '?')" "$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$json")"
  kill "$gw"; wait "$gw" 2>/dev/null || true
done
