#!/usr/bin/env bash
# Gateway-added latency and throughput: the same wrk load against a mock upstream directly and
# through Tiergate, non-streaming and streaming. Needs wrk and node (apt-get install -y wrk nodejs)
# and a built jar (./mvnw -DskipTests package).
#   bench/load.sh [--conns 64] [--duration 10] [--warmup 5] [--rate 0]
# --rate N: each connection pauses conns*1000/N ms between requests, so the offered load is about N
# req/s (a little less: the pause does not subtract the latency); 0 = as fast as possible (saturation).
# Scenarios: json and stream with a different prompt per request (exact-cache misses: the full
# proxy path), and json-hit with one repeated prompt (answered by the exact cache).
# Pinning: wrk on core 0, the mock and the gateway share core 1 (as ../shared/bench/run.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=64 DURATION=10 WARMUP=30 RATE=0
while (($#)); do
  case $1 in
    --conns) CONNS=$2; shift ;; --duration) DURATION=$2; shift ;; --warmup) WARMUP=$2; shift ;; --rate) RATE=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac; shift
done
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=gateway-server/target/tiergate.jar
[[ -f $JAR ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MOCK_PORT=$(free_port) GW_PORT=$(free_port)
TMP=$(mktemp -d)
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$TMP"; }
PIDS=(); trap cleanup EXIT

taskset -c 1 node bench/mock-upstream.mjs --port "$MOCK_PORT" 2>"$TMP/mock.log" & PIDS+=($!)
OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 TIERGATE_USAGE_FILE=$TMP/usage.jsonl \
  taskset -c 1 "$JAVA" -Xmx1g -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
  -jar "$JAR" --port "$GW_PORT" --management-port off >"$TMP/gw.log" 2>&1 & GW=$!; PIDS+=($GW)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$GW_PORT/healthz" >/dev/null && break; sleep 0.2; done

body() { printf '{"model":"gpt-4o-mini",%s"messages":[{"role":"user","content":"What is the capital of France?__N__"}],"max_tokens":64}' "$1"; }
run() {  # run URL BODY SECONDS UNIQUE -> RESULT line
  BENCH_DELAY_MS=$(( RATE > 0 ? CONNS * 1000 / RATE : 0 )) BENCH_UNIQUE=$4 BENCH_BODY=$2 taskset -c 0 wrk -t1 -c"$CONNS" -d"${3}s" --latency -s bench/report.lua "$1" | grep '^RESULT'
}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
printf '| scenario | target | rps | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n'
for scenario in json stream json-hit; do
  b=$(body "$([[ $scenario == stream ]] && echo '"stream":true,')")
  unique=$([[ $scenario == *-hit ]] && echo 0 || echo 1)
  run "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$b" "$WARMUP" "$unique" >/dev/null
  d=$(run "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$b" "$DURATION" "$unique")
  g=$(run "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$b" "$DURATION" "$unique")
  for t in direct tiergate; do
    r=$([[ $t == direct ]] && echo "$d" || echo "$g")
    printf '| %s | %s | %.0f | %.2f | %.2f | %s |\n' "$scenario" "$t" "$(field rps "$r")" \
      "$(echo "$(field p50_us "$r")/1000" | bc -l)" "$(echo "$(field p99_us "$r")/1000" | bc -l)" "$(field errors "$r")"
  done
  printf '| %s | added by tiergate | | %.2f | %.2f | |\n' "$scenario" \
    "$(echo "($(field p50_us "$g")-$(field p50_us "$d"))/1000" | bc -l)" \
    "$(echo "($(field p99_us "$g")-$(field p99_us "$d"))/1000" | bc -l)"
done
echo "gateway RSS: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$GW/status)"
