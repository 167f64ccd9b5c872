"""The code delivery activity against a real SMTP server and the real database: one code per
generation whatever the retries, the record written before and after the send."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment

from activities.code_delivery import CodeDeliveryActivities
from activities.inputs import CodeDelivered, DeliverCode
from channels import CodeChannel, OutgoingCode
from channels.email import EmailCodeChannel
from devstack.mail_sink import MailSink
from domain.codes import ChannelKind, CodePurpose
from domain.formatting import french_datetime
from mail.sender import MailSender
from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository, DeliveryKey, DeliveryState
from tests.support import code_from, free_port, unique_email


class DiesAfterAcceptance:
    """The real e-mail channel, then the worker "dies" before anything is recorded."""

    def __init__(self, channel: EmailCodeChannel) -> None:
        self._channel = channel

    def message_id(self, reference: str) -> str:
        return self._channel.message_id(reference)

    async def deliver(self, outgoing: OutgoingCode) -> None:
        await self._channel.deliver(outgoing)
        raise ConnectionResetError("worker died after SMTP accepted the message")


def _request(email: str, generation: int = 1, **overrides: object) -> DeliverCode:
    values: dict[str, object] = {
        "purpose": CodePurpose.ACTIVATION,
        "channel": ChannelKind.EMAIL,
        "process_id": f"enrollment-{uuid.uuid4().hex}",
        "run_id": str(uuid.uuid4()),
        "generation": generation,
        "recipient": email,
        "validity": timedelta(hours=48),
        "not_before": datetime.now(UTC),
    }
    values.update(overrides)
    return DeliverCode.model_validate(values)


def _activities(
    settings: Settings, engine: Engine, channel: CodeChannel | None = None
) -> CodeDeliveryActivities:
    channel = channel or EmailCodeChannel(MailSender.from_settings(settings), settings.mail_from)
    return CodeDeliveryActivities(
        {ChannelKind.EMAIL: channel},
        CodeDeliveryRepository(engine),
        KeyedHasher(settings.identifier_hash_key),
    )


@pytest.fixture
def activities(settings: Settings, engine: Engine) -> CodeDeliveryActivities:
    """The activities as the worker holds them: e-mail to the test's SMTP server."""
    return _activities(settings, engine)


async def _run(activities: CodeDeliveryActivities, request: DeliverCode) -> CodeDelivered:
    result: CodeDelivered = await ActivityEnvironment().run(activities.deliver_code, request)
    return result


def _key(request: DeliverCode) -> DeliveryKey:
    return DeliveryKey(request.process_id, request.run_id, request.generation)


async def test_a_delivery_sends_one_code_and_records_it(
    settings: Settings, engine: Engine, activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    email = unique_email()
    request = _request(email)
    hasher = KeyedHasher(settings.identifier_hash_key)

    delivered = await _run(activities, request)

    received = await mail_sink.message_to(email)
    code = code_from(received)
    assert delivered.code_digest == hasher.activation_code_digest(request.process_id, code)
    assert str(received["Message-ID"]).strip() == delivered.message_id
    # Compared with white space folded, no-break spaces included.
    deadline = " ".join(french_datetime(delivered.sent_at + timedelta(hours=48)).split())
    assert deadline in " ".join(str(received.get_content()).split())
    record = CodeDeliveryRepository(engine).get(_key(request))
    assert record is not None and record.state is DeliveryState.SENT
    assert record.sent_at == delivered.sent_at and record.attempts == 1


async def test_a_retry_after_the_record_sends_nothing(
    engine: Engine, activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    email = unique_email()
    request = _request(email)
    first = await _run(activities, request)
    await mail_sink.message_to(email)

    again = await _run(activities, request)

    assert again == first  # same digest, same sending instant, same Message-ID
    assert mail_sink.count_to(email) == 1
    record = CodeDeliveryRepository(engine).get(_key(request))
    assert record is not None and record.attempts == 2


async def test_a_retry_after_a_death_resends_the_same_code_and_message_id(
    settings: Settings, engine: Engine, activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    email = unique_email()
    request = _request(email)
    email_channel = EmailCodeChannel(MailSender.from_settings(settings), settings.mail_from)
    with pytest.raises(ConnectionResetError):
        await _run(_activities(settings, engine, DiesAfterAcceptance(email_channel)), request)
    record = CodeDeliveryRepository(engine).get(_key(request))
    assert record is not None and record.state is DeliveryState.SENDING

    delivered = await _run(activities, request)

    first, second = await mail_sink.message_to(email), await mail_sink.message_to(email, 2)
    assert code_from(first) == code_from(second)
    # Long headers arrive folded.
    assert str(first["Message-ID"]).strip() == str(second["Message-ID"]).strip()
    assert str(second["Message-ID"]).strip() == delivered.message_id
    hasher = KeyedHasher(settings.identifier_hash_key)
    assert delivered.code_digest == hasher.activation_code_digest(
        request.process_id, code_from(second)
    )


async def test_smtp_down_then_back_sends_the_same_code(
    settings: Settings, engine: Engine, activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    email = unique_email()
    request = _request(email)
    down = settings.model_copy(update={"smtp_port": free_port()})
    with pytest.raises(OSError):
        await _run(_activities(down, engine), request)
    assert mail_sink.count_to(email) == 0

    delivered = await _run(activities, request)

    hasher = KeyedHasher(settings.identifier_hash_key)
    code = code_from(await mail_sink.message_to(email))
    assert delivered.code_digest == hasher.activation_code_digest(request.process_id, code)
    record = CodeDeliveryRepository(engine).get(_key(request))
    assert record is not None and record.state is DeliveryState.SENT and record.attempts == 2


async def test_each_generation_has_its_own_code(
    activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    email = unique_email()
    first = _request(email)
    second = first.model_copy(update={"generation": 2})
    one, two = await _run(activities, first), await _run(activities, second)
    codes = {code_from(await mail_sink.message_to(email, n)) for n in (1, 2)}
    assert len(codes) == 2 and one.code_digest != two.code_digest
    assert one.message_id != two.message_id


async def test_the_sending_is_never_dated_before_the_issue(
    activities: CodeDeliveryActivities, mail_sink: MailSink
) -> None:
    """The workflow's clock may run ahead (the time-skipping server): the deadline the message
    states counts from the later of the two clocks."""
    email = unique_email()
    ahead = datetime.now(UTC) + timedelta(hours=30)
    delivered = await _run(activities, _request(email, not_before=ahead))
    assert delivered.sent_at == ahead
    text = " ".join(str((await mail_sink.message_to(email)).get_content()).split())
    assert " ".join(french_datetime(ahead + timedelta(hours=48)).split()) in text
