#!/usr/bin/env bash
# Builds FeatureDump (the training tool) against this tree's gateway-core, gateway-inference and
# gateway-router, without installing anything into ~/.m2, and prints the classpath to run it with:
#   CP="$(gateway-router/training/feature_tool.sh)"; java -cp "$CP" dev.tiergate.router.training.FeatureDump ...
# Used by train.sh and learning/train_clusters.sh. Needs JAVA_HOME (JDK 21+). test-compile, not compile: gateway-router
# has a test-scoped gateway-core test-jar, which the reactor resolves only from compiled test classes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
TOOL="$HERE/build/tool"
mkdir -p "$HERE/build"
# Features on the ONNX Runtime the committed classifier was trained with (the root pom's
# training.onnxruntime.version), which may differ from the one the gateway runs.
ORT_VERSION="$(sed -n 's:.*<training.onnxruntime.version>\(.*\)</training.onnxruntime.version>.*:\1:p' "$REPO/pom.xml")"
(cd "$REPO" && ./mvnw -B -q -pl gateway-router -am test-compile dependency:build-classpath \
  -Donnxruntime.version="$ORT_VERSION" -Dmdep.includeScope=runtime -Dmdep.outputFile="$HERE/build/classpath") >&2
CP="$REPO/gateway-router/target/classes:$REPO/gateway-inference/target/classes:$REPO/gateway-core/target/classes"
CP="$CP:$(cat "$HERE/build/classpath")"
rm -rf "$TOOL" && mkdir -p "$TOOL"
"$JAVA_HOME/bin/javac" -d "$TOOL" -cp "$CP" "$HERE/src/main/java/dev/tiergate/router/training/FeatureDump.java" >&2
cp "$HERE/src/main/resources/logback.xml" "$TOOL/"
# EMBEDDING_CLASSPATH (optional): put first, as in gateway-cache/training/features.sh
echo "${EMBEDDING_CLASSPATH:+$EMBEDDING_CLASSPATH:}$TOOL:$CP"
