#!/usr/bin/env python3
"""PyTorch GPU reference for TrainStepBench: the nets of train_step.py, timed on CUDA in eager and compiled modes.

One training step = forward, softmax cross-entropy (mean over the batch), backward, Adam (lr 1e-3) update,
zero_grad(set_to_none=True); float32 parameters and activations with TF32 tensor-core matmuls allowed (the legacy
switches torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 and
set_float32_matmul_precision("high"); do not add the newer fp32_precision API on top: mixing the two makes
inductor raise). Input x ~ N(0, 1) [batch, 784] and the labels are drawn once, on the device.
The networks (U(1), O(k); ALG norm nonlinearity, depth internal layers) are imported from train_step.py.

Precision (--precision):
  tf32   (default) as above.
  bf16   the model's forward runs under torch.autocast(<device type>, dtype=torch.bfloat16): matmuls and linear
         layers take bf16 operands (autocast's casts) and accumulate in fp32; parameters, their gradients and the
         Adam state stay fp32, and the loss is fp32 (the logits are cast with .float() before cross-entropy,
         outside autocast). The same in every mode and in the HVP; TF32 stays allowed for fp32 matmuls outside
         autocast. The counterpart of the engine's cuda+cublas-bf16 (bf16 multiplies, fp32 storage and accumulate).
         PyTorch has no bf16 complex dtype, so U(1) runs in the real block form (--u1 block, the default with
         bf16; --u1 complex is refused).

Modes (the loss, backward, Adam step and zero_grad stay plain Python in every mode; only the model is wrapped):
  eager            the step as written
  compile          torch.compile(model)                          (inductor, default mode)
  reduce-overhead  torch.compile(model, mode="reduce-overhead")  (inductor + CUDA graphs;
                   torch.compiler.cudagraph_mark_step_begin() opens every step)
Adam is torch.optim.Adam with its defaults (on CUDA the multi-tensor "foreach" kernels), not compiled, so the
optimizer costs the same in every mode and the mode columns differ only in forward + backward.

HVP (eager only, at --hvp-widths): one Hessian-vector product of the mean loss in a fixed random direction v,
  g = grad(CE(model(x), y), params, create_graph=True);  Hv = grad(g, params, grad_outputs=v)
timed as a whole (forward + backward + double backward); complex parameters get a complex v.

Timing: --warmup untimed steps first (they include compilation; their total is printed as a '#' line), then
--steps timed steps, each between torch.cuda.synchronize() calls and timed with a pair of CUDA events
(time.perf_counter on --device cpu); the median and quartiles are reported. Then the same number of steps back to
back with one synchronize at the end (the steady state of a loop that reads its loss late: the host queues the next
step while the device runs this one), reported as their mean. Output, one line per measurement:
  pytorch <net> <width> <mode> <median_ms> ms/step
  pytorch-pipelined <net> <width> <mode> <mean_ms> ms/step
  pytorch-hvp <net> <width> eager <median_ms> ms/hvp
with --precision bf16 the tags are pytorch-bf16, pytorch-bf16-pipelined and pytorch-bf16-hvp,
plus '#' comment lines. A configuration that fails (compile error, out of memory) prints
'# FAILED <net> <width> <mode>: <reason>' and the run goes on; --skip net:width:mode (mode "hvp" for the HVP)
leaves configurations out, and no new configuration starts once --time-limit seconds have passed.

  python3 benchmarks/pytorch/gpu_step.py                                  # full run on the GPU (about 5 minutes)
  python3 benchmarks/pytorch/gpu_step.py --skip "U(1):256:compile,U(1):1024:compile"
  python3 benchmarks/pytorch/gpu_step.py --precision bf16                 # the same with bf16 autocast
  /usr/bin/python3 benchmarks/pytorch/gpu_step.py --device cpu --widths 8 --depth 3 --batch 16 \\
      --steps 2 --warmup 1 --modes eager --hvp-widths 8                    # CPU smoke test (add --precision bf16)
"""
import argparse
import contextlib
import gc
import math
import os
import statistics
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from train_step import OkNet, U1Net, build, INPUTS, CLASSES  # noqa: E402,F401

MODES = ("eager", "compile", "reduce-overhead")
PRECISIONS = ("tf32", "bf16")


def enable_tf32():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                         # torch >= 2.9 warns the legacy switches will go
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.set_float32_matmul_precision("high")


def forward_context(args, device):
    """The context the model's forward runs in: bf16 autocast with --precision bf16, else nothing."""
    if args.precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def tag(args, kind=""):
    """The output line's first word: pytorch[-bf16][-pipelined|-hvp]; the tf32 tags are those of before --precision."""
    return "pytorch" + ("-bf16" if args.precision == "bf16" else "") + kind


