#!/usr/bin/env bash
# The SHIPPED router on MT-Bench, for evaluation only (docs/routing.md, "Where it stands against issue
# 18's targets"; MODEL_CARD.md). Nothing here trains, tunes or sets thresholds. About a minute on one core:
#   1. the complexity score and tiers (default quality target and 0.9) of MT-Bench's 80 first-turn prompts,
#      computed by the router's own classes as the gateway computes them for a one-message chat
#      (ReplayContexts, gateway-router test scope, built with -am; nothing installed);
#   2. eval_mtbench.py: RouteLLM's metrics (evaluate.py) on GPT-4's judge scores of Mixtral-8x7B and GPT-4,
#      the tier shares and the PGR at the tiers, overall, on RouteLLM's decontaminated 72 and per category.
#   gateway-router/training/eval_mtbench.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="$HERE/build/eval-mtbench"
DATA="$HERE/eval-only/mt-bench.jsonl"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
mkdir -p "$BUILD"
cd "$REPO"
nice -n 15 ./mvnw -B -q -o -pl gateway-router -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$BUILD/classpath"
CP="gateway-router/target/test-classes:gateway-router/target/classes:gateway-core/target/classes"
CP="$CP:gateway-inference/target/classes:$(cat "$BUILD/classpath")"
CP="${EMBEDDING_CLASSPATH:+$EMBEDDING_CLASSPATH:}$CP"   # optional, as in gateway-cache/training/features.sh
nice -n 15 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -Dlogback.configurationFile="$REPO/gateway-router/training/src/main/resources/logback.xml" \
  -cp "$CP" dev.tiergate.router.bench.ReplayContexts "$DATA" "$BUILD/contexts.jsonl" 0.9
cd "$HERE"
nice -n 15 /usr/bin/python3 eval_mtbench.py "$DATA" "$BUILD/contexts.jsonl"
