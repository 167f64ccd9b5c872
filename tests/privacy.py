"""Searching Temporal histories for personal data and secrets in clear."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from orchestration.codec import ENCODING


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere inside a protobuf message (inputs, results, failures, memo…), but
    search attributes: plain by design, wherever they sit (a run a schedule starts carries the
    server's `TemporalScheduledById` and `TemporalScheduledStartTime` in its started event)."""
    for field, value in message.ListFields():
        if field.message_type is None or field.name == "search_attributes":
            continue
        items = value.values() if _is_map(field) else value if _is_repeated(field) else [value]
        for item in items:
            if isinstance(item, Payload):
                yield item
            elif isinstance(item, Message):
                yield from payloads_in(item)


def _is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _is_map(field: FieldDescriptor) -> bool:
    entry = field.message_type
    return entry is not None and bool(entry.GetOptions().map_entry)


def variants(value: str) -> set[str]:
    """The forms a value could take in clear: as typed, folded, JSON-escaped."""
    forms = {value, value.lower(), value.upper(), value.casefold()}
    return forms | {json.dumps(form)[1:-1] for form in forms}


def leaks(history: WorkflowHistory, secrets: Iterable[str]) -> list[str]:
    """The secrets found in the history, in its JSON form or in its raw bytes (where payload
    data sits unencoded, so a payload written in clear cannot hide behind base64)."""
    text = history.to_json()
    raw = b"".join(event.SerializeToString() for event in history.events)
    found = []
    for secret in secrets:
        for form in variants(secret):
            if form in text or form.encode() in raw:
                found.append(secret)
                break
    return found


async def raw_history(env: WorkflowEnvironment, workflow_id: str) -> WorkflowHistory:
    """The history as anyone with access to the Temporal server reads it: no codec at all."""
    plain = await Client.connect(
        env.client.service_client.config.target_host, namespace=env.client.namespace
    )
    assert plain.data_converter.payload_codec is None
    return await plain.get_workflow_handle(workflow_id).fetch_history()


def _in_clear_by_design(event: HistoryEvent) -> bool:
    """Search attributes are plain by design, and so are the SDK's own patch markers (a
    `workflow.patched` ID, written by the SDK core without the codec)."""
    return event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES or (
        event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and event.marker_recorded_event_attributes.marker_name == "core_patch"
    )


def encrypted_payloads(history: WorkflowHistory) -> int:
    """Checks that every payload of the history is encrypted, but for what is in clear by
    design; returns how many were checked."""
    checked = 0
    for event in history.events:
        if _in_clear_by_design(event):
            continue
        for payload in payloads_in(event):
            assert payload.metadata["encoding"] == ENCODING, event
            checked += 1
    return checked


async def assert_nothing_in_clear(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str], *, events: int, payloads: int
) -> WorkflowHistory:
    """The raw history (more than `events` events, more than `payloads` payloads, so that the
    search has something to search) and the workflow ID hold none of the secrets."""
    history = await raw_history(env, workflow_id)
    assert len(history.events) > events
    assert leaks(history, secrets) == []
    assert encrypted_payloads(history) > payloads
    for secret in secrets:
        assert secret.lower() not in workflow_id.lower()
    return history
