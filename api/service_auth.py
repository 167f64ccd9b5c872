"""The one check of a backend service's key (SPEC §8): `Authorization: Bearer esp_…`.

A route declares what it needs with `require_scope(Scope.…)`; the dependency yields the
`AuthenticatedClient` or answers 401 `invalid_client`, 403 `insufficient_scope`, or 429 past the
client's quota. See docs/services.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from http_common.deps import StateDep, mark_service_call
from observability.metrics import SERVICE_CALLS, SERVICE_KEYS_REFUSED
from services.errors import InsufficientScope, InvalidClient, TooManyAttempts
from services.service_clients import INVALID_CLIENT, AuthenticatedClient, Scope

# Named so that the OpenAPI document (and the generated client) tells it from a subscriber's
# session token.
_service_key = HTTPBearer(
    scheme_name="ServiceKey",
    description="La clé du service client : `Authorization: Bearer esp_…`.",
    auto_error=False,
)

ServiceDependency = Callable[..., Awaitable[AuthenticatedClient]]


def require_scope(scope: Scope) -> ServiceDependency:
    """A dependency for a route that needs `scope`: the calling client, authenticated, within
    its scope and its quota (counted once per call, whatever else the route does)."""

    async def service_client(
        request: Request,
        state: StateDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_key)],
    ) -> AuthenticatedClient:
        if credentials is None:  # no header, another scheme, or nothing after "Bearer"
            SERVICE_KEYS_REFUSED.inc()
            raise InvalidClient(INVALID_CLIENT)
        try:
            client = await run_in_threadpool(
                state.service_clients.authenticate, credentials.credentials
            )
        except InvalidClient:
            SERVICE_KEYS_REFUSED.inc()
            raise
        if scope not in client.scopes:
            SERVICE_CALLS.labels(client.client_id, "forbidden").inc()
            raise InsufficientScope(
                f"Cette clé de service n'a pas le droit «\u00a0{scope.value}\u00a0» requis ici."
            )
        try:
            await run_in_threadpool(
                state.throttle.count_service_call, client.client_id, client.quota_per_minute
            )
        except TooManyAttempts:
            SERVICE_CALLS.labels(client.client_id, "quota").inc()
            raise
        SERVICE_CALLS.labels(client.client_id, "allowed").inc()
        # The public per-address limits stand aside for this call (http_common.deps).
        mark_service_call(request, client.client_id)
        return client

    return service_client


EnrollmentsClient = Annotated[AuthenticatedClient, Depends(require_scope(Scope.ENROLLMENTS))]
EventsClient = Annotated[AuthenticatedClient, Depends(require_scope(Scope.EVENTS))]
