"""Run every notebook in nbs/ as a test, one after another, and end with one line `N passed, N failed`.

Serial on purpose: on a 2-core machine two notebooks at once slow each other 3-10x (torch threads).
Also checks that README.md is in step with nbs/index.ipynb. Exit status 1 if anything failed."""
import argparse, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('notebooks', nargs='*', help='notebooks to run (default: all of nbs/*.ipynb)')
    p.add_argument('--flags', default='', help='space-separated flags of cells to run anyway, e.g. "slow"')
    p.add_argument('--save', action='store_true', help='write outputs back into the notebooks that pass')
    a = p.parse_args()
    # notebooks may call the package's console scripts (nca-nb): find them beside this Python, venv or not
    os.environ['PATH'] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', '')
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config(ROOT)
    skip = [f for f in str(cfg.tst_flags).split() if f not in a.flags.split()]
    files = [Path(f).resolve() for f in a.notebooks] or sorted(p for p in (ROOT / 'nbs').glob('*.ipynb')
                                                               if not p.name.startswith('_'))
    passed, failed = [], []
    for f in files:
        print(f'{f.name} ...', flush=True)
        ok, t = test_nb(f, skip_flags=skip, force_flags=a.flags.split(), basepath=ROOT, save=a.save)
        (passed if ok else failed).append(f.name)
        print(f'{"PASS" if ok else "FAIL"} {f.name} ({t:.1f} s)', flush=True)
    if not a.notebooks:
        r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'make_readme.py'), '--check'])
        (passed if r.returncode == 0 else failed).append('README.md in step with nbs/index.ipynb')
    if failed: print('failed: ' + ', '.join(failed))
    print(f'{len(passed)} passed, {len(failed)} failed')
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
