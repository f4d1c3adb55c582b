#!/usr/bin/env bash
# The yardstick (../shared/bench/run.sh) against one jar, with a JFR recording per run:
#   bench/profile.sh JAR OUT_DIR
# Starts the mock (port 18391) and the jar with README's JVM options (JVM_OPTS below),
# the bundled config pointed at the mock (OPENAI_BASE_URL), both pinned to core 1, then three
# run.sh runs (3 rounds of 8 s, WARMUP seconds of warm-up: default 12, give a cold JVM 20 or more),
# each recorded by JFR (settings=profile):
#   off:    a new prompt per request with x-tiergate-cache: off (the proxy path alone)
#   unique: a new prompt per request, every stage on (embedding, router, both caches)
#   hits:   identical requests (exact-cache hits after the first)
#   unique1: as unique at one connection (--conns 1): the added latency of a lone new prompt
#   (not in the default RUNS; name it: RUNS="unique unique1")
#   rate150 / rate150hits: as unique / hits, each wrk connection pausing between requests so that
#   the offered load is about RATE requests/s (default 150; the pause is CONNS*1000/RATE ms and does
#   not subtract the latency, so a little less): the p99 at a fixed moderate load, not saturation
#   (not in the default RUNS either)
# run.sh sends no extra headers to a named target, so a copy of it that takes EXTRA_HEADERS is
# made in OUT_DIR (one line changed). Tables: OUT_DIR/tables.md; profiles: OUT_DIR/<run>.jfr,
# summarised by bench/jfr-summary.py.
# Env: JVM_OPTS (default README's: -Xms16m -Xmx64m -Xmn16m -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:SharedArchiveFile=JAR's name with .jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off;
# the class archive is written when the first run with the jar ends, so a fresh jar's first profile runs without it:
# tables.md says which; "" = the JVM's defaults), JFR=off (no
# recording), RUNS (default "off unique hits"), GW_ARGS (more gateway arguments, e.g. --config DIR). The collector's log goes to OUT_DIR/gc.log
# (-Xlog:gc), summarised per run by bench/gc-summary.py. The gateway gets MALLOC_ARENA_MAX=1 as README's
# command sets it, unless the environment sets it already.
# After each run the stages' step counters
# (tiergate_stage_steps_total: the semantic cache's hit/miss/shed, the router's causes) are appended
# to OUT_DIR/steps.txt from the management port (MGMT_PORT, default 18393), and the CPU time of
# the gateway's threads during the run, by thread group and per request the gateway answered
# (bench/thread-cpu.py: ONNX Runtime's native work included), to OUT_DIR/threads.md.
set -uo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "$1") OUT=$(realpath -m "$2")
README_OPTS="-Xms16m -Xmx64m -Xmn16m -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:SharedArchiveFile=${JAR%.jar}.jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off"
JVM_OPTS=${JVM_OPTS-$README_OPTS}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
SHARED=$(realpath ../shared/bench)
PORT=${MOCK_PORT:-18391} GWP=${GATEWAY_PORT:-18392} MGMT=${MGMT_PORT:-18393}
mkdir -p "$OUT"
JSA=$(grep -oE 'SharedArchiveFile=[^ ]+' <<<"$JVM_OPTS" | cut -d= -f2)   # the class archive, if the options name one
[[ -n $JSA ]] && echo "### class archive $JSA: $( [[ -f $JSA ]] && echo "present before the start (used unless the jar changed)" \
  || echo "absent: written when this run's gateway exits, used from the next run on")" >> "$OUT/tables.md"
sed -e 's|  add_target "\$name" "\$rest" "\$pid"$|  add_target "$name" "$rest" "$pid" "${EXTRA_HEADERS:-}"|' \
    -e 's|-s "\$HERE/post.lua"|-s "${POST_LUA:-$HERE/post.lua}"|' \
    -e "s|^HERE=.*|HERE=$SHARED|" "$SHARED/run.sh" > "$OUT/run.sh"; chmod +x "$OUT/run.sh"
