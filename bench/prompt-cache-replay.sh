#!/usr/bin/env bash
# The prompt-cache replay: plays a recorded 20-request agent conversation (a ~3,000-token system
# prompt, 10 tools; gateway-server/src/test/resources/fixtures/prompt-cache/agent-trace.json, written
# by bench/prompt-cache/make-trace.py) through the gateway against mock Anthropic and OpenAI
# upstreams that cache prompt prefixes as documented, once with automatic cache_control breakpoints
# and once without, and prints the cost of each replay, the share of input billed at the cache-read
# price, and the savings ledger of /v1/usage. The same run checks the targets (>= 60% of input at
# the cache-read price, >= 50% cheaper than without breakpoints, each request priced within 0.1% of
# a hand computation from the mock's reported usage, ledger reasons summing to baseline - actual).
#
# Usage: bench/prompt-cache-replay.sh            (from the repository root; Java 21+, offline Maven)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q -pl gateway-server -am test -Dtest=PromptCacheReplayTest -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
  | awk '/^prompt-cache replay:/ { on = 1 }
         on && !/^\{"@timestamp/ && !/^[0-9][0-9]:[0-9][0-9]:/ { print }
         /^  ledger of team plain/ { plain = 1 }
         plain && /^}/ { exit }'
