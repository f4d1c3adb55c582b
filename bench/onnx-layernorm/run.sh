#!/usr/bin/env bash
# bench/onnx-layernorm/run.sh [VERSION...]: ONNX Runtime's CPU LayerNormalization per version (default 1.26.0 1.28.0),
# ten nodes on [1, 24, 384] in one graph, beside the contrib SkipLayerNormalization and ten Relu nodes; one core.
# Why the pom pins ONNX Runtime (docs/benchmarks.md, "ONNX Runtime 1.26"). Needs python3-onnx and each version's
# jar in ~/.m2 (./mvnw dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:VERSION -Dtransitive=false).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd) OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
/usr/bin/python3 "$HERE/graphs.py" "$OUT"
for v in "${@:-1.26.0 1.28.0}"; do
  for version in $v; do
    echo "== onnxruntime $version"
    taskset -c "${BENCH_CPU:-1}" "$JAVA" --enable-native-access=ALL-UNNAMED \
      -cp "$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$version/onnxruntime-$version.jar" \
      "$HERE/GraphTiming.java" "$OUT/layernorm10.onnx" "$OUT/skiplayernorm10.onnx" "$OUT/relu10.onnx" 2>&1 \
      | grep ' a run' | sed "s|$OUT/||"
  done
done
