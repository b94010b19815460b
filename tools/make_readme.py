"""Make README.md from nbs/index.ipynb without Quarto (`nbdev-readme` needs Quarto, which cannot be
installed here). Markdown cells are copied; visible code cells become ```python blocks with their text
output (Markdown outputs copied as they are; `#| echo: false` cells give their output only). `--check` exits 1 if README.md differs from what would be written."""  # noqa: E501
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _src(c): return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def _hidden(src): return any(re.match(r'#\|\s*(hide|export|exporti|default_exp|exports)\b',
                                      l) for l in src.splitlines())

def _echo_false(src): return any(re.match(r'#\|\s*echo:\s*false\b', l) for l in src.splitlines())

def _outputs(c):
    "The cell's text outputs (for a fenced block) and its Markdown outputs (copied as they are)."
    out, md = [], []
    for o in c.get('outputs', []):
        if o.get('output_type') == 'stream': out.append(''.join(o['text']))
        elif 'data' in o and 'text/markdown' in o['data']: md.append(''.join(o['data']['text/markdown']).strip('\n'))
        elif 'data' in o and 'image/png' not in o['data'] and 'text/plain' in o['data']:
            out.append(''.join(o['data']['text/plain']) + '\n')
    return ''.join(out).rstrip('\n'), md

def render(nb_path=ROOT / 'nbs' / 'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = ['<!-- This file is generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook. -->']
    for c in nb['cells']:
        s = _src(c).strip('\n')
        if not s: continue
        # paths relative to the repo root
        if c['cell_type'] == 'markdown': parts.append(s.replace('](images/', '](nbs/images/'))
        elif c['cell_type'] == 'code' and not _hidden(s):
            # `#| echo: false`: the output only, as Quarto shows it
            if not _echo_false(s): parts.append(f'```python\n{s}\n```')
            o, md = _outputs(c)
            if o: parts.append(f'```\n{o}\n```')
            parts.extend(md)
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = render(), ROOT / 'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            print('README.md is not in step with nbs/index.ipynb: run `make readme`', file=sys.stderr); sys.exit(1)
    else: readme.write_text(text); print(f'wrote {readme}')
