#!/usr/bin/env bash
# Real clients against the real jar: the Vercel AI SDK's default OpenAI provider (the Responses
# API) with generateText, streamText and a two-step tool loop, for a model on each provider type
# (OpenAI-compatible, Anthropic, Gemini: tool-upstream.mjs answers in each one's format) and the
# alias auto. Needs node and npm (the AI SDK comes from the npm registry) and a built jar.
#   bench/clients/run.sh
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=../../gateway-server/target/tiergate.jar
[[ -f $JAR ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
[[ -d node_modules ]] || npm install --no-audit --no-fund >/dev/null
PIDS=(); trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
node tool-upstream.mjs 18700 >/dev/null & PIDS+=($!)
"$JAVA" -Xmx128m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar "$JAR" --config config --port 18601 \
  --management-port off >/tmp/tiergate-clients.log 2>&1 & PIDS+=($!)
for _ in $(seq 300); do curl -sf localhost:18601/readyz >/dev/null && break; sleep 0.2; done
curl -sf localhost:18601/readyz >/dev/null || { echo "gateway not ready: /tmp/tiergate-clients.log" >&2; exit 1; }
status=0
for model in gpt-tools claude-tools gemini-tools auto; do
  echo "== $model"
  MODEL=$model TIERGATE_URL=http://127.0.0.1:18601/v1 node ai-sdk-check.mjs || status=1
done
exit $status
