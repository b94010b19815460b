"""Continue the Growing NCA ground truths (fox and cat) on a lent GPU, both at once, inside a time
budget; then evaluate them. This is the prepared device script: one call of the `run` tool does it all.

What it does:
1. copies checkpoints/growing-{t}/checkpoint.safetensors (the committed state; no pool) into a work folder
   outside OUT (each pool file is 170 MB and must not come back);
2. runs `nca-nb train-growing --target t --iters ITERS --device DEVICE --max-minutes MINUTES` (under torchrun in
   --nproc processes, one GPU each, on a multi-GPU machine) for every
   target at the same time (one 8 × 72 × 72 batch leaves a GPU mostly idle, so two runs share it well),
   each stopping with a checkpoint when its minutes are spent or ITERS is reached;
3. copies each final checkpoint to OUT/growing-{t}/checkpoint.safetensors (about 190 KB), with the
   checkpoints kept every --keep-every iterations (OUT/growing-{t}/kept/, to choose from with
   scripts/select_growing.py; ~25 files per target at the defaults) and metrics.json, prints the tail of each training log, and evaluates each model with
   `evaluate_growing` on the CPU (seed 0), the figures of the acceptance test, into OUT/metrics.json.

On the device machine, which has torch but not fastcore or fastprogress, carried as wheels (prepare once
here: `python -m pip download --no-deps --only-binary=:all: -d .whl fastcore fastprogress==1.0.3`; `.whl/`
is git-ignored; fastprogress 1.1 imports python-fasthtml and its web stack, 1.0.3 needs nothing and has
the same `progress_bar`: checked here by importing nca_nb with only those two wheels in front), the `run`
tool's command, with carry [".whl"]:

    python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD \
        && PYTHONUNBUFFERED=1 python3 scripts/gpu_growing.py --out $OUT --minutes 7

Back here, with the files that came back in FOLDER (it holds growing-fox/ and growing-cat/):

    python scripts/ship_growing.py --runs FOLDER --checkpoints-only     # or without --checkpoints-only to ship them
    python scripts/select_growing.py --target T --run FOLDER/growing-T   # which kept checkpoint passes best, then
    python scripts/ship_growing.py --runs FOLDER --targets T --iteration N

On a CPU the same script runs with `--device cpu` (that is how it was tested: it has not yet run on a GPU).
A run resumed on another device continues the same training with another random stream (nbs/06a_growing).
"""  # noqa: E501
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from nca_nb.growing import FULL_TRAINING

ROOT = Path(__file__).resolve().parent.parent
TRAIN = 'from nca_nb.cli import console_main; console_main()'  # main(sys.argv[1:]), and under torchrun a clean exit


def train_all(targets, start: Path, work: Path, a) -> dict:
    "Start one training process per target, wait for all; the exit code of each."
    procs = {}
    script = work / 'train.py'; script.write_text(TRAIN)                  # once, before any process reads it
    for t in targets:
        run = work / f'growing-{t}'; run.mkdir(parents=True, exist_ok=True)
        src = start / f'growing-{t}' / 'checkpoint.safetensors'
        if src.exists(): shutil.copyfile(src, run / 'checkpoint.safetensors')
        else: print(f'{t}: no checkpoint in {src.parent}: training starts from scratch', flush=True)
        launch = [sys.executable, str(script)] if a.nproc == 1 else [sys.executable, '-m', 'torch.distributed.run',
                                                                     '--standalone', f'--nproc-per-node={a.nproc}',
                                                                     str(script)]
        cmd = [*launch, 'train-growing', '--target', t, '--iters', str(a.iters), '--out', str(run),
               '--device', a.device, '--max-minutes', str(a.minutes), '--checkpoint-every', str(a.checkpoint_every),
               '--threads', str(a.threads), '--keep-every', str(a.keep_every), '--no-progress']
        procs[t] = subprocess.Popen(cmd, stdout=open(work / f'{t}.log', 'w'), stderr=subprocess.STDOUT)
    return {t: p.wait() for t, p in procs.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', required=True,
                   help='folder for what comes back: growing-{t}/checkpoint.safetensors, metrics.json')
    p.add_argument('--minutes', type=float, default=7.,
                   help='training time of each run (they run at the same time; default 7)')
    p.add_argument('--iters', type=int, default=FULL_TRAINING,
                   help=f'stop earlier when this many iterations are done (default {FULL_TRAINING})')
    p.add_argument('--device', default='cuda')
    p.add_argument('--targets', nargs='+', default=['fox', 'cat'])
    p.add_argument('--start', default=str(ROOT / 'checkpoints'),
                   help='folder holding growing-{t}/checkpoint.safetensors to resume')
    p.add_argument('--checkpoint-every', type=int, default=250)
    p.add_argument('--keep-every', type=int, default=250, help='keep every Nth checkpoint (default 250)')
    p.add_argument('--threads', type=int, default=4, help='CPU threads of each training process (default 4)')
    p.add_argument('--nproc', type=int, default=1,
                   help='processes per target, data-parallel under torchrun, one GPU each (default 1)')
    p.add_argument('--no-eval', action='store_true',
                   help='skip the evaluation (ship_growing.py computes it here anyway)')
    a = p.parse_args(argv)
    import torch
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        print('gpu_growing.py: error: no CUDA device here (use --device cpu to try the script on a CPU)',
              file=sys.stderr)
        return 2
    print(json.dumps({'torch': torch.__version__,
                      'device': torch.cuda.get_device_name() if a.device.startswith('cuda') else 'cpu',
                      'cpus': os.cpu_count(), 'minutes': a.minutes, 'iters': a.iters}), flush=True)
    out, work = Path(a.out), Path(tempfile.mkdtemp(prefix='gpu-growing-'))
    t0 = time.perf_counter()
    codes = train_all(a.targets, Path(a.start), work, a)
    print(f'training: {time.perf_counter() - t0:.0f} s wall, exit codes {codes}', flush=True)
    from nca_nb.loop import read_checkpoint
    from nca_nb.morpho import evaluate_growing
    from nca_nb.growing import model_from_checkpoint
    metrics = {}
    for t in a.targets:
        log = (work / f'{t}.log').read_text().splitlines()
        print(f'--- {t}.log (last 12 of {len(log)} lines)\n' + '\n'.join(log[-12:]), flush=True)
        ck = work / f'growing-{t}' / 'checkpoint.safetensors'
        if not ck.exists(): continue
        (out / f'growing-{t}').mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ck, out / f'growing-{t}' / 'checkpoint.safetensors')
        if (ck.parent / 'kept').exists(): shutil.copytree(ck.parent / 'kept', out / f'growing-{t}' / 'kept',
                                                          dirs_exist_ok=True)
        metrics[t] = {'iteration': read_checkpoint(ck)['iteration']}
        if not a.no_eval:
            torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))
            metrics[t].update(evaluate_growing(model_from_checkpoint(ck), t, seed=0))
    (out / 'metrics.json').write_text(json.dumps(metrics, indent=1) + '\n')
    print(json.dumps({t: {k: m[k] for k in ('iteration', 'grow_mse_200', 'persist_mse_max', 'regen_mse_200',
                                            'accept') if k in m}
                      for t, m in metrics.items()}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(c == 0 for c in codes.values()) else 1


if __name__ == '__main__':
    sys.exit(main())
