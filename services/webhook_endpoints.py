"""A service client's webhook endpoints and their deliveries (API.md « Webhook endpoints »)."""

from __future__ import annotations

import asyncio
import base64
import secrets
from dataclasses import dataclass

from activities.webhook_dispatch import WebhookDispatch
from domain.errors import FieldError
from domain.problems import ProblemCode
from domain.webhooks import (
    SECRET_PREFIX,
    SECRET_RANDOM_BYTES,
    EventType,
    UrlPolicy,
    UrlRefused,
)
from security.endpoint_urls import check_endpoint_url
from security.secret_box import SecretBox
from services.errors import NotFound, ServiceError
from services.throttle import Clock, utc_now
from storage.tables import WebhookDelivery, WebhookEndpoint
from storage.webhooks import WebhookRepository

UNKNOWN_ENDPOINT = "Point de réception inconnu."
UNKNOWN_DELIVERY = "Envoi inconnu."


class InvalidUrl(ServiceError):
    status, code, title = 422, ProblemCode.INVALID_URL, "Adresse de réception refusée"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.errors = [FieldError("url", ProblemCode.INVALID_URL.value, message)]


@dataclass(frozen=True, slots=True)
class RegisteredEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # only in the answer to the registration


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes: the form `standardwebhooks.Webhook` reads."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_RANDOM_BYTES)).decode()


class WebhookEndpoints:
    def __init__(
        self,
        repository: WebhookRepository,
        box: SecretBox,
        dispatch: WebhookDispatch,
        policy: UrlPolicy,
        clock: Clock = utc_now,
    ) -> None:
        self._repository = repository
        self._box = box
        self._dispatch = dispatch
        self._policy = policy
        self._clock = clock

    async def register(
        self, client_id: str, url: str, event_types: list[EventType]
    ) -> RegisteredEndpoint:
        try:
            await check_endpoint_url(url, self._policy)
        except UrlRefused as refused:
            raise InvalidUrl(str(refused)) from None
        endpoint_id = "whe_" + secrets.token_hex(8)
        secret = new_secret()
        endpoint = WebhookEndpoint(
            id=endpoint_id,
            client_id=client_id,
            url=url,
            event_types=",".join(dict.fromkeys(e.value for e in event_types)),
            sealed_secret=self._box.seal(secret, endpoint_id).encode("ascii"),
            created_at=self._clock(),
        )
        await asyncio.to_thread(self._repository.add_endpoint, endpoint)
        return RegisteredEndpoint(endpoint, secret)

    async def listed(self, client_id: str) -> list[WebhookEndpoint]:
        return await asyncio.to_thread(self._repository.endpoints_of, client_id)

    async def delete(self, client_id: str, endpoint_id: str) -> None:
        if not await asyncio.to_thread(self._repository.delete_endpoint, endpoint_id, client_id):
            raise NotFound(UNKNOWN_ENDPOINT)

    async def deliveries(self, client_id: str, endpoint_id: str) -> list[WebhookDelivery]:
        await self._owned(client_id, endpoint_id)
        return await asyncio.to_thread(self._repository.recent_deliveries, endpoint_id)

    async def retry(self, client_id: str, endpoint_id: str, delivery_id: str) -> None:
        """Send a delivery again (whatever its status), with the same `webhook-id`."""
        await self._owned(client_id, endpoint_id)
        delivery = await asyncio.to_thread(self._repository.delivery, delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise NotFound(UNKNOWN_DELIVERY)
        await asyncio.to_thread(self._repository.mark_pending, delivery_id)
        await self._dispatch.enqueue(endpoint_id, delivery.subject_id, delivery_id)

    async def _owned(self, client_id: str, endpoint_id: str) -> WebhookEndpoint:
        """Another client's endpoint is unknown to this one (404, as for no endpoint at all)."""
        found = await asyncio.to_thread(self._repository.endpoint, endpoint_id, client_id)
        if found is None:
            raise NotFound(UNKNOWN_ENDPOINT)
        return found
