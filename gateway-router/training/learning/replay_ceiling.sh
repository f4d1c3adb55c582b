#!/usr/bin/env bash
# The learning router's ceiling on the replay stream, and the offline simulator of the replay
# (docs/routing.md, "What this traffic allows"). Reproducible, about two minutes on one core:
#   1. the replay stream (bench/replay/make_stream.py, seeded), unless given;
#   2. the context the gateway computes per prompt (ReplayContexts, gateway-router test scope: complexity
#      score, static tier, prompt cluster) by the router's own classes, built with -am (nothing installed);
#   3. replay_ceiling.py: what policies that see only that context could reach on the last 500;
#   4. replay_sim.py: the learning router's bandit on the stream (20 seeds), as bench/replay.sh runs it.
#   gateway-router/training/learning/replay_ceiling.sh [STREAM.jsonl]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
BUILD="$REPO/gateway-router/training/build/learning"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
mkdir -p "$BUILD"
STREAM="${1:-$BUILD/mmlu-2000.jsonl}"
[ -f "$STREAM" ] || /usr/bin/python3 "$REPO/bench/replay/make_stream.py" "$STREAM" 2000
CONTEXTS="$BUILD/$(basename "$STREAM" .jsonl).contexts.jsonl"
cd "$REPO"
./mvnw -B -q -o -pl gateway-router -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$BUILD/classpath"
CP="gateway-router/target/test-classes:gateway-router/target/classes:gateway-core/target/classes"
CP="$CP:gateway-inference/target/classes:$(cat "$BUILD/classpath")"
nice -n 15 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dlogback.configurationFile="$REPO/gateway-router/training/src/main/resources/logback.xml" \
  -cp "$CP" dev.tiergate.router.bench.ReplayContexts "$STREAM" "$CONTEXTS"
cd "$HERE"
nice -n 15 /usr/bin/python3 replay_ceiling.py "$STREAM" "$CONTEXTS"
echo
for args in "" "--explore 0.2 --cost-weight 0.3" "--full-information"; do
  echo "replay_sim.py $args"
  nice -n 15 /usr/bin/python3 replay_sim.py "$STREAM" "$CONTEXTS" $args | tail -1
done
echo
echo "what-if: the small model answers as the frontier one in clusters 4, 5 and 6"
nice -n 15 /usr/bin/python3 replay_ceiling.py "$STREAM" "$CONTEXTS" --small-as-good 4,5,6 | grep -v '^| in sample' | head -25
for args in "" "--full-information"; do
  echo "replay_sim.py --small-as-good 4,5,6 $args"
  nice -n 15 /usr/bin/python3 replay_sim.py "$STREAM" "$CONTEXTS" --small-as-good 4,5,6 $args | tail -1
done
