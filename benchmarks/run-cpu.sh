#!/usr/bin/env bash
# CPU training step, Goldstone (JMH TrainStepBench, fp32) against the PyTorch reference (train_step.py), same
# three nets, same shapes, same thread count; and, in the same JMH run, one Hessian-vector product (hvp) and twenty
# Lanczos steps with full reorthogonalization (lanczos20) on the same nets and batch, reported in units of the step.
# Writes benchmarks/results/ (git-ignored; RESULTS_DIR overrides):
#   cpu-trainstep.json, cpu-trainstep.txt   JMH result and log (the log has the pre-timing "# check" lines)
#   pytorch-cpu.txt                         "pytorch <net> <ms> ms/step" lines
#   cpu-trainstep.md                        the markdown tables printed at the end (step vs PyTorch; curvature)
#
# Usage: benchmarks/run-cpu.sh [JMH options]       e.g. a smoke test:
#   TORCH_WARMUP=1 TORCH_STEPS=3 benchmarks/run-cpu.sh -f 1 -wi 1 -i 1 -w 1s -r 1s
# Environment:
#   BENCH=TrainStepBench   JMH benchmark regex; e.g. 'TrainStepBench.step' for the step alone (the curvature table
#                     is then left out)
#   THREADS=2         threads for both sides: -XX:ActiveProcessorCount for the JVM (the CPU backend uses
#                     availableProcessors), torch.set_num_threads + OPENBLAS_NUM_THREADS for PyTorch
#   PYTHON            default /usr/bin/python3 (Debian's python3-torch; a pyenv python3 has no torch)
#   TORCH_WARMUP=5 TORCH_STEPS=30 TORCH_NETS=U(1),O(4),tanh
#   TORCH_BLAS_DIR    folder with the libblas.so.3 torch should load; by default Debian's libopenblas0-openmp,
#                     from the system if installed, else unpacked (apt-get download) into ~/.cache/goldstone
#   SKIP_BUILD=1      reuse benchmarks/target/benchmarks.jar
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-2}
OUT=${RESULTS_DIR:-benchmarks/results}
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -DskipTests package
fi

BENCH=${BENCH:-TrainStepBench}
echo "== Goldstone: JMH $BENCH, $THREADS threads (log: $OUT/cpu-trainstep.txt)"
# The log is the console, not JMH's -o file: the forks' own output (the "# check" lines, a failed check's
# exception) reaches only the console.
status=0
java -jar "$JAR" "$BENCH" -jvmArgsPrepend "-XX:ActiveProcessorCount=$THREADS" \
    -rf json -rff "$OUT/cpu-trainstep.json" "$@" > "$OUT/cpu-trainstep.txt" 2>&1 || status=$?
# every fork (one per benchmark and net) prints the same "# check" line; show each once
grep -E '# check|^TrainStepBench|Exception' "$OUT/cpu-trainstep.txt" | sed 's/^.*# check/# check/' \
    | awk '!seen[$0]++' || true
if [[ $status != 0 ]]; then
    echo "JMH failed (exit $status); see $OUT/cpu-trainstep.txt" >&2
    exit "$status"
fi

# Debian's torch calls the generic libblas.so.3 (the reference BLAS unless an optimized one is installed); put the
# OpenMP OpenBLAS in front so torch is measured at its best. The pthread OpenBLAS spins against torch's OpenMP.
find_blas() {
    if [[ -n "${TORCH_BLAS_DIR:-}" ]]; then echo "$TORCH_BLAS_DIR"; return; fi
    local system
    system=$(find /usr/lib -path '*openblas-openmp/libblas.so.3' 2>/dev/null | head -n 1)
    if [[ -n "$system" ]]; then dirname "$system"; return; fi
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/goldstone/openblas-openmp"
    if [[ ! -d "$cache/root" ]]; then
        mkdir -p "$cache"
        (cd "$cache" && apt-get download libopenblas0-openmp >&2 && dpkg-deb -x libopenblas0-openmp_*.deb root) \
            || { echo "warning: could not fetch libopenblas0-openmp; torch keeps the default BLAS" >&2; return; }
    fi
    find "$cache/root" -path '*openblas-openmp/libblas.so.3' | head -n 1 | xargs -r dirname
}
BLAS_DIR=$(find_blas)

if [[ -z "${PYTHON:-}" ]]; then
    PYTHON=python3
    if ! python3 -c 'import torch' 2>/dev/null && [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; fi
fi
echo "== PyTorch: $PYTHON, $THREADS threads, BLAS from ${BLAS_DIR:-the system default}"
LD_LIBRARY_PATH="${BLAS_DIR}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS="$THREADS" \
    OMP_NUM_THREADS="$THREADS" "$PYTHON" benchmarks/pytorch/train_step.py --threads "$THREADS" \
    --warmup "${TORCH_WARMUP:-5}" --steps "${TORCH_STEPS:-30}" --nets "${TORCH_NETS:-U(1),O(4),tanh}" \
    | tee "$OUT/pytorch-cpu.txt"

echo
{
    echo "CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $THREADS threads each;" \
        "$(java -version 2>&1 | head -n 1); $(grep -m 1 '^# torch' "$OUT/pytorch-cpu.txt" | cut -c3-)"
    echo
    java -cp "$JAR" org.goldstone.bench.TrainStepBench "$OUT/cpu-trainstep.json" "$OUT/pytorch-cpu.txt"
} | tee "$OUT/cpu-trainstep.md"
