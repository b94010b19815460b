"""Build the wheel and sdist, install the wheel into a fresh venv in a temporary folder, use it from outside the clone.

From there it runs README.md's Python example (its printed output must equal the block README shows under it),
`nca-nb simulate morpho --target cat`, a short `nca-nb fit` on frames written by `nca-nb simulate`, and
`nca-nb export-web` of that model.

Checks that every file git tracks under nca_nb/ (code, nca_nb/data/*, nca_nb/web/*) is in the wheel and the sdist, that
`import nca_nb` in the fresh venv comes from the installed wheel (not the clone), and prints the sizes and how long each
stage took. Exit status 1 on any failure.

torch is not installed again: the fresh venv sees this Python's torch (and only torch) through a .pth file that names a
folder of links to it, and pip is held to that version by a constraint, so it never downloads a (CUDA) torch. Every
other dependency is resolved by pip from the wheel's own metadata, as a user's `pip install` would.
`--wheel PATH` tests a wheel built elsewhere (skipping the build)."""
import argparse, importlib.metadata as md, json, os, re, shutil, subprocess, sys, tempfile, time, zipfile, tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T0 = time.perf_counter()

class Failed(Exception): pass

def say(msg: str): print(f'wheel-test [{time.perf_counter() - T0:5.1f} s] {msg}', flush=True)

def run(cmd, cwd, env=None, timeout=900) -> str:
    "Run `cmd`; its stdout+stderr, or `Failed` with their tail."
    cmd = [str(c) for c in cmd]
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise Failed(f"`{' '.join(cmd)}` exited with {p.returncode}:\n" + '\n'.join(p.stdout.splitlines()[-25:]))
    return p.stdout

def tracked_package_files() -> list[str]:
    "Files git tracks under nca_nb/ (what must ship), or, without git, those on disk (no caches)."
    git = ['git', 'ls-files', 'nca_nb']
    try: out = subprocess.run(git, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError): out = ''
    on_disk = (p for p in (ROOT / 'nca_nb').rglob('*') if p.is_file() and '__pycache__' not in p.parts)
    return sorted(out.split()) or sorted(str(p.relative_to(ROOT)) for p in on_disk)

def build(dist: Path) -> tuple[Path, Path]:
    "sdist, then the wheel from the sdist (python -m build), with this venv's setuptools: no download."
    run([sys.executable, '-m', 'build', '--no-isolation', '--outdir', dist, ROOT], cwd=ROOT)
    whl, sdist = sorted(dist.glob('*.whl')), sorted(dist.glob('*.tar.gz'))
    if len(whl) != 1 or len(sdist) != 1:
        raise Failed(f'expected one wheel and one sdist in {dist}, found {[p.name for p in dist.iterdir()]}')
    return whl[0], sdist[0]

def check_contents(whl: Path, sdist: Path | None):
    "Every tracked file under nca_nb/ is in the wheel (and the sdist); the wheel holds no caches."
    want = tracked_package_files()
    names = set(zipfile.ZipFile(whl).namelist())
    missing = [f for f in want if f not in names]
    if missing: raise Failed(f'{whl.name} lacks {len(missing)} of the {len(want)} files under nca_nb/: {missing[:10]}')
    junk = [n for n in names if '__pycache__' in n or n.endswith('.pyc')]
    if junk: raise Failed(f'{whl.name} holds caches: {junk[:5]}')
    data = sum(n.startswith(('nca_nb/data/', 'nca_nb/web/')) for n in names)
    say(f'{whl.name}: {len(names)} files, all {len(want)} tracked files under nca_nb/ '
        f'({data} of them in nca_nb/data/ and nca_nb/web/)')
    if sdist is not None:
        with tarfile.open(sdist) as t: snames = {n.split('/', 1)[1] for n in t.getnames() if '/' in n}
        missing = [f for f in want + ['pyproject.toml', 'README.md', 'LICENSE'] if f not in snames]
        if missing: raise Failed(f'{sdist.name} lacks {missing[:10]}')

def torch_links(folder: Path) -> str:
    "A folder of links to this Python's torch distribution (its top-level entries and dist-info); torch's version."
    d = md.distribution('torch')
    if d.files is None:
        raise Failed("this Python's torch lists no files (not installed by pip?): it cannot be linked into a venv")
    if cuda := [r for r in d.requires or [] if r.lower().startswith('nvidia')]:   # a CUDA build: pip would fetch GBs
        raise Failed(f"this torch ({d.version}) is a CUDA build that needs {len(cuda)} nvidia-* packages, which pip "
                     "would download into the fresh venv; run this test with a CPU torch (see README, Installing)")
    top = {Path(str(f)).parts[0] for f in d.files if not str(f).startswith('..')}
    site = Path(d.locate_file(''))
    folder.mkdir()
    for t in sorted(top): (folder / t).symlink_to(site / t)
    return d.version

def fresh_venv(tmp: Path, whl: Path) -> Path:
    "A venv without system site-packages, this torch linked in, the wheel installed by pip; its bin/ folder."
    venv = tmp / 'venv'
    base = getattr(sys, '_base_executable', sys.executable)
    run([base, '-m', 'venv', venv], cwd=tmp)
    py = venv / 'bin' / 'python'
    site = Path(run([py, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], cwd=tmp).strip())
    version = torch_links(tmp / 'torch-only')
    (site / 'reuse_torch.pth').write_text(str(tmp / 'torch-only') + '\n')
    (tmp / 'constraints.txt').write_text(f'torch=={version}\n')
    say(f'fresh venv {venv}, torch {version} linked from {Path(md.distribution("torch").locate_file(""))}; '
        f'pip install {whl.name} ...')
    out = run([py, '-m', 'pip', 'install', '--disable-pip-version-check', '-c', tmp / 'constraints.txt', whl], cwd=tmp)
    added = re.search(r'Successfully installed (.*)', out)
    say(f'installed: {added[1] if added else "(pip printed no list)"}')
    return venv / 'bin'

