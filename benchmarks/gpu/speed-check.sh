#!/usr/bin/env bash
# Issue 8's GPU-machine run, in one go: device facts; the parity of the tensor-core GEMM providers (the engine's
# tc_gemm_tf32 and cuBLAS TF32) and of whole networks on them against the CPU twins; JMH timings of the training
# step and the HVP at depth 100, batch 1024, widths 256 and 1024 (cuda = exact fp32 SIMT kernels, cuda+tf32 = the
# engine's tensor-core GEMM, cuda+cublas-tf32 = cuBLAS TF32); the GEMM alone per provider (EquivLinearBench); and
# the PyTorch reference of the same networks (benchmarks/pytorch/gpu_step.py: eager, compile, reduce-overhead, and
# the double-backward HVP) in the same run. Prepared by benchmarks/gpu/prepare.sh; run from the repository root on
# the GPU machine with .gpu carried. Writes to $OUT.
set -u
OUT=${OUT:-/tmp/gs-out}
mkdir -p "$OUT"
JAVA=".gpu/jre/bin/java"
JOPTS="--add-modules jdk.incubator.vector -Djava.awt.headless=true"
CP=.gpu/app.jar:.gpu/bench.jar:.gpu/jmh-core-1.37.jar:.gpu/jopt-simple-5.0.4.jar:.gpu/commons-math3-3.6.1.jar
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
if ! ldconfig -p | grep -q 'libcublas.so.1[23]'; then
  lib=$(find / -xdev -name 'libcublas.so.13*' -not -path '/proc/*' 2>/dev/null | head -1)
  [ -n "$lib" ] && export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
{
  step "device"; date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  step "devices"; $JAVA $JOPTS -jar .gpu/app.jar devices
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

step "parity: equiv_linear (all GEMM providers) and whole networks (cuda, cuda+tf32)" | tee "$OUT/parity.txt"
timeout 100 $JAVA $JOPTS -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
    --class-path .gpu/app.jar:.gpu/tests.jar --select-class org.goldstone.backend.EquivLinearParityTest \
    --select-class org.goldstone.backend.NetworkParityTest --include-tag cuda \
    --details=tree >> "$OUT/parity.txt" 2>&1
echo "parity exit: $?" >> "$OUT/parity.txt"
grep -E 'tests (successful|failed|skipped|aborted)|parity exit' "$OUT/parity.txt"
grep -E '✘' "$OUT/parity.txt" | head -30

step "JMH: the GEMM alone, 1024 x 4096 x 1024 fp32 (8.59 GFLOP per call)" | tee "$OUT/jmh-gemm.txt"
timeout 60 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'EquivLinearBench' -p shape=gemm-1024x4096x1024 \
    -p 'backend=cuda,cuda+tf32,cuda+cublas,cuda+cublas-tf32' -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/$JAVA" \
    -rf json -rff "$OUT/jmh-gemm.json" >> "$OUT/jmh-gemm.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh-gemm.txt"
grep -E '^Benchmark|^EquivLinearBench|jmh exit|Exception' "$OUT/jmh-gemm.txt" | head -12

step "JMH: training step, depth 100, batch 1024, widths 256 and 1024" | tee "$OUT/jmh-step.txt"
timeout 140 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.step$' -p 'net=O(4),U(1)' \
    -p width=256,1024 -p batch=1024 -p 'backend=cuda+tf32,cuda+cublas-tf32,cuda' \
    -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/$JAVA" -jvmArgsAppend "--add-modules jdk.incubator.vector -Xms8g -Xmx40g" \
    -rf json -rff "$OUT/jmh-step.json" >> "$OUT/jmh-step.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh-step.txt"
grep -E '^Benchmark|^TrainStepBench|jmh exit|Exception' "$OUT/jmh-step.txt" | head -20

step "JMH: HVP, depth 100, batch 1024, width 1024" | tee "$OUT/jmh-hvp.txt"
timeout 80 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.hvp$' -p 'net=O(4),U(1)' \
    -p width=1024 -p batch=1024 -p 'backend=cuda+tf32,cuda+cublas-tf32' \
    -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/$JAVA" -jvmArgsAppend "--add-modules jdk.incubator.vector -Xms8g -Xmx40g" \
    -rf json -rff "$OUT/jmh-hvp.json" >> "$OUT/jmh-hvp.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh-hvp.txt"
grep -E '^Benchmark|^TrainStepBench|jmh exit|Exception' "$OUT/jmh-hvp.txt" | head -12

step "PyTorch reference (same GPU, same run)" | tee "$OUT/pytorch.txt"
timeout 170 python3 benchmarks/pytorch/gpu_step.py --widths 256,1024 --depth 100 --batch 1024 --warmup 3 \
    --steps 20 --hvp-widths 1024 --time-limit 120 \
    --skip "U(1):256:compile,U(1):256:reduce-overhead,U(1):1024:compile" >> "$OUT/pytorch.txt" 2>&1
echo "pytorch exit: $?" >> "$OUT/pytorch.txt"
grep -E '^pytorch|FAILED|skipped|exit' "$OUT/pytorch.txt"
