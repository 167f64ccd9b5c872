"""Helpers for the invitation tests (SPEC §8): a real service client, an invitation's body, the
person's acceptance, the invitation e-mail."""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine

from admin.cli import run as admin
from devstack.mail_sink import MailSink
from domain.models import AcceptanceForm, InvitationForm
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.invitations import Caller, InvitationService
from services.service_clients import Scope, ServiceClients
from settings import Settings
from storage.invitations import InvitationRepository
from storage.service_clients import ServiceClientRepository
from tests.accounts import AccountServices
from tests.support import code_from, details

PERSON_PASSWORD = "Invite2026ab"  # chosen by the person; no service ever sends it
PERSON_ANSWER = "Tâta"
INVITATION_SUBJECT = "vous êtes invité à créer votre espace"


@dataclass(frozen=True)
class ServiceClientKey:
    caller: Caller
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def service_client(
    engine: Engine,
    settings: Settings,
    name: str = "Portail partenaire",
    scopes: frozenset[Scope] = frozenset({Scope.ENROLLMENTS}),
    quota_per_minute: int = 600,
) -> ServiceClientKey:
    """A client registered as the admin command does it (its key, shown once, in hand)."""
    clients = ServiceClients(
        ServiceClientRepository(engine), KeyedHasher(settings.identifier_hash_key)
    )
    issued = clients.create(name, scopes, quota_per_minute)
    return ServiceClientKey(Caller(client_id=issued.client_id, name=name), issued.key)


def invitation_body(email: str, reference: str, **overrides: Any) -> dict[str, Any]:
    """What a service sends: the sample details without the trust question, and its reference."""
    sample = details()
    body: dict[str, Any] = {
        "external_reference": reference,
        "email": email,
        "civility": sample["civility"],
        "last_name": sample["last_name"],
        "first_name": sample["first_name"],
        "company": copy.deepcopy(sample["company"]),
        "contact": copy.deepcopy(sample["contact"]),
    }
    body.update(overrides)
    return body


def invitation_form(email: str, reference: str, **overrides: Any) -> InvitationForm:
    return InvitationForm(**invitation_body(email, reference, **overrides))


def acceptance_body(**overrides: Any) -> dict[str, Any]:
    """What the person adds: the terms, the password twice, the trust question and answer."""
    body: dict[str, Any] = {
        "terms_accepted": True,
        "password": PERSON_PASSWORD,
        "password_confirmation": PERSON_PASSWORD,
        "trust": {"question": "nickname", "answer": PERSON_ANSWER},
    }
    body.update(overrides)
    return body


def acceptance_form(**overrides: Any) -> AcceptanceForm:
    return AcceptanceForm(**acceptance_body(**overrides))


async def invitation_mail(sink: MailSink, email: str, number: int = 1) -> EmailMessage:
    message = await sink.message_to(email, number)
    assert INVITATION_SUBJECT in str(message["Subject"]), message["Subject"]
    return message


async def invitation_code(sink: MailSink, email: str, number: int = 1) -> str:
    return code_from(await invitation_mail(sink, email, number))


async def invited(
    service: InvitationService, client: ServiceClientKey, sink: MailSink, email: str
) -> tuple[str, str]:
    """A new invitation and its code: (invitation_id, code)."""
    made = await service.invite(
        client.caller, invitation_form(email, "ref-" + email.replace("@", "."))
    )
    assert made.created
    return made.info.invitation_id, await invitation_code(sink, email)


async def admin_key(settings: Settings, engine: Engine, name: str, scopes: str) -> dict[str, str]:
    """A client and its key, as the operator makes them: the command's JSON on stdout."""
    out = io.StringIO()
    argv = ["clients", "create", "--name", name, "--scopes", scopes]
    assert await admin(argv, settings, engine=engine, out=out) == 0
    made = json.loads(out.getvalue())
    assert made["key"].startswith("esp_")
    return {"Authorization": f"Bearer {made['key']}"}


def invitation_service(
    services: AccountServices, settings: Settings, engine: Engine
) -> InvitationService:
    """The invitation service over the test's Temporal environment and database."""
    return InvitationService(
        services.env.client,
        settings,
        services.repository,
        InvitationRepository(engine),
        SecretHasher(settings),
        services.keyed,
    )
