# The two commands of the README: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run test bench eval-real lint index browser

setup: $(STAMP)

# torch==2.13.0 first (the CPU wheel on this machine); anything else would pull CUDA packages.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null \
		|| $(PIP) install -q "torch==2.13.0"
	$(PIP) install -q -e ".[dev,bench]"
	@touch $(STAMP)

# Debian's chromium for the browser test (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || (apt-get install -y -q chromium >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null))

index: setup
	@.venv/bin/qa index build --if-stale

# `make run SERVE_ARGS="--host 0.0.0.0 --port 9000 --workers 1"` passes options to `qa serve`.
run: index
	.venv/bin/qa serve $(SERVE_ARGS)

test: setup browser
	.venv/bin/pytest -q

bench: setup
	$(PY) -m bench

# Quality and speed on the labelled sets in ../shared/data, ours vs txtai (the bench extra, never a runtime dependency).
eval-real: setup
	$(PY) -m bench.real

lint: setup
	.venv/bin/ruff check qa integrations tests bench
