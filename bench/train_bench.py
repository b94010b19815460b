"""Training-step and inference speed of nca_nb's `NCA` against a straightforward eager PyTorch NCA, side by side in one run (not a test).

The baseline (`EagerNCA`, below) is the textbook NCA in NCHW with autograd: a depthwise 3x3 perception
(identity + Sobel x/y, zero padding), conv1x1 48->128, ReLU, conv1x1 128->16, the stochastic update
`rand < 0.5`, and the alive mask as a 3x3 `max_pool2d` of alpha > 0.1 before and after the update. It gets
the same weights as the `NCA` (last layer: a small random init, std 0.01, so the work is real) and draws the
same fire masks from a generator seeded alike, so both compute the same rollout: the printed losses agree.

Workloads, 64 steps each:
  train, from the seed  B=8 72x72 from `seed_state`: rollout with grad, MSE on RGBA, backward, normalised grads, Adam
  train, fully alive    the same from a state with alpha = 1 everywhere and small random other channels
  infer, fully alive    B=8 72x72, no grad
  infer, from the seed  B=1 256x256, no grad
nca_nb runs with `fast=True` (the fused step) for training, as every trainer sets on a CPU, and as `rollout` does by
default (`fast=False`, the reference arithmetic) for inference, plus `fast=True` inference as its own column
(`nca_nb fast`), which is what `nca-nb rollout` and the validation of `fit` use, and `fast='bf16'` (`nca_nb bf16`:
the fused step with its MLP's products in bfloat16, for training and inference; an option, not a default).
The variants run interleaved, round after round (the first round is a warm-up), and each keeps its fastest round,
so a burst of load elsewhere hits all alike; the weights are restored after each training step so every round does
the same work. Peak memory of one training step: the rise of the peak RSS (VmHWM) over the RSS before the step,
each variant in a fresh process.

`--extra FILE` adds variants from a Python file defining `IMPLS = {name: factory}` (factory(model) -> an object with
`params` and `rollout(x, steps, generator, grad)`), for prototypes. Usage:
python bench/train_bench.py [--threads N] [--reps R] [--only a,b] [--extra FILE] [--workloads 0,1,2,3] [--cpu] [--no-memory]"""  # noqa: E501
import argparse, copy, importlib.util, json, subprocess, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
from nca_nb.core import NCA, KERNELS, seed_state, normalise_grads

class EagerNCA(nn.Module):
    "The straightforward NCA: NCHW, autograd, max_pool2d alive mask; weights copied from an nca_nb `NCA`."
    def __init__(self, m: NCA):
        super().__init__()
        k = torch.stack([KERNELS[n] for n in ('identity', 'sobel_x', 'sobel_y')])
        self.register_buffer('kernel', k.repeat(16, 1, 1)[:, None])            # (48,1,3,3): channel c -> c*3 + kernel
        self.w1, self.w2 = nn.Conv2d(48, 128, 1), nn.Conv2d(128, 16, 1)
        with torch.no_grad():
            for a, b in ((self.w1, m.w1), (self.w2, m.w2)):
                a.weight.copy_(b.weight.contiguous()); a.bias.copy_(b.bias)
        self.params = list(self.parameters())

    def step(self, x, g):
        pre = F.max_pool2d(x[:, 3:4], 3, 1, 1) > 0.1
        y = F.conv2d(F.pad(x, (1, 1, 1, 1)), self.kernel, groups=16)
        dx = self.w2(torch.relu(self.w1(y)))
        B, _, H, W = x.shape
        x = x + dx * (torch.rand(B, 1, H, W, generator=g) < 0.5)
        post = F.max_pool2d(x[:, 3:4], 3, 1, 1) > 0.1
        return x * (pre & post)

    def rollout(self, x, steps, g, grad):
        with torch.set_grad_enabled(grad):
            for _ in range(steps): x = self.step(x, g)
        return x

class NcaNb:
    "nca_nb's own `NCA.rollout`, with `fast` as given (`None`: True with grad, False without, as the package does)."
    def __init__(self, m: NCA, fast=None): self.m, self.fast, self.params = m, fast, list(m.parameters())
    def rollout(self, x, steps, g, grad):
        self.m.fast = grad if self.fast is None else self.fast
        return self.m.rollout(x, steps, grad=grad, generator=g)

IMPLS = {'baseline': EagerNCA, 'nca_nb': NcaNb}

def model(seed=0) -> NCA:
    torch.manual_seed(seed)
    m = NCA(); nn.init.normal_(m.w2.weight, std=0.01)
    return m

def alive_state(B, H, W, seed=1):
    "alpha = 1 everywhere, the other channels small noise: stays fully alive for 64 steps."
    x = 0.1 * torch.randn(B, 16, H, W, generator=torch.Generator().manual_seed(seed)); x[:, 3] = 1.
    return x

WORKLOADS = {   # name: (state, grad)
    'train, from the seed (B=8 72^2)': (lambda: seed_state(72, 72, batch=8), True),
    'train, fully alive   (B=8 72^2)': (lambda: alive_state(8, 72, 72), True),
    'infer, fully alive   (B=8 72^2)': (lambda: alive_state(8, 72, 72), False),
    'infer, from the seed (B=1 256^2)': (lambda: seed_state(256, 256), False),
}

