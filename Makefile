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

.PHONY: demo test .venv

demo: $(STAMP)
	$(RUN) snakemake --cores $(CORES)

test: $(STAMP)
	$(RUN) python -m pytest -q $(PYTEST_ARGS)

# Style checks go here (a `lint` target that `test` or .ci/run runs first).

.venv: $(STAMP)

# torch first, pinned (the CPU build where it is the local wheel, or from TORCH_INDEX): an unpinned torch pulls
# GBs of CUDA. Redone only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip $(QUIET)
	$(PIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) "$(TORCH)" $(QUIET)
	$(PIP) -e ".[test]" $(QUIET)
	touch $@
