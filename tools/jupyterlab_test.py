"""The viewers of nca_nb.widgets in a real front end: JupyterLab in headless Debian Chromium, driven by Playwright.

    .venv/bin/python tools/jupyterlab_test.py           # start JupyterLab, run a small notebook, drive its viewers
    .venv/bin/python tools/jupyterlab_test.py --break freeze   # the same, the pictures never change: must fail
    .venv/bin/python tools/jupyterlab_test.py --break stretch  # the same, the old layout: must fail

Writes a small notebook into a temporary folder (a FramePlayer over the shipped fox growing, a CompareViewer of
Life against the shipped learned Life model, and a DamageViewer over the fox, a few steps each so that a CPU runs
it in seconds), starts JupyterLab on 127.0.0.1 (a free port, a random token, its settings, workspaces and runtime
files in the temporary folder), opens the notebook in Chromium and runs all its cells. Then checks:
- each viewer's picture is shown at its pixel size (its box is the PNG's size), crisp (`image-rendering:
  pixelated`), fits the window, and has its step slider beside it (to its right, rows overlapping), both
  on screen at once;
- dragging each viewer's step slider with the mouse changes its picture (the <img> source and its pixels);
  the FramePlayer's Play button changes it too; in the DamageViewer, dragging the x, y and radius sliders
  changes it (the disc's outline), and pressing "damage & rerun" shows "computing…" on a disabled button,
  then changes the picture and gives the button back;
- nothing was requested from anywhere but the JupyterLab server (or data:/blob: URLs), and the browser console
  holds no error and no uncaught exception.
Screenshots go to _site/screenshots/ (git-ignored): jupyterlab.png (the window after the rerun, the
DamageViewer in view) and jupyterlab-<viewer>.png for each viewer.
`--break` shows that the checks can fail: `freeze` makes every PNG a viewer draws after the first of its size
that first one (the pictures never change: the slider, Play and button checks fail), `stretch` brings back the
old layout, unsized pictures in one column under their controls (the size and beside-the-slider checks fail).
Exit status 1 if any check fails.

The browser is the system's Chromium (`apt-get install -y chromium`), never one downloaded by Playwright;
set CHROMIUM to use another binary.
"""
import argparse, json, os, re, secrets, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools'))
from browser_test import CHROMIUM_ARGS, Checks  # noqa: E402

KERNEL = 'nca-nb-jupyterlab-test'
T0 = time.time()
STEPS = 48   # steps of each rollout: the fox grows visibly, and a busy CPU still runs them in seconds

CELLS = [
    """import torch
torch.set_num_threads(1); torch.set_grad_enabled(False)
from nca_nb.core import load_model, seed_state
from nca_nb.core import data_dir
from nca_nb.morpho import load_growing, grid_size
from nca_nb.life import simulate_life
import nca_nb.widgets as nw""",
    """if BREAK == 'freeze':    # every PNG after the first of its size is that first one: the pictures never change
    _png, _first = nw.png_bytes, {}
    nw.png_bytes = lambda rgb, scale=1: _first.setdefault((rgb.shape, scale), _png(rgb, scale))
if BREAK == 'stretch':   # the old layout: one column, the controls then the pictures, unsized
    nw.set_png = lambda image, rgb, scale=1: setattr(image, 'value', nw.png_bytes(rgb, scale))
    nw.viewer_box = lambda title, pictures, controls: nw.W.VBox([nw.W.HTML(title), *controls, *pictures]).add_class(
        'nca-viewer')""",
    f"""fox = load_growing('fox'); H = grid_size(fox)
x0 = seed_state(H, H, fox.channels, fox.n_visible)
player = nw.FramePlayer(fox.rollout(x0, {STEPS}, frames=True, seed=0), n_visible=4, title='FramePlayer: the fox')
player""",
    f"""truth = simulate_life('soup', size=32, steps={STEPS}, seed=1)
learned = load_model(data_dir() / 'life.safetensors').rollout(truth.frames[:1], {STEPS}, frames=True)[:, 0]
compare = nw.CompareViewer(truth, learned, title='CompareViewer: Life | learned Life | difference')
compare""",
    f"""live = nw.DamageViewer(fox, x0, steps={STEPS}, seed=0, title='DamageViewer: the fox')
live""",
]


