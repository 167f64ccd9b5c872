"""Webhook endpoints of a service client (API.md « Webhook endpoints », scope `events`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from api.schemas.webhooks import (
    DeliveryOut,
    WebhookEndpointCreatedOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
)
from api.service_auth import EventsClient
from http_common.deps import StateDep
from services.webhook_endpoints import WebhookEndpoints

router = APIRouter(prefix="/api/v1/webhook-endpoints", tags=["webhooks"])

_ID = r"^[A-Za-z0-9_]{1,40}$"
EndpointId = Annotated[str, Path(pattern=_ID)]
DeliveryId = Annotated[str, Path(pattern=_ID)]


async def get_webhooks(state: StateDep) -> WebhookEndpoints:
    return state.webhooks


WebhooksDep = Annotated[WebhookEndpoints, Depends(get_webhooks)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_endpoint(
    body: WebhookEndpointIn, caller: EventsClient, webhooks: WebhooksDep, response: Response
) -> WebhookEndpointCreatedOut:
    """Register an endpoint; its signing secret is in this answer and nowhere else."""
    registered = await webhooks.register(caller.client_id, body.url, body.event_types)
    response.headers["Location"] = f"{router.prefix}/{registered.endpoint.id}"
    out = WebhookEndpointOut.of(registered.endpoint)
    return WebhookEndpointCreatedOut(**out.model_dump(), secret=registered.secret)


@router.get("")
async def list_endpoints(caller: EventsClient, webhooks: WebhooksDep) -> list[WebhookEndpointOut]:
    return [WebhookEndpointOut.of(e) for e in await webhooks.listed(caller.client_id)]


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_endpoint(
    endpoint_id: EndpointId, caller: EventsClient, webhooks: WebhooksDep
) -> None:
    await webhooks.delete(caller.client_id, endpoint_id)


@router.get("/{endpoint_id}/deliveries")
async def list_deliveries(
    endpoint_id: EndpointId, caller: EventsClient, webhooks: WebhooksDep
) -> list[DeliveryOut]:
    """The endpoint's recent deliveries, newest first."""
    return [DeliveryOut.of(d) for d in await webhooks.deliveries(caller.client_id, endpoint_id)]


@router.post("/{endpoint_id}/deliveries/{delivery_id}/retry", status_code=202)
async def retry_delivery(
    endpoint_id: EndpointId, delivery_id: DeliveryId, caller: EventsClient, webhooks: WebhooksDep
) -> None:
    """Send the delivery again, with the same `webhook-id`."""
    await webhooks.retry(caller.client_id, endpoint_id, delivery_id)
