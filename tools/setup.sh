#!/usr/bin/env bash
# Set up .venv for nca_nb: idempotent, a few minutes on a fresh machine, seconds after that.
#   bash tools/setup.sh        the package, its dependencies and the dev tools (nbdev, ruff, playwright, smalldocs,
#                              build ...): what make test, make docs, the browser tests, make dist and .ci/run need
#   bash tools/setup.sh demo   the package and its runtime dependencies only: what `make demo` needs
#  - torch: if the venv cannot import torch (including a torch the system Python already has, which the
#    venv sees through --system-site-packages), install torch==2.13.0 *first* from PyTorch's CPU index
#    (https://download.pytorch.org/whl/cpu, the CPU build, ~200 MB), so that `pip install -e .` never
#    resolves `torch>=2.1` to a multi-GB CUDA build. Where that index cannot be reached, a plain
#    `pip install torch==2.13.0` follows: from PyPI that is the CUDA build on Linux (several GB), unless the
#    machine's pip finds a local CPU wheel. A torch you have is kept.
#  - pip's own lines are shown: on a terminal as pip draws them (with its progress bars), in a log one line
#    per step, without "Requirement already satisfied" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-dev}
case "$MODE" in dev|demo) ;; *) echo "usage: bash tools/setup.sh [dev|demo]" >&2; exit 2 ;; esac
say() { echo "setup: $*"; }
quiet_lines() { grep --line-buffered -v -e "is ignored: it is neither" -e "^Requirement already satisfied" || true; }
pipv() {   # pip, talking; its exit status
  if [ -t 1 ]; then "$V" -m pip "$@"; else "$V" -m pip "$@" 2>&1 | quiet_lines; fi
}
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PY" --version 2>&1) (--system-site-packages: what the system Python has is used)"
  "$PY" -m venv --system-site-packages .venv
fi
V=.venv/bin/python
if ! "$V" -c 'import torch' >/dev/null 2>&1; then
  say "torch not found; installing torch==2.13.0, the CPU build, from PyTorch's CPU index (~200 MB; ~750 MB installed)"
  if ! pipv install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu --timeout 20 --retries 1; then
    say "PyTorch's CPU index is out of reach; installing torch==2.13.0 from the default index (on Linux: CUDA's)"
    pipv install torch==2.13.0
  fi
else
  say "torch $("$V" -c 'import torch; print(torch.__version__)') found: kept"
fi
stamp=.venv/.nca_nb-installed   # "<sha1 of pyproject.toml> <mode>"; a stamp without a mode is from a dev set-up
want=$(sha1sum pyproject.toml | cut -d' ' -f1)   # by content: nbdev-export rewrites pyproject.toml's timestamp
line=$(cat "$stamp" 2>/dev/null || true)
have=${line%% *}; have_mode=dev; [[ "$line" == *" "* ]] && have_mode=${line#* }
if [ "$MODE" = dev ]; then
  need="nca-nb nbdev-export" extras="[dev]" mods="nca_nb, nbdev" what="nca_nb, its dependencies and the dev tools"
else need="nca-nb" extras="" mods="nca_nb" what="nca_nb and its runtime dependencies (no dev tools)"; fi
scripts() { for s in $need; do [ -x ".venv/bin/$s" ] || return 1; done; }   # make and .ci/run call them from .venv/bin
if [ "$have" = "$want" ] && { [ "$MODE" = demo ] || [ "$have_mode" = dev ]; } && scripts; then
  say "$what: already installed (pyproject.toml unchanged)"
else
  say "installing $what into .venv (pip's own lines follow)"
  pipv install -e ".$extras"
  if ! scripts; then   # a system Python that already has nbdev or nca_nb satisfies pip, but their commands are then not in .venv/bin
    say "linking the commands ($need) into .venv/bin"
    pipv install --ignore-installed --no-deps -e . $([ "$MODE" = dev ] && echo nbdev)
  fi
  "$V" -c "import $mods" && echo "$want $MODE" > "$stamp"
fi
"$V" -c 'import torch, nca_nb; print(f"setup: ok (torch {torch.__version__}, nca_nb {nca_nb.__version__})")'
