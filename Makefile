# qlvb — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test setup system venv lint typecheck bench check messages cluster cluster-stop cluster-faults cluster-load

run: venv
	QLVB_SYSTEM_PACKAGES=run bash scripts/system-packages.sh
	$(PY) -m qlvb.cli migrate --noinput
	$(PY) -m qlvb.cli collectstatic --noinput -v0
	$(PY) -m qlvb.cli demo
	$(PY) -m qlvb.cli serve

test: setup
	bash scripts/test.sh

setup: system venv

system:
	bash scripts/system-packages.sh

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	bash scripts/venv.sh $(VENV)
	touch $@

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy src

check: lint typecheck

messages:
	cd src/qlvb && ../../$(PY) -m qlvb.cli compilemessages

bench: setup
	bash bench/run.sh

# The production shape on this machine (docs/deploy.md "Cụm trên một máy"): primary + replica, Redis, S3,
# two web nodes behind nginx, two workers and beat. cluster-faults runs the fault script against it;
# cluster-load the measured mixed load (bench/bench_load.py: starts and stops the cluster itself, 1 then 2 nodes).
cluster: venv
	bash scripts/cluster.sh start

cluster-stop:
	bash scripts/cluster.sh stop

cluster-faults:
	$(PY) bench/cluster_faults.py

cluster-load:
	$(PY) bench/bench_load.py
