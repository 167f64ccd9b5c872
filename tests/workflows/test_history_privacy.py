"""No personal datum or secret in clear in Temporal: read the raw history with a client that has
no codec and search all of it, failures included, after a full enrollment, an expired one and a
failed activity. With the codec the same history decodes, also after a key rotation."""

from __future__ import annotations

import base64
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from orchestration.codec import ENCODING, EncryptionCodec
from orchestration.search_attributes import ALL as CUSTOM_ATTRIBUTES
from services.enrollments import EnrollmentService
from settings import Settings, parse_codec_keys
from tests.live import enrollment_service
from tests.privacy import leaks, payloads_in
from tests.support import code_from, details, distinctive, identifiers, unique_email
from workflows.enrollment import EnrollmentWorkflow


@dataclass
class Person:
    """One enrollment's personal values, each distinctive enough to be searched for."""

    email: str
    password: str
    last_name: str
    first_name: str
    trust_answer: str
    phone: str = "01 23 45 67 89"
    phone_e164: str = "+33123456789"
    siren: str = "732829320"
    siren_spaced: str = "732 829 320"

    @classmethod
    def new(cls) -> Person:
        return cls(
            email=unique_email(distinctive("priv")),
            password="Pw" + distinctive("x", 10)[:10] + "42",
            last_name=distinctive("Nom"),
            first_name=distinctive("Prenom"),
            trust_answer=distinctive("Réponse ", 10),
        )

    def values(self) -> list[str]:
        local_part = self.email.split("@")[0]
        return [
            self.email,
            local_part,
            self.password,
            self.last_name,
            self.first_name,
            self.trust_answer,
            self.phone,
            self.phone_e164,
            self.phone_e164.removeprefix("+"),
            self.siren,
            self.siren_spaced,
        ]

    def details_form(self) -> DetailsForm:
        body = details(last_name=self.last_name, first_name=self.first_name)
        body["trust"]["answer"] = self.trust_answer
        body["contact"]["phone"] = self.phone
        body["company"]["identifier"] = self.siren_spaced
        return DetailsForm(**body)


async def pre_register(service: EnrollmentService, person: Person) -> str:
    started = await service.start(IdentifiersForm(**identifiers(person.email, person.password)))
    await service.submit_details(started.enrollment_id, person.details_form())
    return started.enrollment_id


async def raw_history(env: WorkflowEnvironment, workflow_id: str) -> WorkflowHistory:
    """The history as anyone with access to the Temporal server reads it: no codec at all."""
    plain = await Client.connect(
        env.client.service_client.config.target_host, namespace=env.client.namespace
    )
    assert plain.data_converter.payload_codec is None
    return await plain.get_workflow_handle(workflow_id).fetch_history()


def _is_patch_marker(event: HistoryEvent) -> bool:
    return (
        event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and event.marker_recorded_event_attributes.marker_name == "core_patch"
    )


async def assert_nothing_in_clear(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str]
) -> WorkflowHistory:
    history = await raw_history(env, workflow_id)
    assert len(history.events) > 5
    assert leaks(history, secrets) == []
    # The search finds what is in clear (a status in a search attribute): it can see.
    assert leaks(history, ["awaiting_confirmation"]) == ["awaiting_confirmation"]
    # Every payload is encrypted, but for search attributes (plain by design) and the SDK's own
    # patch markers (a `workflow.patched` ID, written by the SDK core without the codec).
    attribute_events = {EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES}
    checked = 0
    for event in history.events:
        if event.event_type in attribute_events or _is_patch_marker(event):
            continue
        for payload in payloads_in(event):
            assert payload.metadata["encoding"] == ENCODING, event
            checked += 1
    assert checked > 3
    # Workflow ID and search attributes carry statuses, dates and keyed hashes only.
    for secret in secrets:
        assert secret.lower() not in workflow_id.lower()
    description = await env.client.get_workflow_handle(workflow_id).describe()
    attributes = description.typed_search_attributes
    custom = {pair.key.name for pair in attributes} & {key.name for key in CUSTOM_ATTRIBUTES}
    assert custom, "the enrollment's search attributes are missing"
    shown = " ".join(str(pair.value) for pair in attributes).lower()
    assert not [secret for secret in secrets if secret.lower() in shown]
    return history