def runner(impl, x0, grad, steps=64):
    "A no-argument function running the workload once; returns the loss (train) or the final state's alive fraction."
    g = torch.Generator()
    if not grad:
        def infer():
            g.manual_seed(0)
            return (impl.rollout(x0, steps, g, False)[:, 3] > 0.1).float().mean().item()
        return infer
    opt = torch.optim.Adam(impl.params, 2e-3)
    target = torch.rand(x0.shape[0], 4, *x0.shape[2:], generator=torch.Generator().manual_seed(2))
    init = [p.detach().clone() for p in impl.params]
    def train():
        g.manual_seed(0)
        y = impl.rollout(x0, steps, g, True)
        loss = F.mse_loss(y[:, :4], target)
        opt.zero_grad(); loss.backward()
        normalise_grads(impl.params); opt.step()
        with torch.no_grad():
            for p, p0 in zip(impl.params, init): p.copy_(p0)       # every round the same work
        return loss.item()
    return train

def rss_kb(key):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key): return int(line.split()[1])

def measure_memory(name, workload):
    "Peak RSS rise (MB) of one training step of `name` on `workload` (run in this fresh process)."
    f = runner(make(name, model()), WORKLOADS[workload][0](), True)
    before = rss_kb('VmRSS'); f()
    return (rss_kb('VmHWM') - before) / 1024

def load_extra(path):
    spec = importlib.util.spec_from_file_location('extra_impls', path)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    IMPLS.update(mod.IMPLS)

def make(name, m):
    if name == 'nca_nb fast': return NcaNb(copy.deepcopy(m), True)
    if name == 'nca_nb bf16': return NcaNb(copy.deepcopy(m), 'bf16')
    return IMPLS[name](copy.deepcopy(m))

def timed(f, clock=time.perf_counter):
    t = clock(); r = f(); return clock() - t, r

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int); ap.add_argument('--reps', type=int, default=2)
    ap.add_argument('--only', help='comma-separated variants (default: all; the first is the reference of the ratios)')
    ap.add_argument('--extra', help='a Python file with more variants (IMPLS)')
    ap.add_argument('--no-memory', action='store_true')
    ap.add_argument('--workloads', help='comma-separated indices 0-3 of the workloads (default all)')
    ap.add_argument('--cpu', action='store_true',
                    help="time by the process's CPU seconds, not wall seconds (steadier on a busy machine with 1 "
                         "thread)")
    ap.add_argument('--mem-of', nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    if a.extra: load_extra(a.extra)
    if a.mem_of: print(json.dumps(measure_memory(*a.mem_of))); return
    names = a.only.split(',') if a.only else list(IMPLS) + ['nca_nb fast', 'nca_nb bf16']
    wls = list(WORKLOADS) if a.workloads is None else [list(WORKLOADS)[int(i)] for i in a.workloads.split(',')]
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}, reps {a.reps} (+1 warm-up), loadavg before: '
          f'{open("/proc/loadavg").read().split(" ", 3)[:3]}')
    m = model()
    w = max(len(n) for n in names) + 2
    print(f"{'workload (64 steps)':34s}" + ''.join(f'{n:>{w + 9}s}' for n in names)
          + '   result (loss / alive share) per variant')
    for wl in wls:
        mk, grad = WORKLOADS[wl]
        x0 = mk()
        vs = [n for n in names if not (grad and n == 'nca_nb fast')]  # with grad, nca_nb already runs the fused step
        fs = {n: runner(make(n, m), x0, grad) for n in vs}
        ts, res = {n: [] for n in vs}, {}
        for r in range(a.reps + 1):
            for n in vs:
                t, res[n] = timed(fs[n], time.process_time if a.cpu else time.perf_counter)
                if r: ts[n].append(t)
        ref = min(ts[vs[0]])
        cells = ''.join((f'{min(ts[n]):7.3f} s {ref / min(ts[n]):5.2f}x'.rjust(w + 9) if n in vs else ' ' * (w + 9))
                        for n in names)
        print(f'{wl:34s}{cells}   ' + ' '.join(f'{res[n]:.6g}' for n in vs), flush=True)
    print(f'({"CPU" if a.cpu else "wall"} seconds: the fastest round; Nx: {names[0]} seconds / this variant\'s)  '
          f'loadavg after: {open("/proc/loadavg").read().split(" ", 3)[:3]}')
    if not a.no_memory:
        for wl in [w_ for w_ in wls if WORKLOADS[w_][1]]:
            out = []
            for n in [n for n in names if n != 'nca_nb fast']:
                cmd = [sys.executable, __file__, '--mem-of', n,
                       wl] + (['--threads', str(a.threads)] if a.threads else []) + (['--extra',
                           a.extra] if a.extra else [])
                p = subprocess.run(cmd, capture_output=True, text=True)
                out.append(f'{n} {float(p.stdout.strip()):.0f} MB' if p.returncode == 0
                           else f'{n} failed: {p.stderr.strip()[-200:]}')
            print(f'peak RSS rise of one training step, {wl.strip()}: ' + ', '.join(out), flush=True)

if __name__ == '__main__': main()
