#!/usr/bin/env bash
# A short follow-up GPU run (after cuda-check.sh): the parity suite with the backend contract tests, the main command with --backend auto, the cuBLAS
# provider from the CLI, the synchronize-every-launch switch, and a bad device index.
J=".gpu/jre/bin/java --add-modules jdk.incubator.vector -Djava.awt.headless=true"
O=${OUT:-/tmp/gs-out}; mkdir -p "$O"
timeout 240 $J -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
  --class-path .gpu/app.jar:.gpu/tests.jar --select-package org.goldstone.backend --include-tag cuda \
  --details=tree > "$O/parity3.txt" 2>&1
echo "parity exit $?"; grep -E 'tests (successful|failed|aborted)' "$O/parity3.txt"
grep -A6 'CudaBackendTest' "$O/parity3.txt" | head -8; grep '✘' "$O/parity3.txt" | head -20
NET="--group O(4) --width 32 --depth 100 --profile RTANH --sigma-w 1.1"
{
  echo "=== demo (auto) on the synthetic task"
  timeout 100 $J -jar .gpu/app.jar demo --dataset synthetic --no-progress --out /tmp/demo; echo "exit $?"
  echo "=== train --backend cuda --gemm cublas"
  timeout 100 $J -jar .gpu/app.jar train --backend cuda --gemm cublas --dataset synthetic $NET --epochs 40 \
      --no-progress --out /tmp/cublas; echo "exit $?"
  echo "=== train with -Dgoldstone.cuda.syncEachLaunch=true, 2 epochs"
  timeout 100 $J -Dgoldstone.cuda.syncEachLaunch=true -jar .gpu/app.jar train --backend cuda --dataset synthetic \
      $NET --epochs 2 --no-progress --out /tmp/sync; echo "exit $?"
  echo "=== a device index that does not exist"
  timeout 60 $J -jar .gpu/app.jar train --backend cuda:3 --dataset synthetic --epochs 1 --out /tmp/bad; echo "exit $?"
} > "$O/cli3.txt" 2>&1
grep -v '^\s*at ' "$O/cli3.txt"
