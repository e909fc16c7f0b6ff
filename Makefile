# Two commands set everything up on a fresh machine: `make run` and `make test`.
# The Makefile only creates the environment and passes arguments through to the CLI.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
INSTANCE ?= instances/default.yaml
OUT ?= out/$(basename $(notdir $(INSTANCE)))

.PHONY: install run solve test lint bench instances results import-grid docs clean sweep frontier breakeven report study chromium

install: $(STAMP)

# Installs the package and its tested, pinned dependency versions (constraints.txt).
$(STAMP): pyproject.toml constraints.txt
	@echo "Installing planner and its pinned dependencies into $(VENV) (first time only: a few minutes)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -c constraints.txt -e '.[test,lint]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m planner solve instances/default.yaml --out out/default --report

solve: $(STAMP)
	$(PY) -m planner solve $(INSTANCE) --out $(OUT) --report

test: $(STAMP) chromium
	$(PY) -m pytest

# Debian's Chromium for tests/test_browser.py (the reports rendered in a real browser): installed
# when missing and apt-get is usable (root); never fails the build: without it the test is
# skipped and says why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "chromium: installing Debian's package for tests/test_browser.py"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
	    || { apt-get update -qq >/dev/null 2>&1 \
	         && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } \
	    || echo "chromium: apt-get could not install it; tests/test_browser.py will be skipped"; \
	  else \
	    echo "chromium: not installed and apt-get is not usable here (needs root and apt);" \
	      "tests/test_browser.py will be skipped"; \
	  fi; }

# ruff (rules in pyproject.toml: pycodestyle, pyflakes, import order, bugbear, pyupgrade;
# formatting checked) and mypy (untyped definitions disallowed) on the package.
lint: $(STAMP)
	$(VENV)/bin/ruff check planner tests benchmarks
	$(VENV)/bin/ruff format --check planner tests benchmarks
	$(VENV)/bin/mypy

# Full-year benchmarks (minutes): not part of `make test`. See docs/performance.md.
bench: $(STAMP)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/representative.py
	$(PY) benchmarks/horizons.py 1 2 5
	$(PY) benchmarks/solver_levers.py
	$(PY) benchmarks/sweep_warm.py
	$(PY) benchmarks/axes.py
	$(PY) benchmarks/clean_firm_comparison.py
	$(PY) -m pip install --disable-pip-version-check -c constraints.txt -e '.[bench]'
	$(PY) benchmarks/vs_pypsa.py

# Shipped instances, bit for bit from the shipped real files (instances/data/): the per-region
# 2022 series (instances/data/derived/), then the instance YAML and profile CSVs (planner/shipped/).
instances: $(STAMP)
	$(PY) -m planner.data.regions
	$(PY) -m planner.shipped write instances

# Full-year solves of the shipped instances (minutes) -> instances/results.json, then the docs.
# NAMES="stargate_tx dc_alley_va" solves only those.
results: $(STAMP)
	$(PY) -m planner.shipped solve $(NAMES)
	$(PY) -m planner.schema_doc docs/instances.md

# Hourly grid data to profile columns (docs/data.md), e.g.
# make import-grid ARGS="eia930 EIA930.csv --ba ERCO --utc-offset -6 --out my_grid.csv"
import-grid: $(STAMP)
	$(PY) -m planner.imports $(ARGS)

# Parameter sweeps and their analyses (docs/sweeps.md); resumable: re-run to continue.
# make sweep SWEEP=instances/sweeps/fusion_price.yaml WORKERS=2
# make breakeven OFFER=helion ARGS="--set time.hours=168 --by policy.hourly_cfe_target=0.8,0.9"
SWEEP ?= instances/sweeps/cfe_target.yaml
OFFER ?= helion
sweep: $(STAMP)
	$(PY) -m planner sweep $(SWEEP) $(if $(WORKERS),--workers $(WORKERS)) $(ARGS)

frontier: $(STAMP)
	$(PY) -m planner frontier $(INSTANCE) $(if $(WORKERS),--workers $(WORKERS)) $(ARGS)

breakeven: $(STAMP)
	$(PY) -m planner breakeven $(INSTANCE) --offer $(OFFER) $(if $(WORKERS),--workers $(WORKERS)) $(ARGS)

# report.html (figures embedded) for a results or sweep folder: make report [RESULT=out/default]
RESULT ?= out/default
report: $(STAMP)
	$(PY) -m planner report $(RESULT) $(ARGS)

# The fusion study (under 30 minutes on 2 cores): docs/fusion_study.md, its figures and
# out/study/report.html, regenerated from the solves (stored in out/study/, resumable).
# ARGS="--config instances/study/study.yaml --out out/study --doc docs/fusion_study.md"
study: $(STAMP)
	$(PY) -m planner.study $(ARGS)

docs: $(STAMP)
	$(PY) -m planner.schema_doc docs/instances.md

clean:
	rm -rf out .pytest_cache
