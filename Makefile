# The two commands of the README: `make demo` and `make test`. Both create .venv when missing
# and install the project into it (torch first: `torch==2.13.0` is the local CPU build).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.imdbkit-installed
PYTEST_ARGS ?=

.PHONY: install demo test lint docs bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg setup.py pyproject.toml
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/imdbkit demo

# mkdocs without -q: with -q it does not count the warnings it hides, so --strict passes broken links.
test: install
	$(VENV)/bin/ruff check .
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -d $$(mktemp -d)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

docs: install
	$(VENV)/bin/mkdocs serve

bench: install
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) imdbkit-data .pytest_cache site
