"""Health, readiness and metrics for ops."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from http_common.deps import StateDep
from observability.metrics import REGISTRY

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)
_CHECK_TIMEOUT = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={503: {"description": "A dependency is down: `checks` says which."}},
)
async def readyz(state: StateDep) -> JSONResponse:
    def database() -> None:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def temporal() -> None:
        await state.client.workflow_service.get_system_info(GetSystemInfoRequest())

    checks = {
        "database": run_in_threadpool(database),
        "temporal": temporal(),
        "smtp": state.mail.ping(),
    }
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check, _CHECK_TIMEOUT)
            results[name] = "ok"
        except Exception as error:  # any failure means "not ready"
            log.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = "unavailable"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": results},
        status_code=200 if ready else 503,
        headers=None if ready else {"Retry-After": "5"},
    )


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format.", "content": {"text/plain": {}}}},
)
async def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
