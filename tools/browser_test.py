"""Browser test of the docs site: build it, serve it on 127.0.0.1, and drive headless Debian Chromium with Playwright.

    .venv/bin/python tools/browser_test.py            # build the site, then test it
    .venv/bin/python tools/browser_test.py --no-build # test the site already in _docs/

Checks, on the home page and on the widgets page:
- every request succeeds (no failed request, no HTTP status >= 400) and every request goes to the local
  server or is a data: URL (nothing from a CDN or anywhere else), and no JavaScript error is raised;
- every <img> has loaded with a non-zero natural size;
- on the widgets page, every static player (the JavaScript twin of a widget) shows another frame when its
  slider is moved with the keyboard (the `data-frame` attribute, the image source and the pixels on screen
  all change), and its Play button advances the frames.
Screenshots go to _site/screenshots/ (git-ignored): index.png and widgets.png (whole pages), widgets-top.png,
widgets-player.png (the first player, moved, on its page), player-first-frame.png and player-moved.png.
Exit status 1 if any check fails.

The browser is the system's Chromium (`apt-get install -y chromium`), never one downloaded by Playwright;
set CHROMIUM to use another binary.
"""
import argparse, functools, http.server, os, re, sys, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


def serve(folder: Path):
    "Serve `folder` on 127.0.0.1 (a free port) from a daemon thread; returns (server, base URL)."
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'


class Checks:
    "Collects pass/fail lines; `ok` is False once anything failed."
    def __init__(self): self.ok, self.lines = True, []
    def __call__(self, cond: bool, what: str):
        self.ok &= bool(cond)
        line = f'{"PASS" if cond else "FAIL"} {what}'
        self.lines.append(line); print(line, flush=True)


def open_page(browser, url: str, base: str, check: Checks, name: str):
    "Open `url` in a new page, recording failed, foreign and error requests and JavaScript errors; returns (page, problems)."
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    problems = []
    page.on('requestfailed', lambda r: problems.append(f'failed: {r.url[:120]} ({r.failure})'))
    page.on('response', lambda r: r.status >= 400 and problems.append(f'HTTP {r.status}: {r.url[:120]}'))
    page.on('request', lambda r: not (r.url.startswith(base) or r.url.startswith('data:')) and problems.append(f'not local: {r.url[:120]}'))
    page.on('pageerror', lambda e: problems.append(f'JavaScript error: {e}'))
    resp = page.goto(url, wait_until='load')
    page.wait_for_load_state('networkidle')
    check(resp is not None and resp.ok, f'{name}: {url} loads (HTTP {resp.status if resp else "none"})')
    return page, problems


REMOTE = re.compile(r'<(?:script|img|iframe|audio|video|source)\b[^>]*\bsrc=["\']?(?:https?:)?//|<link\b[^>]*\bhref=["\']?(?:https?:)?//[^>]*>|@import\s+url\(\s*["\']?(?:https?:)?//', re.I)

def check_offline(site: Path, check: Checks):
    "Every page and stylesheet of the site, read as text: nothing that a browser would load from another host."
    bad = []
    for f in sorted(site.rglob('*')):
        if f.suffix in ('.html', '.css') and f.is_file():
            for m in REMOTE.finditer(f.read_text(encoding='utf-8', errors='replace')):
                if 'rel="stylesheet"' in m.group(0) or not m.group(0).startswith('<link'): bad.append(f'{f.relative_to(site)}: {m.group(0)[:80]}')
    pages = len(list(site.glob('*.html')))
    check(not bad, f'site: {pages} pages and their stylesheets load nothing from another host' + (f': {bad[:5]}' if bad else ''))


def check_images(page, check: Checks, name: str, at_least: int = 0):
    imgs = page.eval_on_selector_all('img', 'els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.getBoundingClientRect().width, (e.currentSrc || e.src).slice(0, 60)])')
    bad = [i for i in imgs if not (i[0] and i[1] > 0 and i[2] > 0)]
    check(len(imgs) >= at_least and not bad, f'{name}: {len(imgs)} images, all loaded with a non-zero size' + (f'; bad: {bad[:3]}' if bad else ''))
    return imgs


