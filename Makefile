# The quick start: `make demo` (the whole demo study, offline, on CPU) and `make test` (the test suite; CI's
# .ci/run calls it). Both first create the virtual environment .venv when it is missing.
#   make demo CORES=4                              more cores for the demo
#   make test PYTEST_ARGS='-m "not slow"'          the quick loop (PYTEST_ARGS go to pytest)
#   make .venv TORCH_INDEX=https://download.pytorch.org/whl/cpu
#                                                  where pip's default torch is the CUDA build (Linux + PyPI)
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
TORCH_INDEX ?=
CORES ?= 2
PYTEST_ARGS ?=

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
# pip's warnings about a configured package location that this machine lacks are noise
PIP := $(VENV)/bin/pip install -q
QUIET := 2>&1 | { grep -v "^WARNING: Location" || true; }
STAMP := $(VENV)/.xlit-installed
# the demo and the tests never download a model
RUN := . $(VENV)/bin/activate && HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

.PHONY: demo test lint format .venv

demo: $(STAMP)
	$(RUN) snakemake --cores $(CORES)

test: lint
	$(RUN) python -m pytest -q $(PYTEST_ARGS)

# Style, before the tests: ruff (lint and format, pyproject.toml), snakefmt, and Snakemake's own linter on the
# demo and the paper config. `make format` applies ruff's and snakefmt's formatting.
PY_SRC := src tests bench workflow/scripts
SMK_SRC := Snakefile workflow/rules
lint: $(STAMP)
	$(RUN) ruff check $(PY_SRC) && ruff format --check $(PY_SRC) && snakefmt --check $(SMK_SRC)
	$(RUN) snakemake --lint >/dev/null && snakemake --lint --configfile config/paper.yaml >/dev/null
	@echo "style: clean"

format: $(STAMP)
	$(RUN) ruff check --fix $(PY_SRC) && ruff format $(PY_SRC) && snakefmt $(SMK_SRC)

.venv: $(STAMP)

# torch first, pinned (the CPU build where it is the local wheel, or from TORCH_INDEX): an unpinned torch pulls
# GBs of CUDA. Redone only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip $(QUIET)
	$(PIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) "$(TORCH)" $(QUIET)
	$(PIP) -e ".[test]" $(QUIET)
	touch $@
