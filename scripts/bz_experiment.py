"""Learn Turner's BZ reaction from frames with three training regimes and compare them on
dishes (random initial conditions) that were never used in training.

Data: 64x64 tori, default rates (alpha 1.2, beta = gamma = 1), uniform-noise starts. On a grid this small
most dishes die out (one species takes over within ~150 steps), so seeds are scanned in order and only
dishes whose three species all still vary at step 400 are kept ("surviving"); the first N_TRAIN survivors
train, the next N_TEST test. Training uses frames 100..300 of each training dish (the transient from
noise skipped). Each test dish is evaluated from its frame 100 for 100 steps.

Model: `infer_defaults` for 3-channel frames, unchanged (8 channels = 3 visible + 5 hidden, MLP 64,
identity/mean/laplacian/sobel perception, torus, synchronous), the same initial weights for every regime.
Regimes, the same iteration budget each (ITERS iterations of batch 8, random 32x32 crops plus context):
  single      t -> t+1 pairs
  multi       t -> t+n, n drawn per batch from 1..8, loss at the end of the segment
  curriculum  single for the first half, then multi (n in 1..8)
Adam lr 2e-3 with gradient normalisation, x0.1 at 75 % of the iterations, the same sampling seed.

Writes (default --out nca_nb/data):
  bz_single.safetensors, bz_multi.safetensors, bz_curriculum.safetensors,
  bz_results.json (the table, per-dish evaluations with per-step curves, budget, timings),
  bz_loss_single.csv, bz_loss_multi.csv, bz_loss_curriculum.csv
Usage: python scripts/bz_experiment.py [--iters 2000] [--out DIR]   (one torch thread; the seconds of each fit are recorded in the results)"""  # noqa: E501
import argparse, json, time
from pathlib import Path
import numpy as np, torch
from nca_nb.core import NCA, save_model, atomic_write, write_csv, fingerprint, data_dir
from nca_nb.bz import simulate_bz, BZ_DEFAULTS, surviving_seeds, perturbed_horizon
from nca_nb.core import torch_threads
from nca_nb.trajectory import Trajectory
from nca_nb.train import fit, infer_defaults
from nca_nb.evaluate import evaluate

DATA = data_dir()
SIZE, SKIP, TRAIN_STOP, CHECK_AT = 64, 100, 300, 400     # grid; first frame used; last training frame; survival check
N_TRAIN, N_TEST, EVAL_STEPS, HORIZON_THR = 4, 4, 100, 0.5
REGIMES = ('single', 'multi', 'curriculum')
# the simulator itself restarted from a start frame perturbed by U(-eps, eps): its own forecast horizon
CHAOS_EPS = 1e-3
MIN_STD = 0.05      # a dish survives if every species' spatial std at CHECK_AT exceeds this

def rounded(ev: dict) -> dict:
    "An `evaluate` result with its per-step curves rounded to 6 significant digits (scalars kept exact)."
    r = dict(ev)
    for k in ('curves', 'persistence_curves'): r[k] = {c: [float(f'{v:.6g}') for v in vs] for c, vs in ev[k].items()}
    return r

def horizon_or_beyond(h, steps): return steps + 1 if h is None else h

