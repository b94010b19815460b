"""Ship the latest Growing NCA checkpoints (fox, cat) into the package and the repository.

For each target with a run folder (default runs/growing-{fox,cat}, written by `nca-nb train-growing`):
- checkpoints/growing-{t}/: checkpoint.safetensors (weights, Adam state, RNG, config, loss log; no pool),
  model.safetensors and loss.csv — small files, committed so a later session can resume from git with
  `nca-nb train-growing --target t --iters 8000 --out checkpoints/growing-t` (the pool is then re-seeded);
- nca_nb/data/growing_{t}.safetensors: the model with its training info (iterations, final loss, config);
- nca_nb/data/growing_{t}_loss.csv: the loss curve (iteration, loss);
- nca_nb/data/growing_metrics.json: `evaluate_growing` on the shipped model (seed 0), per target.
--iteration N ships the checkpoint the run kept at iteration N (RUN/kept/, see scripts/select_growing.py)
instead of the latest. The checkpoint is copied first (one atomic file), and everything else is derived from that copy, so a
training process writing at the same time cannot make the shipped files disagree."""  # noqa: E501
import argparse, json, shutil
import torch
from pathlib import Path
from nca_nb.core import save_model, atomic_write, write_csv, data_dir
from nca_nb.loop import read_checkpoint
from nca_nb.morpho import EMOJI, load_growing, evaluate_growing
from nca_nb.growing import kept_checkpoints, write_run_files

ROOT = Path(__file__).resolve().parent.parent

def ship(t: str, run: Path, ckdir: Path, data: Path, seed: int, package: bool = True,
         iteration: int | None = None) -> dict:
    ("Copy the run's checkpoint (or the one kept at `iteration`) into `ckdir` with its model and loss curve; with "
        "`package`, also into the package; the metrics.")
    src, dst = (
        run / 'checkpoint.safetensors' if iteration is None else kept_checkpoints(run)[iteration],
        ckdir / 'checkpoint.safetensors',
    )
    if src.resolve() != dst.resolve(): atomic_write(dst, lambda p: shutil.copyfile(src, p))
    ck = read_checkpoint(dst)
    model = write_run_files(ckdir, ck)                     # model.safetensors and loss.csv, as in a run folder
    model.info.pop('loss_log')
    if package:
        save_model(model, data / f'growing_{t}.safetensors', **model.info)
        write_csv(data / f'growing_{t}_loss.csv', ['iteration', 'loss'],
                  [(i, f'{l:.6g}') for i, l in enumerate(ck['losses'])])
    m = evaluate_growing(load_growing(t) if package else model, t, seed=seed)
    print(f"{t}: {ck['iteration']} iterations, final loss {model.info['final_loss']:.5f}, "
          f"grow@200 {m['grow_mse_200']:.5f}, persist max {m['persist_mse_max']:.5f}, regen@200 "
          f"{m['regen_mse_200']:.5f} "
          f"(steps to <=0.01: {m['regen_steps']}), accept "
          f"{m['accept']}{'' if package else ' (checkpoints only; the package keeps its model)'}", flush=True)
    return m

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--runs', default=str(ROOT / 'runs'),
                   help='folder holding growing-fox/ and growing-cat/ (default runs/)')
    p.add_argument('--targets', nargs='*', default=sorted(EMOJI))
    p.add_argument('--seed', type=int, default=0, help='seed of the evaluation (default 0)')
    p.add_argument('--checkpoints-only', action='store_true',
                   help='update checkpoints/ (to resume from git) but leave the shipped models alone, e.g. while '
                        'learners trained '
                        'on them (scripts/morpho_regimes.py) are not yet retrained')
    p.add_argument('--iteration', type=int, default=None,
                   help='ship the checkpoint kept at this iteration (one target only)')
    a = p.parse_args()
    if a.iteration is not None and len(a.targets) != 1: p.error('--iteration needs exactly one --targets')
    torch.set_num_threads(1)  # as the notebook that recomputes these metrics
    data = data_dir(); mfile = data / 'growing_metrics.json'
    metrics = json.loads(mfile.read_text()) if mfile.exists() else {}
    for t in a.targets:
        run = Path(a.runs) / f'growing-{t}'
        if not (run / 'checkpoint.safetensors').exists(): print(f'{t}: no checkpoint in {run}, skipped'); continue
        if a.iteration is not None and a.iteration not in kept_checkpoints(run):
            p.error(f'{run}/kept has no checkpoint at iteration {a.iteration} (kept: {sorted(kept_checkpoints(run))})')
        m = ship(t, run, ROOT / 'checkpoints' / f'growing-{t}', data, a.seed, package=not a.checkpoints_only,
                 iteration=a.iteration)
        if a.checkpoints_only: continue
        metrics[t] = m
        atomic_write(mfile, lambda q: Path(q).write_text(json.dumps(metrics, indent=1) + '\n'))

if __name__ == '__main__': main()
