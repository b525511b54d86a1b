#!/usr/bin/env bash
# The CUDA backend's GPU-machine checks (issue 6), in one run: device facts, `devices`, the CUDA parity suite
# (JUnit tag cuda), 100-layer O(4) and U(1) training runs with --backend cuda on Fashion-MNIST-sized synthetic data,
# `spectrum --backend cuda` on the O(4) run, and a first JMH timing of the training step and the HVP on cuda.
# Prepared by benchmarks/gpu/prepare.sh; run from the repository root on the GPU machine. Writes to $OUT (<= 8 files).
set -u
OUT=${OUT:-/tmp/gs-out}
mkdir -p "$OUT"
JAVA=".gpu/jre/bin/java"
JOPTS="--add-modules jdk.incubator.vector -Djava.awt.headless=true"
export GOLDSTONE_NO_PROGRESS=1
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
# cuBLAS for --gemm cublas: the engine finds libcublas.so.13 (or .12) through the dynamic loader's usual search;
# where only a Python wheel provides it, put that folder on LD_LIBRARY_PATH (as a user would)
if ! ldconfig -p | grep -q 'libcublas.so.1[23]'; then
  lib=$(find / -xdev -name 'libcublas.so.13*' -not -path '/proc/*' 2>/dev/null | head -1)
  [ -n "$lib" ] && export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
{
  step "device"; date -u; echo "cuBLAS: $(ldconfig -p | grep -c libcublas) in ld cache; LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  nproc; free -g | head -2
  step "devices"; $JAVA $JOPTS -jar .gpu/app.jar devices
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

step "parity suite" | tee "$OUT/parity.txt"
timeout 300 $JAVA $JOPTS -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
    --class-path .gpu/app.jar:.gpu/tests.jar --select-package org.goldstone.backend.cuda --include-tag cuda \
    --details=tree --reports-dir "$OUT/junit" >> "$OUT/parity.txt" 2>&1
echo "parity exit: $?" >> "$OUT/parity.txt"
grep -E 'tests (successful|failed|skipped|aborted)|parity exit' "$OUT/parity.txt"
grep -E '✘' "$OUT/parity.txt" | head -60
mv "$OUT"/junit/*.xml "$OUT/junit.xml" 2>/dev/null; rm -rf "$OUT/junit"

{
  for g in "O(4)" "U(1)"; do
    step "train --backend cuda $g depth 100"
    timeout 150 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar train --backend cuda --dataset synthetic-784 --group "$g" \
        --width 32 --depth 100 --profile RTANH --sigma-w 1.1 --optimizer adam --lr 1e-3 --batch 256 --epochs 1 \
        --max-steps 600 --no-progress --out "/tmp/run-${g//[()]/}"
    echo "exit: $?"
  done
  step "spectrum --backend cuda on the O(4) run"
  timeout 120 $JAVA $JOPTS -Xmx24g -jar .gpu/app.jar spectrum --backend cuda --run /tmp/run-O4 --out /tmp/spec-O4
  echo "exit: $?"
  cp /tmp/spec-O4/*.json "$OUT/" 2>/dev/null
} > "$OUT/runs.txt" 2>&1
tail -40 "$OUT/runs.txt"

step "JMH step and hvp on cuda (depth 100, width 128, batch 256, fp32)" | tee "$OUT/jmh.txt"
CP=.gpu/app.jar:.gpu/bench.jar:.gpu/jmh-core-1.37.jar:.gpu/jopt-simple-5.0.4.jar:.gpu/commons-math3-3.6.1.jar
timeout 200 $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main 'TrainStepBench\.(step|hvp)$' -p 'net=U(1),O(4)' \
    -p backend=cuda -wi 2 -w 1 -i 3 -r 1 -f 1 -jvm "$PWD/.gpu/jre/bin/java" \
    -rf json -rff "$OUT/jmh.json" >> "$OUT/jmh.txt" 2>&1
echo "jmh exit: $?" >> "$OUT/jmh.txt"
tail -15 "$OUT/jmh.txt"
