"""Choose which kept checkpoint of a Growing NCA run to ship, by the acceptance metrics rather than the loss.

The acceptance metrics (`evaluate_growing`: MSE at step 200, the worst MSE of steps 100..1000, regeneration
after the standard damage) move from checkpoint to checkpoint by more than the training loss does, so the
last checkpoint is not always the best. This evaluates every checkpoint a run kept (`nca-nb train-growing
--keep-every N` writes them to RUN/kept/) from --start on, once per selection seed, and chooses among
those up to --end (the checkpoints there were when the choice was made; later ones are evaluated and
recorded, not chosen) by the rule of `nca_nb.growing.choose_checkpoint` (nbs/06a_growing, tested there): among
the checkpoints that pass all three tests for every selection seed, the one whose worst persistence MSE
(over those seeds) is lowest. The chosen one is then evaluated on held-out seeds, which
played no part in the choice. Everything goes to results/growing_selection/{target}.json (evaluations
already there for the same seeds are reused, so a growing run can be re-scored cheaply). Ship the choice
with `python scripts/ship_growing.py --targets T --iteration N`.
Usage: python scripts/select_growing.py --target fox [--run runs/growing-fox] [--start 2000] [--end 2275]
                                        [--seeds 0 1 2] [--heldout 3 4 5 6 7 8 9]"""
import argparse, json
from pathlib import Path
import torch
from nca_nb.core import atomic_write
from nca_nb.morpho import EMOJI, evaluate_growing
from nca_nb.growing import kept_checkpoints, model_from_checkpoint, choose_checkpoint

ROOT = Path(__file__).resolve().parent.parent
KEYS = ('grow_mse_200', 'persist_mse_max', 'regen_mse_200', 'regen_steps')

def scores(model, target, seeds) -> dict:
    "The acceptance metrics of `model` for each seed (lists in seed order) and whether every seed passes."
    ms = [evaluate_growing(model, target, seed=s) for s in seeds]
    row = {k: [m[k] if k == 'regen_steps' else round(m[k], 6) for m in ms] for k in KEYS}
    row['passes'] = [all(m['accept'].values()) for m in ms]
    return row

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--target', choices=sorted(EMOJI), required=True)
    p.add_argument('--run', default=None, help='run folder (default runs/growing-TARGET)')
    p.add_argument('--start', type=int, default=0, help='first iteration considered')
    p.add_argument('--end', type=int, default=None,
                   help='last iteration the choice may fall on (default: the last kept)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='selection seeds')
    p.add_argument('--heldout', type=int, nargs='+', default=[3, 4, 5, 6, 7, 8, 9],
                   help='seeds for checking the choice')
    p.add_argument('--out', default=None, help='default results/growing_selection/TARGET.json')
    a = p.parse_args()
    torch.set_num_threads(1)
    run = Path(a.run or ROOT / 'runs' / f'growing-{a.target}')
    out = Path(a.out or ROOT / 'results' / 'growing_selection' / f'{a.target}.json')
    out.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(out.read_text()) if out.exists() else {}
    rows = {int(k): v for k, v in old.get('rows', {}).items()} if old.get('seeds') == a.seeds else {}
    kept = {it: f for it, f in kept_checkpoints(run).items() if it >= a.start}
    if not kept: raise SystemExit(f'{run}/kept holds no checkpoint from iteration {a.start} on (train with '
                                  f'--keep-every N)')
    for it, f in kept.items():
        if it in rows: continue
        rows[it] = scores(model_from_checkpoint(f), a.target, a.seeds)
        print(it, json.dumps(rows[it]), flush=True)
    best = choose_checkpoint(rows, a.end)
    heldout = scores(model_from_checkpoint(kept[best]), a.target, a.heldout) if best is not None else None
    res = dict(target=a.target, run=str(run.relative_to(ROOT) if run.is_relative_to(ROOT) else run), seeds=a.seeds,
               rule='among checkpoints passing all three acceptance tests for every selection seed, the lowest worst '
                    'persistence MSE',
               rows={str(k): rows[k] for k in sorted(rows)}, end=a.end, chosen=best, heldout_seeds=a.heldout,
               heldout=heldout)
    atomic_write(out, lambda q: Path(q).write_text(json.dumps(res, indent=1) + '\n'))
    n_ok = sum(all(r['passes']) for r in rows.values())
    print(f'{a.target}: {n_ok} of {len(rows)} checkpoints pass for seeds {a.seeds}; chosen (up to '
          f'{a.end or max(rows)}): {best}' +
          (f"; held-out seeds {a.heldout}: {sum(heldout['passes'])} of {len(a.heldout)} pass, "
           f"worst persistence {max(heldout['persist_mse_max']):.5f}" if heldout else '') + f' -> {out}')

if __name__ == '__main__': main()