def write_notebook(folder: Path, sabotage: str | None = None) -> Path:
    "The test notebook, with a kernel of this Python (so that it imports this checkout's nca_nb)."
    cells = [dict(cell_type='code', execution_count=None, id=f'cell{i}', metadata={}, outputs=[], source=s)
             for i, s in enumerate([f'BREAK = {sabotage!r}'] + CELLS)]
    ks = dict(name=KERNEL, display_name='nca_nb test', language='python')
    nb = dict(cells=cells, metadata=dict(kernelspec=ks), nbformat=4, nbformat_minor=5)
    path = folder / 'viewers.ipynb'
    path.write_text(json.dumps(nb, indent=1))
    spec = folder / 'data' / 'kernels' / KERNEL
    spec.mkdir(parents=True)
    (spec / 'kernel.json').write_text(json.dumps(dict(
        argv=[sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'], display_name='nca_nb test',
        language='python', env=dict(OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT)))))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    "JupyterLab on 127.0.0.1:`port` serving `folder`, its settings and state inside `folder`; waits until it answers."
    env = dict(os.environ, OMP_NUM_THREADS='1', JUPYTER_CONFIG_DIR=str(folder / 'config'),
               JUPYTER_DATA_DIR=str(folder / 'data'), JUPYTER_RUNTIME_DIR=str(folder / 'runtime'),
               JUPYTERLAB_SETTINGS_DIR=str(folder / 'settings'), JUPYTERLAB_WORKSPACES_DIR=str(folder / 'workspaces'))
    labconfig = folder / 'config' / 'labconfig'
    labconfig.mkdir(parents=True)   # no announcements: they offer to fetch news from the web
    off = {'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}
    (labconfig / 'page_config.json').write_text(json.dumps(off))
    args = ['--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}', '--ServerApp.port_retries=0',
            f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={folder}', '--LabApp.news_url=',
            '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.extension_manager=readonly']
    if os.geteuid() == 0: args.append('--allow-root')
    log = open(folder / 'jupyterlab.log', 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=folder, start_new_session=True)
    t0 = time.time()
    while time.time() - t0 < 180 and proc.poll() is None:
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/api/status?token={token}', timeout=5) as r:
                if r.status == 200: return proc
        except OSError: time.sleep(1)
    stop_lab(proc, port, token)
    sys.exit(f'jupyterlab test: JupyterLab did not start on port {port}:\n'
             + (folder / 'jupyterlab.log').read_text()[-3000:])


def start_kernel(base: str, token: str, path: str):
    "A session with its kernel for the notebook before the page opens it: JupyterLab then asks nothing."
    body = json.dumps(dict(path=path, type='notebook', name=path, kernel=dict(name=KERNEL))).encode()
    req = urllib.request.Request(f'{base}api/sessions?token={token}', data=body, method='POST',
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=60) as r: r.read()


def stop_lab(proc: subprocess.Popen, port: int, token: str):
    "Ask the server to shut down (it stops its kernels), then end its process group if it lingers."
    url = f'http://127.0.0.1:{port}/api/shutdown?token={token}'
    try: urllib.request.urlopen(urllib.request.Request(url, method='POST'), timeout=10)
    except OSError: pass
    try: proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(10)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL)


IDLE = "() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')"
SHOWN = """() => { const v = document.querySelectorAll('.nca-viewer img.nca-picture');
    return v.length === 3 && [...v].every(i => i.complete && i.naturalWidth > 0) }"""

def run_all(page, check: Checks) -> bool:
    "Run every cell from the Run menu and wait for the three viewers to show their pictures."
    page.locator('.jp-Notebook').first.wait_for(timeout=300_000)
    page.wait_for_function(IDLE, timeout=300_000)
    page.wait_for_timeout(2000)
    if page.locator('.jp-Dialog').count():   # a "Select Kernel" dialog, the notebook's own kernel chosen: accept it
        page.locator('.jp-Dialog .jp-mod-accept').click()
    print(f'notebook open ({time.time() - T0:.0f} s)', flush=True)
    page.locator('.lm-MenuBar-item', has_text=re.compile('^Run$')).click()
    page.locator('.lm-Menu-item', has_text='Run All Cells').first.click()
    t0 = time.time()
    try:
        page.wait_for_function(SHOWN, timeout=300_000)
        page.wait_for_function(IDLE, timeout=120_000)
        ok = True
    except Exception as e: ok = False; print(e)
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
    check(ok and not any('Error' in e for e in errors), f'notebook: all cells ran, three viewers shown '
          f'({time.time() - t0:.0f} s)' + (f'; errors: {[e[-300:] for e in errors]}' if errors else ''))
    return ok


def picture(viewer):
    "The viewer's picture: (its <img> source, the pixels on screen)."
    img = viewer.locator('img.nca-picture')
    return img.get_attribute('src'), img.screenshot()


