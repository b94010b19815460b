"""Build the docs site into _docs/ without Quarto: nbdev's notebook processing, then smalldocs (pure Python).

    make docs                     # = .venv/bin/python tools/build_docs.py
    python tools/build_docs.py    # with nbdev and smalldocs installed (the dev extra)

Where Quarto is installed, `nbdev-docs` builds the same site from the same configuration (nbs/_quarto.yml,
nbs/nbdev.yml, nbs/sidebar.yml), also into _docs/. Here:

1. nbdev (what `nbdev-proc-nbs` does, minus its attempt to download and `sudo`-install Quarto): writes
   nbs/nbdev.yml from pyproject.toml, the module index, nbs/sidebar.yml (notebooks only), and processes
   every notebook into _proc/ (serially, in this process): `show_doc` API docs added and run,
   export/hide directives applied, the stored outputs kept. nbdev runs only the cells the API docs
   need: exported cells, `show_doc` cells, and any cell that contains an import. A test cell that mixes
   an import with code needing cells nbdev does not run fails there (nbdev's FAQ: keep imports in cells
   of their own), which stops `nbdev-docs`; here such a cell is skipped with a warning that names it,
   since its output is the stored one anyway. A failing exported or `show_doc` cell still fails the build.
   `show_doc` writes a class as `class Name(...)`, with `@dataclass` above a dataclass (fastcore writes `def`).
2. staging (a temporary copy of _proc/): each page is named by its nbdev `output-file` (core.html, as
   Quarto names it, not 00_core.html), links into the public site (nbdev writes `site-url/core.html#nca`)
   are made relative so the local site navigates offline, and Quarto-only formats (commonmark, keep-md,
   format-links), which smalldocs would warn about, are dropped.
3. `smalldocs render` into _docs/ (git-ignored). Then, so that nothing is loaded from another host and the
   site works offline: the Bootswatch theme's `@import` of Google Fonts is removed from the site's CSS
   (the theme's fallback fonts are used), and on pages with maths, KaTeX, which smalldocs links from a
   CDN, is copied into site_libs/katex/ from Debian's libjs-katex (`apt-get install -y libjs-katex`; without
   it those pages keep the CDN links and the build says so).
4. the live players (`LIVE`, embedded by nbs/16_web.ipynb): `nca_nb.web.export_web` pages in live/, each with a
   static PNG for readers without JavaScript.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def tolerate_import_cells():
    ("Make nbdev's `exec_show_docs` skip (with a warning) a failing cell that it runs only because the cell imports "
        "something.")
    import nbdev.processors as P
    if getattr(P.exec_show_docs, '_tolerant', False): return
    run = P.exec_show_docs.__call__
    def call(self, cell):
        try: return run(self, cell)
        except Exception as e:
            needed = cell.directives_.keys() & {'export', 'exports', 'exporti',
                                                'exec_doc'} or P._show_docs(cell.parsed_() or [])
            if needed: raise
            self.k.exc = None   # else the next cell, even one nbdev does not run, reports this error again
            print(f'docs: warning: skipped a cell nbdev runs for its imports, which failed without the cells it needs '
                  f'(keep imports in cells of their own):\n  {str(e).splitlines()[0]}\n  {str(e).splitlines()[-1]}',
                  flush=True)
    P.exec_show_docs.__call__, P.exec_show_docs._tolerant = call, True


def classes_as_classes():
    "Make `show_doc` write a class as `class Name(...)` (`@dataclass` above a dataclass), not `def Name(...)->None:`."
    # fastcore's DocmentText writes every signature with `def` (AnswerDotAI/fastcore#829), and a dataclass's
    # generated __init__ adds `->None`.
    import dataclasses, inspect
    from fastcore import docments as D
    text = D.DocmentText.__str__
    if getattr(text, '_classes', False): return
    def __str__(self):
        s, o = text(self), self.obj
        if not inspect.isclass(o) or not s.startswith(('def ', 'class ')): return s
        s = 'class ' + s.removeprefix('def ').removeprefix('class ')
        head, sep, tail = s.rpartition(')->None:')
        if sep and '\n' not in tail: s = head + '):' + tail   # the return annotation of __init__, not of the class
        return ('@dataclass\n' if dataclasses.is_dataclass(o) else '') + s
    __str__._classes = True
    D.DocmentText.__str__ = D.DocmentText.__repr__ = __str__


def nbdev_process(root: Path) -> tuple[Path, object]:
    ("Run nbdev's docs preprocessing (nbdev-proc-nbs) serially without the Quarto installer; returns the _proc folder "
        "and the config.")
    os.chdir(root)
    import nbdev.quarto as q
    q._ensure_quarto = lambda: None   # never try to download Quarto: it is not used here
    tolerate_import_cells()
    classes_as_classes()
    cache, cfg, _ = q._pre_docs(None, n_workers=0, file_re=q._def_file_re)
    return Path(cache), cfg


def frontmatter(nb: dict) -> dict:
    "The YAML front matter nbdev writes into the first (raw) cell of a processed notebook."
    c = nb['cells'][0] if nb.get('cells') else {}
    src = ''.join(c.get('source', ''))
    if c.get('cell_type') != 'raw' or not src.startswith('---'): return {}
    return yaml.safe_load(src.strip().strip('-')) or {}


def stage(cache: Path, dest: Path, site_url: str) -> dict:
    "Copy the processed notebooks to `dest` for smalldocs; returns {notebook: page name}."
    shutil.copytree(cache, dest, ignore=shutil.ignore_patterns('_docs', '.*'))
    names, site = {}, site_url.rstrip('/') + '/'
    for p in sorted(dest.glob('*.ipynb')):
        text = p.read_text(encoding='utf-8')
        nb = json.loads(text)
        out = frontmatter(nb).get('output-file')
        new = Path(out).with_suffix('.ipynb').name if out else p.name
        text = re.sub(re.escape(site) + r'([\w-]+\.html)', r'\1', text)     # absolute links into this site -> relative
        text = re.sub(r'output-file: [^\n"\\]*(\\n)?', '', text, count=1)   # smalldocs names the page by its file
        p.unlink(); (dest / new).write_text(text, encoding='utf-8')
        names[p.name] = new
    sb = dest / 'sidebar.yml'
    if sb.exists():
        sb.write_text(re.sub(r'[\w.-]+\.ipynb', lambda m: names.get(m.group(0), m.group(0)), sb.read_text()))
    q = yaml.safe_load((dest / '_quarto.yml').read_text())
    html = (q.get('format') or {}).get('html') or {}
    html.pop('keep-md', None)
    q['format'] = {'html': html}
    (dest / '_quarto.yml').write_text(yaml.safe_dump(q, sort_keys=False))
    ny = yaml.safe_load((dest / 'nbdev.yml').read_text())
    ny.pop('format-links', None)
    (dest / 'nbdev.yml').write_text(yaml.safe_dump(ny, sort_keys=False))
    return names


REMOTE_IMPORT = re.compile(r'@import\s+url\(\s*["\']?https?://[^)]*\)\s*;?')

def strip_remote_imports(site: Path) -> list[Path]:
    ("Remove CSS `@import url(https://...)` (the theme's web fonts) from the site's stylesheets; returns the files "
        "changed.")
    changed = []
    for css in site.rglob('*.css'):
        text = css.read_text(encoding='utf-8')
        new = REMOTE_IMPORT.sub('', text)
        if new != text: css.write_text(new, encoding='utf-8'); changed.append(css)
    return changed


KATEX_CDN = re.compile(r'https://cdn\.jsdelivr\.net/npm/katex@[\d.]+/dist/([\w./-]+)')
KATEX_LOCAL = Path('/usr/share/javascript/katex')   # Debian's libjs-katex

def vendor_katex(site: Path, katex: Path = KATEX_LOCAL) -> int:
    ("Serve KaTeX from the site (site_libs/katex/) instead of its CDN; returns the pages changed (0 and a note without "
        "libjs-katex).")
    pages = [p for p in site.rglob('*.html') if KATEX_CDN.search(p.read_text(encoding='utf-8'))]
    if not pages: return 0
    if not (katex / 'katex.min.js').exists():
        print(f'docs: note: {len(pages)} page(s) with maths load KaTeX from its CDN; apt-get install -y libjs-katex to '
              f'serve it from the site')
        return 0
    dest = site / 'site_libs' / 'katex'
    shutil.copytree(katex, dest, dirs_exist_ok=True)
    for p in pages:
        up = '../' * (len(p.relative_to(site).parts) - 1)
        local = lambda m: f"{up}site_libs/katex/{m.group(1).replace('auto-render.min.js', 'auto-render.js')}"
        p.write_text(KATEX_CDN.sub(local, p.read_text(encoding='utf-8')), encoding='utf-8')
    return len(pages)


# The live players embedded in the web page (nbs/16_web.ipynb, its section "Live on this page" links to live/<page>.html
# and
# live/<page>.png): `model` in nca_nb/data/; `init` None for the model's seed, else (a function of nca_nb, its
# arguments,
# the frame to start from); `grid` the grid (default: export_web's); `px` screen pixels per cell; `still` the steps run
# (seed 0) for the static picture shown without JavaScript; `beside` the page it sits beside (tools/browser_test.py
# checks).
LIVE = [
    dict(page='fox', model='growing_fox', title='The fox: the ground truth', px=5, still=200),
    dict(page='fox_learned', model='learned_fox_stratified_full', grid=(72, 72), beside='fox',
         title='The fox: learned from its frames', px=5, still=200),
    dict(page='cat', model='growing_cat', title='The cat: the ground truth', px=5, still=200),
    dict(page='cat_learned', model='learned_cat_stratified_full', grid=(72, 72), beside='cat',
         title='The cat: learned from its frames', px=5, still=200),
    dict(page='life_gun', model='life', init=('nca_nb.life.simulate_life', dict(pattern='gun', size=64, steps=1), 0),
         title='Learned Life: a Gosper glider gun', px=6, still=60),
    dict(page='bz', model='bz_multi', init=('nca_nb.bz.simulate_bz', dict(size=64, steps=200, every=200), 1),
         title='Learned BZ: from a BZ frame', px=6, still=0),
]
LIVE_CSS = (
    'body{{margin:6px;font-size:13px}}h1{{font-size:1.1em;margin:0 0 .4em}}.row{{margin:.3em 0}}.note{{font-size:.8em}}'
    '#nca-canvas{{width:{w}px!important;height:{h}px!important}}'
)  # the docs' iframes are narrower than a page of its own

def live_pages(dest: Path, live: list[dict] = LIVE) -> list[Path]:
    "Write each of `live` as a live page (`export_web`) and its static picture (PNG) into `dest`; returns the pages."
    import contextlib, importlib, io, numpy as np, torch
    from PIL import Image
    from nca_nb.core import load_model, to_rgb
    from nca_nb.web import export_web, initial_state
    torch.set_num_threads(1)
    dest.mkdir(parents=True, exist_ok=True)
    data, pages = ROOT / 'nca_nb' / 'data', []
    with tempfile.TemporaryDirectory(prefix='nca_nb-live-') as tmp, torch.no_grad():
        for d in live:
            model, init, frame = load_model(data / f"{d['model']}.safetensors"), None, 0
            if d.get('init'):
                fn, kw, frame = d['init']
                mod, name = fn.rsplit('.', 1)
                init = Path(tmp) / f"{d['page']}.npz"
                getattr(importlib.import_module(mod), name)(**kw).save(init)
            with contextlib.redirect_stdout(io.StringIO()):   # export_web's line names the temporary folder
                page = export_web(model, dest / f"{d['page']}.html", init=init, size=d.get('grid'), title=d['title'],
                                  frame=frame)
            x0 = initial_state(model, init, frame, d.get('grid'))[0]
            _, H, W = x0.shape
            text = page.read_text(encoding='utf-8')
            page.write_text(text.replace('</head>',
                                         f"<style>{LIVE_CSS.format(w=W * d['px'], h=H * d['px'])}</style></head>", 1),
                                         encoding='utf-8')
            x = model.rollout(x0[None], d['still'], seed=0)[0] if d['still'] else x0
            rgb = (to_rgb(x, model.n_visible).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
            Image.fromarray(rgb).resize((W * d['px'], H * d['px']), Image.NEAREST).save(dest / f"{d['page']}.png",
                optimize=True)
            pages.append(page)
    return pages


def build(root: Path = ROOT, out: Path | None = None, quiet: bool = False) -> Path:
    "Build the site; returns the folder it is in (default: nbdev's doc_path, _docs/)."
    t0 = time.time()
    cache, cfg = nbdev_process(root)
    out = Path(out) if out else Path(cfg.doc_path)
    if not quiet: print(f'docs: notebooks processed into {cache.relative_to(root)}/ ({time.time() - t0:.0f} s)',
                        flush=True)
    with tempfile.TemporaryDirectory(prefix='nca_nb-docs-') as tmp:
        src = Path(tmp) / 'site'
        stage(cache, src, str(cfg.doc_host) + str(cfg.doc_baseurl))
        smalldocs = shutil.which('smalldocs', path=str(Path(sys.executable).parent)) or 'smalldocs'
        r = subprocess.run([smalldocs, 'render', str(src)] + (['--quiet'] if quiet else []))
        if r.returncode: sys.exit(f'docs: smalldocs render failed (exit {r.returncode})')
        built = src / '_docs'
        strip_remote_imports(built)
        vendor_katex(built)
        t1 = time.time()
        live = live_pages(built / 'live')
        if not quiet: print(f'docs: {len(live)} live pages and their pictures in live/ ({time.time() - t1:.0f} s): '
                            f'{", ".join(f"{p.stem} ({p.stat().st_size // 1024} KB)" for p in live)}', flush=True)
        if out.exists(): shutil.rmtree(out)
        shutil.move(str(built), str(out))
    pages = sorted(p.name for p in out.glob('*.html'))
    if not quiet: print(f'docs: {len(pages)} pages in {os.path.relpath(out, root)}/ ({time.time() - t0:.0f} s): '
                        f'{", ".join(pages)}')
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', help="output folder (default: nbdev's doc_path, _docs/)")
    ap.add_argument('--quiet', action='store_true', help='print only warnings and errors')
    a = ap.parse_args()
    build(ROOT, Path(a.out).resolve() if a.out else None, a.quiet)
