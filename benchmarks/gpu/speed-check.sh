#!/usr/bin/env bash
# Issue 8's GPU-machine run (benchmarks/gpu/prepare.sh with GS_LEAN=1 packs .gpu; run from the repository root
# on the GPU machine with .gpu carried, as the two calls below; writes its files to $OUT):
#   check.txt    device facts, `devices`, and the parity suites against the CPU twins: equiv_linear with every GEMM
#                provider (native, cuBLAS, cuBLAS TF32, cuBLAS bf16, the engine's tensor-core kernel), whole networks
#                (20 training steps, HVP, Lanczos) and the fused epilogues; equiv_linear again with U(1) as four real
#                GEMMs per pass (-Dgoldstone.u1.gemm=four; the default is one GEMM on the block weight); the three
#                suites on the wgmma kernels (-Dgoldstone.tc.kernel=wgmma); record/replay as CUDA graphs (ReplayTest)
#   jmh.txt      JMH: the GEMM alone (1024 x 4096 x 1024, fp32 storage) on the engine's mma kernel, cuBLAS TF32,
#                cuBLAS bf16 and the wgmma kernel; the O(4) layer (GEMM + norm nonlinearity: fused on cuda+tf32);
#                the U(1) forward at width 1024 as one GEMM on the block weight (default) and as four
#                (-Dgoldstone.u1.gemm=four); the training step (depth 100, batch 1024, widths 256 and 1024, O(4) and
#                U(1)) and the HVP (width 1024) replayed as CUDA graphs on cuBLAS TF32; the U(1) step with four GEMMs
#                per complex pass; the width-1024 step and HVP on the engine's kernels (O(4) and U(1), every pass
#                fused), for O(4) also without the Jacobian epilogues (-Dgoldstone.tc.jacobian=false) and on the
#                wgmma kernels (jmh-all.json: every JMH run's raw results, merged)
#   ncu.txt      (PARTS=ncu only) Nsight Compute on the fused layer's kernel and cuBLAS's GEMM: ncu-<backend>.csv
#   pytorch.txt  the PyTorch reference of the same networks in the same run (benchmarks/pytorch/gpu_step.py), TF32
#                (eager, reduce-overhead, HVP) and bf16 autocast at width 1024 (eager, reduce-overhead)
# Time: more than one call's 600 s, so run it as two calls back to back (the machine stays warm for 30 s between):
#   PARTS=check,gemm,pytorch   about 6 minutes (limits: check 190 s, gemm 185 s, PyTorch 170 s)
#   PARTS=step                 about 7 minutes (limits add up to 445 s)
# speed-run3 (H100) took 8.7 minutes for a smaller set. PARTS=ncu (in neither) profiles the fused layer's kernel and
# cuBLAS's GEMM with Nsight Compute where the machine has it.
# PARTS (a comma list of check, gemm, step, pytorch, ncu) runs a subset; the default is all but ncu.
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
  step "parity: equiv_linear (all GEMM providers), the fused layer, whole networks (cuda, cuda+tf32, cuda+cublas-bf16)"
  junit 60 "" EquivLinearParityTest FusedLayerParityTest NetworkParityTest; echo "parity exit: $?"
  step "parity: equiv_linear with U(1) as four real GEMMs per pass (-Dgoldstone.u1.gemm=four; block is the default)"
  junit 30 -Dgoldstone.u1.gemm=four EquivLinearParityTest; echo "parity-four exit: $?"
  step "parity: the wgmma kernels (-Dgoldstone.tc.kernel=wgmma; never run on a GPU before this)"
  junit 45 -Dgoldstone.tc.kernel=wgmma EquivLinearParityTest FusedLayerParityTest NetworkParityTest
  echo "parity-wgmma exit: $?"
  step "record/replay captured as CUDA graphs (-Dgoldstone.cuda.graphs=true)"
  junit 25 -Dgoldstone.cuda.graphs=true ReplayTest; echo "replay-graphs exit: $?"
} > "$OUT/check.txt" 2>&1
part check && grep -E '^=== |NVIDIA|^torch|tests (successful|failed)|exit:' "$OUT/check.txt"
part check && grep -E '✘' "$OUT/check.txt" | head -20
JSONS=/tmp/gs-jmh-json; mkdir -p "$JSONS"     # merged into $OUT/jmh-all.json at the end (few files come back)
jmh() {     # jmh <timeout> <json under $OUT, or an absolute path> <jvm option or ""> <JMH arguments...>
  local t=$1 json=$2 opt=$3; shift 3
  [ "${json#/}" = "$json" ] && json="$JSONS/$json"
  timeout "$t" $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main "$@" -f 1 -jvm "$PWD/$JAVA" \
      -jvmArgsAppend "--add-modules jdk.incubator.vector -Xms8g -Xmx40g $opt" -rf json -rff "$json"
  echo "jmh exit: $?"
}
part gemm && {
  step "JMH: the GEMM alone, 1024 x 4096 x 1024 fp32 storage (8.59 GFLOP per call)"
  jmh 35 jmh-gemm.json "" EquivLinearBench -p shape=gemm-1024x4096x1024 \
      -p 'backend=cuda+tf32,cuda+cublas-tf32,cuda+cublas-bf16' -wi 1 -w 1 -i 3 -r 1
  step "JMH: the O(4) layer (GEMM + norm nonlinearity): fused on cuda+tf32, GEMM then norm_act on cuBLAS"
  jmh 30 jmh-layer.json "" EquivLinearBench -p shape=layer-1024x4096x1024 -p 'backend=cuda+tf32,cuda+cublas-tf32' \
      -wi 1 -w 1 -i 3 -r 1
  step "JMH: the GEMM alone and the O(4) layer on the wgmma kernels (-Dgoldstone.tc.kernel=wgmma)"
  jmh 40 jmh-gemm-wgmma.json "-Dgoldstone.tc.kernel=wgmma" EquivLinearBench \
      -p shape=gemm-1024x4096x1024,layer-1024x4096x1024 -p 'backend=cuda+tf32' -wi 1 -w 1 -i 3 -r 1
  step "JMH: the U(1) forward, width 1024, batch 1024, cuBLAS TF32: one GEMM on the block weight (default)"
  jmh 20 jmh-complex-block.json "" EquivLinearBench -p shape=complex-1024x1024x1024 -p 'backend=cuda+cublas-tf32' \
      -wi 1 -w 1 -i 3 -r 1
  step "JMH: the same, four real GEMMs (-Dgoldstone.u1.gemm=four)"
  jmh 20 jmh-complex-four.json "-Dgoldstone.u1.gemm=four" EquivLinearBench -p shape=complex-1024x1024x1024 \
      -p 'backend=cuda+cublas-tf32' -wi 1 -w 1 -i 3 -r 1
} > "$OUT/jmh.txt" 2>&1
part gemm && grep -E '^=== |^EquivLinearBench|jmh exit' "$OUT/jmh.txt"

