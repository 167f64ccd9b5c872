"""Searching Temporal histories for personal data and secrets in clear."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere inside a protobuf message (inputs, results, failures, memo…)."""
    for field, value in message.ListFields():
        if field.message_type is None:
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
