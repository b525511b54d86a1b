#!/usr/bin/python3
"""PyTorch CPU reference for TrainStepBench: the same three networks, the same shapes, the same math.

One training step = forward, softmax cross-entropy (mean over the batch), backward, Adam (lr 1e-3) update,
float32 on the CPU with a fixed thread count (2 by default, like the Goldstone default run).

  U(1): Linear(784, 2w) -> f -> depth x (complex w x w matmul, no bias, f) -> Linear(2w, 10)
  O(4): Linear(784, 4w) -> f -> depth x (W (x) I_4, no bias, f)            -> Linear(4w, 10)
  tanh: Linear(784, w) tanh -> depth x Linear(w, w) tanh                    -> Linear(w, 10)

f is the norm nonlinearity with the ALG profile, f(y) = y / sqrt(1 + |y|^2) per unit (a complex number for U(1),
a 4-vector for O(4)). Activations use Goldstone's unit layout: per sample [k, w], component a of channel j at
a*w + j, so the embedding's 2w / 4w outputs split into k blocks of w. For O(4) that makes W (x) I_4 a single
[batch*4, w] x [w, w] matmul (torch.matmul flattens the leading dims). Initialization follows FeedForwardNet
(sigma_w = 1, the critical value of ALG); it does not change the timing, only keeps the step well defined.

Prints one line per net, "pytorch <net> <median ms> ms/step", plus '#' comment lines (setup, BLAS, quartiles).
Torch comes from Debian's python3-torch, so run it with /usr/bin/python3 (a pyenv python3 has no torch).

BLAS matters more than anything else here: Debian's torch calls whatever libblas.so.3 resolves to, by default the
reference BLAS (about 7 GFLOP/s sgemm on 2 cores, against about 80 with OpenBLAS). The pthread OpenBLAS fights
torch's OpenMP threads; the OpenMP build (libopenblas0-openmp) is the one to use. benchmarks/run-cpu.sh sets it up
without touching the system (apt-get download + LD_LIBRARY_PATH) and sets OPENBLAS_NUM_THREADS.

  /usr/bin/python3 benchmarks/pytorch/train_step.py                      # full run: 5 warmup + 30 timed steps
  /usr/bin/python3 benchmarks/pytorch/train_step.py --warmup 1 --steps 3 # smoke test
"""
import argparse
import math
import os
import statistics
import sys
import time

if __name__ == "__main__" and "torch" not in sys.modules:
    # OpenBLAS reads its thread count when it is loaded, i.e. at "import torch"; torch.set_num_threads does not
    # reach a BLAS that torch was not built against (Debian's torch calls the generic libblas.so.3).
    _threads = "2"
    for _i, _a in enumerate(sys.argv):
        if _a == "--threads" and _i + 1 < len(sys.argv):
            _threads = sys.argv[_i + 1]
        elif _a.startswith("--threads="):
            _threads = _a.split("=", 1)[1]
    os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

INPUTS, CLASSES = 784, 10


def norm_act(y, k):
    """ALG norm nonlinearity on [batch, k, w] (real components along dim 1)."""
    q = (y * y).sum(dim=1, keepdim=True)
    return y * torch.rsqrt(1.0 + q)


class OkNet(nn.Module):
    """O(k): activations [batch, k, w]; each internal layer is W (x) I_k as one matmul over the width index."""

    def __init__(self, k, w, depth):
        super().__init__()
        self.k, self.w = k, w
        self.embed = nn.Linear(INPUTS, k * w)
        self.weights = nn.ParameterList(nn.Parameter(torch.randn(w, w) / math.sqrt(w)) for _ in range(depth))
        self.readout = nn.Linear(k * w, CLASSES)
        nn.init.normal_(self.embed.weight, std=1.0 / math.sqrt(INPUTS))
        nn.init.zeros_(self.embed.bias)
        nn.init.normal_(self.readout.weight, std=1.0 / math.sqrt(k * w))
        nn.init.zeros_(self.readout.bias)

    def forward(self, x):
        z = norm_act(self.embed(x).view(-1, self.k, self.w), self.k)
        for w in self.weights:
            z = norm_act(torch.matmul(z, w.t()), self.k)       # [batch, k, w] @ [w, w]: one GEMM over batch*k rows
        return self.readout(z.reshape(-1, self.k * self.w))


