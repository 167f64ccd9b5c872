"""The payload converter every workflow run gets: the SDK's pydantic encodings, with the JSON
encoder (and its cache of pydantic adapters) built once per process rather than once per run."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter

from domain.models import EnrollmentStatus
from orchestration.client import data_converter
from orchestration.payloads import SharedPydanticPayloadConverter
from workflows.enrollment_messages import Confirmed, EmailDelivery


def json_encoder(converter: SharedPydanticPayloadConverter) -> PydanticJSONPlainPayloadConverter:
    encoder = converter.converters[b"json/plain"]
    assert isinstance(encoder, PydanticJSONPlainPayloadConverter)
    return encoder


def test_every_run_shares_the_process_encoders() -> None:
    first, second = SharedPydanticPayloadConverter(), SharedPydanticPayloadConverter()

    assert first is not second
    assert list(first.converters) == list(PydanticPayloadConverter().converters)
    for encoding, encoder in first.converters.items():
        assert second.converters[encoding] is encoder


def test_a_message_type_is_adapted_once_for_every_run() -> None:
    message = Confirmed(
        status=EnrollmentStatus.AWAITING_ACTIVATION,
        activation_deadline=datetime(2026, 12, 9, 10, 0, tzinfo=UTC),
        email_delivery=EmailDelivery.PENDING,
    )
    first, second = SharedPydanticPayloadConverter(), SharedPydanticPayloadConverter()
    adapters = json_encoder(first)._type_adapter

    payloads = first.to_payloads([message])
    assert first.from_payloads(payloads, [Confirmed]) == [message]
    hits = adapters.cache_info().hits
    assert second.from_payloads(payloads, [Confirmed]) == [message]

    assert adapters.cache_info().hits == hits + 1


def test_the_data_converter_gives_runs_the_shared_converter() -> None:
    assert data_converter(None).payload_converter_class is SharedPydanticPayloadConverter
