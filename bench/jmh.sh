#!/usr/bin/env bash
# JMH microbenchmarks of the gateway's own work: bench/jmh.sh [JMH args, e.g. -f 1 -wi 2 -i 3]
# Builds the test classes of $BENCH_MODULE (default gateway-cache, where the cache benchmarks live,
# dev.tiergate.cache.bench; gateway-server holds the request log line's RequestLineBenchmark and the limits' ReserveSettleBenchmark, which needs
# Redis; gateway-router the routing decision's RouterDecisionBenchmark; gateway-providers the reading of
# an OpenAI answer, AnswerDecodeBenchmark) and runs them pinned to one
# core. Results: docs/benchmarks.md, docs/routing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MODULE=${BENCH_MODULE:-gateway-cache}
./mvnw -B -q -pl "$MODULE" -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$MODULE/target/jmh.classpath"
CP="$MODULE/target/test-classes:$MODULE/target/classes:gateway-core/target/classes:gateway-core/target/test-classes:$(cat "$MODULE/target/jmh.classpath")"
DEFAULT=dev.tiergate.cache.bench
[[ $MODULE == gateway-server ]] && DEFAULT=ReserveSettle
[[ $MODULE == gateway-router ]] && DEFAULT=dev.tiergate.router.bench
[[ $MODULE == gateway-providers ]] && DEFAULT=AnswerDecode
exec taskset -c "${BENCH_CPU:-1}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.openjdk.jmh.Main "${@:-$DEFAULT}"
