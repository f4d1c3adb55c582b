#!/usr/bin/env bash
# One gateway under load in 10 s windows, a new prompt per request: per window, the server core's
# busy time per request (as run.sh counts it), the gateway's and the mock's CPU per request, and
# each gateway thread's (event loop, lookup lane, request log, usage writer, collector, C2, GC
# notifications) in µs per request. Gateway and mock share one core, wrk has the other, as in run.sh.
#   bench/thread-cpu-windows.sh JAR OUT_DIR
# Env: WARM ["json:30"] scenario:seconds of warm-up, SEQ ["json json json json json"] the measured
# windows (json or stream), CONNS [16] wrk's connections, CACHE [off] the x-tiergate-cache header
# (on: no header, every stage runs, as run.sh --unique), LOGTO [OUT_DIR/gw.log] where stdout goes,
# USAGE [OUT_DIR/usage.jsonl].
# JVM options: README's run command, then EXTRA_JVM (e.g. -Dtiergate.transport=epoll).
set -uo pipefail
JAR=$(realpath "$1"); OUT=$(realpath -m "$2"); mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd); S=$(realpath "$HERE/../../shared/bench")
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
taskset -c 1 node "$S/mock-upstream.mjs" --port 18791 > "$OUT/mock.log" 2>&1 & MOCK=$!
MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:18791/v1 \
  TIERGATE_USAGE_FILE=${USAGE:-$OUT/usage.jsonl} taskset -c 1 "$J/java" -Xms16m -Xmx64m -Xmn16m \
  -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
  -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:SharedArchiveFile="${JAR%.jar}.jsa" \
  -XX:+AutoCreateSharedArchive -Xlog:cds=off -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
  ${EXTRA_JVM:-} -jar "$JAR" --port 18792 --management-port 18793 > "${LOGTO:-$OUT/gw.log}" 2>&1 & GW=$!
trap 'kill $GW $MOCK 2>/dev/null; wait $GW 2>/dev/null' EXIT
for _ in $(seq 300); do curl -sf localhost:18792/readyz > /dev/null && break; sleep 0.2; done
source "$HERE/chat-body.sh"
load() {   # load SCENARIO SECONDS: requests answered
  BENCH_BODY=$(chat_body "$1") BENCH_UNIQUE=1 BENCH_HEADERS=$HEADERS BENCH_NONCE=$RANDOM$RANDOM \
    taskset -c 0 wrk -t1 -c"${CONNS:-16}" -d"$2"s -s "$S/post.lua" http://127.0.0.1:18792/v1/chat/completions \
    | awk '/requests in/ {print $1}'
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
threads() { for t in /proc/$GW/task/*; do echo "${t##*/} $(tr -d ' ' < "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done | sort; }
core() { awk '$1 == "cpu1" {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
US=$((1000000 / $(getconf CLK_TCK)))
HEADERS=$([[ ${CACHE:-off} == on ]] || echo 'x-tiergate-cache: off')
for w in ${WARM:-json:30}; do load "${w%:*}" "${w#*:}" > /dev/null; done
i=0
for s in ${SEQ:-json json json json json}; do
  i=$((i + 1)); g0=$(ticks $GW); m0=$(ticks $MOCK); threads > "$OUT/threads0"; c0=($(core))
  n=$(load "$s" 10)
  g1=$(ticks $GW); m1=$(ticks $MOCK); threads > "$OUT/threads1"; c1=($(core))
  echo "window $i $s: $((n / 10)) req/s, core busy $(((c1[0] - c0[0]) * US / n)) us/req" \
    "($(((c1[0] - c0[0]) * 100 / (c1[1] - c0[1])))%), gateway $(((g1 - g0) * US / n)), mock $(((m1 - m0) * US / n)) |" \
    "$(join "$OUT/threads0" "$OUT/threads1" | awk -v n="$n" -v us="$US" '{d = ($5 - $3) * us / n; if (d >= 0.5) printf "%s %.1f  ", $2, d}')"
done | tee "$OUT/windows.txt"
