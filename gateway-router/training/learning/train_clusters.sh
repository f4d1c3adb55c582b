#!/usr/bin/env bash
# Trains the learning router's prompt clusters (clusters-v1.json) reproducibly; see MODEL_CARD.md.
# Needs what train.sh needs (JDK, the training tool built by train.sh step 2, Debian's python3-sklearn).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRAINING="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$TRAINING/../.." && pwd)"
BUILD="$TRAINING/build/learning"
OUT="${1:-$REPO/gateway-router/src/main/resources/dev/tiergate/router/learning/clusters-v1.json}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
mkdir -p "$BUILD" "$(dirname "$OUT")"
if [ ! -f "$TRAINING/target/classpath.txt" ]; then
  (cd "$REPO" && ./mvnw -B -q install -DskipTests -pl gateway-core,gateway-inference,gateway-router -am)
  (cd "$REPO" && ./mvnw -B -q -f gateway-router/training/pom.xml package -DskipTests)
fi
/usr/bin/python3 "$HERE/clusters.py" sample "$BUILD/prompts.jsonl"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx1g \
  -cp "$TRAINING/target/classes:$(cat "$TRAINING/target/classpath.txt")" \
  dev.tiergate.router.training.FeatureDump "$BUILD/prompts.jsonl" "$BUILD/features.f32" "$BUILD/features.json" 1
/usr/bin/python3 "$HERE/clusters.py" fit "$BUILD/features.f32" "$BUILD/features.json" "$OUT"
