#!/usr/bin/env bash
# The OpenCL backend on the GPU machine (issue 7), beside the CUDA backend in the same run: `devices`, the parity
# suite for both backends (tags cuda and opencl; on the H200, `opencl` is NVIDIA's OpenCL platform), the demo's
# 100-layer O(4) training with --backend opencl, and JMH step and HVP on cuda and opencl.
# Prepared by benchmarks/gpu/prepare.sh; run from the repository root on the GPU machine. Writes to $OUT.
set -u
OUT=${OUT:-/tmp/gs-out}
mkdir -p "$OUT"
J=".gpu/jre/bin/java --add-modules jdk.incubator.vector -Djava.awt.headless=true"
{
  date -u; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  ls /etc/OpenCL/vendors/ 2>&1; ldconfig -p | grep -m2 libOpenCL
  $J -jar .gpu/app.jar devices
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
timeout 300 $J -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
    --class-path .gpu/app.jar:.gpu/tests.jar --select-package org.goldstone.backend --include-tag cuda \
    --include-tag opencl --details=tree > "$OUT/parity.txt" 2>&1
echo "parity exit: $?"; grep -E 'tests (successful|failed|skipped|aborted)' "$OUT/parity.txt"
grep -E '✘' "$OUT/parity.txt" | head -30
echo "opencl cases passed: $(grep -cE '─ opencl .*✔' "$OUT/parity.txt"), cuda: $(grep -cE '─ cuda .*✔' "$OUT/parity.txt")"
{
  timeout 120 $J -Xmx24g -jar .gpu/app.jar train --backend opencl --dataset synthetic --group 'O(4)' --width 32 \
      --depth 100 --profile RTANH --sigma-w 1.1 --epochs 40 --no-progress --out /tmp/cl; echo "exit $?"
} > "$OUT/runs.txt" 2>&1
grep -E '^training|^epoch (1|40) |^done|^exit|goldstone:' "$OUT/runs.txt"
CP=.gpu/app.jar:.gpu/bench.jar:.gpu/jmh-core-1.37.jar:.gpu/jopt-simple-5.0.4.jar:.gpu/commons-math3-3.6.1.jar
timeout 200 $J -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.(step|hvp)$' -p 'net=U(1),O(4)' \
    -p 'backend=cuda,opencl' -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/.gpu/jre/bin/java" \
    -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt" 2>&1
echo "jmh exit: $?"; grep -E '^Benchmark|^TrainStepBench' "$OUT/jmh.txt"
