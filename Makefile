# geostack.swarm: the two commands a newcomer runs are `make up` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INVENTORY ?= inventories/local
COLLECTION_DIR := .collections/ansible_collections/geostack/swarm
SANITY_DIR := .build/ansible_collections/geostack/swarm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Never wait for a prompt (CI has no stdin).
export DEBIAN_FRONTEND := noninteractive
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export ANSIBLE_FORCE_COLOR := 0
# The venv's tools (ansible-playbook for molecule, ansible-lint's checks) come first.
export PATH := $(CURDIR)/$(BIN):$(PATH)

SOURCES := $(shell find galaxy.yml meta plugins roles playbooks -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: help up test test-fast venv install host-deps lint sanity unit integration molecule bench clean

help:
	@echo "make up         deploy the stack on this host (inventories/local): engine, swarm, networks"
	@echo "make test       the whole suite: lint, sanity, unit, integration, Molecule cluster and stack (root, ~50 min)"
	@echo "make test-fast  unit tests, collection build, ansible-lint and ansible-test sanity (a few minutes)"
	@echo "make bench      the benchmark on the local deployment (made by make up if it is not up; ~6 min)"
	@echo "INVENTORY=inventories/example make up   deploy on the hosts of another inventory"

# ---- environment ------------------------------------------------------------------------------------------------
$(BIN)/python:
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel

$(VENV)/.requirements: requirements.txt requirements-test.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-test.txt
	@touch $@

venv: $(VENV)/.requirements

# Build the collection and install the artifact, as a user would (offline: the `ansible` package bundles the
# dependencies). Concurrent runs (several shells, several helpers) take turns on a lock, and each builds and installs
# into a directory of its own, then swaps it in with two renames: a playbook running from .collections never sees a
# half-installed or missing collection, and one install never removes another's files mid-way.
$(COLLECTION_DIR)/MANIFEST.json: $(VENV)/.requirements $(SOURCES)
	@mkdir -p .build $(dir $(COLLECTION_DIR)) && exec 9>.build/install.lock && flock 9 && \
	  tmp=$$(mktemp -d .build/install.XXXXXX) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(BIN)/ansible-galaxy collection build --force --output-path "$$tmp/dist" . >/dev/null && \
	  ANSIBLE_COLLECTIONS_PATH="$$tmp/collections" $(BIN)/ansible-galaxy collection install --offline --force -p "$$tmp/collections" "$$tmp"/dist/geostack-swarm-*.tar.gz >/dev/null && \
	  { [ ! -e $(COLLECTION_DIR) ] || mv $(COLLECTION_DIR) "$$tmp/previous"; } && \
	  mv "$$tmp/collections/ansible_collections/geostack/swarm" $(COLLECTION_DIR)
	@echo "installed geostack.swarm into .collections"

install: $(COLLECTION_DIR)/MANIFEST.json

# promtool (the alert rules' tests, tests/unit/monitoring), from Debian's prometheus package: the one on the PATH, else
# extracted from the package into the venv (nothing installed, no Prometheus started on this machine).
$(BIN)/promtool: | $(BIN)/python
	@if command -v promtool >/dev/null; then ln -sf "$$(command -v promtool)" $@; else \
	  d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && cd "$$d" && \
	  { apt-get download -qq prometheus 2>/dev/null || { $(SUDO) apt-get update -qq && apt-get download -qq prometheus; }; } && \
	  dpkg-deb -x prometheus_*.deb root && install -m 0755 root/usr/bin/promtool $(CURDIR)/$@; fi
	@$@ --version | head -1

# What the test suite needs on this machine: a Docker engine (installed by the collection's own docker_engine
# role), debootstrap for the test hosts' images, busybox-static for the verifier's probe image, Chromium for the
# landing page's check in a browser, promtool for the alert rules' tests.
host-deps: install $(BIN)/promtool
	@command -v debootstrap >/dev/null && command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq debootstrap chromium >/dev/null; }
	$(BIN)/ansible-playbook playbooks/engine.yml -i inventories/local

