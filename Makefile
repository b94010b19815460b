# Two commands for users (README): `make demo` and `make test`. Each sets itself up first.
V := .venv/bin
.PHONY: setup demo test slow export readme docs bench clean

setup:
	@bash tools/setup.sh

demo: setup
	$(V)/nca-nb info

test: setup
	$(V)/python tools/test_nbs.py

slow: setup
	$(V)/python tools/test_nbs.py --flags slow

export: setup
	$(V)/nbdev-export && $(V)/nbdev-clean

readme: setup
	$(V)/python tools/make_readme.py

bench: setup
	$(V)/python bench/core_bench.py
