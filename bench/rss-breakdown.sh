#!/usr/bin/env bash
# Where the resident set of a running gateway goes: bench/rss-breakdown.sh PID OUT_DIR
# Writes OUT_DIR/nmt.txt (Native Memory Tracking, if the JVM was started with
# -XX:NativeMemoryTracking=detail or =summary), OUT_DIR/smaps.txt, OUT_DIR/histogram.txt (the live
# heap's classes after a full collection), OUT_DIR/threads.txt (threads by name), and prints
# bench/rss-breakdown.py's table and NMT's committed figures per category to stdout; last, the RSS
# once glibc has returned the memory it keeps after free() (jcmd System.trim_native_heap).
set -uo pipefail
cd "$(dirname "$0")/.."
PID=$1 OUT=$2
JCMD=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd
mkdir -p "$OUT"
echo "RSS before breakdown: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status) MB"
"$JCMD" "$PID" VM.native_memory detail > "$OUT/nmt.txt" 2>&1 || true
# started with -XX:NativeMemoryTracking=summary: the categories without address ranges
grep -q 'Detail tracking is not enabled' "$OUT/nmt.txt" && { "$JCMD" "$PID" VM.native_memory summary > "$OUT/nmt.txt" 2>&1 || true; }
cp /proc/$PID/smaps "$OUT/smaps.txt"
echo
python3 bench/rss-breakdown.py "$PID" "$OUT/nmt.txt"
echo
if grep -q 'Total: reserved' "$OUT/nmt.txt"; then
  echo '| NMT category | committed MB | of it malloc MB |'
  echo '|---|---:|---:|'
  awk '/^-[ ]+[A-Za-z]/ {name=$0; sub(/^-[ ]+/, "", name); sub(/ \(reserved.*/, "", name);
         c=$0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); getline nl;
         m=0; if (nl ~ /malloc=/) {m=nl; sub(/.*malloc=/, "", m); sub(/KB.*/, "", m)}
         if (c+0 >= 512) printf "| %s | %.1f | %.1f |\n", name, c/1024, m/1024}' "$OUT/nmt.txt"
  echo
fi
"$JCMD" "$PID" Thread.print 2>/dev/null | grep '^"' | sed -E 's/^"([^"]*)".*/\1/; s/[-#_ ]?[0-9]+$//; s/-[0-9]+-[0-9]+$//' \
  | sort | uniq -c | sort -rn > "$OUT/threads.txt"
echo "Java threads: $(awk '{s+=$1} END {print s}' "$OUT/threads.txt"), OS threads: $(ls /proc/$PID/task | wc -l)"
"$JCMD" "$PID" GC.class_histogram 2>/dev/null > "$OUT/histogram.txt"
echo "Live heap after a full collection: $(awk '/^Total/ {print int($3/1048576)}' "$OUT/histogram.txt") MB (histogram: $OUT/histogram.txt)"
echo "RSS after breakdown (the histogram's full collection): $(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status) MB"
# what glibc keeps of freed memory (malloc_trim through the JVM): RSS after giving it back
"$JCMD" "$PID" System.trim_native_heap 2>/dev/null | grep -i 'trim' | head -2
echo "RSS after System.trim_native_heap: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status) MB"
