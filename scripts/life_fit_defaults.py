"""Does `nca-nb fit`, with its defaults, learn Life from a user's frames? For each seed (and optional extra
options), simulate three 64x64 Life soups of 41 frames (densities 0.2, 0.35, 0.5) as GIFs with `nca-nb simulate`,
fit them with `nca-nb fit` (the real command, in a subprocess, timed), read the rule the model implements, and
test it on four patterns it never saw (R-pentomino, acorn, LWSS, diehard) for 300 steps on a 64x64 torus,
continuous (no thresholding in the loop). Resumable: a (variant, seed) already in the results file is skipped.
Writes nca_nb/data/life_fit_defaults.json, for nbs/15_rule.ipynb. The committed results were made by:
  python scripts/life_fit_defaults.py --seeds 0 1 2 3 4 5 6 7 8 9
  python scripts/life_fit_defaults.py --seeds 0 1 2 3 4 5 6 --variant previous_defaults \
--fit-args "--channels 4 --hidden 64 --iters 3000"
(the second: the defaults for binary frames before they became 1 channel, 128 units, 6000 iterations)."""
import argparse, json, shlex, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, torch
from nca_nb.core import load_model, atomic_write, data_dir
from nca_nb.life import read_rle, place, life_run
from nca_nb.rule import recover_rule, rollout_margin
from nca_nb.train import RECIPES, infer_defaults
from nca_nb.trajectory import Trajectory

DATA = data_dir()
UNSEEN = {'R-pentomino': 'b2o$2o$bo!', 'acorn': 'bo5b$3bo3b$2o2b3o!', 'LWSS': 'bo2bo$o4b$o3bo$4o!',
          'diehard': '6bob$2o6b$bo3b3o!'}
NCA_NB = str(Path(sys.executable).parent / 'nca-nb')

def fit_once(seed: int, fit_args: list, steps: int) -> dict:
    "Simulate the soups, fit them with the CLI, and score the model: rule read, exactness on the unseen patterns."
    with tempfile.TemporaryDirectory() as d:
        gifs = []
        for i, dens in enumerate((0.2, 0.35, 0.5)):
            gifs.append(f'{d}/soup{i}.gif')
            subprocess.run([NCA_NB, 'simulate', 'life', '--pattern', 'soup', '--size', '64', '--steps', '40',
                            '--density', str(dens),
                            '--seed', str(100 * seed + i), '--out', gifs[-1], '--quiet'], check=True)
        t0 = time.time()
        p = subprocess.run([NCA_NB, 'fit', *gifs, '--out', f'{d}/m.safetensors', '--seed', str(seed), '--quiet',
                            *fit_args], capture_output=True, text=True)
        seconds = time.time() - t0
        if p.returncode: return dict(error=p.stderr.strip()[-500:], seconds=round(seconds, 1))
        model = load_model(f'{d}/m.safetensors')
    reading = recover_rule(model) if model.n_visible == 1 else None
    cases = {}
    for name, rle in UNSEEN.items():
        x = torch.from_numpy(place(read_rle(rle)[0], np.zeros((64, 64), np.uint8))).float()[None, None]
        # hidden channels at 0, as from a frame
        states, margins = rollout_margin(model, torch.cat([x, torch.zeros(1, model.channels - 1, 64, 64)], 1), steps)
        wrong = (states != life_run(x, steps)[1:]).flatten(1).any(1).nonzero()
        cases[name] = dict(first_wrong_step=int(wrong[0]) + 1 if len(wrong) else None, margin_min=float(margins.min()))
    return dict(seconds=round(seconds, 1), rule_read=reading and reading.rule, table_margin=reading and reading.margin,
                channels=model.channels, exact=sum(c['first_wrong_step'] is None for c in cases.values()), cases=cases,
                validation=model.info.get('validation'))

def binary_defaults() -> dict:
    ("What `nca-nb fit` does with binary frames and no options, in this version of the package: "
        "model defaults and recipe.")
    model = infer_defaults(Trajectory(torch.zeros(2, 1, 4, 4)))[0]
    return dict(channels=model['channels'], hidden=model['hidden'], perception=model['perception'], **RECIPES['binary'])

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--variant', default='defaults', help='name of this set of fit options in the results')
    ap.add_argument('--fit-args', default='', help='extra options for nca-nb fit (default: none, its defaults)')
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--out', default=str(DATA / 'life_fit_defaults.json'))
    a = ap.parse_args()
    torch.set_num_threads(1)
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    made_with = json.loads(json.dumps(binary_defaults()))
    runs = res.setdefault(a.variant, dict(fit_args=a.fit_args, steps=a.steps, made_with=made_with, runs={}))
    if (runs['fit_args'], runs['steps']) != (a.fit_args, a.steps):
        raise SystemExit(f"{out}: variant {a.variant!r} was made with {runs['fit_args']!r}, {runs['steps']} steps")
    if runs.get('made_with') != made_with:                                  # the package's defaults changed since
        raise SystemExit(f"{out}: variant {a.variant!r} was made when the defaults were {runs.get('made_with')}, now "
                         f"{made_with}: use another --variant or --out")
    for s in a.seeds:
        if str(s) in runs['runs']: continue
        runs['runs'][str(s)] = r = fit_once(s, shlex.split(a.fit_args), a.steps)
        atomic_write(out, lambda p: Path(p).write_text(json.dumps(res, indent=1)))
        print(a.variant, s, {k: v for k, v in r.items() if k not in ('cases', 'validation')}, flush=True)
