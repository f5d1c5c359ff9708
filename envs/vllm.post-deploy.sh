#!/usr/bin/env bash
# Run by `snakemake --sdm conda` inside the new envs/vllm.yaml environment, from the work directory: xlit from this
# checkout (XLIT_SRC, default: the work directory) without its dependencies, whose torch and transformers pins are
# the main environment's; vLLM brought its own (as `make vllm` does).
set -euo pipefail
python -m pip install --no-deps -e "${XLIT_SRC:-.}"
