#!/usr/bin/env bash
# The CUDA backend's GPU-machine checks (issue 6), in one run: device facts, `devices`, the CUDA parity suite
# (JUnit tag cuda: every op family against its CPU twin, both GEMM providers, whole networks), 100-layer O(4) and
# U(1) training with --backend cuda (the demo's synthetic task, 40 epochs, beside the same O(4) run on the CPU backend;
# and a Fashion-MNIST-sized synthetic run), `spectrum` on cuda and on cpu for the same checkpoint, and JMH timings of
# the training step, the HVP and 20 Lanczos steps (cuda, and cuda with cuBLAS as GEMM provider).
# Prepared by benchmarks/gpu/prepare.sh; run from the repository root on the GPU machine. Writes to $OUT (<= 8 files).
set -u
OUT=${OUT:-/tmp/gs-out}
mkdir -p "$OUT"
JAVA=".gpu/jre/bin/java"
JOPTS="--add-modules jdk.incubator.vector -Djava.awt.headless=true"
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
# cuBLAS for --gemm cublas: the engine finds libcublas.so.13 (or .12) through the dynamic loader's usual search;
# where only a Python wheel provides it, put that folder on LD_LIBRARY_PATH (as a user would)
if ! ldconfig -p | grep -q 'libcublas.so.1[23]'; then
  lib=$(find / -xdev -name 'libcublas.so.13*' -not -path '/proc/*' 2>/dev/null | head -1)
  [ -n "$lib" ] && export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
{
  step "device"; date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  echo "cuBLAS in the ld cache:"; ldconfig -p | grep libcublas; echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  nproc; free -g | head -2
  step "devices"; $JAVA $JOPTS -jar .gpu/app.jar devices
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

step "parity suite" | tee "$OUT/parity.txt"
timeout 300 $JAVA $JOPTS -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
    --class-path .gpu/app.jar:.gpu/tests.jar --select-package org.goldstone.backend --include-tag cuda \
    --details=tree --reports-dir "$OUT/junit" >> "$OUT/parity.txt" 2>&1
echo "parity exit: $?" >> "$OUT/parity.txt"
grep -E 'tests (successful|failed|skipped|aborted)|parity exit' "$OUT/parity.txt"
grep -E '✘' "$OUT/parity.txt" | head -60
mv "$OUT"/junit/*.xml "$OUT/junit.xml" 2>/dev/null; rm -rf "$OUT/junit"

NET="--group O(4) --width 32 --depth 100 --profile RTANH --sigma-w 1.1 --optimizer adam --lr 1e-3 --batch 256"
{
  for be in cuda cpu; do
    step "train --backend $be O(4) depth 100, synthetic task, 40 epochs (the demo's network)"
    timeout 120 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar train --backend $be --dataset synthetic $NET --epochs 40 \
        --no-progress --out /tmp/run-O4-$be
    echo "exit: $?"
  done
  step "train --backend cuda U(1) depth 100, synthetic task, 40 epochs"
  timeout 120 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar train --backend cuda --dataset synthetic \
      ${NET/O(4)/U(1)} --epochs 40 --no-progress --out /tmp/run-U1-cuda
  echo "exit: $?"
  step "train --backend cuda O(4) depth 100, synthetic-784 (Fashion-MNIST-sized), 1 epoch"
  timeout 120 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar train --backend cuda --dataset synthetic-784 $NET --epochs 1 \
      --no-progress --out /tmp/run-784-cuda
  echo "exit: $?"
  for be in cuda cpu; do
    step "spectrum --backend $be on the cuda O(4) run"
    timeout 120 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar spectrum --backend $be --run /tmp/run-O4-cuda \
        --out /tmp/spec-$be
    echo "exit: $?"
  done
  cp /tmp/spec-cuda/spectrum.json "$OUT/spectrum-cuda.json" 2>/dev/null
} > "$OUT/runs.txt" 2>&1
grep -E '^=== |^epoch 40|^done|^exit|top|trace|Goldstone|predicted|goldstone:' "$OUT/runs.txt" | head -60

step "JMH step, hvp, lanczos20 on cuda; step, hvp on cuda+cublas (depth 100, width 128, batch 256, fp32)" | tee "$OUT/jmh.txt"
CP=.gpu/app.jar:.gpu/bench.jar:.gpu/jmh-core-1.37.jar:.gpu/jopt-simple-5.0.4.jar:.gpu/commons-math3-3.6.1.jar
timeout 200 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.(step|hvp|lanczos20)$' \
    -p 'net=U(1),O(4)' -p backend=cuda -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/.gpu/jre/bin/java" \
    -rf json -rff "$OUT/jmh.json" >> "$OUT/jmh.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh.txt"
timeout 120 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.(step|hvp)$' \
    -p 'net=U(1),O(4)' -p 'backend=cuda+cublas' -wi 1 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/.gpu/jre/bin/java" \
    -rf json -rff "$OUT/jmh-cublas.json" >> "$OUT/jmh.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh.txt"
grep -E '^Benchmark|^TrainStepBench|jmh exit|Error|Exception' "$OUT/jmh.txt" | head -30
