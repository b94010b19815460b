"""Core speed, measured side by side in one run (not a test).

Prints: the machine's float32 matmul GFLOP/s (the limit for the two 1x1 convolutions, 93 % of the
work), NCA inference cell-updates/s (B=8, 72x72, 16 channels, hidden 128, no grad) and seconds per
training step (64-step BPTT, B=8, 72x72, Adam), with the max_pool2d alive mask of the original as a
baseline next to ours, and with `fast` (the fused step: the MLP only where it can matter) next to the reference step. Usage: python bench/core_bench.py [--threads N] [--reps R]"""  # noqa: E501
import argparse, time
import torch, torch.nn.functional as F
from nca_nb.core import NCA, seed_state, normalise_grads
import nca_nb.core as core

def best(f, reps):
    f(); ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

def matmul_gflops(reps):
    a, b = torch.randn(5184 * 8, 48), torch.randn(48, 128)   # the shape of the first 1x1 conv at B=8, 72x72
    c, d = torch.randn(2048, 2048), torch.randn(2048, 2048)
    t1 = best(lambda: a @ b, reps); t2 = best(lambda: c @ d, reps)
    return 2 * a.shape[0] * 48 * 128 / t1 / 1e9, 2 * 2048 ** 3 / t2 / 1e9

def grown_state(m, B=8):
    x = seed_state(72, 72, batch=B)
    x[:, 3:, 20:52, 20:52] = 0.5 + 0.1 * torch.randn(B, 13, 32, 32)   # a live blob so the mask has work
    return x

def inference(m, steps, reps):
    x = grown_state(m)
    t = best(lambda: m.rollout(x, steps, seed=0), reps)
    return 8 * 72 * 72 * steps / t

def train_step(m, reps):
    opt = torch.optim.Adam(m.parameters(), 2e-3)
    x, target = grown_state(m), torch.rand(8, 4, 72, 72)
    def step():
        y = m.rollout(x, 64, grad=True, seed=0)
        loss = F.mse_loss(y[:, :4], target)
        opt.zero_grad(); loss.backward()
        normalise_grads(m.parameters())
        opt.step()
    return best(step, reps)

def dead_fraction(m):
    x = grown_state(m)
    return 1 - core.dilate(core.alive_mask(x[:, 3:4])).float().mean().item()

def maxpool_alive(alpha, threshold=0.1, padding='zeros'):
    return F.max_pool2d(alpha, 3, 1, 1) > threshold

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--threads', type=int)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = NCA(); torch.nn.init.normal_(m.w2.weight, std=0.01)
    g_small, g_big = matmul_gflops(a.reps)
    flop_per_update = 2 * (48 * 128 + 128 * 16) + 2 * 48 * 9   # two 1x1 matmuls + depthwise 3x3
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    print(f'float32 matmul: {g_small:.0f} GFLOP/s at the NCA shape (41472x48 @ 48x128), {g_big:.0f} GFLOP/s at 2048^3')
    ups = inference(m, 64, a.reps)
    print(f'inference  (B=8, 72x72, 64 steps, no grad): {ups/1e6:.2f} M cell-updates/s = {ups*flop_per_update/1e9:.0f} '
          f'GFLOP/s '
          f'= {ups*flop_per_update/1e9/g_big:.0%} of the 2048^3 matmul peak')
    core.alive_mask, ours = maxpool_alive, core.alive_mask
    ups_mp = inference(m, 64, a.reps)
    core.alive_mask = ours
    print(f'  same with the original max_pool2d alive mask: {ups_mp/1e6:.2f} M cell-updates/s (ours is '
          f'{ups/ups_mp:.2f}x)')
    t = train_step(m, max(1, a.reps - 1))
    print(f'training step (64-step BPTT, B=8, 72x72, Adam): {t:.2f} s')
    m.fast = True
    ups_sd = inference(m, 64, a.reps)
    t_sd = train_step(m, max(1, a.reps - 1))
    m.fast = False
    print(f'  with fast (the fused step; MLP on live cells and their neighbours only, {dead_fraction(m):.0%} of this '
          f'grid skipped): '
          f'inference {ups_sd/1e6:.2f} M cell-updates/s ({ups_sd/ups:.2f}x), training step {t_sd:.2f} s ({t/t_sd:.2f}x '
          f'faster)')