def one_line(exc):
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def is_oom(exc):
    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc).lower()


def real_param_count(model):
    return sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())


def free_device_memory(device):
    gc.collect()
    if device.type == "cuda":
        try:
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
        except Exception as exc:                                # a sticky CUDA error: say so, the next configs fail
            print(f"# cleanup: {one_line(exc)}", flush=True)


class Timer:
    """Times fn() over warmup + steps calls; CUDA events on a GPU, perf_counter elsewhere."""

    def __init__(self, device):
        self.cuda = device.type == "cuda"

    def sync(self):
        if self.cuda:
            torch.cuda.synchronize()

    def run(self, fn, warmup, steps):
        self.sync()
        t0 = time.perf_counter()
        first = None
        for _ in range(warmup):
            out = fn()
            if first is None:
                first = out
        self.sync()
        warm_s = time.perf_counter() - t0
        times = []
        for _ in range(steps):
            self.sync()
            if self.cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                out = fn()
                end.record()
                torch.cuda.synchronize()
                times.append(start.elapsed_time(end))
            else:
                t = time.perf_counter()
                out = fn()
                times.append((time.perf_counter() - t) * 1e3)
            if first is None:
                first = out
        # steady state: the same number of calls back to back, one synchronize at the end (the host may queue
        # call i + 1 while the device still runs call i, as in a training loop that reads its loss late)
        self.sync()
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(steps):
                out = fn()
            end.record()
            torch.cuda.synchronize()
            pipelined = start.elapsed_time(end) / steps
        else:
            t = time.perf_counter()
            for _ in range(steps):
                out = fn()
            pipelined = (time.perf_counter() - t) * 1e3 / steps
        return warm_s, times, first, out, pipelined


def quartiles(times):
    return statistics.quantiles(times, n=4) if len(times) >= 2 else [times[0]] * 3


def memory_note(device):
    if device.type != "cuda":
        return ""
    return f", peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB"


def train_config(args, device, net, width, mode, timer):
    torch.manual_seed(args.seed)
    model = build(net, width, args.depth, args.u1).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, INPUTS, device=device)
    labels = torch.randint(0, CLASSES, (args.batch,), device=device)
    if mode == "eager":
        fwd = model
    elif mode == "compile":
        fwd = torch.compile(model)
    else:
        fwd = torch.compile(model, mode="reduce-overhead")
    mark = None
    if mode == "reduce-overhead":
        mark = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)

    def step():
        if mark is not None:
            mark()
        with forward_context(args, device):
            logits = fwd(x)
        loss = F.cross_entropy(logits.float(), labels)          # fp32 loss also under bf16 autocast
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.detach().clone()                            # eager tensor, safe from CUDA-graph reuse

    try:
        warm_s, times, first, last, pipelined = timer.run(step, args.warmup, args.steps)
        first, last = first.item(), last.item()
        params = real_param_count(model)
    finally:
        del fwd, model, opt, x, labels
    if not (math.isfinite(first) and math.isfinite(last)):
        raise RuntimeError(f"loss not finite (first {first}, last {last})")
    q = quartiles(times)
    print(f"# {net} {width} {mode}: compile+warmup {warm_s:.2f} s ({args.warmup} steps), params {params},"
          f" loss {first:.6f} -> {last:.6f}; ms/step quartiles {q[0]:.3f} {q[1]:.3f} {q[2]:.3f}"
          f" over {len(times)}{memory_note(device)}")
    print(f"{tag(args)} {net} {width} {mode} {statistics.median(times):.3f} ms/step", flush=True)
    print(f"{tag(args, '-pipelined')} {net} {width} {mode} {pipelined:.3f} ms/step", flush=True)


def hvp_config(args, device, net, width, timer):
    torch.manual_seed(args.seed)
    model = build(net, width, args.depth, args.u1).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    x = torch.randn(args.batch, INPUTS, device=device)
    labels = torch.randint(0, CLASSES, (args.batch,), device=device)
    gen = torch.Generator(device=device)
    gen.manual_seed(args.seed + 1)
    v = [torch.randn(p.shape, dtype=p.dtype, device=device, generator=gen) for p in params]   # complex p: complex v

    def hvp():
        with forward_context(args, device):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), labels)
        g = torch.autograd.grad(loss, params, create_graph=True)
        return torch.autograd.grad(g, params, grad_outputs=v)

    try:
        warm_s, times, _, hv, _ = timer.run(hvp, args.warmup, args.steps)
        vhv = sum(torch.sum(a.real * b.real + (a.imag * b.imag if a.is_complex() else 0)) for a, b in zip(v, hv))
        vhv = float(vhv)
        nparams = real_param_count(model)
        del hv
    finally:
        del model, params, v, x, labels
    if not math.isfinite(vhv):
        raise RuntimeError(f"v.Hv not finite ({vhv})")
    q = quartiles(times)
    print(f"# {net} {width} hvp: warmup {warm_s:.2f} s ({args.warmup} calls), params {nparams}, v.Hv {vhv:.6g};"
          f" ms/hvp quartiles {q[0]:.3f} {q[1]:.3f} {q[2]:.3f} over {len(times)}{memory_note(device)}")
    print(f"{tag(args, '-hvp')} {net} {width} eager {statistics.median(times):.3f} ms/hvp", flush=True)


