"""Helpers for the adhésion tests: a subscriber straight in the database, and the codes read
from the letters the print-and-post folder received (the development copies)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from companies.registry import EmbeddedRegistry
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.adhesions import AdhesionService
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.subscribers import SubscriberRepository
from storage.tables import Adhesion, Subscriber
from tests.live import worker_running
from tests.support import new_subscriber as sample_subscriber
from tests.support import typed_details, unique_email
from workflows.adhesion import AdhesionWorkflow
from workflows.adhesion_messages import AdhesionState

PASSWORD = "Secret2026"
LETTER_WAIT = 15  # seconds: the worker prints and posts a letter in well under one
_CODE = re.compile(r"^Code : ([A-Za-z0-9]{12})$", re.MULTILINE)
_NUMBER = re.compile(r"^Courrier n° : (\d+)$", re.MULTILINE)


def new_subscriber(engine: Engine, settings: Settings, last_name: str = "Comptable") -> Subscriber:
    """A subscriber straight in the database (the enrollment itself is tested elsewhere)."""
    hasher = SecretHasher(settings)
    return SubscriberRepository(engine).create_once(
        sample_subscriber(
            unique_email("adhesion"),
            of=typed_details(civility="monsieur", last_name=last_name, first_name="Gaston"),
            password_hash=hasher.hash_sync(PASSWORD),
            answer_hash=hasher.hash_sync("tata"),
            terms_version=settings.terms_version,
        )
    )


def letter_folder(settings: Settings) -> Path:
    return settings.letter_outbox_dir or settings.data_dir / "courrier"


def letters_of(folder: Path, adhesion_id: str) -> list[str]:
    """The readable copies of an adhésion's letters, by their number."""
    if not folder.is_dir():
        return []
    mine = [
        text
        for path in folder.glob("*.txt")
        if f"\nAdhésion : {adhesion_id}\n" in (text := path.read_text(encoding="utf-8"))
    ]
    return sorted(mine, key=number_of)


def number_of(letter: str) -> int:
    match = _NUMBER.search(letter)
    assert match, "no letter number in the letter"
    return int(match.group(1))


def code_in(letter: str) -> str:
    match = _CODE.search(letter)
    assert match, "no code in the letter"
    return match.group(1)


async def letter(folder: Path, adhesion_id: str, number: int = 1) -> str:
    """Wait for the `number`-th letter (from 1) of an adhésion and return its readable copy."""
    deadline = time.monotonic() + LETTER_WAIT
    while len(found := letters_of(folder, adhesion_id)) < number:
        assert time.monotonic() < deadline, f"letter {number} of {adhesion_id} never came"
        await asyncio.sleep(0.05)
    return found[number - 1]


@asynccontextmanager
async def adhesion_service(
    env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AdhesionService]:
    """The service the API uses, over a real worker (letters to the settings' folder)."""
    async with worker_running(env.client, settings, engine):
        yield AdhesionService(
            env.client,
            settings,
            AdhesionRepository(engine),
            EmbeddedRegistry(),
            KeyedHasher(settings.identifier_hash_key),
        )


async def delivered(client: Client, adhesion: Adhesion, number: int = 1) -> AdhesionState:
    """Wait until the workflow knows its `number`-th letter was handed over (and recorded): the
    letter's file appears a moment before the delivery activity returns."""
    handle = client.get_workflow_handle_for(AdhesionWorkflow.run, adhesion.workflow_id)
    deadline = time.monotonic() + LETTER_WAIT
    while True:
        state = await handle.query(AdhesionWorkflow.state)
        if state.letters_sent == number and state.letter_delivered:
            return state
        assert time.monotonic() < deadline, f"letter {number} never delivered"
        await asyncio.sleep(0.05)