# the paced runs' wrk script: run.sh's, each connection pausing BENCH_DELAY_MS before a request
bench/paced-lua.sh "$SHARED" "$OUT/paced.lua"
taskset -c 1 node "$SHARED/mock-upstream.mjs" --port "$PORT" > "$OUT/mock.log" 2>&1 & MOCK=$!
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1} OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 TIERGATE_USAGE_FILE=$OUT/usage.jsonl \
  taskset -c 1 "$JAVA/java" $JVM_OPTS -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
  "-Xlog:gc:file=$OUT/gc.log:timemillis" -jar "$JAR" --port "$GWP" --management-port "$MGMT" ${GW_ARGS:-} > "$OUT/gw.log" 2>&1 & GW=$!
# on exit the gateway is waited for: it writes the class archive as it stops
trap 'kill $GW $MOCK 2>/dev/null; wait $GW 2>/dev/null' EXIT
STARTED=$(date +%s.%N)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$GWP/readyz" >/dev/null && break; sleep 0.1; done
echo "### start-up $(echo "$(date +%s.%N) - $STARTED" | bc -l | cut -c1-5) s (until /readyz answers)" >> "$OUT/tables.md"
metered() {  # requests the gateway has answered (the accounting stage's steps)
  curl -sf "http://127.0.0.1:$MGMT/metrics" | awk '/^tiergate_stage_steps_total.*stage="accounting"/ {n += $2} END {printf "%d", n}'
}
run() {  # run NAME COMMAND...
  local name=$1; shift
  [[ " ${RUNS:-off unique hits} " == *" $name "* ]] || return 0
  [[ ${JFR:-on} == off ]] || "$JAVA/jcmd" "$GW" JFR.start name="$name" settings=profile > /dev/null
  echo "### $name: load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S), JVM $JVM_OPTS, JFR ${JFR:-on}" >> "$OUT/tables.md"
  local began=$(date +%s) served
  python3 bench/thread-cpu.py snap "$GW" > "$OUT/$name.threads-before"
  served=$(metered)
  "$@" >> "$OUT/tables.md" 2> "$OUT/$name.err"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/tables.md"
  echo "$name $began $(date +%s)" >> "$OUT/runs.txt"
  python3 bench/thread-cpu.py snap "$GW" > "$OUT/$name.threads-after"
  served=$(( $(metered) - served ))
  { echo "### $name: gateway threads' CPU, $served requests"; python3 bench/thread-cpu.py diff "$OUT/$name.threads-before" \
      "$OUT/$name.threads-after" "$served"; echo; } >> "$OUT/threads.md"
  { echo "## after $name"; curl -sf "http://127.0.0.1:$MGMT/metrics" | grep '^tiergate_stage_steps_total'; } >> "$OUT/steps.txt"
  [[ ${JFR:-on} == off ]] && return 0
  "$JAVA/jcmd" "$GW" JFR.dump name="$name" filename="$OUT/$name.jfr" > /dev/null
  "$JAVA/jcmd" "$GW" JFR.stop name="$name" > /dev/null
}
COMMON=(--port "$PORT" --rounds 3 --duration 8 --warmup "${WARMUP:-12}")
run off env EXTRA_HEADERS='x-tiergate-cache: off' "$OUT/run.sh" "${COMMON[@]}" --unique tiergate=http://127.0.0.1:$GWP@$GW
run unique "$OUT/run.sh" "${COMMON[@]}" --unique tiergate=http://127.0.0.1:$GWP@$GW
run unique1 "$OUT/run.sh" "${COMMON[@]}" --unique --conns 1 tiergate=http://127.0.0.1:$GWP@$GW
run hits "$OUT/run.sh" "${COMMON[@]}" tiergate=http://127.0.0.1:$GWP@$GW
PACED=(env POST_LUA="$OUT/paced.lua" BENCH_DELAY_MS=$((16 * 1000 / ${RATE:-150})) "$OUT/run.sh" "${COMMON[@]}")
run rate150 "${PACED[@]}" --unique tiergate=http://127.0.0.1:$GWP@$GW
run rate150hits "${PACED[@]}" tiergate=http://127.0.0.1:$GWP@$GW
echo "### RSS after the runs: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$GW/status) MB, peak $(awk '/VmHWM/ {print int($2/1024)}' /proc/$GW/status) MB" >> "$OUT/tables.md"
# RSS_BREAKDOWN=1: where the resident set goes (bench/rss-breakdown.sh; add
# -XX:NativeMemoryTracking=detail to JVM_OPTS for the JVM's own categories).
[[ ${RSS_BREAKDOWN:-} == 1 ]] && bash bench/rss-breakdown.sh "$GW" "$OUT" >> "$OUT/tables.md"
