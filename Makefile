# iid-research: every target creates .venv (if missing), installs the package with its dev
# extras and registers the Jupyter kernel "iid-research" before doing its job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := $(VENV)/share/jupyter/kernels/iid-research/kernel.json

.PHONY: help env reports test test-fast lint notebooks lab data bench bench-full clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name iid-research --display-name "Python (iid-research)"

env: $(KERNEL) ## Create .venv, install the package with dev extras, register the kernel

reports: env ## Render the default reports into reports/ (index.html + one per pemda)
	$(BIN)/iid-research reports

test: env ## Lint (ruff) and run the whole test suite (notebooks and docstring examples included)
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/python -m pytest

test-fast: env ## Lint and run the tests that do not execute notebooks
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/python -m pytest -m "not slow"

lint: env ## ruff on the package, tests, notebooks and benchmarks
	$(BIN)/ruff check src tests notebooks benchmarks

notebooks: env ## Re-sync every notebooks/NN_name.ipynb from its jupytext source NN_name.py
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py

lab: env ## Open JupyterLab on notebooks/ (the .py and .ipynb of each notebook stay paired through jupytext)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

data: env ## Verify raw data checksums and write tidy tables to data/processed/
	$(BIN)/iid-research data verify
	$(BIN)/iid-research data build

bench: env ## Run the benchmarks/ scripts at quick sizes (~4 min on 2 cores); full size: make bench-full
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

bench-full: env ## As bench, with the naive report loop run on all 100 reports, not 5 (~15 min on 2 cores)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; \
	  case $$f in *bench_reports.py) extra=--full;; *) extra=;; esac; \
	  $(BIN)/python $$f $$extra || exit 1; done

clean: ## Remove generated reports and processed tables (keeps .venv)
	rm -rf reports/*.html reports/notebooks data/processed