def check_players(page, check: Checks, shots: Path):
    "Move the slider of every static player with the keyboard and check that the frame shown changes."
    players = page.locator('.nca-player')
    n = players.count()
    check(n >= 1, f'widgets page: {n} static players')
    for i in range(n):
        p = players.nth(i)
        p.scroll_into_view_if_needed()
        img, slider = p.locator('img'), p.locator('input[type=range]')
        top = int(slider.get_attribute('max'))
        before = (img.get_attribute('data-frame'), img.get_attribute('src'), img.screenshot())
        if i == 0: p.screenshot(path=str(shots / 'player-first-frame.png'))
        slider.focus()
        for _ in range(max(1, top // 2)): page.keyboard.press('ArrowRight')
        after = (img.get_attribute('data-frame'), img.get_attribute('src'), img.screenshot())
        if i == 0:
            p.screenshot(path=str(shots / 'player-moved.png'))
            p.evaluate("e => e.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(shots / 'widgets-player.png'))   # the player on its docs page, site chrome included
        title = (p.locator('.nca-title').first.text_content() if p.locator('.nca-title').count() else f'player {i}')
        check(after[0] == str(max(1, top // 2)) and after[1] != before[1] and after[2] != before[2],
              f'widgets page: player {i} ({title}): slider moved from frame {before[0]} to {after[0]} of {top}; '
              f'image source {"changed" if after[1] != before[1] else "UNCHANGED"}, pixels {"changed" if after[2] != before[2] else "UNCHANGED"}')
    if n:
        p = players.nth(0); p.scroll_into_view_if_needed()
        f0 = p.locator('img').get_attribute('data-frame')
        p.locator('button').click(); page.wait_for_timeout(700); p.locator('button').click()
        f1 = p.locator('img').get_attribute('data-frame')
        check(f1 != f0, f'widgets page: Play advances player 0 (frame {f0} -> {f1})')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--no-build', action='store_true', help='test the site already built in --site')
    ap.add_argument('--site', default=str(ROOT / '_docs'), help='the built site (default _docs/)')
    ap.add_argument('--shots', default=str(ROOT / '_site' / 'screenshots'), help='where screenshots go (default _site/screenshots/)')
    a = ap.parse_args()
    site, shots = Path(a.site), Path(a.shots)
    if not a.no_build:
        sys.path.insert(0, str(ROOT / 'tools'))
        from build_docs import build
        site = build(ROOT, site, quiet=True)
    for f in ('index.html', 'widgets.html'):
        if not (site / f).exists(): sys.exit(f'browser test: {site / f} is missing; build the site first (make docs)')
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if not Path(chromium).exists(): sys.exit(f'browser test: no browser at {chromium}; apt-get install -y chromium')
    shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    srv, base = serve(site)
    check, t0 = Checks(), time.time()
    check_offline(site, check)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            print(f'browser: {browser.version} at {chromium}; site {site} served at {base}', flush=True)
            for name, path, at_least in (('home page', 'index.html', 0), ('widgets page', 'widgets.html', 1)):
                page, problems = open_page(browser, base + path, base, check, name)
                check_images(page, check, name, at_least)
                if path == 'widgets.html':
                    page.screenshot(path=str(shots / 'widgets-top.png'))
                    check_players(page, check, shots)
                page.screenshot(path=str(shots / path.replace('.html', '.png')), full_page=True)
                check(not problems, f'{name}: no failed, foreign or error requests and no JavaScript errors' + (f': {problems[:5]}' if problems else ''))
                page.close()
            browser.close()
    finally:
        srv.shutdown()
    n_fail = sum(l.startswith('FAIL') for l in check.lines)
    print(f'browser test: {len(check.lines) - n_fail} passed, {n_fail} failed ({time.time() - t0:.0f} s); screenshots in {os.path.relpath(shots, ROOT)}/')
    sys.exit(0 if check.ok else 1)


if __name__ == '__main__':
    main()
