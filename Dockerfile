# The project's image: the API (default command) and the worker (`python worker.py`).
# Build stage: uv installs the locked dependencies into /app/.venv; the runtime stage copies the
# result and runs as an unprivileged user, without uv or build caches.

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.11.11-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev --no-install-project
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev
# The project's own modules as bytecode: the runtime user cannot write /app, and the worker's
# sandbox imports a workflow's module again for every new run (compiling it each time without).
RUN .venv/bin/python -m compileall -q -j 0 -x '/\.' .

FROM python:3.11.11-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /app/data /var/spool/courrier && chown app:app /app/data /var/spool/courrier
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    DATA_DIR=/app/data
USER app
EXPOSE 8000 9464
# uvicorn drains in-flight requests for up to 20 s after SIGTERM. The app reads proxy headers
# itself, from TRUSTED_PROXIES only (docs/services.md): uvicorn must not rewrite the peer.
CMD ["uvicorn", "--factory", "app:app_factory", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log", "--timeout-graceful-shutdown", "20", "--no-proxy-headers"]
