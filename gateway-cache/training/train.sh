#!/usr/bin/env bash
# Trains the semantic cache's pair verifier from the shared paraphrase data and the pairs written here, reproducibly:
#   gateway-cache/training/train.sh           retrain; writes verifier.onnx + verifier.json (src/main/resources) and build/report.json
#   gateway-cache/training/train.sh --check   retrain into build/check and compare with the committed model
# Needs: JDK 21+ (JAVA_HOME), Debian's python3-sklearn, python3-onnx, python3-numpy run by /usr/bin/python3,
# ../shared/data/paraphrase (or PARAPHRASE_DIR). Runs at low priority on one thread (about 10 minutes).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3
MODE="${1:-train}"
# One BLAS thread: the same sums in the same order on every run.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi

mkdir -p "$HERE/build"
echo "1/4 pairs: splits by connected question groups, hard negatives, chat pairs" >&2
"$PY" "$HERE/prepare.py" 2>/dev/null

echo "2/4 compile this worktree's modules and the feature tool's class path" >&2
(cd "$REPO" && ./mvnw -B -q -o -pl gateway-core,gateway-inference,gateway-cache -am compile)
(cd "$REPO" && ./mvnw -B -q -o -f gateway-cache/training/pom.xml dependency:build-classpath \
  -Dmdep.outputFile="$HERE/target/classpath.txt")

echo "3/4 features (token states of all-minilm-l6-v2-q, PromptEvidence, AlignmentFeatures: the runtime's code)" >&2
"$HERE/features.sh"

echo "4/4 train, choose on the calibration split, export" >&2
if [ "$MODE" = "--check" ]; then
  nice -n 15 "$PY" "$HERE/train.py" --out "$HERE/build/check"
  "$PY" - "$HERE/build/check" "$HERE/../src/main/resources/dev/tiergate/cache/semantic/verify" <<'PYEOF'
import json, sys
import numpy as np
import onnx
from onnx import numpy_helper
new, old = sys.argv[1], sys.argv[2]
a, b = json.load(open(new + "/verifier.json")), json.load(open(old + "/verifier.json"))
assert a["features"] == b["features"] and a["design"] == b["design"], (a["design"], b["design"])
ga, gb = onnx.load(new + "/verifier.onnx").graph, onnx.load(old + "/verifier.onnx").graph
for x, y in zip(ga.initializer, gb.initializer):
    assert np.allclose(numpy_helper.to_array(x), numpy_helper.to_array(y), atol=1e-4), x.name
assert max(abs(p["precision"] - q["precision"]) for p, q in zip(a["calibration"], b["calibration"])) < 1e-3
print("check: the retrained verifier matches the committed one (%s, %s)" % (a["version"], a["design"]))
PYEOF
else
  nice -n 15 "$PY" "$HERE/train.py"
fi
