"""Browser test of the docs site: build it, serve it on 127.0.0.1, and drive headless Debian Chromium with Playwright.

    .venv/bin/python tools/browser_test.py            # build the site, then test it
    .venv/bin/python tools/browser_test.py --no-build # test the site already in _docs/

Checks, on the home page, the widgets page and the web page:
- every request succeeds (no failed request, no HTTP status >= 400) and every request goes to the local
  server or is a data: URL (nothing from a CDN or anywhere else), and no JavaScript error is raised;
- every <img> has loaded with a non-zero natural size;
- on the widgets page, every static player (the JavaScript twin of a widget) shows another frame when its
  slider is moved with the keyboard (the `data-frame` attribute, the image source and the pixels on screen
  all change), and its Play button advances the frames;
- on the web page, the live players (`LIVE` of tools/build_docs.py, pages made by export_web into live/): every
  one is embedded in an iframe and fits it (no scrolling inside), the learned twins sit side by side and each
  row fits a 900 px column; in each, `window.nca` runs and plays (its step count grows and the canvas' pixels
  change within a second); a click on the fox's canvas erases a disc (every channel zero inside the disc, the
  other cells untouched, white pixels there); a probe error and a probe request from a frame are caught, so the
  page-wide checks above cover the frames too;
- the web page with JavaScript off: the iframes are hidden and every player's static picture is shown instead;
- the home page's table of notebooks has a row for every notebook in nbs/, each linking to its page, which loads,
  and README.md's table links to the same pages on the public site (`site-url`), each one built;
- show_doc's signatures: a class reads `class Name(` (`@dataclass` above a dataclass: train's FitConfig and
  Stratum), none `def Name(`;
- a laptop screen, 1280x800, every page: a code line of 120 characters fits its block, at most 2 % of the code
  blocks scroll sideways, no image is wider than the text column, and the table of contents is at the top of the
  page; each page's line prints the column's width, the blocks that would scroll without wrapping, the smallest
  scale an image is shown at and the tables that scroll; at 1700x900 the contents are in the margin instead.
Screenshots go to _site/screenshots/ (git-ignored): index.png, widgets.png and web.png (whole pages), widgets-top.png,
widgets-player.png (the first player, moved, on its page), player-first-frame.png and player-moved.png, web-live.png
(the live players on their page), web-live-damage.png (the fox's frame after the click), web-nojs.png (the
players' static pictures, JavaScript off), laptop-train.png and laptop-morpho_experiment.png (the top of each at
1280x800).
Exit status 1 if any check fails.

The browser is the system's Chromium (`apt-get install -y chromium`), never one downloaded by Playwright;
set CHROMIUM to use another binary.
"""
import argparse, functools, http.server, os, re, sys, threading, time
from pathlib import Path

import yaml

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


def open_page(browser, url: str, base: str, check: Checks, name: str, js: bool = True):
    ("Open `url` in a new page, recording failed, foreign and error requests and JavaScript errors; returns (page, "
        "problems).")
    page = browser.new_page(viewport={'width': 1280, 'height': 900}, java_script_enabled=js)
    problems = []
    page.on('requestfailed', lambda r: problems.append(f'failed: {r.url[:120]} ({r.failure})'))
    page.on('response', lambda r: r.status >= 400 and problems.append(f'HTTP {r.status}: {r.url[:120]}'))
    page.on('request',
            lambda r: not (r.url.startswith(base) or r.url.startswith('data:'))
                and problems.append(f'not local: {r.url[:120]}'))
    page.on('pageerror', lambda e: problems.append(f'JavaScript error: {e}'))
    resp = page.goto(url, wait_until='load')
    page.wait_for_load_state('networkidle')
    check(resp is not None and resp.ok, f'{name}: {url} loads (HTTP {resp.status if resp else "none"})')
    return page, problems


REMOTE = re.compile(
    r'<(?:script|img|iframe|audio|video|source)\b[^>]*\bsrc=["\']?(?:https?:)?//|'
    r'<link\b[^>]*\bhref=["\']?(?:https?:)?//[^>]*>|@import\s+url\(\s*["\']?(?:https?:)?//',
    re.I,
)