class U1Net(nn.Module):
    """U(1): complex channels. 'complex' keeps complex64 weights and activations (one complex GEMM per layer);
    'block' keeps real (Re W, Im W) and multiplies [Re z, Im z] by the real 2w x 2w block matrix
    [[Re W, -Im W], [Im W, Re W]]^T (one real GEMM, the same 4 w^2 real MACs per sample)."""

    def __init__(self, w, depth, form):
        super().__init__()
        self.w, self.form = w, form
        self.embed = nn.Linear(INPUTS, 2 * w)
        std = 1.0 / math.sqrt(2.0 * w)                          # Re W, Im W ~ N(0, sigma_w^2 / (2n))
        if form == "complex":
            self.weights = nn.ParameterList(
                nn.Parameter(torch.complex(torch.randn(w, w) * std, torch.randn(w, w) * std)) for _ in range(depth))
        else:
            self.weights = nn.ParameterList(nn.Parameter(torch.randn(2, w, w) * std) for _ in range(depth))
        self.readout = nn.Linear(2 * w, CLASSES)
        nn.init.normal_(self.embed.weight, std=1.0 / math.sqrt(2.0 * INPUTS))
        nn.init.zeros_(self.embed.bias)
        nn.init.normal_(self.readout.weight, std=1.0 / math.sqrt(2 * w))
        nn.init.zeros_(self.readout.bias)

    def forward(self, x):
        w = self.w
        y = self.embed(x)                                       # [batch, 2w]: Re block then Im block
        if self.form == "complex":
            z = torch.complex(y[:, :w], y[:, w:])
            z = z * torch.rsqrt(1.0 + (z.real * z.real + z.imag * z.imag))
            for weight in self.weights:
                y = torch.matmul(z, weight.t())                  # complex64 GEMM, W z (transpose, no conjugate)
                z = y * torch.rsqrt(1.0 + (y.real * y.real + y.imag * y.imag))
            return self.readout(torch.cat([z.real, z.imag], dim=1))
        z = norm_act(y.view(-1, 2, w), 2).reshape(-1, 2 * w)
        for weight in self.weights:
            re, im = weight[0], weight[1]
            block = torch.cat([torch.cat([re, -im], dim=1), torch.cat([im, re], dim=1)], dim=0)   # [2w, 2w]
            z = norm_act(torch.matmul(z, block.t()).view(-1, 2, w), 2).reshape(-1, 2 * w)
        return self.readout(z)


class TanhMlp(nn.Module):
    """Real baseline: dense 784 -> w (tanh), depth x dense w -> w (tanh), readout w -> 10; weights N(0, 1/in)."""

    def __init__(self, w, depth):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(INPUTS, w)] + [nn.Linear(w, w) for _ in range(depth)])
        for layer in self.layers:
            nn.init.normal_(layer.weight, std=1.0 / math.sqrt(layer.in_features))
            nn.init.zeros_(layer.bias)
        self.readout = nn.Linear(w, CLASSES)
        nn.init.normal_(self.readout.weight, std=1.0 / math.sqrt(w))
        nn.init.zeros_(self.readout.bias)

    def forward(self, x):
        for layer in self.layers:
            x = torch.tanh(layer(x))
        return self.readout(x)


def build(net, w, depth, u1_form):
    if net == "tanh":
        return TanhMlp(w, depth)
    if net == "U(1)":
        return U1Net(w, depth, u1_form)
    if net.startswith("O(") and net.endswith(")"):
        return OkNet(int(net[2:-1]), w, depth)
    raise SystemExit(f"net: expected U(1), O(k) or tanh, found {net!r}")


def loaded_blas():
    """The BLAS library mapped into this process: Debian's torch uses whatever libblas.so.3 resolves to."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return "unknown"
    blas = sorted(p for p in paths if "blas" in os.path.basename(p) or "mkl" in os.path.basename(p))
    return ", ".join(os.path.realpath(p) for p in blas) or "none found"


def real_param_count(model):
    return sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nets", default="U(1),O(4),tanh")
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--u1", choices=["complex", "block"], default="complex", help="U(1) weight form")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, float32, cpu; width {args.width},"
          f" depth {args.depth}, batch {args.batch}, U(1) form {args.u1}")
    blas = loaded_blas()
    print(f"# BLAS: {blas} (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')})")
    if "openblas-pthread" in blas:
        print("# WARNING: pthread OpenBLAS spins against torch's OpenMP threads (steps 3-10x slower and erratic);"
              " use libopenblas0-openmp (benchmarks/run-cpu.sh does)", flush=True)
    elif "openblas" not in blas and "mkl" not in blas and "blis" not in blas:
        print("# WARNING: torch runs on the reference (unoptimized) BLAS, GEMMs about 10x slower than OpenBLAS:"
              " run through benchmarks/run-cpu.sh, which puts Debian's libopenblas0-openmp in front", flush=True)
    for net in args.nets.split(","):
        torch.manual_seed(args.seed)
        model = build(net, args.width, args.depth, args.u1)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.randn(args.batch, INPUTS)
        labels = torch.randint(0, CLASSES, (args.batch,))

        times, first = [], None
        for step in range(args.warmup + args.steps):
            t0 = time.perf_counter()
            loss = F.cross_entropy(model(x), labels)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)                     # Goldstone overwrites its gradient buffer
            t1 = time.perf_counter()
            if first is None:
                first = loss.item()
                if not math.isfinite(first):
                    raise SystemExit(f"{net}: initial loss {first} is not finite")
            if step >= args.warmup:
                times.append((t1 - t0) * 1e3)
        q = statistics.quantiles(times, n=4) if len(times) >= 2 else [times[0]] * 3
        print(f"# {net}: params {real_param_count(model)}, initial mean loss {first:.6f} (ln 10 = 2.302585),"
              f" last {loss.item():.6f}; ms/step quartiles {q[0]:.1f} {q[1]:.1f} {q[2]:.1f} over {len(times)}")
        print(f"pytorch {net} {statistics.median(times):.2f} ms/step", flush=True)


if __name__ == "__main__":
    main()
