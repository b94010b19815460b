"""Life-like rules learned from frames: for each rule, regime and seed, fit an NCA to random soups of that rule,
read the rule it implements off all 512 neighbourhoods (`nca_nb.rule.recover_rule`), and test it on fresh soups
(continuous rollouts, no thresholding). Resumable: a (rule, regime, seed) already in the results file is skipped,
and the file is rewritten after every fit. Writes, for nbs/15_rule.ipynb and its fast tests:
  nca_nb/data/life_rules.json                       (budget, and per rule/regime/seed: rule read, margin, exactness, \
seconds)
  nca_nb/data/life_rule_{name}.safetensors          (beside the results file: the seed-0 model of each rule other than \
Conway's, `noisy` regime)
The committed results were made by:
  python scripts/life_rules.py --rules B36/S23 B2/S B3678/S34678 --seeds 0 1 2
  python scripts/life_rules.py --rules B3/S23 --regimes noisy single --seeds 0 1 2 3 4 5 6 7 8 9
  python scripts/life_rules.py --rules B3/S23 --regimes curriculum noisy_d0.2 noisy_d0.5 --seeds 0 1 2 3 4 5 6 7 8 9
  python scripts/life_rules.py --rules B36/S23 --seeds 0 1 2 --iters 12000 --tag _i12000 \
     # a longer budget for HighLife
A --tag keeps a variant's runs under the regime name plus the tag, with its own budget (budgets); only untagged runs \
ship models."""
import argparse, json, time
from pathlib import Path
import torch
from nca_nb.core import save_model, atomic_write, data_dir
from nca_nb.life import parse_rule, simulate_life, life_run
from nca_nb.train import fit
from nca_nb.demo import life_model, LIFE_DENSITIES
from nca_nb.rule import recover_rule, rollout_margin

DATA = data_dir()
NAMES = {'B3/S23': 'life', 'B36/S23': 'highlife', 'B2/S': 'seeds', 'B3678/S34678': 'day_and_night'}
REGIMES = {                                            # regime -> how it trains (single-step unless said otherwise)
    'noisy': dict(noise=0.15),                         # uniform noise of amplitude up to 0.15 on the start frames
    'single': dict(noise=0.),                          # clean start frames
    # single-step for half the iterations, then 1..4 frames
    'curriculum': dict(noise=0., regime='curriculum', n_max=4, switch_at=0.5),
    'noisy_d0.2': dict(noise=0.15, densities=(0.2,)),  # noisy, every training soup at density 0.2
    'noisy_d0.5': dict(noise=0.15, densities=(0.5,)),  # noisy, every training soup at density 0.5
}

def soups(rule, n, size, steps, seed0, densities=LIFE_DENSITIES):
    "`n` random soups of `rule` on a `size`² torus (densities cycling through `densities`), `steps` generations each."
    return [simulate_life('soup', size, rule=rule, steps=steps, seed=seed0 + i,
                          density=densities[i % len(densities)]) for i in range(n)]

def learn_rule(rule, regime, seed, a) -> tuple[dict, object]:
    "Fit one model to soups of `rule`; what it learned and how it does on fresh soups."
    t0 = time.time()
    model = life_model(seed=seed)
    spec = REGIMES[regime]
    data = soups(rule, 12, 32, 40, 1000, spec.get('densities', LIFE_DENSITIES))
    fit(model, data, regime=spec.get('regime', 'single'), n_max=spec.get('n_max', 8),
        switch_at=spec.get('switch_at', 0.5),
        iters=a.iters, batch=16, crop=24, lr=5e-3, lr_drop=(0.7, 0.1), noise=spec['noise'], seed=seed, progress=False)
    reading = recover_rule(model)
    test = torch.stack([tr.frames[0] for tr in soups(rule, 3, 64, 0, 5000)])
    states, margins = rollout_margin(model, test, a.steps)
    wrong = (states != life_run(test, a.steps, rule)[1:]).flatten(1).any(1).nonzero()
    return dict(rule_read=reading.rule, breaks=len(reading.breaks), table_margin=reading.margin,
                recovered=reading.rule == str(parse_rule(rule)),
                first_wrong_step=int(wrong[0]) + 1 if len(wrong) else None, rollout_margin_min=float(margins.min()),
                seconds=round(time.time() - t0, 1)), model

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rules', nargs='+', default=list(NAMES))
    ap.add_argument('--regimes', nargs='+', default=['noisy'], choices=list(REGIMES))
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--iters', type=int, default=4000, help='training iterations (batch 16, crops of 24)')
    ap.add_argument('--steps', type=int, default=300, help='test rollout length on three fresh 64x64 soups')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--tag', default='',
                    help='suffix of the regime names of a variant with another budget (e.g. _i12000)')
    ap.add_argument('--out', default=str(DATA / 'life_rules.json'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    budget = dict(iters=a.iters, batch=16, crop=24, lr=5e-3, lr_drop=[0.7, 0.1],
                  noise={k: REGIMES[k]['noise'] for k in a.regimes},
                  regimes={k: REGIMES[k] for k in a.regimes}, steps=a.steps, threads=a.threads,
                  train=f'12 soups, 32x32 torus, densities {LIFE_DENSITIES}, 40 generations each',
                  test='3 soups, 64x64 torus, seeds 5000-5002')
    saved = res.get('budget') if not a.tag else res.get('budgets', {}).get(a.tag)
    new = json.loads(json.dumps(budget))
    same = lambda b: {k: v for k, v in b.items() if k not in ('noise', 'regimes')}   # a new regime adds to these two
    clash = [r for r in a.regimes if r in (saved or {}).get('regimes', {}) and saved['regimes'][r] != new['regimes'][r]]
    if saved is not None and (same(saved) != same(new) or clash):
        raise SystemExit(f"{out}: {a.tag or 'the main runs'} made with another budget {saved}; use --tag or --out")
    if saved: new = new | dict(noise=saved['noise'] | new['noise'], regimes=saved.get('regimes', {}) | new['regimes'])
    if a.tag: res.setdefault('budgets', {})[a.tag] = new
    else: res['budget'] = new
    for rule in map(lambda r: str(parse_rule(r)), a.rules):
        for regime in a.regimes:
            for s in a.seeds:
                runs = res.setdefault('runs', {}).setdefault(rule, {}).setdefault(regime + a.tag, {})
                if str(s) in runs: continue
                runs[str(s)], model = learn_rule(rule, regime, s, a)
                if s == 0 and regime == 'noisy' and rule != 'B3/S23' and not a.tag:
                    save_model(model, out.parent / f'life_rule_{NAMES.get(rule, rule.replace("/", "_"))}.safetensors',
                               rule=rule, regime=regime, seed=s,
                               iters=a.iters, made_by='scripts/life_rules.py')
                atomic_write(out, lambda p: Path(p).write_text(json.dumps(res, indent=1)))
                print(rule, regime + a.tag, s, runs[str(s)], flush=True)
