"""Bodies of the webhook endpoints (API.md « Webhook endpoints »).

Every constraint the API enforces on a request is declared in its JSON Schema; what a schema
cannot say (the host must resolve to a public address) is answered 422 `invalid_url`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.webhooks import URL_MAX_LENGTH, URL_PATTERN, DeliveryStatus, EventType
from storage.tables import WebhookDelivery, WebhookEndpoint


class WebhookEndpointIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # The pattern is declared and checked by the service (answering 422 `invalid_url`, the
    # code API.md gives, rather than the parser's generic one).
    url: str = Field(
        min_length=1,
        max_length=URL_MAX_LENGTH,
        json_schema_extra={"pattern": URL_PATTERN, "format": "uri"},
        examples=["https://crm.example.fr/webhooks/espace-abonne"],
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))


class WebhookEndpointOut(BaseModel):
    endpoint_id: str
    url: str
    event_types: list[EventType]
    enabled: bool
    created_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookEndpointOut:
        return cls(
            endpoint_id=endpoint.id,
            url=endpoint.url,
            event_types=[EventType(e) for e in endpoint.event_types.split(",")],
            enabled=endpoint.enabled,
            created_at=_aware(endpoint.created_at),
        )


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret: str = Field(description="The signing secret (`whsec_…`), shown only here.")


class DeliveryOut(BaseModel):
    delivery_id: str = Field(description="The `webhook-id` header of every attempt.")
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    next_attempt_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryOut:
        return cls(
            delivery_id=delivery.id,
            event_type=EventType(delivery.event_type),
            status=DeliveryStatus(delivery.status),
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            next_attempt_at=_aware(delivery.next_attempt_at) if delivery.next_attempt_at else None,
            created_at=_aware(delivery.created_at),
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
