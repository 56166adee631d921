# AutoGraph Serverless. `make local` runs the API on :3000; `make test` runs everything CI runs.
SHELL := /bin/bash
# Lambda runs python3.12: use a 3.12 when one is installed (pyenv's, or on PATH), else python3.
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) $(shell command -v python3.12) python3)
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000

.PHONY: local test lint unit build validate openapi invoke bench clean

$(VENV)/.installed: requirements-dev.txt layers/deps/requirements.txt
	@echo "make: building $(VENV) with $$($(PYTHON) --version) ($(PYTHON))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# aws-sam-cli pins its own boto3/pydantic versions: it lives in a virtualenv of its own.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

local: $(VENV)/.installed ## run the API on http://127.0.0.1:$(PORT) backed by embedded moto
	PORT=$(PORT) $(PY) -m infra.local

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

openapi: $(VENV)/.installed ## regenerate functions/platform/openapi.json from every function's app
	$(PY) -m infra.build.openapi --write

build: $(SAM_VENV)/.installed ## sam build without Docker (cross-platform wheels for arm64)
	SAM_CLI_TELEMETRY=0 $(SAM) build --parallel

validate: $(SAM_VENV)/.installed
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint

test: $(VENV)/.installed $(SAM_VENV)/.installed ## lint, template checks, sam build, every test
	@echo "make test: $$($(PY) --version) from $(VENV)"
	$(VENV)/bin/ruff check .
	SAM_BIN=$(SAM) $(PY) -m pytest

invoke: $(VENV)/.installed ## run one event through its function without Docker: make invoke EVENT=events/auth-me.json [FN=AuthFunction] [AS_NEW_USER=1]
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json [FN=<logical id>] [AS_NEW_USER=1]"; exit 2; }
	$(PY) -m infra.local.invoke "$(EVENT)" $(FN) $(if $(AS_NEW_USER),--as-new-user)

bench: $(VENV)/.installed
	$(PY) bench/cold_start.py

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache
