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
Usage: python scripts/morpho_regimes.py [--targets fox cat] [--regimes single multi stratified] [--seeds 0] [...]
(every option is a field of nca_nb.morpho_learn.RegimesConfig; --help lists them with their defaults)
The committed results are made by the calls in COMMITTED_CALLS below, in order (the first call for a target
whose truth changed drops that target's old results).
(runs of one target and regime can go in parallel processes with their own --out; a last run of the
whole set then finds them finished, evaluates and writes the committed files.)
One command runs them all in that order: python scripts/morpho_regimes.py --all [--no-progress] [--threads N] [--out F]
(the options after --all are added to every call)."""  # noqa: E501
import argparse, shlex, subprocess, sys
from pathlib import Path
from nca_nb.cli import config_options, config_values
from nca_nb.core import data_dir
from nca_nb.morpho_learn import RegimesConfig, run_regimes

ROOT = Path(__file__).resolve().parent.parent

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
    (f'--targets fox cat --regimes multi {PAPER} --loss-on all --tag _full_all --seeds 0 1', 'the same, multi-step'),
]

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

def parser() -> argparse.ArgumentParser:
    "The options: one per field of `RegimesConfig`, checkpoints under runs/morpho_learn/ of the clone by default."
    plan = '\n'.join(f"  {args}" + (f"   # {why}" if why else '') for args, why in COMMITTED_CALLS)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='the committed calls (COMMITTED_CALLS), in order:\n' + plan)
    # lr_drop stays as committed: a finished learner's reuse does not compare it
    defaults = {'runs': str(ROOT / 'runs' / 'morpho_learn'), 'out': str(data_dir() / 'morpho_learn_results.json')}
    config_options(ap, RegimesConfig, skip=('lr_drop',), defaults=defaults)
    return ap

if __name__ == '__main__':
    if '--all' in sys.argv[1:]: sys.exit(run_all([x for x in sys.argv[1:] if x != '--all']))
    try: run_regimes(config_values(parser().parse_args(), RegimesConfig))
    except (ValueError, FileNotFoundError) as e:
        print(f'morpho_regimes.py: error: {e}', file=sys.stderr); sys.exit(2)
