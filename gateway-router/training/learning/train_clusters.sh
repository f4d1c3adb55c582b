#!/usr/bin/env bash
# Trains the learning router's prompt clusters (clusters-v1.json) reproducibly; see MODEL_CARD.md.
# Needs what train.sh needs (JDK, Debian's python3-sklearn); builds the training tool with feature_tool.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRAINING="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$TRAINING/../.." && pwd)"
BUILD="$TRAINING/build/learning"
OUT="${1:-$REPO/gateway-router/src/main/resources/dev/tiergate/router/learning/clusters-v1.json}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
mkdir -p "$BUILD" "$(dirname "$OUT")"
CP="$("$TRAINING/feature_tool.sh")"
/usr/bin/python3 "$HERE/clusters.py" sample "$BUILD/prompts.jsonl"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx1g \
  -cp "$CP" \
  dev.tiergate.router.training.FeatureDump "$BUILD/prompts.jsonl" "$BUILD/features.f32" "$BUILD/features.json" 1
/usr/bin/python3 "$HERE/clusters.py" fit "$BUILD/features.f32" "$BUILD/features.json" "$OUT"
