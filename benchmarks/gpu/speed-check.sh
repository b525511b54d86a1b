#!/usr/bin/env bash
# Issue 8's GPU-machine run, in one go (benchmarks/gpu/prepare.sh with GS_LEAN=1 packs .gpu; run from the repository
# root on the GPU machine with .gpu carried; writes up to eight files to $OUT):
#   check.txt    device facts, `devices`, and the parity suites against the CPU twins: equiv_linear with every GEMM
#                provider (native, cuBLAS, the engine's TF32 tensor-core kernel, cuBLAS TF32) and whole networks
#                (20 training steps, HVP, Lanczos) on cuda and cuda+tf32 (the tensor-core kernel's cp.async variant
#                where operands allow, the default); then equiv_linear again with the register-staged kernel alone
#                (-Dgoldstone.tc.kernel=sync); the record/replay seam eagerly and as CUDA graphs (ReplayTest)
#   jmh.txt      JMH: the GEMM alone per provider (1024 x 4096 x 1024, fp32); the training step (depth 100, batch
#                1024, widths 256 and 1024, O(4) and U(1); cuBLAS TF32 first, the loss read one step late; at width
#                256 also replayed as a CUDA graph); the HVP
#                at width 1024; the norm nonlinearity and reductions on cuda (+ jmh-*.json, the raw results)
#   pytorch.txt  the PyTorch reference of the same networks in the same run (benchmarks/pytorch/gpu_step.py)
# All parts take about ten minutes on an H200; PARTS (a comma list of check, gemm, pytorch, step) runs a subset,
# e.g. PARTS=check,step, so that a session's device time can hold one full run or two partial ones.
set -u
OUT=${OUT:-/tmp/gs-out}
PARTS=",${PARTS:-check,gemm,pytorch,step},"
part() { case "$PARTS" in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$OUT"
JAVA=".gpu/jre/bin/java"
JOPTS="--add-modules jdk.incubator.vector -Djava.awt.headless=true"
CP=.gpu/app.jar:.gpu/bench.jar:.gpu/jmh-core-1.37.jar:.gpu/jopt-simple-5.0.4.jar:.gpu/commons-math3-3.6.1.jar
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
if ! ldconfig -p | grep -q 'libcublas.so.1[23]'; then
  lib=$(find / -xdev -name 'libcublas.so.13*' -not -path '/proc/*' 2>/dev/null | head -1)
  [ -n "$lib" ] && export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
junit() {   # junit <timeout> <extra JVM option or ""> <classes...>
  local t=$1 opt=$2; shift 2
  local sel=(); for c in "$@"; do sel+=(--select-class "org.goldstone.backend.$c"); done
  timeout "$t" $JAVA $JOPTS $opt -Xmx24g -jar .gpu/junit-console.jar execute --disable-banner --disable-ansi-colors \
      --class-path .gpu/app.jar:.gpu/tests.jar "${sel[@]}" --include-tag cuda --details=tree
}
part check && {
  step "device"; date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  step "devices"; $JAVA $JOPTS -jar .gpu/app.jar devices
  step "parity: equiv_linear (all GEMM providers) and whole networks (cuda, cuda+tf32)"
  junit 70 "" EquivLinearParityTest NetworkParityTest; echo "parity exit: $?"
  step "record/replay: eager, then captured as CUDA graphs (-Dgoldstone.cuda.graphs=true)"
  junit 40 "" ReplayTest; echo "replay exit: $?"
  junit 40 -Dgoldstone.cuda.graphs=true ReplayTest; echo "replay-graphs exit: $?"
  step "parity: equiv_linear with 64 x 64 tensor-core tiles for small problems (-Dgoldstone.tc.small=true)"
  junit 40 -Dgoldstone.tc.small=true EquivLinearParityTest; echo "parity-small exit: $?"
  step "parity: equiv_linear with the 4-warp cp.async kernel (-Dgoldstone.tc.kernel=wide)"
  junit 40 -Dgoldstone.tc.kernel=wide EquivLinearParityTest; echo "parity-wide exit: $?"
  step "parity: equiv_linear with the register-staged tensor-core kernel alone"
  junit 40 -Dgoldstone.tc.kernel=sync EquivLinearParityTest; echo "parity-sync exit: $?"
} > "$OUT/check.txt" 2>&1
part check && grep -E '^=== |NVIDIA|^torch|tests (successful|failed)|exit:' "$OUT/check.txt"
part check && grep -E '✘' "$OUT/check.txt" | head -20
TC=""
jmh() {     # jmh <timeout> <json under $OUT, or an absolute path> <jvm option or ""> <JMH arguments...>
  local t=$1 json=$2 opt=$3; shift 3
  [ "${json#/}" = "$json" ] && json="$OUT/$json"
  timeout "$t" $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main "$@" -f 1 -jvm "$PWD/$JAVA" \
      -jvmArgsAppend "--add-modules jdk.incubator.vector -Xms8g -Xmx40g $opt" -rf json -rff "$json"
  echo "jmh exit: $?"
}
part gemm && {
  step "JMH: the GEMM alone, 1024 x 4096 x 1024 fp32 (8.59 GFLOP per call)"
  jmh 45 jmh-gemm.json "" EquivLinearBench -p shape=gemm-1024x4096x1024 \
      -p 'backend=cuda,cuda+tf32,cuda+cublas,cuda+cublas-tf32' -wi 1 -w 1 -i 3 -r 1
  step "JMH: a small GEMM (256 x 1024 x 256, U(1) width 256 at batch 1024), 128 and 64 tiles"
  jmh 30 /tmp/jmh-gemm-small.json "" EquivLinearBench -p shape=gemm-256x1024x256 \
      -p 'backend=cuda+tf32,cuda+cublas-tf32' -wi 1 -w 1 -i 2 -r 1
  jmh 20 /tmp/jmh-gemm-small64.json -Dgoldstone.tc.small=true EquivLinearBench -p shape=gemm-256x1024x256 \
      -p 'backend=cuda+tf32' -wi 1 -w 1 -i 2 -r 1
  step "JMH: the GEMM alone, cuda+tf32 with 4 warps of 64 x 64 per tile (-Dgoldstone.tc.kernel=wide)"
  jmh 20 /tmp/jmh-gemm-wide.json -Dgoldstone.tc.kernel=wide EquivLinearBench -p shape=gemm-1024x4096x1024 \
      -p 'backend=cuda+tf32' -wi 1 -w 1 -i 3 -r 1
  step "JMH: the GEMM alone, cuda+tf32 with the register-staged kernel"
  jmh 20 jmh-gemm-sync.json -Dgoldstone.tc.kernel=sync EquivLinearBench -p shape=gemm-1024x4096x1024 \
      -p 'backend=cuda+tf32' -wi 1 -w 1 -i 3 -r 1
} > "$OUT/jmh.txt" 2>&1
part gemm && grep -E '^=== |^EquivLinearBench|jmh exit' "$OUT/jmh.txt"

if part pytorch; then
  step "PyTorch reference (same GPU, same run)" | tee "$OUT/pytorch.txt"
  timeout 140 python3 benchmarks/pytorch/gpu_step.py --widths 256,1024 --depth 100 --batch 1024 --warmup 3 \
      --steps 20 --hvp-widths 1024 --time-limit 110 \
      --skip "U(1):256:compile,U(1):256:reduce-overhead,U(1):1024:compile" >> "$OUT/pytorch.txt" 2>&1
  echo "pytorch exit: $?" >> "$OUT/pytorch.txt"
  grep -E '^pytorch|FAILED|skipped|exit' "$OUT/pytorch.txt"
fi

part step && {
  step "JMH: training step, depth 100, batch 1024, widths 256 and 1024"
  jmh 100 jmh-step.json "$TC" 'TrainStepBench\.step$' -p 'net=O(4),U(1)' -p width=256,1024 -p batch=1024 \
      -p 'backend=cuda+cublas-tf32,cuda+tf32' -wi 1 -w 1 -i 2 -r 1
  step "JMH: training step replayed as a CUDA graph (forward, loss, backward; the update and a fence outside)"
  jmh 60 jmh-graph.json -Dgoldstone.cuda.graphs=true 'TrainStepBench\.step$' -p 'net=O(4),U(1)' -p width=256 \
      -p batch=1024 -p 'backend=cuda+cublas-tf32,cuda+tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
  step "JMH: HVP, depth 100, batch 1024, width 1024"
  jmh 55 jmh-hvp.json "$TC" 'TrainStepBench\.hvp$' -p 'net=O(4),U(1)' -p width=1024 -p batch=1024 \
      -p 'backend=cuda+cublas-tf32,cuda+tf32' -wi 1 -w 1 -i 2 -r 1
  step "JMH: op families, norm nonlinearity and reductions on cuda (GB/s from the check lines' byte counts)"
  jmh 40 /tmp/jmh-ops.json "" 'NormActBench|ReduceBench' -p backend=cuda -p units=1024x1024x4 -p dtype=F32 \
      -wi 1 -w 1 -i 2 -r 1
} >> "$OUT/jmh.txt" 2>&1
part step && grep -E '^=== |^TrainStepBench|jmh exit|Exception' "$OUT/jmh.txt" | tail -16
