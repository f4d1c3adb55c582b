# Sourced by bench/routed-soak.sh and bench/fill-stores.sh: starts ../shared/bench's mock and the jar
# with the bundled config and README's JVM options (no class archive), both on core 1, and waits for
# /readyz. Needs JAR, OUT and PORT, GWP, MGMT set; sets SHARED, J, MOCK and GW, and stops both at exit.
SHARED=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../shared/bench" && pwd)
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
taskset -c 1 node "$SHARED/mock-upstream.mjs" --port "$PORT" > "$OUT/mock.log" 2>&1 & MOCK=$!
MALLOC_ARENA_MAX=1 OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 TIERGATE_USAGE_FILE=$OUT/usage.jsonl \
  taskset -c 1 "$J/java" -Xms16m -Xmx64m -Xmn16m -XX:-TieredCompilation -XX:+UseSerialGC -XX:MetaspaceSize=64m \
  -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 \
  -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED "-Xlog:gc:file=$OUT/gc.log:timemillis" \
  -jar "$JAR" --port "$GWP" --management-port "$MGMT" > "$OUT/gw.log" 2>&1 & GW=$!
trap 'kill $GW $MOCK 2>/dev/null; wait $GW 2>/dev/null' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$GWP/readyz" >/dev/null && break; sleep 0.2; done
