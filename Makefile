# Case Studio: `make serve` and `make test` each do the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
SHARED ?= ../shared

.PHONY: serve test lint unit bench bench-peers setup graphviz clean help

help:
	@echo "make serve   set up, then run the studio on http://127.0.0.1:5000"
	@echo "make test    set up, then lint and run every test (PYTEST_ARGS='-m \"not slow\"' to skip slow suites)"
	@echo "make bench   run the benchmarks under benchmarks/"
	@echo "make bench-peers  Case Studio against SpiffWorkflow 3.2.0 (own venv .peer-venv) on its benchmark"

setup: $(STAMPS)/venv graphviz

$(STAMPS)/venv: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed: install python3 (Debian: apt-get install python3 python3-venv)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed, found $$($(PYTHON) --version)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): install python3-venv (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

# Graphviz's `dot` lays out diagrams (studio fmt --layout). Installed from the system packages when
# missing and we are root; otherwise we say exactly what to install.
graphviz:
	@if ! command -v dot >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Graphviz (dot) with apt-get..."; \
	    (apt-get install -y -q graphviz >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q graphviz >/dev/null)) \
	      || { echo "Could not install Graphviz. Run: sudo apt-get install graphviz"; exit 1; }; \
	  else \
	    echo "Graphviz's 'dot' program is missing. Install it: sudo apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS)"; exit 1; \
	  fi; \
	fi

serve: setup
	$(BIN)/studio serve

lint: $(STAMPS)/venv
	$(BIN)/ruff check studio tests benchmarks
	$(BIN)/ruff format --check studio tests benchmarks

# pytest exits 5 when it collected no tests: not a failure of the product.
unit: setup
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

test: setup lint unit

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# The peer (SpiffWorkflow 3.2.0) gets its own venv, never a project dependency.
PEER_VENV := .peer-venv
bench-peers: setup
	@test -x $(PEER_VENV)/bin/python || { $(PYTHON) -m venv $(PEER_VENV) \
	  && $(PEER_VENV)/bin/python -m pip install --quiet 'SpiffWorkflow==3.2.0'; } \
	  || { rm -rf $(PEER_VENV); echo "Could not create $(PEER_VENV) with SpiffWorkflow 3.2.0"; exit 1; }
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench_bpmn_vs_spiff.py

# The simulator peer (Prosimos 2.1.0, Python 3.11/3.12) gets its own venv too, never a project
# dependency; the pins freeze the numpy/scipy that draw its random numbers
# (docs/prosimos-conventions.md). KPIs side by side at 10k and 50k cases, then our memory.
PROSIMOS_VENV := .peer-venv-prosimos
.PHONY: bench-prosimos
bench-prosimos: setup
	@test -x $(PROSIMOS_VENV)/bin/python || { $(PYTHON) -m venv $(PROSIMOS_VENV) \
	  && $(PROSIMOS_VENV)/bin/python -m pip install --quiet 'prosimos==2.1.0' \
	     'pix-framework==0.15.0' 'numpy==2.4.6' 'scipy==1.17.1' 'pandas==2.3.3'; } \
	  || { rm -rf $(PROSIMOS_VENV); echo "Could not create $(PROSIMOS_VENV) with Prosimos 2.1.0 (it needs Python 3.11 or 3.12)"; exit 1; }
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench_sim_vs_prosimos.py --cases 10000 --runs 5
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench_sim_vs_prosimos.py --cases 50000 --runs 5
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench_sim_vs_prosimos.py --memory

clean:
	rm -rf $(VENV) $(STAMPS) .pytest_cache .ruff_cache
