"""The letter channel behind the code delivery activity, against the real database and a real
folder: a retried delivery — even one whose worker died after the letter was spooled — posts
one letter with one code; a space closed meanwhile gets no letter at all."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.code_delivery import CodeDeliveryActivities
from activities.inputs import CodeDelivered, DeliverCode
from channels import OutgoingCode
from channels.letter import LetterCodeChannel
from domain.codes import ChannelKind, CodePurpose
from domain.models import AdhesionStatus
from letters.outbox import FolderOutbox
from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.adhesions import AdhesionRepository, new_adhesion_id
from storage.code_deliveries import CodeDeliveryRepository
from storage.subscribers import SubscriberRepository
from storage.tables import Adhesion
from tests.letters import code_in, letters_of, new_subscriber


class DiesAfterSpooling:
    """The real letter channel, then the worker "dies" before the delivery is recorded."""

    def __init__(self, channel: LetterCodeChannel) -> None:
        self._channel = channel

    def message_id(self, reference: str) -> str:
        return self._channel.message_id(reference)

    async def deliver(self, outgoing: OutgoingCode) -> None:
        await self._channel.deliver(outgoing)
        raise ConnectionResetError("worker died after the letter was spooled")


def adhesion_row(engine: Engine, settings: Settings) -> Adhesion:
    subscriber = new_subscriber(engine, settings, last_name="Lettre")
    assert subscriber.id is not None
    return AdhesionRepository(engine).add(
        Adhesion(
            id=new_adhesion_id(),
            subscriber_id=subscriber.id,
            siren="732829320",
            company_name="ATELIERS FICTIFS DE LA PAIX",
            company_address="12 RUE DE LA PAIX\n75002 PARIS",
            status=AdhesionStatus.PENDING.value,
            expires_at=datetime.now(UTC) + timedelta(days=60),
            workflow_id=f"adhesion-{uuid.uuid4().hex}",
        ),
        limit=100,
    )


def letter_channel(engine: Engine, folder: Path) -> LetterCodeChannel:
    return LetterCodeChannel(
        FolderOutbox(folder, readable_copies=True),
        AdhesionRepository(engine),
        SubscriberRepository(engine),
    )


def pdfs(folder: Path) -> list[Path]:
    return list(folder.glob("*.pdf"))


def request(adhesion: Adhesion, generation: int = 1) -> DeliverCode:
    return DeliverCode(
        purpose=CodePurpose.ADHESION,
        channel=ChannelKind.LETTER,
        process_id=adhesion.workflow_id,
        run_id=str(uuid.uuid4()),
        generation=generation,
        recipient=adhesion.id,
        validity=timedelta(days=60),
        not_before=datetime.now(UTC),
    )


def activities(settings: Settings, engine: Engine, channel: object) -> CodeDeliveryActivities:
    return CodeDeliveryActivities(
        {ChannelKind.LETTER: channel},  # type: ignore[dict-item]
        CodeDeliveryRepository(engine),
        KeyedHasher(settings.identifier_hash_key),
    )


async def run(acts: CodeDeliveryActivities, deliver: DeliverCode) -> CodeDelivered:
    result: CodeDelivered = await ActivityEnvironment().run(acts.deliver_code, deliver)
    return result


async def test_a_retried_delivery_posts_one_letter_with_one_code(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    adhesion = adhesion_row(engine, settings)
    channel = letter_channel(engine, tmp_path)
    deliver = request(adhesion)
    with pytest.raises(ConnectionResetError):  # the first attempt dies after spooling
        await run(activities(settings, engine, DiesAfterSpooling(channel)), deliver)
    retried = await run(activities(settings, engine, channel), deliver)
    again = await run(activities(settings, engine, channel), deliver)  # already sent
    assert again.code_digest == retried.code_digest and again.sent_at == retried.sent_at

    assert len(pdfs(tmp_path)) == 1  # one letter in the post
    copies = letters_of(tmp_path, adhesion.id)
    assert len(copies) == 1
    code = code_in(copies[0])
    hasher = KeyedHasher(settings.identifier_hash_key)
    assert hasher.code_digest(CodePurpose.ADHESION, adhesion.workflow_id, code) == (
        retried.code_digest
    )
    recorded = AdhesionRepository(engine).get(adhesion.id)
    assert recorded is not None and recorded.letters_sent == 1
    assert "Monsieur LETTRE Gaston" in copies[0] and "75002 PARIS" in copies[0]

    # The next generation is another letter with another code.
    second = await run(activities(settings, engine, channel), request(adhesion, 2))
    assert second.code_digest != retried.code_digest
    assert len(letters_of(tmp_path, adhesion.id)) == 2


async def test_no_letter_for_a_space_closed_meanwhile(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    adhesion = adhesion_row(engine, settings)
    channel = letter_channel(engine, tmp_path)
    AdhesionRepository(engine).delete(adhesion.id)
    with pytest.raises(ApplicationError) as refused:
        await run(activities(settings, engine, channel), request(adhesion))
    assert refused.value.non_retryable
    assert pdfs(tmp_path) == []