def readme_blocks() -> list[tuple[str, str | None]]:
    "README.md's ```python blocks, each with the plain ``` block right after it (its shown output), if any."
    text = (ROOT / 'README.md').read_text()
    blocks = re.findall(r'^```(\w*)\n(.*?)^```\s*$', text, flags=re.M | re.S)
    out = []
    for i, (lang, code) in enumerate(blocks):
        if lang == 'python':
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((code, nxt[1] if nxt is not None and nxt[0] == '' else None))
    if not out: raise Failed('README.md has no ```python block')
    return out

DRIVER = '''import contextlib, io, json, sys
blocks, ns, outs = json.load(open(sys.argv[1])), {'__name__': '__main__'}, []
for b in blocks:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf): exec(compile(b, 'README.md', 'exec'), ns)
    outs.append(buf.getvalue())
import nca_nb
json.dump(dict(outputs=outs, nca_nb=nca_nb.__file__), open(sys.argv[2], 'w'))
'''

def use_it(bin: Path, work: Path, env: dict):
    "The README example and the commands, from `work` (outside the clone)."
    py, nca = bin / 'python', bin / 'nca-nb'
    blocks = readme_blocks()
    (work / 'blocks.json').write_text(json.dumps([c for c, _ in blocks]))
    (work / 'driver.py').write_text(DRIVER)
    run([py, 'driver.py', 'blocks.json', 'result.json'], cwd=work, env=env)
    res = json.loads((work / 'result.json').read_text())
    if not Path(res['nca_nb']).resolve().is_relative_to(bin.parent.resolve()):
        raise Failed(f'import nca_nb came from {res["nca_nb"]}, not from the fresh venv {bin.parent}')
    for (code, shown), got in zip(blocks, res['outputs']):
        if shown is not None and got.strip() != shown.strip():
            raise Failed(f'README example printed {got.strip()!r}, README shows {shown.strip()!r}')
    say(f'README: {len(blocks)} python block(s) ran, output as README shows; nca_nb imported from {res["nca_nb"]}')
    run([nca, 'simulate', 'morpho', '--target', 'cat', '--out', 'cat.gif'], cwd=work, env=env)
    run([nca, 'simulate', 'life', '--pattern', 'soup', '--size', '16', '--steps', '8', '--out', 'soup.gif'], work, env)
    run([nca, 'fit', 'soup.gif', '--out', 'm.safetensors', '--iters', '5', '--quiet'], cwd=work, env=env)
    run([nca, 'export-web', 'm.safetensors', '--out', 'm.html'], cwd=work, env=env)
    for f, least in (('cat.gif', 10_000), ('soup.gif', 100), ('m.safetensors', 1_000), ('m.html', 10_000)):
        n = (work / f).stat().st_size if (work / f).exists() else 0
        if n < least: raise Failed(f'{f}: {n} bytes, expected at least {least}')
    engine = (ROOT / 'nca_nb' / 'web' / 'nca.js').read_text(encoding='utf-8').strip()
    if engine not in (work / 'm.html').read_text(encoding='utf-8'):
        raise Failed('m.html does not embed nca_nb/web/nca.js')
    say('nca-nb simulate morpho --target cat, simulate life, fit (5 iterations), export-web: ok, from ' + str(work))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--wheel', type=Path, help='test this wheel instead of building one')
    p.add_argument('--keep', action='store_true', help='keep the temporary folder (its path is printed)')
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix='nca-nb-wheel-'))
    try:
        if a.wheel: whl, sdist = a.wheel.resolve(), None
        else:
            say('building the sdist and the wheel (python -m build --no-isolation) ...')
            whl, sdist = build(tmp / 'dist')
        mb = lambda p: f'{p.stat().st_size / 1e6:.2f} MB'
        sizes = f'wheel {mb(whl)}' + (f', sdist {mb(sdist)}' if sdist else '')
        say(f'{whl.name}: {sizes}')
        check_contents(whl, sdist)
        bin = fresh_venv(tmp, whl)
        work = tmp / 'elsewhere'; work.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV', 'PYTHONHOME')}
        env.update(PATH=f"{bin}{os.pathsep}{env.get('PATH', '')}", MPLBACKEND='Agg',
                   OMP_NUM_THREADS=env.get('OMP_NUM_THREADS', '1'))
        use_it(bin, work, env)
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f'wheel-test: FAILED: {e}', file=sys.stderr, flush=True); return 1
    finally:
        t_done = time.perf_counter()
        if a.keep: print(f'wheel-test: kept {tmp}')
        else:
            say(f'removing {tmp} ...')                 # a venv's many files: slow on some file systems
            shutil.rmtree(tmp, ignore_errors=True)
    say(f'passed ({sizes}) in {t_done - T0:.0f} s; removing the temporary folder: {time.perf_counter() - t_done:.0f} s')
    return 0

if __name__ == '__main__': sys.exit(main())