def wait_change(page, viewer, before, timeout: float = 20):
    "Wait until the viewer's picture has another source than `before`; returns (source changed, pixels changed)."
    img = viewer.locator('img.nca-picture').element_handle()
    try: page.wait_for_function('([i, s]) => i.getAttribute("src") !== s', arg=[img, before[0]], timeout=timeout * 1000)
    except Exception: pass
    page.wait_for_timeout(300)   # let the new image decode
    after = picture(viewer)
    return after[0] != before[0], after[1] != before[1]


def said(changed) -> str: return 'source {}, pixels {}'.format(*('changed' if c else 'UNCHANGED' for c in changed))


def slider(viewer, label: str):
    "The viewer's slider whose description is `label`."
    name = viewer.page.locator('.widget-label', has_text=re.compile(f'^{re.escape(label)}$'))
    return viewer.locator('.widget-slider').filter(has=name)


def readout(viewer, label: str) -> str: return slider(viewer, label).locator('.widget-readout').text_content()


def drag(page, s, fraction: float):
    "Drag the slider's handle with the mouse to `fraction` of its track."
    track, handle = s.locator('.noUi-target').bounding_box(), s.locator('.noUi-handle').bounding_box()
    x, y = handle['x'] + handle['width'] / 2, handle['y'] + handle['height'] / 2
    page.mouse.move(x, y); page.mouse.down()
    page.mouse.move(track['x'] + fraction * track['width'], y, steps=8); page.mouse.up()


def check_fit(page, viewer, name: str, check: Checks):
    "The picture at its pixel size, crisp, inside the window, with the step slider beside it and both on screen."
    img = viewer.locator('img.nca-picture')
    img.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    nw, nh, rendering = img.evaluate('e => [e.naturalWidth, e.naturalHeight, getComputedStyle(e).imageRendering]')
    b, s = img.bounding_box(), slider(viewer, 'step').bounding_box()
    win = page.evaluate('[innerWidth, innerHeight]')
    size_ok = abs(b['width'] - nw) < 1 and abs(b['height'] - nh) < 1
    check(size_ok and rendering == 'pixelated', f'{name}: picture shown at its pixel size, crisp: box '
          f'{b["width"]:.0f}x{b["height"]:.0f}, PNG {nw}x{nh}, image-rendering {rendering}')
    beside = s['x'] >= b['x'] + b['width'] - 1 and s['y'] < b['y'] + b['height'] and s['y'] + s['height'] > b['y']
    inside = all(r['x'] >= 0 and r['y'] >= 0 and r['x'] + r['width'] <= win[0] and r['y'] + r['height'] <= win[1]
                 for r in (b, s))
    check(beside and inside, f'{name}: the step slider {"beside" if beside else "NOT beside"} the picture, both '
          f'{"in" if inside else "NOT in"} the {win[0]}x{win[1]} window (picture at x {b["x"]:.0f}-'
          f'{b["x"] + b["width"]:.0f}, y {b["y"]:.0f}-{b["y"] + b["height"]:.0f}; slider at x {s["x"]:.0f}-'
          f'{s["x"] + s["width"]:.0f}, y {s["y"]:.0f})')


def check_viewer(page, viewer, name: str, check: Checks, shots: Path):
    "It fits; its step slider dragged half-way changes the picture."
    check_fit(page, viewer, name, check)
    before = picture(viewer)
    drag(page, slider(viewer, 'step'), 0.5)
    step = readout(viewer, 'step')
    ch = wait_change(page, viewer, before)
    check(all(ch), f'{name}: the step slider dragged to step {step}: {said(ch)}')
    viewer.screenshot(path=str(shots / f'jupyterlab-{name}.png'))


def check_play(page, viewer, name: str, check: Checks):
    "Play changes the picture and the step; pressed again, it pauses."
    before, step = picture(viewer), readout(viewer, 'step')
    play = viewer.locator('.widget-play button').first   # play/pause (then stop, repeat)
    play.click()
    ch = wait_change(page, viewer, before)
    now = readout(viewer, 'step')
    play.click()
    check(all(ch) and now != step, f'{name}: Play moved from step {step} to {now}: {said(ch)}')


WATCH = """b => { window._ncaSeen = []; const note = () => window._ncaSeen.push([b.textContent.trim(), b.disabled]);
    new MutationObserver(note).observe(b, {attributes: true, childList: true, subtree: true, characterData: true}) }"""
