"""Paper §2: learn the morphogenesis system (the shipped Growing NCAs of the fox and the cat) from its runs
with the single-step, multi-step and stratified multi-step regimes, under the same budget: from the RGBA
frames only (ours, --protocol observed) or from the full recorded state (the paper's, --protocol full); and
evaluate each learner against the ground truth (growth, stable, regeneration, target).

Resumable: every training run checkpoints into --runs (default runs/morpho_learn/), in a folder named after
the ground truth it learns from (e.g. fox-6f4bf89752865426/, the truth's weights fingerprint), and continues
from there when rerun; finished runs are not retrained. A re-shipped truth has a new folder, so learners of
an older truth are never reused for it. Writes, for nbs/14a_morpho_experiment.ipynb and its tests:
  nca_nb/data/learned_{target}_{regime}.safetensors   (seed --ship-seed; tens of KB each; variants with --ship-variant: learned_{target}_{regime}{tag};
                                                      morpho_learn.SHIPPED_NAMES renames two: stratified_full_all -> stratified, stratified -> stratified_observed)
  nca_nb/data/morpho_learn_results.json               (budget, data, per target/regime/seed metrics, loss curves)
Usage: python scripts/morpho_regimes.py [--targets fox cat] [--regimes single multi stratified] [--seeds 0]
                                       [--iters 800] [--n-max 48] [--seed-share 0.5] [--link-regen] [--no-hidden-cache] [--threads 1]
The committed results are made by the calls in COMMITTED_CALLS below, in order (the first call for a target
whose truth changed drops that target's old results).
(runs of one target and regime can go in parallel processes with their own --out; a last run of the
whole set then finds them finished, evaluates and writes the committed files.)
One command runs them all in that order: python scripts/morpho_regimes.py --all [--quiet] [--threads N] [--out F]
(the options after --all are added to every call)."""  # noqa: E501
import argparse, json, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np, torch
from nca_nb.core import save_model, load_model, atomic_write, data_dir
from nca_nb.train import fit, make_strata, data_fingerprint
from nca_nb.morpho import load_growing
from nca_nb.morpho_learn import (
    learner_model,
    morpho_training_data,
    regime_data,
    regen_links,
    evaluate_learned,
    weights_fingerprint,
    learner_path,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = data_dir()

PAPER = '--protocol full --n-min 64 --n-max 95 --iters 2000 --runs checkpoints/morpho_learn'
"The paper's protocol: segments start from the truth's recorded 16 channels, its horizons 64..95."
COMMITTED_CALLS = [  # (arguments, what the call adds): the calls that made the committed results, in order
    ('--targets cat --regimes single --seeds 0 1 --seed-share 0.5', 'ours; seed_share: multi-step regimes only'),
    ('--targets cat --regimes multi --seed-share 0.5', ''),
    ('--targets cat --regimes stratified --seeds 0 1 2 --seed-share 0.5', ''),
    ('--targets fox --regimes single multi --seed-share 0.5', ''),
    ('--targets fox --regimes stratified --seeds 0 1 --seed-share 0.5', ''),
    ('--targets cat --regimes multi --tag _noshare', 'no growth segment placed at the seed'),
    ('--targets cat --regimes stratified --seeds 0 1 2 --tag _noshare', ''),
    ('--targets fox --regimes multi --tag _noshare', ''),
    ('--targets fox --regimes stratified --seeds 0 1 --tag _noshare', ''),
    ('--targets fox --regimes multi stratified --n-max 16 --tag _n16', 'shorter horizon (no seed share)'),
    ('--targets fox --regimes stratified --iters 1600 --tag _i1600', 'twice the budget (no seed share)'),
    ('--targets cat --regimes stratified --no-hidden-cache --tag _nocache', 'no hidden-state cache (no seed share)'),
    ('--targets fox cat --regimes stratified --iters 1600 --seed-share 0.5 --tag _i1600_share --ship-variant',
     'twice the budget, with the seed share (shipped)'),
    ('--targets fox cat --regimes stratified --iters 1600 --seed-share 0.5 --link-regen --tag _i1600_link',
     "regeneration runs linked to the learner's own state"),
    ('--targets fox --regimes stratified --iters 1600 --seed-share 0.5 --data-seeds 0 1 2 3 --tag _i1600_d4 '
     '--ship-variant', 'four runs and four wounds (shipped)'),
    (f'--targets fox cat --regimes stratified {PAPER} --tag _full --ship-variant', "paper's protocol, loss on RGBA"),
    (f'--targets fox cat --regimes single {PAPER} --tag _full', ''),
    (f'--targets fox cat --regimes stratified {PAPER} --loss-on all --tag _full_all --seeds 0 1 2 --ship-variant',
     "paper's protocol, loss on all 16 channels, three seeds (shipped as learned_{target}_stratified)"),
    (f'--targets fox cat --regimes single {PAPER} --loss-on all --tag _full_all --seeds 0 1', 'the same, single-step'),
    (f'--targets fox cat --regimes multi {PAPER} --loss-on all --tag _full_all', 'the same, multi-step'),
]

def wanted_settings(regime, seed, a, data=None) -> dict:
    ("The training settings of one learner under the arguments `a` (and its training data's fingerprint), as `fit` "
        "records them in the model's info.")
    full = a.protocol == 'full'
    w = dict(regime=regime, iters=a.iters, batch=a.batch, n_min=a.n_min, n_max=a.n_max, lr=a.lr,
             hidden_cache=not (a.no_hidden_cache or full),
             seed_share=0. if regime == 'single' else a.seed_share, seed=seed,
             linked=bool(a.link_regen and regime == 'stratified'),
             protocol=a.protocol, loss_on=a.loss_on)
    if data is not None: w['data_fingerprint'] = data_fingerprint(make_strata(regime_data(data, regime))[0])
    return w

def settings_clash(info: dict, wanted: dict) -> dict:
    "Settings (recorded, wanted) on which a finished model's info differs from `wanted`; empty if none."
    rec = {k: info.get(k) for k in wanted} | {'linked': bool(info.get('links')),
                                              'seed_share': info.get('seed_share') or 0.,   # older files: no share,
                                              'protocol': info.get('protocol', 'observed'),
                                              'loss_on': info.get('loss_on', 'visible')}   # the observed protocol
    # older files did not record their data
    if 'data_fingerprint' not in info: rec['data_fingerprint'] = wanted.get('data_fingerprint')
    return {k: (rec[k], v) for k, v in wanted.items() if rec[k] != v}

def train_one(target, regime, seed, data, truth, a):
    "Train (or resume, or load if finished with the same settings) one learner of `truth`; its model and loss curve."
    runs = Path(a.runs) / f'{target}-{weights_fingerprint(truth)}'; runs.mkdir(parents=True, exist_ok=True)
    done = runs / f'{target}_{regime}{a.tag}_s{seed}.safetensors'
    wanted = wanted_settings(regime, seed, a, data)
    if not done.exists():
        m = learner_model(seed)
        r = fit(m, regime_data(data, regime), regime=regime, iters=a.iters, batch=a.batch, n_min=a.n_min, n_max=a.n_max,
                lr=a.lr,
                protocol=a.protocol, loss_on=a.loss_on,
                lr_drop=(0.7, 0.1), hidden_cache=wanted['hidden_cache'], seed_share=wanted['seed_share'],
                links=regen_links(data) if wanted['linked'] else None, seed=seed,
                checkpoint=runs / f'{target}_{regime}{a.tag}_s{seed}.ckpt.safetensors',
                checkpoint_every=25, progress=not a.quiet)
        save_model(m, done, **r.info, losses=[round(l, 7) for l in r.losses])
    m = load_model(done)
    clash = settings_clash(m.info, wanted)
    if clash: sys.exit(f"{done}: this finished model was trained with other settings (recorded, now): {clash}; "
                       "use another --tag, or delete the file to retrain")
    return m, m.info['losses']

def committed_calls() -> list[list[str]]:
    "COMMITTED_CALLS as argument lists (without the script)."
    return [shlex.split(args) for args, _ in COMMITTED_CALLS]

def run_all(extra: list[str]) -> int:
    "Run every committed call in order, each with `extra` options added; stop at the first that fails."
    for args in committed_calls():
        print('$ python scripts/morpho_regimes.py', shlex.join(args + extra), flush=True)
        rc = subprocess.run([sys.executable, __file__, *args, *extra]).returncode
        if rc: return rc
    return 0

if __name__ == '__main__':
    if '--all' in sys.argv[1:]: sys.exit(run_all([x for x in sys.argv[1:] if x != '--all']))
    plan = '\n'.join(f"  {args}" + (f"   # {why}" if why else '') for args, why in COMMITTED_CALLS)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='the committed calls (COMMITTED_CALLS), in order:\n' + plan)
    ap.add_argument('--targets', nargs='+', default=['fox', 'cat'])
    ap.add_argument('--regimes', nargs='+', default=['single', 'multi', 'stratified'])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0], help='learner seeds (initial weights and sampling)')
    ap.add_argument('--data-seeds', type=int, nargs='+', default=[0, 1], help='ground-truth runs recorded for training')
    ap.add_argument('--iters', type=int, default=800); ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--n-min', type=int, default=1, help='shortest multi-step segment (observed frames; the paper: 64)')
    ap.add_argument('--n-max', type=int, default=48, help='longest multi-step segment (observed frames; the paper: 95)')
    ap.add_argument('--protocol', choices=['observed', 'full'], default='observed',
                    help="observed: segments start from RGBA, hidden channels inferred; full: from the truth's "
                         "recorded 16 channels (the paper's protocol)")
    ap.add_argument('--loss-on', choices=['visible', 'all'], default='visible',
                    help='channels of the loss (all: the full protocol only)')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--no-hidden-cache', action='store_true',
                    help='start every segment from init_state (hidden = 1 where alive), as a rollout from a frame does')
    ap.add_argument('--seed-share', type=float, default=0.,
                    help="share of growth segments that start at the seed (fit's seed_share; multi-step regimes only: "
                         "a one-frame segment from the seed is no rollout)")
    ap.add_argument('--link-regen', action='store_true',
                    help="stratified: each regeneration run starts from the learner's own cached hidden state of the "
                         "frame it was damaged at (fit's links)")
    ap.add_argument('--ship-variant', action='store_true',
                    help='ship this variant (--tag) too, as nca_nb/data/learned_{target}_{regime}{tag}.safetensors '
                         '(morpho_learn.learner_path)')
    ap.add_argument('--eval-seed', type=int, default=0); ap.add_argument('--ship-seed', type=int, default=0)
    ap.add_argument('--runs', default=str(ROOT / 'runs' / 'morpho_learn'))
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--tag', default='',
                    help='suffix for the results key and file names of a variant (e.g. _n48); variants are shipped '
                         'only with --ship-variant')
    ap.add_argument('--out', default=str(DATA / 'morpho_learn_results.json'),
                    help='results JSON (read, updated, rewritten)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    channels = 'all' if a.protocol == 'full' else 'visible'
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    for t in a.targets:   # every finished learner this call would reuse must match it, before anything is written
        truth = load_growing(t)
        runs_dir = Path(a.runs) / f'{t}-{weights_fingerprint(truth)}'
        data = None
        for regime in a.regimes:
            for s in a.seeds:
                done = runs_dir / f'{t}_{regime}{a.tag}_s{s}.safetensors'
                if done.exists():
                    data = data or morpho_training_data(t, seeds=a.data_seeds, model=truth, channels=channels)
                    if clash := settings_clash(load_model(done).info, wanted_settings(regime, s, a, data)):
                        sys.exit(f"{done}: this finished model was trained with other settings (recorded, now): "
                                 f"{clash}; use another --tag, or delete the file to retrain")
    res['budget' + a.tag] = dict(iters=a.iters, batch=a.batch, n_min=a.n_min, n_max=a.n_max, protocol=a.protocol,
                                 loss_on=a.loss_on, lr=a.lr, lr_drop=[0.7, 0.1],
                                 hidden_cache=not (a.no_hidden_cache or a.protocol == 'full'), seed_share=a.seed_share,
                         # the learner seeds that ran are the keys under results
                         eval_seed=a.eval_seed, threads=a.threads,
                         note='same iterations and batch per regime; a multi-step iteration costs about n single-step '
                              'ones'
                              + ('; seed_share in the multi-step regimes only' if a.seed_share else ''))
    if a.link_regen: res['budget' + a.tag]['link_regen'] = True   # only when used
    res.setdefault('results', {})
    for t in a.targets:
        truth = load_growing(t)
        t0 = time.time()
        data = morpho_training_data(t, seeds=a.data_seeds, model=truth, channels=channels)
        if res.get('data', {}).get(t, {}).get('truth_fingerprint') not in (None, weights_fingerprint(truth)):
            # results of learners of an older truth (any regime or variant) are dropped, not mixed in
            res['results'].pop(t, None)
        # a variant on other data records them beside the main data
        data_key = 'data' if a.data_seeds == ap.get_default('data_seeds') else 'data' + a.tag
        res.setdefault(data_key, {})[t] = dict(truth_iterations=truth.info.get('iterations'),
                                               truth_fingerprint=weights_fingerprint(truth),
                                             trajectories={k: dict(frames=len(v), phases=v.phases,
                                                                   params=v.params) for k, v in data.items()})
        for regime in a.regimes:
            for s in a.seeds:
                t1 = time.time()
                m, losses = train_one(t, regime, s, data, truth, a)
                key = regime + a.tag
                metrics = evaluate_learned(m, t, seed=a.eval_seed, truth=truth)
                step = max(1, len(losses) // 200)
                res['results'].setdefault(t, {}).setdefault(key, {})[str(s)] = dict(
                    metrics=metrics, final_loss=float(np.mean(losses[-max(1, len(losses) // 10):])),
                    loss_curve=losses[::step],
                    loss_curve_every=step, seconds=round(time.time() - t1, 1),
                    # seconds: this call (training, or only evaluating a finished run)
                    train_seconds=m.info.get('seconds'))
                if s == a.ship_seed and (not a.tag or a.ship_variant):
                    info = {k: v for k, v in m.info.items() if k != 'losses'}
                    info.update(target=t, truth_fingerprint=weights_fingerprint(truth),
                                made_by='scripts/morpho_regimes.py')
                    save_model(m, learner_path(t, key), **info)
                atomic_write(out, lambda p: Path(p).write_text(json.dumps(res, indent=1)))
                print(f"{t} {key} seed {s}: " + ', '.join(f'{k} {v:.4f}' for k,
                                                          v in metrics.items()) + f" ({time.time() - t1:.0f} s)",
                                                          flush=True)