def summary(evs: list, steps: int) -> dict:
    ("Table row of one regime over the test dishes: horizons (None = beyond `steps`), MSE means over steps 1..10, "
        "1..steps, the last half.")
    mse = np.array([e['curves']['mse'] for e in evs])
    hs = [e['forecast_horizon'] for e in evs]
    return dict(forecast_horizon=hs, forecast_horizon_median=float(np.median([horizon_or_beyond(h,
        steps) for h in hs])),
                persistence_forecast_horizon=[e['persistence_forecast_horizon'] for e in evs],
                mse_first10=float(mse[:, :10].mean()), mse_mean=float(mse.mean()),
                mse_last_half=float(mse[:, steps // 2:].mean()),
                mse_step1=float(mse[:, 0].mean()))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--iters', type=int, default=2000, help='iterations per regime (default 2000)')
    ap.add_argument('--out', default=str(DATA), help='output folder (default nca_nb/data)')
    a = ap.parse_args()
    torch.set_num_threads(1)            # small grids: one thread is as fast as two on a busy CPU, and reproducible
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    seeds = surviving_seeds(N_TRAIN + N_TEST, size=SIZE, steps=CHECK_AT, min_std=MIN_STD)
    train_seeds, test_seeds = seeds[:N_TRAIN], seeds[N_TRAIN:]
    print(f'surviving dishes: train {train_seeds}, test {test_seeds} ({time.time() - t0:.0f} s)', flush=True)
    train = []
    for s in train_seeds:
        tr = simulate_bz(SIZE, steps=TRAIN_STOP, seed=s)
        train.append(Trajectory(tr.frames, 'bz', tr.params, s, [('waves', SKIP, TRAIN_STOP + 1)], 3))
    test = {s: simulate_bz(SIZE, steps=SKIP + EVAL_STEPS, seed=s) for s in test_seeds}
    cfg, why = infer_defaults(train)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0); init = NCA(**cfg).state_dict()
    common = dict(iters=a.iters, batch=8, n_min=1, n_max=8, lr=2e-3, lr_drop=(0.75, 0.1), switch_at=0.5, crop=32,
                  seed=0)
    models, fits = {}, {}
    for regime in REGIMES:
        m = NCA(**cfg); m.load_state_dict(init)
        print(f'training {regime} ({a.iters} iterations) ...', flush=True)
        fits[regime] = fit(m, train, regime=regime, **common)
        models[regime] = m
        print(f"  {regime}: final loss {fits[regime].info['final_loss']:.3g}, {fits[regime].info['seconds']:.0f} s",
              flush=True)
    evals = {r: [evaluate(models[r], test[s], SKIP, EVAL_STEPS,
                          horizon_threshold=HORIZON_THR) for s in test_seeds] for r in REGIMES}
    chaos = [perturbed_horizon(test[s], SKIP, EVAL_STEPS, evals['single'][i]['nrmse_sigma'], seed=s, eps=CHAOS_EPS,
                               threshold=HORIZON_THR) for i, s in enumerate(test_seeds)]
    chaos = [dict(c, nrmse=[float(f'{v:.6g}') for v in c['nrmse']]) for c in chaos]
    with torch_threads(2):  # how much a different thread count moves the numbers (justifies the tests' tolerance)
        ev2 = evaluate(models['curriculum'], test[test_seeds[0]], SKIP, EVAL_STEPS, horizon_threshold=HORIZON_THR)
    e1 = evals['curriculum'][0]
    threads = dict(note='curriculum model on the first test dish evaluated with 2 torch threads instead of 1',
                   mse_mean_rel_diff=abs(ev2['mse_mean'] - e1['mse_mean']) / e1['mse_mean'],
                   max_mse_abs_diff=float(np.max(np.abs(np.array(ev2['curves']['mse']) - e1['curves']['mse']))),
                   forecast_horizon=[e1['forecast_horizon'], ev2['forecast_horizon']])
    res = dict(
        budget=dict(iters_per_regime=a.iters, **{k: (list(v) if isinstance(v, tuple) else v) for k,
                                                 v in common.items() if k != 'iters'},
                    curriculum=f'single for {round(a.iters * 0.5)} iterations, then multi (n in 1..8)',
                    note='the same iteration budget for each regime; a multi-step iteration costs ~n times a '
                         'single-step one',
                    seconds={r: fits[r].info['seconds'] for r in REGIMES}, torch_threads=1, torch=torch.__version__),
        data=dict(size=SIZE, rates=BZ_DEFAULTS,
                  survival=f'every species has spatial std > {MIN_STD} at step {CHECK_AT}',
                  train_seeds=train_seeds, train_frames=[SKIP, TRAIN_STOP], test_seeds=test_seeds, eval_start=SKIP,
                  eval_steps=EVAL_STEPS, horizon_threshold=HORIZON_THR,
                  test_fingerprints={str(s): fingerprint(test[s].frames) for s in test_seeds}),
        model=dict(config=cfg, reasons=why, parameters=sum(p.numel() for p in models['single'].parameters()),
                   init='torch.manual_seed(0) then NCA(**config); the same weights start every regime'),
        table={r: dict(final_train_loss=fits[r].info['final_loss'], **summary(evals[r], EVAL_STEPS)) for r in REGIMES},
        chaos=dict(note=f'the true simulator from the start frame + U(-{CHAOS_EPS}, {CHAOS_EPS}) noise: the horizon '
                        f'chaos allows at that error',
                   forecast_horizon=[c['forecast_horizon'] for c in chaos], runs=chaos),
        evaluations={r: {str(s): rounded(e) for s, e in zip(test_seeds, evals[r])} for r in REGIMES},
        thread_sensitivity=threads)
    for r in REGIMES:
        save_model(models[r], out / f'bz_{r}.safetensors', **fits[r].info, made_by='scripts/bz_experiment.py',
                   train_seeds=train_seeds, train_frames=[SKIP, TRAIN_STOP])
        write_csv(out / f'bz_loss_{r}.csv', ['iteration', 'loss'],
                  [(i + 1, f'{l:.6g}') for i, l in enumerate(fits[r].losses)])
    res['seconds'] = time.time() - t0
    atomic_write(out / 'bz_results.json', lambda p: Path(p).write_text(json.dumps(res, indent=1)))
    print(json.dumps(dict(table=res['table'], chaos=res['chaos']['forecast_horizon'], threads=threads,
                          seconds=res['seconds']), indent=1))
