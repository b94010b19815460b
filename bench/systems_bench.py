"""Simulator speed, measured side by side in one run (not a test).

One function per system, each timing our batched torch simulator against a straightforward
numpy/scipy reference on the same initial states, checking that both end in the same state, and
printing steps/s of each and the ratio. `main` runs them all.

Life: 8 random soups of 256x256 (density 0.3), Conway's rule on a torus; the reference is a loop of
`scipy.signal.convolve2d(boundary='wrap')` per grid plus a table lookup of the rule. A float32
padded-slice torch version is timed too, to show what the bit-sliced simulator buys. Torch runs are
timed with torch's default thread count and with 1 thread: on a busy machine 2 threads can collapse.

BZ (Turner 2009): 8 grids of 256x256 from uniform noise, alpha=1.2, beta=gamma=1; the reference is the
whole batch through `scipy.ndimage.uniform_filter(mode='wrap')` and the reaction in numpy (float32),
step by step; a numpy pad-and-slice version is timed too (what careful numpy achieves). The variants
run interleaved, round after round, and each keeps its fastest round, so a burst of load elsewhere on
the machine hits all of them alike. Final states must agree within 1e-3 (float32 rounding, amplified by
the reaction over the steps).

Usage: python bench/systems_bench.py [--only life|bz] [--threads N [N ...]] [--steps N] [--bz-steps N] [--size 256] [--batch 8] [--reps R]"""  # noqa: E501
import argparse, time
import numpy as np
import torch
from scipy.ndimage import uniform_filter
from scipy.signal import convolve2d
from nca_nb.life import life_run, random_soup
from nca_nb.bz import bz_init, bz_run

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
    assert np.array_equal(life_run(x, steps, frames=False)[:, 0].numpy().astype(np.uint8),
                          ref), 'ours differs from scipy'
    assert np.array_equal(slice_sum_life(x, steps)[:, 0].numpy().astype(np.uint8),
                          ref), 'slice baseline differs from scipy'
    t_ref = best(lambda: scipy_life(grids, steps), max(1, reps - 1))
    print(f'Life {size}x{size}, batch {batch}, {steps} generations, B3/S23 torus; final states of all equal. steps/s '
          f'of the batch:')
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

def scipy_bz(x: np.ndarray, steps: int, alpha=1.2, beta=1., gamma=1.) -> np.ndarray:
    "Turner's BZ by the book on a batch (B, 3, H, W): scipy's 3x3 wrap-around mean, then the reaction, clipped."
    for _ in range(steps):
        m = uniform_filter(x, size=(1, 1, 3, 3), mode='wrap')
        a, b, c = m[:, 0], m[:, 1], m[:, 2]
        x = np.clip(np.stack([a + a * (alpha * b - gamma * c), b + b * (beta * c - alpha * a),
                              c + c * (gamma * a - beta * b)], 1), 0, 1)
    return x

def numpy_bz(x: np.ndarray, steps: int, alpha=1.2, beta=1., gamma=1.) -> np.ndarray:
    "The same in numpy with a wrap-padded copy and shifted slices instead of scipy's filter."
    H, W = x.shape[-2:]
    for _ in range(steps):
        p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode='wrap')
        r = p[:, :, :H] + p[:, :, 1:H + 1] + p[:, :, 2:]
        m = (r[..., :W] + r[..., 1:W + 1] + r[..., 2:]) / 9
        a, b, c = m[:, 0], m[:, 1], m[:, 2]
        x = np.clip(np.stack([a + a * (alpha * b - gamma * c), b + b * (beta * c - alpha * a),
                              c + c * (gamma * a - beta * b)], 1), 0, 1)
    return x

def best_interleaved(fns: dict, reps: int) -> dict:
    "Fastest wall time of each function over `reps` rounds, the functions taking turns within each round."
    ts = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            t = time.perf_counter(); f(); ts[k].append(time.perf_counter() - t)
    return {k: min(v) for k, v in ts.items()}

def bench_bz(size=256, batch=8, steps=50, reps=5, threads=None):
    """Print frames/s (grid-steps per second) of BZ on `batch` grids of `size`²: the scipy reference, numpy slices, and
    nca_nb.bz at each torch thread count in `threads` (default: torch's default and 1); return {threads: ratio ours/scipy}."""  # noqa: E501
    x = bz_init(size, batch, seed=0)
    xn = x.numpy()
    ref = scipy_bz(xn, steps)
    diff = np.abs(bz_run(x, steps, frames=False).numpy() - ref).max()
    assert diff < 1e-3, f'nca_nb.bz differs from the scipy reference by {diff}'
    assert np.abs(numpy_bz(xn, steps) - ref).max() < 1e-3, 'numpy slices differ from the scipy reference'
    threads = threads or sorted({torch.get_num_threads(), 1}, reverse=True)
    fns = {'scipy.ndimage reference': lambda: scipy_bz(xn, steps), 'numpy pad + slices': lambda: numpy_bz(xn, steps)}
    fns.update({f'nca_nb.bz [{n} thread(s)]': (lambda n=n: bz_run(x, steps, frames=False, threads=n)) for n in threads})
    t = best_interleaved(fns, reps)
    t_ref = t['scipy.ndimage reference']
    print(f'BZ {size}x{size}, batch {batch}, {steps} steps, alpha=1.2, beta=gamma=1, torus; final states within '
          f'{diff:.1e} of scipy. '
          f'Frames (grid-steps) per second, best of {reps} interleaved rounds:')
    for name, tt in t.items(): print(f'  {name:<54} {batch * steps / tt:9.1f} frames/s   {t_ref / tt:6.1f}x scipy')
    return {n: t_ref / t[f'nca_nb.bz [{n} thread(s)]'] for n in threads}

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', choices=['life', 'bz'], help='run one system only')
    ap.add_argument('--threads', type=int, nargs='+', help='torch thread counts to time (default: the default and 1)')
    ap.add_argument('--steps', type=int, default=200, help='Life generations per timing (default: 200)')
    ap.add_argument('--bz-steps', type=int, default=50, help='BZ steps per timing (default: 50)')
    ap.add_argument('--size', type=int, default=256)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    print(f'torch {torch.__version__}')
    if a.only in (None, 'life'): bench_life(a.size, a.batch, a.steps, a.reps, a.threads)
    if a.only in (None, 'bz'): bench_bz(a.size, a.batch, a.bz_steps, max(a.reps, 5), a.threads)

if __name__ == '__main__': main()
