"""Simulator speed, measured side by side in one run (not a test).

One function per system, each timing our batched torch simulator against a straightforward
numpy/scipy reference on the same initial states, checking that both end in the same state, and
printing steps/s of each and the ratio. `main` runs them all.

Life: 8 random soups of 256x256 (density 0.3), Conway's rule on a torus; the reference is a loop of
`scipy.signal.convolve2d(boundary='wrap')` per grid plus a table lookup of the rule. A float32
padded-slice torch version is timed too, to show what the bit-sliced simulator buys. Torch runs are
timed with torch's default thread count and with 1 thread: on a busy machine 2 threads can collapse.

Usage: python bench/systems_bench.py [--threads N [N ...]] [--steps N] [--size 256] [--batch 8] [--reps R]"""
import argparse, time
import numpy as np
import torch
from scipy.signal import convolve2d
from nca_nb.life import life_run, random_soup

def best(f, reps):
    "Fastest wall time of `reps` calls of `f` (after one warm-up call)."
    f(); ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

def scipy_life(grids: np.ndarray, steps: int) -> np.ndarray:
    "Conway on a torus, grid by grid: neighbour counts by convolve2d, then birth/survival by table lookup."
    k = np.ones((3, 3), np.uint8); k[1, 1] = 0
    born, keep = np.zeros(9, bool), np.zeros(9, bool); born[3] = True; keep[[2, 3]] = True
    grids = [g.copy() for g in grids]
    for _ in range(steps):
        for i, g in enumerate(grids):
            n = convolve2d(g, k, mode='same', boundary='wrap')
            grids[i] = np.where(g == 1, keep[n], born[n]).astype(np.uint8)
    return np.stack(grids)

def slice_sum_life(x: torch.Tensor, steps: int) -> torch.Tensor:
    "Conway on a torus in float32 torch: neighbour sums of a circularly padded grid by shifted slices."
    H, W = x.shape[-2:]
    for _ in range(steps):
        p = torch.nn.functional.pad(x, (1, 1, 1, 1), mode='circular')
        r = p[..., :H, :] + p[..., 1:H + 1, :] + p[..., 2:, :]
        n = r[..., :W] + r[..., 1:W + 1] + r[..., 2:] - x
        x = ((n == 3) | ((n == 2) & (x > 0.5))).float()
    return x

def bench_life(size=256, batch=8, steps=200, reps=3, threads=None):
    """Print generations/s of the whole batch: the scipy loop, then torch float32 slices and ours (bit-sliced) at each
    torch thread count in `threads` (default: torch's default and 1); return {threads: ratio ours/scipy}."""
    grids = np.stack([random_soup(size, size, 0.3, seed) for seed in range(batch)])
    x = torch.from_numpy(grids)[:, None].float()
    ref = scipy_life(grids, steps)
    assert np.array_equal(life_run(x, steps, frames=False)[:, 0].numpy().astype(np.uint8), ref), 'ours differs from scipy'
    assert np.array_equal(slice_sum_life(x, steps)[:, 0].numpy().astype(np.uint8), ref), 'slice baseline differs from scipy'
    t_ref = best(lambda: scipy_life(grids, steps), max(1, reps - 1))
    print(f'Life {size}x{size}, batch {batch}, {steps} generations, B3/S23 torus; final states of all equal. steps/s of the batch:')
    print(f'  {"scipy convolve2d loop per grid":<54} {steps / t_ref:9.1f} steps/s')
    ratios, default = {}, torch.get_num_threads()
    for n in threads or sorted({default, 1}, reverse=True):
        torch.set_num_threads(n)
        for name, f in [('torch float32 padded slices', lambda: slice_sum_life(x, steps)),
                        ('nca_nb.life (bit-sliced), final state', lambda: life_run(x, steps, frames=False)),
                        ('nca_nb.life, all frames as float32', lambda: life_run(x, steps))]:
            t = best(f, reps)
            print(f'  {name + f" [{n} thread(s)]":<54} {steps / t:9.1f} steps/s   {t_ref / t:6.1f}x scipy')
            if 'final' in name: ratios[n] = t_ref / t
    torch.set_num_threads(default)
    return ratios

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, nargs='+', help='torch thread counts to time (default: the default and 1)')
    ap.add_argument('--steps', type=int, default=200); ap.add_argument('--size', type=int, default=256)
    ap.add_argument('--batch', type=int, default=8); ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    print(f'torch {torch.__version__}')
    bench_life(a.size, a.batch, a.steps, a.reps, a.threads)

if __name__ == '__main__': main()
