#!/usr/bin/env bash
# Writes the paced runs' wrk script (bench/profile.sh, bench/paired-rate.sh): ../shared/bench/post.lua, each
# connection pausing BENCH_DELAY_MS before a request.   bench/paced-lua.sh SHARED_BENCH_DIR OUT_FILE
set -euo pipefail
{ cat "$1/post.lua"; echo 'local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")'
  echo 'if pause > 0 then function delay() return pause end end'; } > "$2"
