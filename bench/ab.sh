#!/usr/bin/env bash
# Side by side: several gateway builds or JVM settings in ONE run of the yardstick
# (../shared/bench/run.sh), so they share the machine's state and its noise:
#   bench/ab.sh OUT_DIR NAME=JAR[|EXTRA_JVM_OPTS] ... [-- RUN_SH_OPTIONS...]
# e.g. bench/ab.sh /tmp/ab nio='gateway-server/target/tiergate.jar|-Dtiergate.transport=nio' \
#        epoll=gateway-server/target/tiergate.jar -- --rounds 3 --duration 8 --warmup 10 --unique
# Gateways started and warmed as bench/gateways.sh says. EXTRA_HEADERS (e.g. 'x-tiergate-cache: off')
# is sent to every gateway. On a shared machine read bench/cpu-per-request.sh's figures instead:
# run.sh's "cpu us/req" counts whatever else ran on the server core. The table: OUT_DIR/table.md.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "$1"); shift; mkdir -p "$OUT"
source bench/gateways.sh
sed -e 's|  add_target "\$name" "\$rest" "\$pid"$|  add_target "$name" "$rest" "$pid" "${EXTRA_HEADERS:-}"|' \
    -e "s|^HERE=.*|HERE=$SHARED|" "$SHARED/run.sh" > "$OUT/run.sh"; chmod +x "$OUT/run.sh"
start_mock "$OUT"
TARGETS=()
while [[ $# -gt 0 && $1 != -- ]]; do
  start_gateway "$OUT" "$1" >> "$OUT/table.md"; shift
  TARGETS+=("$GW_NAME=http://127.0.0.1:$GW_PORT@$GW_PID")
done
[[ ${1:-} == -- ]] && shift
echo "### load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S); EXTRA_HEADERS=${EXTRA_HEADERS:-}" >> "$OUT/table.md"
"$OUT/run.sh" --port "$MOCK_PORT" "$@" "${TARGETS[@]}" >> "$OUT/table.md" 2> "$OUT/run.err"
echo "### load average after: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)" >> "$OUT/table.md"
cat "$OUT/table.md"