def check_offline(site: Path, check: Checks):
    "Every page and stylesheet of the site, read as text: nothing that a browser would load from another host."
    bad = []
    for f in sorted(site.rglob('*')):
        if f.suffix in ('.html', '.css') and f.is_file():
            for m in REMOTE.finditer(f.read_text(encoding='utf-8', errors='replace')):
                if 'rel="stylesheet"' in m.group(0) or not m.group(0).startswith('<link'):
                    bad.append(f'{f.relative_to(site)}: {m.group(0)[:80]}')
    pages = len(list(site.glob('*.html')))
    check(not bad,
          f'site: {pages} pages and their stylesheets load nothing from another host' + (f': {bad[:5]}' if bad else ''))


def check_images(page, check: Checks, name: str, at_least: int = 0):
    imgs = page.eval_on_selector_all('img',
                                     'els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, '
                                     'e.getBoundingClientRect().width, (e.currentSrc || e.src).slice(0, 60)])')
    bad = [i for i in imgs if not (i[0] and i[1] > 0 and i[2] > 0)]
    check(len(imgs) >= at_least and not bad,
          f'{name}: {len(imgs)} images, all loaded with a non-zero size' + (f'; bad: {bad[:3]}' if bad else ''))
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
            page.screenshot(path=str(shots / 'widgets-player.png'))  # the player on its docs page, site chrome included
        title = (p.locator('.nca-title').first.text_content() if p.locator('.nca-title').count() else f'player {i}')
        check(after[0] == str(max(1, top // 2)) and after[1] != before[1] and after[2] != before[2],
              f'widgets page: player {i} ({title}): slider moved from frame {before[0]} to {after[0]} of {top}; '
              f'image source {"changed" if after[1] != before[1] else "UNCHANGED"}, pixels '
              f'{"changed" if after[2] != before[2] else "UNCHANGED"}')
    if n:
        p = players.nth(0); p.scroll_into_view_if_needed()
        f0 = p.locator('img').get_attribute('data-frame')
        p.locator('button').click(); page.wait_for_timeout(700); p.locator('button').click()
        f1 = p.locator('img').get_attribute('data-frame')
        check(f1 != f0, f'widgets page: Play advances player 0 (frame {f0} -> {f1})')


def live_list(beside: bool = False) -> list:
    ("The live pages that the docs build embeds (`LIVE` of tools/build_docs.py), as paths in the site; or the pairs "
        "shown side by side.")
    sys.path.insert(0, str(ROOT / 'tools'))
    from build_docs import LIVE
    if beside: return [(f"live/{d['beside']}.html", f"live/{d['page']}.html") for d in LIVE if d.get('beside')]
    return [f"live/{d['page']}.html" for d in LIVE]


def section_shot(page, selector: str, path: Path):
    "Screenshot the part of the page from the first to the last element matching `selector`."
    top, bottom, left, right = page.evaluate(
        """s => { const r = [...document.querySelectorAll(s)].map(e => e.getBoundingClientRect());
        return [Math.min(...r.map(b => b.top)), Math.max(...r.map(b => b.bottom)), Math.min(...r.map(b => b.left)), Math.max(...r.map(b => b.right))]
            .map((v, i) => v + (i < 2 ? scrollY : scrollX)) }""",  # noqa: E501
        selector,
    )
    page.screenshot(path=str(path), full_page=True, clip=dict(x=max(0, left - 8), y=max(0, top - 8),
                                                              width=right - left + 16, height=bottom - top + 16))


def check_live(page, problems: list, check: Checks, shots: Path):
    ("The live players of the web page: embedded, fitting, running, playing; a click erases a disc on the fox; the "
        "frames' errors and requests are seen.")
    frames = page.locator('.nca-live iframe')
    # `#paused`: a player that starts paused
    srcs = [frames.nth(i).get_attribute('src').split('#')[0] for i in range(frames.count())]
    want = live_list()
    check(sorted(srcs) == sorted(want),
          f'web page: {len(srcs)} live players embedded, one for each live page built ({len(want)})'
          + ('' if sorted(srcs) == sorted(want) else f': embedded {srcs}, built {want}'))
    rows = page.eval_on_selector_all(
        '.nca-live',
        """els => els.map(e => [...e.querySelectorAll('iframe')].map(f => {
        const r = f.getBoundingClientRect(); return [f.getAttribute('src').split('#')[0], r.left, r.top, r.right] }))""",  # noqa: E501
    )
    for pair in live_list(beside=True):
        check(any([f[0] for f in row] == list(pair) for row in rows), f'web page: {pair[0]} and {pair[1]} share a row')
    for row in rows:
        names = ', '.join(f[0] for f in row)
        width = max(f[3] for f in row) - min(f[1] for f in row)
        level = len(row) < 2 or (len({round(f[2]) for f in row}) == 1 and all(a[3] <= b[1] for a,
                                                                              b in zip(row, row[1:])))
        check(level and width <= 900,
              f'web page: {names}: ' + ('one player' if len(row) < 2 else 'side by side' if level
                                        else 'NOT side by side') + f', {width:.0f} px wide'
              + ('' if width <= 900 else ' (WIDER than a 900 px column)'))
    for i, src in enumerate(srcs):
        el = frames.nth(i)
        el.scroll_into_view_if_needed()
        f = el.element_handle().content_frame()
        try:
            f.wait_for_function('() => window.nca && document.readyState === "complete"', timeout=30_000)
            # a player that starts paused: its Play button
            if f.locator('#nca-play').text_content() == 'Play': f.locator('#nca-play').click()
            f.wait_for_function('() => nca.steps() > 0', timeout=30_000)
        except Exception as e:
            check(False, f'web page: {src} runs (window.nca steps): {str(e).splitlines()[0]}'); continue
        sw, cw, sh, ch = f.evaluate('(d => [d.scrollWidth, d.clientWidth, d.scrollHeight, '
                                    'd.clientHeight])(document.documentElement)')
        check(sw <= cw and sh <= ch, f'web page: {src} fits its iframe (content {sw}x{sh}, frame {cw}x{ch})')
        canvas = f.locator('#nca-canvas')
        s0, a = f.evaluate('nca.steps()'), canvas.screenshot()
        page.wait_for_timeout(1000)
        s1, b = f.evaluate('nca.steps()'), canvas.screenshot()
        check(s1 > s0 and a != b,
              f'web page: {src} plays: steps {s0} -> {s1} in a second, canvas pixels '
              f'{"changed" if a != b else "UNCHANGED"}')
        f.evaluate('nca.pause()')   # spare the CPU for the next ones
    fox = page.frame_locator('iframe[src="live/fox.html"]')
    f = page.locator('iframe[src="live/fox.html"]').element_handle().content_frame()
    if f is not None and f.evaluate('!!window.nca'):
        page.locator('iframe[src="live/fox.html"]').scroll_into_view_if_needed()
        H, W, C = f.evaluate('nca.pause(); nca.reset(); nca.setSeed(0); nca.step(200); [nca.H, nca.W, nca.C]')
        radius = f.evaluate("+document.getElementById('nca-radius').value")
        before = f.evaluate('nca.state()')
        cx, cy = W // 2, H // 2
        cw, ch = f.evaluate("(c => [c.clientWidth, c.clientHeight])(document.getElementById('nca-canvas'))")
        fox.locator('#nca-canvas').click(position=dict(x=(cx + .5) / W * cw, y=(cy + .5) / H * ch))
        after = f.evaluate('nca.state()')
        # cells whose centre is exactly r away may go either way
        d2 = [(i % W - cx) ** 2 + (i // W - cy) ** 2 for i in range(H * W)]
        disc = [i for i in range(H * W) if d2[i] < radius ** 2]  # (the pointer's position in cells is a float)
        erased = all(v == 0 for i in disc for v in after[i * C:(i + 1) * C])
        kept = all(after[i * C:(i + 1) * C] == before[i * C:(i + 1) * C] for i in range(H * W) if d2[i] > radius ** 2)
        alive = sum(before[i * C + 3] > .1 for i in disc)
        white = f.evaluate(f"[...document.getElementById('nca-canvas').getContext('2d').getImageData({cx}, {cy}, 1, "
                           f"1).data]")
        page.locator('iframe[src="live/fox.html"]').screenshot(path=str(shots / 'web-live-damage.png'))
        check(alive > len(disc) // 2 and erased and kept and white == [255, 255, 255, 255],
              f'web page: a click on the fox ({W}x{H}, grown 200 steps) at cell ({cx}, {cy}) erased a disc of radius '
              f'{radius}: '
              f'{alive} of its {len(disc)} cells were alive, {"all now zero" if erased else "NOT all zero"}, '
              f'the other cells {"untouched" if kept else "CHANGED"}, pixel at the centre {white}')
        n = len(problems)
        f.evaluate("setTimeout(() => { throw new Error('nca-probe error') }); "
                   "fetch('http://nca-probe.invalid/').catch(() => 0)")
        page.wait_for_timeout(1500)
        caught = problems[n:]
        del problems[n:]
        got_err, got_req = any('nca-probe error' in p for p in caught), any('not local' in p
                                                                            and 'nca-probe.invalid' in p
                                                                                for p in caught)
        check(got_err and got_req, f"web page: a probe error and a probe request from the fox's frame are caught "
              f"(error {'caught' if got_err else 'MISSED'}, request {'caught' if got_req else 'MISSED'})")
    else: check(False, 'web page: live/fox.html is embedded and runs')
    section_shot(page, '.nca-live', shots / 'web-live.png')


def check_nojs(browser, base: str, check: Checks, shots: Path):
    "The web page with JavaScript off: the iframes are hidden and each player's static picture shows instead."
    page, problems = open_page(browser, base + 'web.html', base, check, 'web page without JavaScript', js=False)
    shown = page.eval_on_selector_all('.nca-live iframe',
                                      'els => els.filter(e => e.getBoundingClientRect().width > 0).length')
    imgs = page.eval_on_selector_all('.nca-live img',
                                     'els => els.map(e => [e.getAttribute("src"), e.complete && e.naturalWidth > 0, '
                                     'e.getBoundingClientRect().width])')
    want = [p.replace('.html', '.png') for p in live_list()]
    good = sorted(i[0] for i in imgs if i[1] and i[2] > 0)
    check(shown == 0 and good == sorted(want),
          f'web page without JavaScript: {shown} iframes shown, {len(good)} of {len(want)} static pictures loaded and '
          f'shown'
          + ('' if good == sorted(want) else f': {imgs}'))
    if imgs: section_shot(page, '.nca-live', shots / 'web-nojs.png')
    check(not problems,
          'web page without JavaScript: no failed, foreign or error requests' + (f': {problems[:5]}' if problems
              else ''))
    page.close()


# The laptop screen of the report (nbs/styles.css): at 1280x800 a code line of 120 characters fits its block, code
# blocks do not scroll sideways, and no image is wider than the text column. Every page is measured; the bounds hold
# on each.
LAPTOP, LAPTOP_CHARS, LAPTOP_SCROLLING = dict(width=1280, height=800), 120, 0.02

LAYOUT_JS = """() => {
    const main = document.querySelector('main.content'), col = main.getBoundingClientRect();
    const shown = e => e.getBoundingClientRect().width > 0;
    const pres = [...main.querySelectorAll('pre')].filter(shown);
    const scrolls = () => pres.filter(p => p.scrollWidth > p.clientWidth + 1).length;
    let fit = 0;
    const p = main.querySelector('div.sourceCode pre');
    if (p) {   // how many characters of the code's font fit on one line of a code block
        const s = document.createElement('span'), cs = getComputedStyle(p);
        s.style.whiteSpace = 'pre'; s.textContent = 'x'.repeat(200); p.querySelector('code').append(s);
        const room = p.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        fit = Math.floor(room / (s.getBoundingClientRect().width / 200));
        s.remove();
    }
    const wrapped = scrolls(), st = document.createElement('style');
    st.textContent = 'pre > code, .cell-output pre { white-space: pre !important; overflow-wrap: normal !important }';
    document.head.append(st); const unwrapped = scrolls(); st.remove();
    const imgs = [...main.querySelectorAll('img')].filter(shown);
    const out = i => { const r = i.getBoundingClientRect(); return r.right > col.right + 1 || r.left < col.left - 1 };
    const over = imgs.filter(out);
    const tables = [...main.querySelectorAll('.sd-table')].filter(shown);
    const toc = id => { const e = document.getElementById(id); return !!e && e.getBoundingClientRect().width > 0 };
    const headings = !!document.getElementById('TOC');   // a page with a table of contents
    return {column: col.width, pres: pres.length, scrolling: wrapped, unwrapped, fit, imgs: imgs.length,
            over: over.map(i => (i.getAttribute('src') || '').slice(0, 60)),
            scale: Math.min(1, ...imgs.filter(i => i.naturalWidth)
                .map(i => i.getBoundingClientRect().width / i.naturalWidth)),
            tables: tables.length, wide_tables: tables.filter(t => t.scrollWidth > t.clientWidth + 1).length,
            toc_body: toc('TOC-body'), toc_margin: toc('TOC'), headings} }"""

def check_layout(browser, base: str, site: Path, check: Checks, shots: Path):
    "Every page at 1280x800: the text column, code blocks that scroll sideways, images wider than the column."
    page = browser.new_page(viewport=LAPTOP)
    tot = dict(pres=0, scrolling=0, unwrapped=0)
    for f in sorted(p.name for p in site.glob('*.html')):
        page.goto(base + f, wait_until='load')
        m = page.evaluate(LAYOUT_JS)
        for k in tot: tot[k] += m[k]
        share = m['scrolling'] / max(1, m['pres'])
        check(share <= LAPTOP_SCROLLING and not m['over'] and (m['fit'] >= LAPTOP_CHARS or not m['pres'])
              and (m['toc_body'] or not m['headings']),
              f"laptop {LAPTOP['width']}x{LAPTOP['height']}: {f}: column {m['column']:.0f} px, a code line holds "
              f"{m['fit']} characters; {m['scrolling']} of {m['pres']} code blocks scroll sideways ({share:.0%}; "
              f"{m['unwrapped']} without wrapping); {len(m['over'])} of {m['imgs']} images wider than the column"
              + (f" {m['over'][:3]}" if m['over'] else '')
              + (f", the smallest shown at {m['scale']:.2f}x" if m['imgs'] else '')
              + f"; {m['wide_tables']} of {m['tables']} tables scroll; contents "
              + ('at the top' if m['toc_body'] else 'NOT at the top' if m['headings'] else 'none (no headings)')
              + (', and in the margin' if m['toc_margin'] else ''))
        if f in ('train.html', 'morpho_experiment.html'):
            page.screenshot(path=str(shots / f'laptop-{Path(f).stem}.png'))
    print(f"laptop: all pages: {tot['scrolling']} of {tot['pres']} code blocks scroll sideways "
          f"({tot['unwrapped']} would without wrapping)", flush=True)
    page.set_viewport_size(dict(width=1700, height=900))
    page.goto(base + 'train.html', wait_until='load')
    m = page.evaluate(LAYOUT_JS)
    check(m['toc_margin'] and not m['toc_body'] and m['fit'] >= LAPTOP_CHARS,
          f"wide screen 1700x900: train.html: contents {'in the margin' if m['toc_margin'] else 'NOT in the margin'}"
          f"{', and at the top' if m['toc_body'] else ''}; column {m['column']:.0f} px, a code line holds "
          f"{m['fit']} characters")
    page.close()


def check_class_docs(site: Path, check: Checks):
    "show_doc writes a class as `class Name(` (a dataclass with `@dataclass` above), never `def Name(`."
    train = re.sub(r'<[^>]+>', '', (site / 'train.html').read_text(encoding='utf-8'))
    want = ['@dataclass\nclass FitConfig(', '@dataclass\nclass Stratum(', 'class SegmentSampler(']
    missing = [w for w in want if w not in train]
    check(not missing, 'train page: its classes are shown as classes: ' + ', '.join(w.replace('\n', ' ') for w in want)
          + (f'; MISSING: {missing}' if missing else ''))
    pages = {p.name: p.read_text(encoding='utf-8') for p in sorted(site.glob('*.html'))}
    as_def = r'<span class="kw">def</span> <span class="fu">([A-Z]\w*)</span>\('   # a CamelCase name: a class
    bad = [f'{f}: def {n}(' for f, t in pages.items() for n in re.findall(as_def, t)]
    n = sum(len(re.findall(r'<span class="kw">class</span> [A-Z]\w*\(', t)) for t in pages.values())
    check(n and not bad, f'site: {n} classes shown as `class Name(`, none as `def Name(`'
          + (f': {bad[:5]}' if bad else ''))


def check_notebook_links(page, base: str, site: Path, check: Checks):
    "The home page's table of notebooks: a row for each notebook in nbs/, linking to its page, which loads; README's."
    rows = page.eval_on_selector_all('main table tr', """rs => rs.map(r => [...r.querySelectorAll('td:first-child a')]
        .map(a => [a.textContent.trim(), a.getAttribute('href')])).filter(r => r.length).map(r => r[0])""")
    nbs = sorted(p.stem for p in (ROOT / 'nbs').glob('*.ipynb') if p.stem != 'index' and not p.stem.startswith('_'))
    named = [n for n, _ in rows if n in nbs]
    bad = []
    for n, href in rows:
        if re.match(r'[a-z]+:', href): bad.append(f'{n}: {href} (not a page of this site)'); continue
        r = page.request.get(base + href.split('#')[0])
        if not r.ok: bad.append(f'{n}: {href} (HTTP {r.status})')
    missing = sorted(set(nbs) - set(named))
    check(not bad and not missing, f'home page: {len(named)} of {len(nbs)} notebooks in its table link to their pages, '
          f'all of which load' + (f'; missing: {missing}' if missing else '') + (f'; bad: {bad[:5]}' if bad else ''))
    url = yaml.safe_load((ROOT / 'nbs' / 'nbdev.yml').read_text())['website']['site-url'].rstrip('/') + '/'
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    links = re.findall(r'^\| \[`(\w+)`\]\(' + re.escape(url) + r'([\w-]+\.html)\)', readme, re.M)
    gone = [f'{n}: {h}' for n, h in links if not (site / h).exists()]
    check(links and not gone and sorted(n for n, _ in links) == sorted(named),
          f'README.md: {len(links)} notebooks link to their pages on {url}, each a page of this site'
          + (f'; not built: {gone[:5]}' if gone else ''))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--no-build', action='store_true', help='test the site already built in --site')
    ap.add_argument('--site', default=str(ROOT / '_docs'), help='the built site (default _docs/)')
    ap.add_argument('--shots', default=str(ROOT / '_site' / 'screenshots'),
                    help='where screenshots go (default _site/screenshots/)')
    a = ap.parse_args()
    site, shots = Path(a.site), Path(a.shots)
    if not a.no_build:
        sys.path.insert(0, str(ROOT / 'tools'))
        from build_docs import build
        site = build(ROOT, site, quiet=True)
    for f in ('index.html', 'widgets.html', 'web.html', *live_list()):
        if not (site / f).exists(): sys.exit(f'browser test: {site / f} is missing; build the site first (make docs)')
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if not Path(chromium).exists(): sys.exit(f'browser test: no browser at {chromium}; apt-get install -y chromium')
    shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    srv, base = serve(site)
    check, t0 = Checks(), time.time()
    check_offline(site, check)
    check_class_docs(site, check)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            print(f'browser: {browser.version} at {chromium}; site {site} served at {base}', flush=True)
            for name, path, at_least in (('home page', 'index.html', 0), ('widgets page', 'widgets.html', 1),
                                         ('web page', 'web.html', 1)):
                page, problems = open_page(browser, base + path, base, check, name)
                check_images(page, check, name, at_least)
                if path == 'index.html': check_notebook_links(page, base, site, check)
                if path == 'widgets.html':
                    page.screenshot(path=str(shots / 'widgets-top.png'))
                    check_players(page, check, shots)
                if path == 'web.html':
                    check_live(page, problems, check, shots)
                page.screenshot(path=str(shots / path.replace('.html', '.png')), full_page=True)
                check(not problems,
                      f'{name}: no failed, foreign or error requests and no JavaScript errors'
                          + (f': {problems[:5]}' if problems else ''))
                page.close()
            check_nojs(browser, base, check, shots)
            check_layout(browser, base, site, check, shots)
            browser.close()
    finally:
        srv.shutdown()
    n_fail = sum(l.startswith('FAIL') for l in check.lines)
    print(f'browser test: {len(check.lines) - n_fail} passed, {n_fail} failed ({time.time() - t0:.0f} s); screenshots '
          f'in {os.path.relpath(shots, ROOT)}/')
    sys.exit(0 if check.ok else 1)


if __name__ == '__main__':
    main()
