# The quick start: `make demo` (the whole demo study, offline, on CPU) and `make test` (the test suite; CI's
# .ci/run calls it). Both first create the virtual environment .venv when it is missing.
#   make demo CORES=4                              more cores for the demo
#   make test PYTEST_ARGS='-m "not slow"'          the quick loop (PYTEST_ARGS go to pytest)
#   make .venv TORCH_INDEX=https://download.pytorch.org/whl/cpu
#                                                  where pip's default torch is the CUDA build (Linux + PyPI)
#   make vllm                                      the generation environment .venv-vllm (vLLM's CPU build)
#   make vllm VLLM_TARGET=cuda                     the same with the CUDA vLLM (and its torch), on a GPU cluster
#   make vllm-resolve                              pip's dry run of the CUDA variant for Linux x86_64, CPython 3.11
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
TORCH_INDEX ?=
CORES ?= 2
PYTEST_ARGS ?=
# The generation environment (vLLM), apart from .venv: vLLM pins its own torch and transformers. Pins in
# envs/vllm-$(VLLM_TARGET).txt (+ envs/vllm-xlit.txt); envs/vllm.yaml is the CUDA one for --sdm conda.
VLLM_VENV ?= .venv-vllm
VLLM_TARGET ?= cpu

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
# pip's warnings about a configured package location that this machine lacks are noise
PIP := $(VENV)/bin/pip install -q
QUIET := 2>&1 | { grep -v "^WARNING: Location" || true; }
STAMP := $(VENV)/.xlit-installed
# the demo and the tests never download a model
RUN := . $(VENV)/bin/activate && HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

.PHONY: demo test lint format .venv vllm vllm-resolve

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

# The generation environment (config `vllm.python`): on a CPU the local torch first, then vLLM's CPU build; the
# torchvision/torchaudio/torchcodec it pulls do not load against the CPU torch and no text model needs them.
# With VLLM_TARGET=cuda, vLLM brings its own CUDA torch. Then xlit itself, without its (main environment's) pins.
VLLM_STAMP := $(VLLM_VENV)/.xlit-installed
VPIP := $(VLLM_VENV)/bin/pip install -q
vllm: $(VLLM_STAMP)

$(VLLM_STAMP): envs/vllm-$(VLLM_TARGET).txt envs/vllm-xlit.txt
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VPIP) --upgrade pip $(QUIET)
	$(if $(filter cpu,$(VLLM_TARGET)),$(VPIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) "$(TORCH)" $(QUIET))
	$(VPIP) -r envs/vllm-$(VLLM_TARGET).txt $(QUIET)
	$(if $(filter cpu,$(VLLM_TARGET)),$(VLLM_VENV)/bin/pip uninstall -q -y torchvision torchaudio torchcodec $(QUIET))
	$(VPIP) --no-deps -e . $(QUIET)
	$(VLLM_VENV)/bin/python -c "import vllm, xlit.vllm_backend; print('vllm', vllm.__version__)"
	touch $@

# The CUDA variant resolves for a Linux x86_64 GPU node with CPython 3.11 and glibc 2.34 (RHEL/Rocky 9; Ubuntu
# 22.04 has 2.35), so manylinux_2_5 .. 2_34 wheels (and their legacy names): vLLM's llguidance needs glibc >= 2.31
# (not RHEL 8's 2.28).
# A dry run: nothing is installed; prints the versions it picked.
LINUX_WHEELS := $(foreach v,34 33 32 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 16 15 14 13 12 11 10 9 8 7 6 5,\
  --platform manylinux_2_$(v)_x86_64) $(foreach t,2014 2010 1,--platform manylinux$(t)_x86_64)
vllm-resolve: $(STAMP)
	$(VENV)/bin/python -m pip install --dry-run --ignore-installed --quiet --report - --only-binary=:all: \
	  $(LINUX_WHEELS) --python-version 3.11 --implementation cp --abi cp311 \
	  -r envs/vllm-cuda.txt | $(PYTHON) -c "import json,sys; \
	  r = {i['metadata']['name'].lower(): i['metadata']['version'] for i in json.load(sys.stdin)['install']}; \
	  print(' '.join(f'{k}=={r[k]}' for k in ('vllm', 'torch', 'transformers', 'peft', 'numpy') if k in r))"