# ---- the two commands -------------------------------------------------------------------------------------------
# make up keeps its timings for the benchmark (make bench: the cold start's split): .build/up-timings.txt (make's start
# to the playbook's: venv and collection; the playbook; whether the venv was made) and .build/up.log (the playbook's
# output, ending with ansible.posix.profile_roles' time per role).
UP_START := $(shell date +%s.%N)
UP_VENV_MADE := $(if $(wildcard $(VENV)/.requirements),no,yes)

up: install
	@mkdir -p .build; set -o pipefail; t0=$$(date +%s.%N); \
	  ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_roles $(BIN)/ansible-playbook playbooks/site.yml -i $(INVENTORY) \
	    | tee .build/up.log; rc=$$?; \
	  awk -v s=$(UP_START) -v a=$$t0 -v b=$$(date +%s.%N) -v made=$(UP_VENV_MADE) \
	    'BEGIN { printf "venv %.1f\nplaybook %.1f\nvenv_created %s\n", a - s, b - a, made }' > .build/up-timings.txt; \
	  exit $$rc

# Two runs: the unit tests and the first-play cases (which only read) on every core, then the rest one at a time (they
# share the Docker engine). Each prints its slowest tests, so that a CI log shows where the time goes.
test: host-deps lint sanity
	$(BIN)/python -m pytest tests -n auto -m "unit or firstplay" --durations=15
	$(BIN)/python -m pytest tests -m "build or (integration and not firstplay) or molecule" --durations=25

test-fast: install $(BIN)/promtool lint sanity
	$(BIN)/python -m pytest tests -n auto -m unit
	$(BIN)/python -m pytest tests -m build

# ---- pieces ------------------------------------------------------------------------------------------------------
unit: install $(BIN)/promtool
	$(BIN)/python -m pytest tests -n auto -m unit

integration: host-deps
	$(BIN)/python -m pytest tests -n auto -m firstplay
	$(BIN)/python -m pytest tests -m "integration and not firstplay"

molecule: host-deps
	$(BIN)/python -m pytest tests -m molecule

lint: install
	$(BIN)/ansible-lint
	$(BIN)/yamllint -s .

# ansible-test needs the collection at ansible_collections/geostack/swarm: copy the tracked and new files there.
sanity: install
	@command -v shellcheck >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq shellcheck >/dev/null; }
	@rm -rf $(SANITY_DIR) && mkdir -p $(SANITY_DIR)
	@git ls-files -co --exclude-standard | tar -cf - -T - | tar -C $(SANITY_DIR) -xf -
	@cd $(SANITY_DIR) && git init -q && git add -A   # ansible-test finds its targets through git
	@pipv=$$($(BIN)/python -c 'import ansible_test, os, re; p = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"); print(re.search(r"pip=.([0-9.]+)", open(p).read()).group(1).replace(".", "_"))') && \
	  mkdir -p ~/.ansible/test/cache && cp -n tests/sanity/get_pip.py ~/.ansible/test/cache/get_pip_$$pipv.py
	cd $(SANITY_DIR) && $(CURDIR)/$(BIN)/ansible-test sanity --venv --python 3.11 --color no

# ---- the benchmark (not part of make test) ------------------------------------------------------------------------
$(VENV)/.requirements-bench: requirements-bench.txt $(VENV)/.requirements
	$(BIN)/pip install -q -r requirements-bench.txt
	@touch $@

# On the local deployment: made by make up when its services are not there, reused when they are.
bench: install $(VENV)/.requirements-bench
	@docker service inspect geostack_mapserver geostack_qgis_server geostack_edge >/dev/null 2>&1 || \
	  $(MAKE) up INVENTORY=inventories/local
	$(BIN)/python -m bench --inventory inventories/local

clean:
	rm -rf .build .collections .pytest_cache tests/output
