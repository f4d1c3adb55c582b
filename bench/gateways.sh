# Sourced by bench/ab.sh and bench/cpu-per-request.sh (the mock, and gateways started from NAME=JAR[|EXTRA_JVM_OPTS]) and by
# bench/paired-throughput.sh and bench/paired-rate.sh (two gateways, each with its own mock: start_side).
# Gateways and mock are pinned to core 1 and wrk to core 0, as ../shared/bench/run.sh asks; each gateway
# gets README's JVM options without the class archive (the variants must not share one), the bundled
# config pointed at the mock (OPENAI_BASE_URL), no management port, and its own port from 18401 up.
GW_OPTS="-Xms16m -Xmx64m -Xmn16m -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
GW_JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
SHARED=$(realpath ../shared/bench)
MOCK_PORT=${MOCK_PORT:-18391} NEXT_PORT=18401 PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null' EXIT

start_mock() {  # start_mock OUT
  taskset -c 1 node "$SHARED/mock-upstream.mjs" --port "$MOCK_PORT" > "$1/mock.log" 2>&1 & PIDS+=($!)
}

body() {  # body '' | '"stream":true,': the request, __N__ where post.lua puts a per-request nonce
  printf '{"model":"gpt-4o-mini",%s"messages":[{"role":"user","content":"What is the capital of France?__N__"}],"max_tokens":64}' "$1"
}

load() {  # load PORT SECONDS '' | '"stream":true,': wrk at CONNS (16) connections; prints the requests answered
  BENCH_BODY=$(body "$3") BENCH_UNIQUE=${UNIQUE:-1} BENCH_HEADERS=${EXTRA_HEADERS:-} BENCH_KEY=sk-tiergate-demo \
    taskset -c 0 wrk -t1 -c"${CONNS:-16}" -d"$2s" -s "$SHARED/post.lua" "http://127.0.0.1:$1/v1/chat/completions" \
    | sed -n 's/^BENCH_RESULT requests=\([0-9]*\).*/\1/p'
}

start_gateway() {  # start_gateway OUT NAME=JAR[|EXTRA_JVM_OPTS]: sets GW_NAME, GW_PORT, GW_PID; warms it
  local spec=$2 jar extra=""
  GW_NAME=${spec%%=*} spec=${spec#*=}; jar=${spec%%|*}; [[ $spec == *"|"* ]] && extra=${spec#*|}
  GW_PORT=$NEXT_PORT; NEXT_PORT=$((NEXT_PORT + 1))
  MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
    TIERGATE_USAGE_FILE=$1/$GW_NAME.usage.jsonl taskset -c 1 "$GW_JAVA/java" $GW_OPTS $extra -jar "$(realpath "$jar")" \
    --port "$GW_PORT" --management-port off > "$1/$GW_NAME.log" 2>&1 & PIDS+=($!); GW_PID=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$GW_PORT/readyz" >/dev/null && break; sleep 0.1; done
  # alone, PREWARM (40) seconds of each scenario: a cold gateway keeps its JIT compiler busy for about a minute of load
  load "$GW_PORT" "${PREWARM:-40}" '' > /dev/null; load "$GW_PORT" "${PREWARM:-40}" '"stream":true,' > /dev/null
  echo "# $GW_NAME: $jar $extra (port $GW_PORT): $(grep -o 'event loops: .*' "$1/$GW_NAME.log" | head -1)"
}

# Two gateways side by side (bench/paired-throughput.sh, bench/paired-rate.sh): each with its own mock.
start_side() {  # start_side OUT SIDE JAR "JVM_OPTS" PORT: the mock on PORT+1, the gateway on PORT with exactly
  # JVM_OPTS, the bundled config pointed at that mock, no management port, both on core 1; OUT/{mock,gw}-SIDE.log
  local out=$1 side=$2 jar=$3 opts=$4 p=$5
  taskset -c 1 node "$SHARED/mock-upstream.mjs" --port $((p + 1)) > "$out/mock-$side.log" 2>&1 & PIDS+=($!)
  MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$((p + 1))/v1 \
    TIERGATE_USAGE_FILE=$out/usage-$side.jsonl taskset -c 1 "$GW_JAVA/java" $opts -jar "$jar" \
    --port "$p" --management-port off > "$out/gw-$side.log" 2>&1 & PIDS+=($!)
}

wait_ready() {  # wait_ready PORT: until the gateway on PORT answers /readyz (60 s at most, else fails)
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/readyz" > /dev/null && return 0; sleep 0.1; done
  echo "the gateway on port $1 did not start" >&2; return 1
}

source "$(dirname "${BASH_SOURCE[0]}")/chat-body.sh"   # chat_body json|stream
