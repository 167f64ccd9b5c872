"""The one way the API, the worker, the tests and the tools talk to Temporal."""

from __future__ import annotations

import dataclasses

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode

from orchestration import search_attributes
from orchestration.codec import EncryptionCodec
from orchestration.payloads import SharedPydanticPayloadConverter
from settings import Settings, parse_codec_keys


def codec_from_settings(settings: Settings) -> EncryptionCodec:
    return EncryptionCodec(parse_codec_keys(settings.payload_codec_keys.get_secret_value()))


def data_converter(codec: EncryptionCodec | None) -> DataConverter:
    """Pydantic models as JSON, encrypted; failure messages and stack traces encrypted too."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_converter_class=SharedPydanticPayloadConverter,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client of the configured namespace; `runtime` carries the worker's metrics exporter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(codec_from_settings(settings)),
        runtime=runtime,
    )


def metrics_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime serving its metrics (the SDK's and ours) at http://ADDRESS/metrics."""
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=bind_address,
                counters_total_suffix=True,
                durations_as_seconds=True,
            )
        )
    )


async def register_search_attributes(client: Client) -> None:
    """Register the custom search attributes; attributes already known are left as they are.

    (The time-skipping test server cannot list attributes, so this adds them one by one.)
    """
    for key in search_attributes.ALL:
        request = AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type)},
        )
        try:
            await client.operator_service.add_search_attributes(request)
        except RPCError as error:
            if error.status is not RPCStatusCode.ALREADY_EXISTS:
                raise