async def test_full_enrollment_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    person = Person.new()
    async with enrollment_service(time_env, settings, engine) as service:
        enrollment_id = await pre_register(service, person)
        await service.confirm(enrollment_id)
        code = code_from(await mail_sink.message_to(person.email))
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        with pytest.raises(Exception):  # noqa: B017 - any refusal: the attempt is what matters
            await service.activate(person.email, wrong)
        await service.activate(person.email, code)
        workflow_id = service._keyed.workflow_id(person.email)
        await time_env.client.get_workflow_handle(workflow_id).result()

    history = await assert_nothing_in_clear(
        time_env, workflow_id, [*person.values(), code, wrong, enrollment_id.split(".")[1]]
    )

    # With the codec, the same history decodes, and holds the enrollment's data.
    codec = EncryptionCodec(parse_codec_keys(settings.payload_codec_keys.get_secret_value()))
    encrypted = [
        p for e in history.events for p in payloads_in(e) if p.metadata["encoding"] == ENCODING
    ]
    decoded = b"".join(p.data for p in await codec.decode(encrypted))
    assert person.email.encode() in decoded and person.last_name.encode() in decoded
    assert code.encode() not in decoded and person.password.encode() not in decoded

    # Rotation: a new key first, the old one after; old histories still decode.
    old_keys = parse_codec_keys(settings.payload_codec_keys.get_secret_value())
    rotated = EncryptionCodec({"rotated": os.urandom(32), **old_keys})
    assert [p.data for p in await rotated.decode(encrypted)] == [
        p.data for p in await codec.decode(encrypted)
    ]
    reencrypted = await rotated.encode(encrypted[:1])
    assert reencrypted[0].metadata["encryption-key-id"] == b"rotated"
    # A key set that lacks the payload's key ID fails, and says which ID.
    stranger = EncryptionCodec({"other": os.urandom(32)})
    kid = encrypted[0].metadata["encryption-key-id"].decode()
    with pytest.raises(ValueError, match=kid):
        await stranger.decode(encrypted[:1])


async def test_expired_enrollment_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    person = Person.new()
    async with enrollment_service(time_env, settings, engine) as service:
        enrollment_id = await pre_register(service, person)
        await service.confirm(enrollment_id)
        code = code_from(await mail_sink.message_to(person.email))
        await time_env.sleep(timedelta(hours=48, minutes=1))
        workflow_id = service._keyed.workflow_id(person.email)
        outcome = await time_env.client.get_workflow_handle(workflow_id).result()
        assert outcome["status"] == "expired"

    await assert_nothing_in_clear(time_env, workflow_id, [*person.values(), code])


def _closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_failed_activity_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    person = Person.new()
    # A short window: the delivery retries in real time, for as long as the code is valid.
    no_smtp = settings.model_copy(
        update={"smtp_port": _closed_port(), "activation_window": timedelta(seconds=4)}
    )
    async with enrollment_service(time_env, no_smtp, engine) as service:
        enrollment_id = await pre_register(service, person)
        await service.confirm(enrollment_id)  # answers at once, whatever SMTP does
        workflow_id = service._keyed.workflow_id(person.email)
        # The code cannot go out: the delivery retries for the code's validity, then gives up
        # and the enrollment expires.
        handle = time_env.client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        assert (await handle.result()).status is EnrollmentStatus.EXPIRED

    history = await assert_nothing_in_clear(time_env, workflow_id, person.values())
    # The last attempt's failure: as the failure itself when the next retry would pass the
    # schedule-to-close timeout, or as the cause of that timeout.
    failures = [
        event.activity_task_failed_event_attributes.failure
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
    ] + [
        event.activity_task_timed_out_event_attributes.failure.cause
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
    ]
    assert failures, "the delivery activity was expected to give up"
    for failure in failures:  # the last attempt's message and stack trace travel encrypted
        assert failure.message == "Encoded failure" and not failure.stack_trace
        assert failure.encoded_attributes.metadata["encoding"] == ENCODING


def test_codec_keys_are_parsed_in_order() -> None:
    first, second = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    keys = parse_codec_keys(f"new:{first}, old:{second}")
    assert list(keys) == ["new", "old"]
    assert EncryptionCodec(keys).key_ids == ["new", "old"]
