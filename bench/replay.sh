#!/usr/bin/env bash
# The learning router's replay: streams labelled prompts through a gateway's HTTP API only (chat with
# model auto, then POST /v1/feedback with the score the labels give the tier that answered) and
# prints quality, PGR, tier shares and cost per window, the learning team next to the static router.
#   bench/replay.sh [STREAM.jsonl]    default: 2,000 MMLU prompts of the replay half (make_stream.py)
# Starts its own gateway on bench/replay/config (REDIS_URL set: state in Redis) unless
# REPLAY_GATEWAY=http://host:port names a running one (its teams must be those of bench/replay/config).
# REPLAY_COST_WEIGHT, REPLAY_EXPLORE_RATE: the learning settings of the gateway it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BUILD=gateway-server/target/replay
mkdir -p "$BUILD"
STREAM=${1:-$BUILD/mmlu-2000.jsonl}
[[ -f $STREAM ]] || /usr/bin/python3 bench/replay/make_stream.py "$STREAM" 2000
./mvnw -B -q -o -pl gateway-server -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$BUILD/classpath"
CP="gateway-server/target/test-classes:gateway-server/target/classes"
for m in gateway-core gateway-inference gateway-providers gateway-cache gateway-router; do CP="$CP:$m/target/classes"; done
CP="$CP:$(cat "$BUILD/classpath")"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dio.lettuce.core.iouring=false)
GATEWAY=${REPLAY_GATEWAY:-}
PID=
if [[ -z $GATEWAY ]]; then
  export REPLAY_PREFIX=${REPLAY_PREFIX:-tiergate-replay:$(date +%s):}
  "${JAVA[@]}" -Xmx1g -cp "$CP" dev.tiergate.server.Main --config bench/replay/config > "$BUILD/gateway.log" 2>&1 &
  PID=$!
  trap '[[ -n $PID ]] && kill $PID 2>/dev/null || true' EXIT
  GATEWAY=http://127.0.0.1:${REPLAY_PORT:-18080}
  for _ in $(seq 120); do curl -fs "$GATEWAY/readyz" >/dev/null 2>&1 && break; sleep 1; done
fi
"${JAVA[@]}" -cp "$CP" dev.tiergate.server.replay.Replay "$STREAM" --gateway "$GATEWAY" --window 250 --tail 500
if [[ -n $PID ]]; then
  curl -fs -H "Authorization: Bearer sk-replay-admin" \
    "http://127.0.0.1:${REPLAY_MANAGEMENT_PORT:-19464}/admin/routing/replay-learning" > "$BUILD/routing.json" || true
  echo "the learning team's state: $BUILD/routing.json" >&2
fi
