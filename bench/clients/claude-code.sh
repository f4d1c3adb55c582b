#!/usr/bin/env bash
# Claude Code (the real CLI, from the npm registry) against the real jar with the bundled config:
# ANTHROPIC_BASE_URL at the gateway, the demo team key, the main model `auto` (the router picks a
# demo tier) and `demo-small` for background calls; one non-interactive prompt (Claude Code streams
# the Messages API with its long system prompt, tools, thinking and betas). Passes when Claude Code
# reports no error and the gateway logged a 200 for /v1/messages. Needs node, npm and a built jar.
#   bench/clients/claude-code.sh
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=../../gateway-server/target/tiergate.jar
LOG=/tmp/tiergate-claude-code.log
[[ -f $JAR ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
[[ -x node_modules/.bin/claude ]] || npm install --no-audit --no-fund >/dev/null
PIDS=(); trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
"$JAVA" -Xmx128m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar "$JAR" --port 18602 \
  --management-port off >"$LOG" 2>&1 & PIDS+=($!)
for _ in $(seq 300); do curl -sf localhost:18602/readyz >/dev/null && break; sleep 0.2; done
curl -sf localhost:18602/readyz >/dev/null || { echo "gateway not ready: $LOG" >&2; exit 1; }
HOME_DIR=$(mktemp -d)
out=$(ANTHROPIC_BASE_URL=http://127.0.0.1:18602 ANTHROPIC_AUTH_TOKEN=sk-tiergate-demo ANTHROPIC_MODEL=auto \
  ANTHROPIC_DEFAULT_HAIKU_MODEL=demo-small DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
  HOME="$HOME_DIR" timeout 180 node_modules/.bin/claude -p "Say hello in five words" --output-format json)
rm -rf "$HOME_DIR"
echo "$out" | head -c 600; echo
echo "$out" | grep -q '"is_error":false' || { echo "FAIL: Claude Code reported an error" >&2; exit 1; }
grep -q '"route":"/v1/messages","status":200' "$LOG" || { echo "FAIL: no 200 for /v1/messages in $LOG" >&2; exit 1; }
echo "PASS: Claude Code through Tiergate ($(grep -c '"route":"/v1/messages"' "$LOG") Messages API calls)"
