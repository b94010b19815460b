"""One torch thread against two for what the commands do on small grids, side by side in one run (not a test):
a 200-step rollout of a 16-channel RGBA model on 72x72, a 300-step rollout of a Life model on 64x64, and 30
iterations of `fit` on 32x32 Life soups (the binary recipe). Rounds alternate 1 and 2 threads; each keeps its
fastest. The commands' `--threads` default is 1: on a busy machine the second thread stalls.
Usage: python bench/threads_bench.py [--reps R]"""
import argparse, os, time
import torch
from nca_nb.core import NCA, seed_state, torch_threads
from nca_nb.life import simulate_life
from nca_nb.train import fit
from nca_nb.demo import life_model

def work():
    "The three workloads, as (name, callable)."
    torch.manual_seed(0)
    rgba = NCA(); torch.nn.init.normal_(rgba.w2.weight, std=0.01)
    x = seed_state(72, 72); x[:, 3:, 20:52, 20:52] = 0.5
    life, soup = life_model(seed=0), simulate_life('soup', 64, steps=1).frames[:1]
    soups = [simulate_life('soup', 32, steps=20, seed=s) for s in range(3)]
    return [('rollout RGBA 72x72, 200 steps', lambda: rgba.rollout(x, 200, seed=0)),
            ('rollout Life 64x64, 300 steps', lambda: life.rollout(soup, 300)),
            ('fit 30 iterations, 32x32 Life', lambda: fit(life_model(seed=1), soups, regime='single', iters=30,
                                                          batch=16, crop=24, lr=5e-3,
                                                           noise=0.15, progress=False))]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    print(f"torch {torch.__version__}, load average before {os.getloadavg()[0]:.2f}")
    with torch.no_grad(): jobs = work()
    best = {(n, t): float('inf') for n, _ in jobs for t in (1, 2)}
    for _ in range(a.reps + 1):                                    # the first round warms up
        for n, f in jobs:
            for t in (1, 2):
                with torch_threads(t):
                    t0 = time.perf_counter()
                    with torch.no_grad() if n.startswith('rollout') else torch.enable_grad(): f()
                    best[n, t] = min(best[n, t], time.perf_counter() - t0)
    for n, _ in jobs: print(f"{n:<34} 1 thread {best[n, 1]:7.3f} s   2 threads {best[n, 2]:7.3f} s   ratio (2 threads "
                            f"/ 1) {best[n, 2] / best[n, 1]:.2f}")
    print(f"load average after {os.getloadavg()[0]:.2f}")