def main():
    t_start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nets", default="O(4),U(1)")
    ap.add_argument("--widths", default="256,1024")
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--modes", default=",".join(MODES), help="comma list of " + ", ".join(MODES))
    ap.add_argument("--hvp-widths", default="1024", help="widths at which to time the eager HVP ('' for none)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--precision", choices=PRECISIONS, default="tf32",
                    help="tf32: fp32 with TF32 matmuls; bf16: the forward under bf16 autocast, fp32 parameters and"
                         " loss")
    ap.add_argument("--u1", choices=["complex", "block"], default=None,
                    help="U(1) weight form (default complex; block with --precision bf16)")
    ap.add_argument("--skip", default="", help='comma list of net:width:mode, e.g. "U(1):256:compile" (mode hvp'
                                               ' for the HVP)')
    ap.add_argument("--time-limit", type=float, default=400.0,
                    help="seconds after which no new configuration starts")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.u1 is None:
        args.u1 = "block" if args.precision == "bf16" else "complex"
    if args.precision == "bf16" and args.u1 == "complex":
        raise SystemExit("--u1 complex: expected block with --precision bf16 (torch has no bf16 complex dtype)")

    nets = [n.strip() for n in args.nets.split(",") if n.strip()]
    for n in nets:
        if not (n in ("U(1)", "tanh") or (n.startswith("O(") and n.endswith(")") and n[2:-1].isdigit())):
            raise SystemExit(f"--nets: expected U(1), O(k) or tanh, found {n!r}")
    widths = [int(w) for w in args.widths.split(",") if w.strip()]
    hvp_widths = {int(w) for w in args.hvp_widths.split(",") if w.strip()}
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"--modes: expected some of {', '.join(MODES)}, found {m!r}")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.steps < 1:
        raise SystemExit("--steps must be at least 1")

    device = torch.device(args.device)
    enable_tf32()
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: torch.cuda.is_available() is False (use --device cpu for a smoke test)")
        name = torch.cuda.get_device_name(device)
    else:
        name = device.type
    precision = "bf16 autocast (fp32 parameters and loss), tf32 on" if args.precision == "bf16" else "tf32 on"
    print(f"# torch {torch.__version__}, device {name}, cuda {torch.version.cuda}, {precision}, depth {args.depth},"
          f" batch {args.batch}", flush=True)
    print(f"# U(1) form {args.u1}, warmup {args.warmup}, steps {args.steps}, modes {','.join(modes)},"
          f" hvp widths {','.join(map(str, sorted(hvp_widths))) or 'none'}", flush=True)

    timer = Timer(device)
    configs = []
    for net in nets:
        for width in widths:
            configs += [(net, width, mode) for mode in modes]
            if width in hvp_widths:
                configs.append((net, width, "hvp"))

    for net, width, mode in configs:
        label = "eager (hvp)" if mode == "hvp" else mode
        if f"{net}:{width}:{mode}" in skip:
            print(f"# skipped {net} {width} {label} (--skip)", flush=True)
            continue
        elapsed = time.perf_counter() - t_start
        if elapsed > args.time_limit:
            print(f"# skipped {net} {width} {label} (time limit)", flush=True)
            continue
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        try:
            if mode == "hvp":
                hvp_config(args, device, net, width, timer)
            else:
                train_config(args, device, net, width, mode, timer)
        except Exception as exc:                                # compile error, OOM, ...: report and go on
            print(f"# FAILED {net} {width} {'hvp' if mode == 'hvp' else mode}: {one_line(exc)}", flush=True)
            if device.type == "cuda" and is_oom(exc):
                torch.cuda.empty_cache()
            del exc
        finally:
            if mode in ("compile", "reduce-overhead"):
                dynamo = getattr(torch, "_dynamo", None)
                if dynamo is not None and hasattr(dynamo, "reset"):
                    try:
                        dynamo.reset()                          # drop compiled graphs and CUDA-graph pools
                    except Exception:
                        pass
            free_device_memory(device)
    print(f"# total {time.perf_counter() - t_start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
