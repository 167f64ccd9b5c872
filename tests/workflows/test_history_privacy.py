"""No personal datum or secret in clear in Temporal: read the raw history with a client that has
no codec and search all of it, failures included, after a full enrollment, an expired one and a
failed activity. With the codec the same history decodes, also after a key rotation."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import AdhesionStatus, DetailsForm, EnrollmentStatus
from domain.rules import format_siren
from orchestration.codec import ENCODING, EncryptionCodec
from orchestration.search_attributes import ADHESION_STATUS
from orchestration.search_attributes import ALL as CUSTOM_ATTRIBUTES
from services.adhesions import AdhesionService
from services.enrollments import EnrollmentService
from services.errors import InvalidCode
from settings import Settings, parse_codec_keys
from storage.tables import Adhesion, Subscriber
from tests.letters import new_subscriber
from tests.live import enrollment_service
from tests.privacy import assert_nothing_in_clear, leaks, payloads_in
from tests.support import details, distinctive, free_port, unique_email
from tests.workflow_env import Backstage, confirmed_code, pre_register, wrong_code
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

    async def pre_register(self, service: EnrollmentService) -> str:
        """Steps 1 and 2 with this person's values; returns the enrollment ID."""
        return await pre_register(service, self.email, self.password, self.details_form())


async def assert_nothing_in_clear_nor_shown(
    env: WorkflowEnvironment,
    workflow_id: str,
    secrets: list[str],
    *,
    in_clear: str,
    attribute_names: set[str],
) -> WorkflowHistory:
    """Nothing in clear in the raw history, nor in the workflow's search attributes, which carry
    statuses, dates and keyed hashes only (among them one of `attribute_names`)."""
    history = await assert_nothing_in_clear(env, workflow_id, secrets, events=5, payloads=3)
    # The search finds what is in clear (a status in a search attribute): it can see.
    assert leaks(history, [in_clear]) == [in_clear]
    description = await env.client.get_workflow_handle(workflow_id).describe()
    attributes = description.typed_search_attributes
    assert {pair.key.name for pair in attributes} & attribute_names, "search attributes missing"
    shown = " ".join(str(pair.value) for pair in attributes).lower()
    assert not [secret for secret in secrets if secret.lower() in shown]
    return history


async def assert_enrollment_hidden(
    env: WorkflowEnvironment,
    workflow_id: str,
    secrets: list[str],
    in_clear: str = "awaiting_confirmation",
) -> WorkflowHistory:
    """An enrollment's (or an invitation's: the same workflow) history and search attributes;
    `in_clear` is a status the history does hold in clear, that the search must find."""
    return await assert_nothing_in_clear_nor_shown(
        env,
        workflow_id,
        secrets,
        in_clear=in_clear,
        attribute_names={key.name for key in CUSTOM_ATTRIBUTES},
    )


async def test_full_enrollment_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment,
    enrollments: EnrollmentService,
    mail_sink: MailSink,
    settings: Settings,
) -> None:
    person = Person.new()
    enrollment_id = await person.pre_register(enrollments)
    code = await confirmed_code(enrollments, mail_sink, enrollment_id, person.email)
    wrong = wrong_code(code)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the attempt is what matters
        await enrollments.activate(person.email, wrong)
    await enrollments.activate(person.email, code)
    workflow_id = enrollments._keyed.workflow_id(person.email)
    await time_env.client.get_workflow_handle(workflow_id).result()

    history = await assert_enrollment_hidden(
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
    time_env: WorkflowEnvironment, enrollments: EnrollmentService, mail_sink: MailSink
) -> None:
    person = Person.new()
    enrollment_id = await person.pre_register(enrollments)
    code = await confirmed_code(enrollments, mail_sink, enrollment_id, person.email)
    await time_env.sleep(timedelta(hours=48, minutes=1))
    workflow_id = enrollments._keyed.workflow_id(person.email)
    outcome = await time_env.client.get_workflow_handle(workflow_id).result()
    assert outcome["status"] == "expired"

    await assert_enrollment_hidden(time_env, workflow_id, [*person.values(), code])


async def test_failed_activity_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    person = Person.new()
    # A short window: the delivery retries in real time, for as long as the code is valid.
    # Nothing listens on a port that was free a moment ago.
    no_smtp = settings.model_copy(
        update={"smtp_port": free_port(), "activation_window": timedelta(seconds=4)}
    )
    async with enrollment_service(time_env, no_smtp, engine) as service:
        enrollment_id = await person.pre_register(service)
        await service.confirm(enrollment_id)  # answers at once, whatever SMTP does
        workflow_id = service._keyed.workflow_id(person.email)
        # The code cannot go out: the delivery retries for the code's validity, then gives up
        # and the enrollment expires.
        handle = time_env.client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        assert (await handle.result()).status is EnrollmentStatus.EXPIRED

    history = await assert_enrollment_hidden(time_env, workflow_id, person.values())
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


# -- adhésions (SPEC §7) ------------------------------------------------------------------------


async def assert_adhesion_hidden(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str]
) -> WorkflowHistory:
    return await assert_nothing_in_clear_nor_shown(
        env, workflow_id, secrets, in_clear="pending", attribute_names={ADHESION_STATUS.name}
    )


def adhesion_secrets(subscriber: Subscriber, adhesion: Adhesion) -> list[str]:
    """The subscriber's and the company's values: none may be read in the history."""
    return [
        subscriber.email,
        subscriber.email.split("@")[0],
        subscriber.last_name,
        adhesion.siren,
        format_siren(adhesion.siren),
        adhesion.company_name,
        *adhesion.company_address.splitlines(),
    ]


@pytest.fixture
def requester(backstage: Backstage, settings: Settings) -> Subscriber:
    """The subscriber who requests the adhésion, with a last name to search for."""
    return new_subscriber(backstage.engine, settings, last_name=distinctive("Nom"))


async def test_adhesion_leaves_nothing_in_clear(
    adhesions: AdhesionService, backstage: Backstage, requester: Subscriber
) -> None:
    adhesion = await adhesions.request(requester, "123 456 782")
    first = await backstage.code(adhesion)
    with pytest.raises(InvalidCode):
        await adhesions.activate(requester, adhesion.id, first[::-1])
    await adhesions.resend(requester, adhesion.id)
    second = await backstage.code(adhesion, 2)
    await adhesions.activate(requester, adhesion.id, second)
    await backstage.outcome(adhesion)

    await assert_adhesion_hidden(
        backstage.env,
        adhesion.workflow_id,
        [*adhesion_secrets(requester, adhesion), first, first[::-1], second],
    )


async def test_expired_adhesion_leaves_nothing_in_clear(
    adhesions: AdhesionService, backstage: Backstage, requester: Subscriber
) -> None:
    adhesion = await adhesions.request(requester, "987 654 324")
    code = await backstage.code(adhesion)
    await backstage.delivered(adhesion)
    await backstage.env.sleep(timedelta(days=61))
    assert (await backstage.outcome(adhesion)).status is AdhesionStatus.EXPIRED

    await assert_adhesion_hidden(
        backstage.env, adhesion.workflow_id, [*adhesion_secrets(requester, adhesion), code]
    )
