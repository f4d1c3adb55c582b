#!/usr/bin/env bash
# Features of every split's pairs (the runtime's code, one thread, low priority): build/features-<split>.{f32,tsv}
# The tool runs on this worktree's compiled classes (gateway-core, -inference, -cache target/classes), put
# first on the class path, so another checkout's jars in ~/.m2 never stand in for them.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS=1
OWN="$REPO/gateway-core/target/classes:$REPO/gateway-inference/target/classes:$REPO/gateway-cache/target/classes"
# EMBEDDING_CLASSPATH (optional): a directory or jar put first, e.g. a distilled student as all-minilm-l6-v2-q.onnx
# (gateway-cache/training/distill/README.md); the features are then that graph's, not the runtime model's.
CP="${EMBEDDING_CLASSPATH:+$EMBEDDING_CLASSPATH:}$OWN:$(cat "$HERE/target/classpath.txt")"
mkdir -p "$HERE/target/tool-classes"
"$JAVA_HOME/bin/javac" -d "$HERE/target/tool-classes" -cp "$CP" "$HERE"/src/main/java/dev/tiergate/cache/training/*.java
cp "$HERE/src/main/resources/logback.xml" "$HERE/target/tool-classes/"
for split in ${SPLITS:-val calib train val-surface calib-surface train-surface}; do
  nice -n 15 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx2g \
    -XX:ActiveProcessorCount=1 -cp "$HERE/target/tool-classes:$CP" \
    dev.tiergate.cache.training.PairFeatureDump "$HERE/build/pairs-$split.jsonl" "$HERE/build/features-$split"
done
