#!/usr/bin/env bash
# Op-family JMH benchmarks (EquivLinearBench, NormActBench, ReduceBench): every trial first checks its op against
# the CPU twin in fp64 (a "# check" line, or an exception that fails the trial), then times op + synchronize().
# Writes benchmarks/results/ (git-ignored; RESULTS_DIR overrides): ops.json (JMH result), ops.txt (console log).
#
# Usage: benchmarks/run-ops.sh [JMH options]     e.g. the CPU/PoCL smoke test without the wide shapes (~2 min):
#   benchmarks/run-ops.sh -p backend=cpu,opencl -p shape=gemm-128x1024x128,complex-128x128x256 -p units=128x256x4 \
#       -wi 1 -w 1 -i 2 -r 1 -f 1
# Environment:
#   BENCH='EquivLinearBench|NormActBench|ReduceBench'   JMH benchmark regex
#   SKIP_BUILD=1      reuse benchmarks/target/benchmarks.jar
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${RESULTS_DIR:-benchmarks/results}
JAR=benchmarks/target/benchmarks.jar
BENCH=${BENCH:-'EquivLinearBench|NormActBench|ReduceBench'}
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -B -DskipTests package
fi

echo "== JMH $BENCH (log: $OUT/ops.txt)"
status=0
java -jar "$JAR" "$BENCH" -rf json -rff "$OUT/ops.json" "$@" > "$OUT/ops.txt" 2>&1 || status=$?
# one "# check" line per trial (benchmarks sharing a state repeat it); show each once, then the JMH table
grep -E '# check|Exception' "$OUT/ops.txt" | sed 's/^.*# check/# check/' | awk '!seen[$0]++' || true
sed -n '/^Benchmark /,$p' "$OUT/ops.txt"
if [[ $status != 0 ]]; then
    echo "JMH failed (exit $status); see $OUT/ops.txt" >&2
    exit "$status"
fi
