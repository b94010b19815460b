"""Channel-count ablation of the Growing NCA (paper Figure 5): train one fox model per channel count
(4, 6, 8, 12, 16, 32) with `nca_nb.growing.train_growing` under the same budget, evaluate each (MSE to the
target at every step of a 300-step growth from the seed), and write the results into a folder
(default results/channel_ablation/):

  chNN/checkpoint.safetensors, model.safetensors, loss.csv   the run (resumable; pool-*.npy is not committed)
  chNN/mse.csv, final.npy, eval.json                          the evaluation
  results.json, results.csv                                   the table (budget, one row per channel count)

Rerunning resumes every run from its checkpoint and skips evaluations whose model has not changed; a
folder made with another budget is refused (every budget setting is stored in the checkpoints).
The default budget is the shipped models' full one: 8,000 iterations of the original configuration.
The committed results/channel_ablation/ was made with the original configuration and a reduced number
of iterations (its results.json `note` says why), as two processes sharing the channel counts:
  python scripts/channel_ablation.py --iters 300 --channels 16 8 32 --threads 1 --no-progress --note "..."
  python scripts/channel_ablation.py --iters 300 --channels 12 6 --threads 1 --no-progress --note "..."
then, once both had ended, the table of all of them (training done, evaluations reused):
  python scripts/channel_ablation.py --iters 300 --channels 4 6 8 12 16 32 --threads 1 --no-progress --note "..."
(two processes must not be given the same channel count; each rewrites the table with the rows it knows).
A later, longer run continues these: `--iters N` with a larger N resumes every model.
See nbs/11_hidden.ipynb (`channel_ablation`, `channel_ablation_main`)."""
import sys
from pathlib import Path
from nca_nb.hidden import channel_ablation_main

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    try: sys.exit(channel_ablation_main(sys.argv[1:], default_out=str(ROOT / 'results' / 'channel_ablation')))
    except (ValueError, FileNotFoundError) as e:
        print(f'channel_ablation.py: error: {e}', file=sys.stderr); sys.exit(2)
