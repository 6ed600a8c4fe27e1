# Case Studio: `make serve` and `make test` each do the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
SHARED ?= ../shared

.PHONY: serve test lint unit bench bench-peers setup graphviz frontend translations messages chromium clean help FORCE

help:
	@echo "make serve   set up, then run the studio on http://127.0.0.1:5000"
	@echo "make test    set up, then lint and run every test (PYTEST_ARGS='-m \"not slow\"' to skip slow suites)"
	@echo "make bench   run the benchmarks under benchmarks/"
	@echo "make frontend  build the browser assets into studio/static/dist (Node 20 + npm)"
	@echo "make messages  extract the pages' strings and update the translation catalogues"
	@echo "make bench-peers  Case Studio against SpiffWorkflow 3.2.0 (own venv .peer-venv) on its benchmark"

setup: $(STAMPS)/venv graphviz frontend translations

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

# The browser assets: `npm ci` when the lock file changed, the esbuild bundles (frontend/build.mjs)
# when a source changed, into studio/static/dist/ (git-ignored; a wheel ships it, so production
# hosts need no Node). Deleting studio/static/dist/ rebuilds it.
FRONTEND := frontend
DIST := studio/static/dist
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(FRONTEND)/build.mjs $(FRONTEND)/.bpmnlintrc

frontend: $(STAMPS)/frontend

$(STAMPS)/node: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 20+ and npm build the browser assets: install them (Debian: apt-get install nodejs npm; or https://nodejs.org), then run make again"; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' || { echo "Node.js 20+ is needed to build the browser assets, found $$(node --version)"; exit 1; }
	cd $(FRONTEND) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/frontend: $(STAMPS)/node $(FRONTEND_SOURCES) $(if $(wildcard $(DIST)/build.json),,FORCE)
	cd $(FRONTEND) && node build.mjs
	@mkdir -p $(STAMPS) && touch $@

FORCE:

# The pages' French catalogue: the .po is in git, the compiled .mo is built here (git-ignored,
# shipped in the wheel). `make messages` extracts the strings and updates the catalogues.
TRANSLATIONS := studio/web/translations
# A language folder may hold one .po per area of the studio besides messages.po: all are merged
# into messages.mo (studio/web/translations/compile.py).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

translations: $(CATALOGUES)

.SECONDEXPANSION:
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $$(wildcard $(TRANSLATIONS)/%/LC_MESSAGES/*.po) $(STAMPS)/venv
	$(BIN)/python $(TRANSLATIONS)/compile.py

messages: $(STAMPS)/venv
	$(BIN)/pybabel extract -F $(TRANSLATIONS)/babel.cfg -k lazy_gettext --no-location \
	  --project "Case Studio" --copyright-holder "the Case Studio authors" -o $(TRANSLATIONS)/messages.pot studio/web
	@test -f $(TRANSLATIONS)/fr/LC_MESSAGES/messages.po \
	  || $(BIN)/pybabel init -l fr -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

# Chromium drives the browser tests (tests/browser, Playwright on /usr/bin/chromium): installed
# from the system packages when missing and we are root; otherwise we say what to install and
# the browser tests are skipped.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests with apt-get..."; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
	      || echo "Could not install Chromium: the browser tests will be skipped. Run: sudo apt-get install chromium"; \
	  else \
	    echo "Chromium is missing: the browser tests will be skipped. Install it: sudo apt-get install chromium (Debian/Ubuntu)"; \
	  fi; \
	fi

# nginx puts several server processes behind one address in the cluster tests (tests/ops) and
# benchmarks (benchmarks/cluster.py): installed from the system packages when missing and we are
# root; otherwise we say what to install and those tests are skipped.
.PHONY: nginx
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing nginx for the cluster tests with apt-get..."; \
	    (apt-get install -y -q nginx >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q nginx >/dev/null)) \
	      || echo "Could not install nginx: the cluster tests will be skipped. Run: sudo apt-get install nginx"; \
	  else \
	    echo "nginx is missing: the cluster tests will be skipped. Install it: sudo apt-get install nginx (Debian/Ubuntu)"; \
	  fi; \
	fi

# PostgreSQL and Redis (tests marked postgresql, the worker and cluster tests): started when
# installed but not running; otherwise those tests skip, saying why (scripts/services.sh).
.PHONY: services
services:
	@scripts/services.sh

serve: setup
	$(BIN)/studio serve

lint: $(STAMPS)/venv
	$(BIN)/ruff check studio tests benchmarks
	$(BIN)/ruff format --check studio tests benchmarks

# pytest exits 5 when it collected no tests: not a failure of the product.
unit: setup chromium nginx services
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

test: setup chromium lint unit

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
	rm -rf $(VENV) $(STAMPS) .pytest_cache .ruff_cache $(FRONTEND)/node_modules $(DIST) screenshots
