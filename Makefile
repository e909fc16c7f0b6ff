# Two commands set everything up on a fresh machine: `make run` and `make test`.
# The Makefile only creates the environment and passes arguments through to the CLI.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
INSTANCE ?= instances/default.yaml
OUT ?= out/$(basename $(notdir $(INSTANCE)))

.PHONY: install run solve test bench instances docs clean

install: $(STAMP)

# Installs the package and its tested, pinned dependency versions (constraints.txt).
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m planner solve instances/default.yaml --out out/default

solve: $(STAMP)
	$(PY) -m planner solve $(INSTANCE) --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest

# Full-year benchmarks (minutes): not part of `make test`. See docs/performance.md.
bench: $(STAMP)
	$(PY) benchmarks/bench.py

instances: $(STAMP)
	$(PY) -m planner.profiles instances

docs: $(STAMP)
	$(PY) -m planner.schema_doc docs/instances.md

clean:
	rm -rf out .pytest_cache
