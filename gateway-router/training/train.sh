#!/usr/bin/env bash
# Trains the complexity classifier from the committed data, reproducibly:
#   gateway-router/training/train.sh           retrain; writes the model, its metadata, the probe file, MODEL_CARD.md
#   gateway-router/training/train.sh --check   run the evaluator's unit tests, retrain into build/check and
#                                              compare with the committed model
# Needs: JDK 21+ (JAVA_HOME), Debian's python3-sklearn, python3-onnx, python3-numpy, python3-torch run by
# /usr/bin/python3. Every step runs on one thread (TRAIN_THREADS for the feature dump; nice it on a shared box).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3
BUILD="$HERE/build"
THREADS="${TRAIN_THREADS:-1}"
MODE="${1:-train}"
# One BLAS thread: the same sums in the same order on every run.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# PyTorch's plain kernels whatever the CPU offers (AVX2, AVX-512 pick other summation orders): retrains on
# different x86 machines come closer; they still differ in the last digits, so --check compares figures within
# tolerances (compare.py) and the committed graph exactly (check.py).
export ATEN_CPU_CAPABILITY="${ATEN_CPU_CAPABILITY:-default}"
# JDK 21 or newer; Temurin 25 where the project machines have it.
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
export DJL_OFFLINE=true OPT_OUT_TRACKING=true

mkdir -p "$BUILD"
echo "0/4 evaluator tests (RouteLLM metrics on fixtures with known answers)" >&2
(cd "$HERE" && "$PY" -m unittest discover -s "$HERE" -p 'test_*.py')
echo "1/4 labels" >&2
"$PY" "$HERE/prepare.py"

echo "2/4 feature tool (compiled against this tree's gateway-core, gateway-inference, gateway-router; nothing installed)" >&2
CP="$("$HERE/feature_tool.sh")"

echo "3/4 features (sentence embedding + structural features, the runtime's code)" >&2
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx2g -cp "$CP" \
  dev.tiergate.router.training.FeatureDump "$BUILD/prompts.jsonl" "$BUILD/features.f32" "$BUILD/features.json" "$THREADS"

echo "4/4 train" >&2
if [ "$MODE" = "--check" ]; then
  "$PY" "$HERE/train.py" --out "$BUILD/check"
  "$PY" "$HERE/check.py" "$BUILD/check"
else
  "$PY" "$HERE/train.py"
fi
