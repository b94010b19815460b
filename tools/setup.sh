#!/usr/bin/env bash
# Set up .venv for nca_nb: idempotent, a few minutes on a fresh machine, seconds after that.
#  - torch: if the venv cannot import torch (including a torch the system Python already has, which the
#    venv sees through --system-site-packages), install torch==2.13.0 *first* from PyTorch's CPU index
#    (https://download.pytorch.org/whl/cpu, the CPU build, ~200 MB), so that `pip install -e .` never
#    resolves `torch>=2.1` to a multi-GB CUDA build. Where that index cannot be reached, a plain
#    `pip install torch==2.13.0` follows: from PyPI that is the CUDA build on Linux (several GB), unless the
#    machine's pip finds a local CPU wheel. A torch you have is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv --system-site-packages .venv
fi
V=.venv/bin/python
if ! "$V" -c 'import torch' >/dev/null 2>&1; then
  echo "setup: torch not found; installing torch==2.13.0 (the CPU build, from PyTorch's CPU index)"
  if ! "$V" -m pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu --timeout 20 --retries 1; then
    echo "setup: PyTorch's CPU index is out of reach; installing torch==2.13.0 from the default index (on Linux, PyPI's build is the CUDA one)"
    "$V" -m pip install torch==2.13.0
  fi
fi
stamp=.venv/.nca_nb-installed
want=$(sha1sum pyproject.toml | cut -d' ' -f1)   # by content: nbdev-export rewrites pyproject.toml's timestamp
scripts() { [ -x .venv/bin/nbdev-export ] && [ -x .venv/bin/nca-nb ]; }   # make and .ci/run call them from .venv/bin
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! scripts; then
  echo "setup: installing nca_nb and its dev tools into .venv (pip's own progress follows)"
  "$V" -m pip install -e ".[dev]" 2>&1 | grep -v "is ignored: it is neither" | grep -v "^Requirement already satisfied" || true
  if ! scripts; then   # a system Python that already has nbdev or nca_nb satisfies pip, but their commands are then not in .venv/bin
    "$V" -m pip install -q --ignore-installed --no-deps -e . nbdev 2>&1 | grep -v "is ignored: it is neither" || true
  fi
  "$V" -c 'import nca_nb, nbdev' && echo "$want" > "$stamp"
fi
"$V" -c 'import torch, nca_nb; print(f"setup: ok (torch {torch.__version__}, nca_nb {nca_nb.__version__})")'
