# The README's commands. Every install goes through constraints.txt, which pins torch==2.13.0 (CPU build).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PIP_INSTALL := $(PIP) install -q --disable-pip-version-check -c constraints.txt

.PHONY: demo test docs bench bench-full install install-dev check-sync clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(PY) pyproject.toml constraints.txt
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: $(PY) pyproject.toml constraints.txt
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(VENV)/bin/hpm demo --out $(or $(OUT),hpm_demo)

# Notebooks are the source: cleaning and exporting them must not change any tracked file.
check-sync: $(VENV)/.installed-dev
	@state() { git status --porcelain -- nbs hybridpredictmaize; git diff -- nbs hybridpredictmaize | sha1sum; }; \
	before=$$(state); \
	$(VENV)/bin/nbdev-clean && $(VENV)/bin/nbdev-export || exit 1; \
	after=$$(state); \
	if [ "$$before" != "$$after" ]; then \
	  echo "nbdev-clean / nbdev-export changed files: run them and commit notebooks and modules together:"; \
	  git status --short -- nbs hybridpredictmaize; exit 1; fi

test: check-sync
	$(PY) tools/run_tests.py

docs: $(VENV)/.installed-dev
	rm -rf _proc _docs
	$(VENV)/bin/nbdev-proc-nbs
	$(VENV)/bin/smalldocs render _proc
	mv _proc/_docs _docs
	@echo "docs written to _docs/index.html"

bench: $(VENV)/.installed-dev
	$(PY) bench/run_all.py

bench-full: $(VENV)/.installed-dev
	$(PY) bench/run_all.py --full

# Progress bars show on a terminal (tqdm detects one); tests and benchmarks keep them off, as CI does (.ci/run).
test bench bench-full: export HPM_PROGRESS ?= 0

clean:
	rm -rf _proc _docs build dist *.egg-info