BACK = """() => { const s = window._ncaSeen, last = s[s.length - 1];
    return last && last[0] === 'damage & rerun' && !last[1] }"""

def check_damage(page, viewer, name: str, check: Checks):
    "The damage sliders redraw the disc; the button says it is busy, then shows the rerun and is given back."
    for label, fraction in (('x', 0.6), ('y', 0.55), ('radius', 0.2)):
        before = picture(viewer)
        drag(page, slider(viewer, label), fraction)
        value = readout(viewer, label)
        ch = wait_change(page, viewer, before)
        check(all(ch), f'{name}: the {label} slider dragged to {value}: {said(ch)}')
    button = viewer.locator('button.widget-button', has_text='damage')
    button.evaluate(WATCH)   # every state the button shows, however briefly
    before, t0 = picture(viewer), time.time()
    button.click()
    ch = wait_change(page, viewer, before, timeout=120)
    try: page.wait_for_function(BACK, timeout=60_000)
    except Exception: pass
    seen = page.evaluate('window._ncaSeen')
    busy = any('computing' in t and d for t, d in seen)
    back = bool(seen) and seen[-1] == ['damage & rerun', False]
    check(all(ch) and busy and back, f'{name}: "damage & rerun" pressed at step {readout(viewer, "step")} '
          f'({time.time() - t0:.1f} s): {said(ch)}; the button {"showed" if busy else "did NOT show"} "computing…" '
          f'while disabled and {"was" if back else "was NOT"} given back '
          f'(states seen: {sorted({tuple(s) for s in seen})})')


def drive(browser, base: str, token: str, check: Checks, shots: Path) -> list:
    "Open the notebook, run it, drive the three viewers; returns the problems the browser saw."
    page = browser.new_page(viewport={'width': 1400, 'height': 900})
    problems, local = [], (base, 'data:', 'blob:')
    page.on('request', lambda r: r.url.startswith(local) or problems.append(f'not local: {r.url[:120]}'))
    page.on('requestfailed', lambda r: problems.append(f'failed: {r.url[:120]} ({r.failure})'))
    page.on('pageerror', lambda e: problems.append(f'uncaught: {e}'))
    page.on('console', lambda m: m.type == 'error' and problems.append(f'console error: {m.text[:300]}'))
    start_kernel(base, token, 'viewers.ipynb')
    page.goto(f'{base}lab/tree/viewers.ipynb?token={token}&reset', wait_until='load', timeout=300_000)
    if run_all(page, check):
        viewers = page.locator('.nca-viewer')
        for i, name in enumerate(['FramePlayer', 'CompareViewer', 'DamageViewer']):
            check_viewer(page, viewers.nth(i), name, check, shots)
            if name == 'FramePlayer': check_play(page, viewers.nth(i), name, check)
            if name == 'DamageViewer': check_damage(page, viewers.nth(i), name, check)
        viewers.nth(2).locator('img.nca-picture').evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(shots / 'jupyterlab.png'))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--break', dest='sabotage', choices=['freeze', 'stretch'],
                    help='break the viewers on purpose: the checks must then fail')
    ap.add_argument('--shots', default=str(ROOT / '_site' / 'screenshots'),
                    help='where screenshots go (default _site/screenshots/)')
    a = ap.parse_args()
    shots = Path(a.shots)
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if not Path(chromium).exists(): sys.exit(f'jupyterlab test: no browser at {chromium}; apt-get install -y chromium')
    shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    check = Checks()
    with tempfile.TemporaryDirectory(prefix='nca-jupyterlab-') as tmp:
        folder = Path(tmp)
        write_notebook(folder, a.sabotage)
        port, token = free_port(), secrets.token_hex(16)
        proc = start_lab(folder, port, token)
        base = f'http://127.0.0.1:{port}/'
        print(f'JupyterLab on {base} ({time.time() - T0:.0f} s)', flush=True)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                print(f'browser: {browser.version} at {chromium}', flush=True)
                problems = drive(browser, base, token, check, shots)
                check(not problems, 'browser: nothing requested from elsewhere, no console error, no uncaught '
                      'exception' + (f': {problems[:8]}' if problems else ''))
                browser.close()
        finally:
            stop_lab(proc, port, token)
    n_fail = sum(line.startswith('FAIL') for line in check.lines)
    print(f'jupyterlab test: {len(check.lines) - n_fail} passed, {n_fail} failed ({time.time() - T0:.0f} s); '
          f'screenshots in {os.path.relpath(shots, ROOT)}/')
    sys.exit(0 if check.ok else 1)


if __name__ == '__main__':
    main()
