#!/usr/bin/env bash
# JMH microbenchmarks of the gateway's own work (no network): bench/jmh.sh [JMH args, e.g. -f 1 -wi 2 -i 3]
# Builds the test classes of gateway-cache (where the benchmarks live, dev.tiergate.cache.bench)
# and runs them pinned to one core. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -B -q -pl gateway-cache -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/gateway-cache/target/jmh.classpath"
CP="gateway-cache/target/test-classes:gateway-cache/target/classes:gateway-core/target/classes:gateway-core/target/test-classes:$(cat gateway-cache/target/jmh.classpath)"
exec taskset -c "${BENCH_CPU:-1}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.openjdk.jmh.Main "${@:-dev.tiergate.cache.bench}"