if part pytorch; then
  step "PyTorch reference (same GPU, same run): TF32" | tee "$OUT/pytorch.txt"
  timeout 110 python3 benchmarks/pytorch/gpu_step.py --widths 256,1024 --depth 100 --batch 1024 --warmup 3 \
      --steps 20 --hvp-widths 1024 --time-limit 90 --modes eager,reduce-overhead \
      --skip "U(1):256:reduce-overhead" >> "$OUT/pytorch.txt" 2>&1
  echo "pytorch exit: $?" >> "$OUT/pytorch.txt"
  step "PyTorch reference: bf16 autocast" >> "$OUT/pytorch.txt"
  timeout 60 python3 benchmarks/pytorch/gpu_step.py --precision bf16 --widths 1024 --depth 100 --batch 1024 \
      --warmup 3 --steps 20 --hvp-widths "" --time-limit 40 --modes eager,reduce-overhead \
      >> "$OUT/pytorch.txt" 2>&1
  echo "pytorch-bf16 exit: $?" >> "$OUT/pytorch.txt"
  grep -E '^pytorch|FAILED|skipped|exit' "$OUT/pytorch.txt"
fi

part step && {
  G=-Dgoldstone.cuda.graphs=true
  step "JMH: training step, depth 100, batch 1024, replayed as a CUDA graph (forward, loss, backward; update outside)"
  jmh 90 jmh-step.json "$G" 'TrainStepBench\.step$' -p 'net=O(4),U(1)' -p width=256,1024 -p batch=1024 \
      -p 'backend=cuda+cublas-tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
  step "JMH: HVP, depth 100, batch 1024, width 1024, replayed as a CUDA graph (cuBLAS TF32)"
  jmh 75 jmh-hvp.json "$G" 'TrainStepBench\.hvp$' -p 'net=O(4),U(1)' -p width=1024 -p graph=true \
      -p batch=1024 -p 'backend=cuda+cublas-tf32' -wi 1 -w 1 -i 2 -r 1
  step "JMH: U(1) step as a CUDA graph with four real GEMMs per complex pass (the block form's baseline)"
  jmh 60 jmh-step-u1-four.json "$G -Dgoldstone.u1.gemm=four" 'TrainStepBench\.step$' -p 'net=U(1)' \
      -p width=256,1024 -p batch=1024 -p 'backend=cuda+cublas-tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
  step "JMH: O(4) and U(1) step and HVP as CUDA graphs on the engine's kernels (fused forward, backward, R-passes)"
  jmh 100 jmh-step-tf32.json "$G" 'TrainStepBench\.(step|hvp)$' -p 'net=O(4),U(1)' -p width=1024 -p batch=1024 \
      -p 'backend=cuda+tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
  step "JMH: the same without the Jacobian epilogues (-Dgoldstone.tc.jacobian=false: only the forward fused)"
  jmh 60 jmh-step-nojac.json "$G -Dgoldstone.tc.jacobian=false" 'TrainStepBench\.(step|hvp)$' -p 'net=O(4)' \
      -p width=1024 -p batch=1024 -p 'backend=cuda+tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
  step "JMH: the same on the wgmma kernels (-Dgoldstone.tc.kernel=wgmma)"
  jmh 60 jmh-step-wgmma.json "$G -Dgoldstone.tc.kernel=wgmma" 'TrainStepBench\.(step|hvp)$' -p 'net=O(4)' \
      -p width=1024 -p batch=1024 -p 'backend=cuda+tf32' -p graph=true -wi 1 -w 1 -i 2 -r 1
} >> "$OUT/jmh.txt" 2>&1
part step && grep -E '^=== |^TrainStepBench|jmh exit|Exception' "$OUT/jmh.txt" | tail -16
part ncu && {
  # not in the default PARTS: a second, short call (PARTS=ncu) once the main run is in
  step "ncu: the fused layer's kernel and cuBLAS's GEMM (speed of light, occupancy, launch), if counters are open"
  NCU=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
  if [ -z "$NCU" ]; then
    echo "ncu: not found on this machine"
  else
    for be in cuda+tf32 cuda+cublas-tf32; do
      timeout 90 "$NCU" --target-processes all -k 'regex:tc_gemm|gemm|norm_act' --launch-skip 8 --launch-count 3 \
          --section SpeedOfLight --section Occupancy --section LaunchStats --csv \
          $JAVA $JOPTS -cp "$CP" org.openjdk.jmh.Main EquivLinearBench -p shape=layer-1024x4096x1024 \
          -p "backend=$be" -f 0 -wi 0 -i 1 -r 1 > "$OUT/ncu-$be.csv" 2> "$OUT/ncu-$be.err"
      echo "ncu $be exit: $?"; tail -3 "$OUT/ncu-$be.err"
    done
  fi
} > "$OUT/ncu.txt" 2>&1
part ncu && cat "$OUT/ncu.txt"
python3 - "$JSONS" "$OUT/jmh-all.json" <<'PY'
import glob, json, sys
runs = []
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    try:
        runs += json.load(open(f))
    except ValueError:
        pass                                      # a run cut off by its time limit leaves its JSON empty
json.dump(runs, open(sys.argv[2], "w"), indent=1)
print(f"{len(runs)} JMH results in {sys.argv[2]}")
PY
