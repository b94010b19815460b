# Two commands for users (README): `make demo` and `make test`. Each sets itself up first.
V := .venv/bin
.PHONY: setup setup-demo demo dist wheel-test test slow export readme docs browser-test jupyterlab-test bench clean

# setup: the package and the dev tools (tests, docs, dist); setup-demo: the package and its runtime dependencies only
setup:
	@bash tools/setup.sh

setup-demo:
	@bash tools/setup.sh demo

demo: setup-demo
	$(V)/nca-nb demo

# The sdist and the wheel in dist/ (python -m build, with .venv's setuptools: nothing downloaded).
dist: setup
	rm -rf dist && $(V)/python -m build --no-isolation --outdir dist .
	@ls -l dist

# Build the wheel, install it into a fresh venv in a temporary folder, run README's example and nca-nb from there.
wheel-test: setup
	$(V)/python tools/wheel_test.py

test: setup
	$(V)/ruff check nca_nb scripts tools bench
	$(V)/ruff check --select E501 nbs
	$(V)/python tools/test_nbs.py

slow: setup
	$(V)/python tools/test_nbs.py --flags slow

export: setup
	$(V)/nbdev-export && $(V)/nbdev-clean

readme: setup
	$(V)/python tools/make_readme.py

# The docs site, without Quarto (nbdev's notebook processing + smalldocs) into _docs/; with Quarto, `nbdev-docs` builds the same.
docs: setup
	$(V)/python tools/build_docs.py

# Build the site, serve it on 127.0.0.1 and check it in headless Chromium (apt-get install -y chromium); screenshots in _site/screenshots/.
browser-test: setup
	$(V)/python tools/browser_test.py

# JupyterLab on 127.0.0.1 runs a notebook of the three viewers, headless Chromium drives them; screenshots in _site/.
jupyterlab-test: setup
	$(V)/python tools/jupyterlab_test.py

bench: setup
	$(V)/python bench/core_bench.py && $(V)/python bench/systems_bench.py && $(V)/python bench/train_bench.py --threads 1 && $(V)/python bench/threads_bench.py && $(V)/python bench/dist_bench.py
