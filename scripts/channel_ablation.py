"""Channel-count ablation of the Growing NCA (paper Figure 5): train one fox model per channel count
(4, 6, 8, 12, 16, 32) with `nca_nb.morpho.train_growing` under the same budget, evaluate each (MSE to the
target at every step of a 300-step growth from the seed), and write the results into a folder
(default results/channel_ablation/):

  chNN/checkpoint.safetensors, model.safetensors, loss.csv   the run (resumable; pool-*.npy is not committed)
  chNN/mse.csv, final.npy, eval.json                          the evaluation
  results.json, results.csv                                   the table (budget, one row per channel count)

Rerunning resumes every run from its checkpoint and skips evaluations whose model has not changed; a
folder made with another budget is refused (every budget setting is stored in the checkpoints).
The default budget is the shipped models' full one: 8,000 iterations of the original configuration.
results/channel_ablation_tiny/ holds a deliberately tiny run, made only to prove the pipeline (see its
results.json `note`; its numbers are not meaningful):
  python scripts/channel_ablation.py --out results/channel_ablation_tiny --iters 4 --batch 2 --pool 8 \
      --min-steps 16 --max-steps 24 --damage-n 0 --checkpoint-every 2 --threads 1 --no-progress --note "..."
See nbs/11_hidden.ipynb (`channel_ablation`, `channel_ablation_main`)."""
import sys
from pathlib import Path
from nca_nb.hidden import channel_ablation_main

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    try: sys.exit(channel_ablation_main(sys.argv[1:], default_out=str(ROOT / 'results' / 'channel_ablation')))
    except (ValueError, FileNotFoundError) as e:
        print(f'channel_ablation.py: error: {e}', file=sys.stderr); sys.exit(2)
