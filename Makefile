# The few commands people type. Everything installs itself into .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint fmt bench eval-moderation check-deploy clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving Circles on http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py

eval-moderation: $(STAMP)
	$(PY) moderation/evaluate.py ../shared/corpus/moderation-dev.jsonl ../shared/corpus/moderation-dev-reentry.jsonl

check-deploy: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" \
	DJANGO_ALLOWED_HOSTS=circles.example.org \
	ARCHIVE_MASTER_KEYS="1:$$(head -c 32 /dev/urandom | base64)" \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
