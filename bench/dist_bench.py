"""Iterations per second of `nca-nb fit` in one process and data-parallel in two under torchrun, side by side (not a test).

The same run both ways: two BZ sequences of 64x64 frames (`nca-nb simulate bz`), multi-step, batch 8, horizon 4,
one torch thread per process. Each run's training seconds are the model's recorded `seconds` (the process start and
the data loading are not counted); the ratio is one process's time over two's. On a 2-core machine expect little:
each process gets one core, and each iteration adds one all-reduce. Usage: python bench/dist_bench.py [--iters N] [--nproc N]"""  # noqa: E501
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

BIN = Path(sys.executable).parent

def fit(args, nproc, out):
    "Run `nca-nb fit` in `nproc` processes; the trained model's recorded info."
    launch = [str(BIN / 'nca-nb')] if nproc == 1 else [str(BIN / 'torchrun'), '--standalone',
                                                       f'--nproc-per-node={nproc}', '--no-python', str(BIN / 'nca-nb')]
    subprocess.run([*launch, 'fit', *args, '--out', str(out)], check=True, capture_output=True,
                   env=dict(os.environ, OMP_NUM_THREADS='1'))
    from safetensors import safe_open
    with safe_open(str(out), framework='pt') as f: return json.loads(f.metadata()['info'])

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--iters', type=int, default=40); ap.add_argument('--nproc', type=int, default=2)
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp())
    for s in (1, 2):
        subprocess.run([str(BIN / 'nca-nb'), 'simulate', 'bz', '--size', '64', '--steps', '30', '--seed', str(s),
                        '--out', str(d / f'bz{s}')], check=True, capture_output=True)
    args = [str(d / 'bz1'), str(d / 'bz2'), '--iters', str(a.iters), '--batch', '8', '--n-max', '4', '--threads', '1',
            '--quiet']
    print(f'loadavg before: {open("/proc/loadavg").read().split()[:3]}')
    one = fit(args, 1, d / 'one.safetensors')
    many = fit(args, a.nproc, d / 'many.safetensors')
    t1, tn = one['seconds'], many['seconds']
    print(f"{a.iters} iterations: 1 process {t1:.1f} s ({a.iters / t1:.2f} it/s), {a.nproc} processes {tn:.1f} s "
          f"({a.iters / tn:.2f} it/s): {t1 / tn:.2f}x")
    print(f'loadavg after: {open("/proc/loadavg").read().split()[:3]}')

if __name__ == '__main__': main()
