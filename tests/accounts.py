"""Helpers for the tests of the subscriber's own changes (SPEC §6): a subscriber enrolled over
HTTP, authorised calls, the notice e-mails."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from companies.registry import EmbeddedRegistry
from devstack.mail_sink import MailSink, text_of
from domain.account_forms import EmailChangeForm, PasswordResetForm
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.account import AccountService
from services.adhesions import AdhesionService
from services.email_changes import EmailChangeService
from services.enrollments import EnrollmentService
from services.notifications import Notifier
from services.password_resets import PasswordResetService
from services.subscribers import SignedIn, SubscriberService
from services.throttle import Throttle
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.attempts import AttemptRepository
from storage.subscribers import SessionRepository, SubscriberRepository
from storage.tables import Subscriber
from tests.live import pre_register_and_confirm
from tests.support import details, new_subscriber
from tests.workflow_env import dev_server
from worker import build_worker
from workflows.email_change import EmailChangeWorkflow
from workflows.email_change_messages import EmailChangeOutcome
from workflows.password_reset import PasswordResetWorkflow
from workflows.password_reset_messages import PasswordResetOutcome

API = "/api/v1"
PASSWORD = "Zq9Account2026"  # no response may ever contain it
NEW_PASSWORD = "Nouveau2026xy"
ANSWER = "Tâta"  # the answer `details()` gives; compared without case, accents or spaces
ANSWER_HASHED = "tata"  # what is hashed: ANSWER without case or accents (SPEC §2)
PARIS_TIME = re.compile(r"le \d{1,2}(er)? \w+ \d{4} à \d{2} h \d{2} \(heure de Paris\)")


@dataclass
class Enrolled:
    email: str
    token: str
    subscriber_number: str
    # The activating client is a recognised device (SPEC §9).
    device_token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def enroll(
    http: httpx.AsyncClient, sink: MailSink, email: str, password: str = PASSWORD
) -> Enrolled:
    """The whole procedure over HTTP, up to the activation's session."""
    _, code = await pre_register_and_confirm(http, sink, email, password, details())
    activated = await http.post(f"{API}/activations", json={"email": email, "code": code})
    assert activated.status_code == 201, activated.text
    body = activated.json()
    return Enrolled(email, body["access_token"], body["subscriber_number"], body["device_token"])


async def sign_in(
    http: httpx.AsyncClient, email: str, password: str, agent: str = "Test/1.0"
) -> httpx.Response:
    return await http.post(
        f"{API}/sessions",
        json={"email": email, "password": password},
        headers={"User-Agent": agent},
    )


async def complete_challenge(
    http: httpx.AsyncClient,
    challenge_id: str,
    code: str | None = None,
    *,
    recovery_code: str | None = None,
) -> httpx.Response:
    """The second step's answer to a challenge: a code (e-mailed or the app's), or a recovery
    code."""
    proof = {"code": code, "recovery_code": recovery_code}
    body = {"challenge_id": challenge_id} | {k: v for k, v in proof.items() if v is not None}
    return await http.post(f"{API}/sessions/challenge", json=body)


async def token_for(http: httpx.AsyncClient, email: str, password: str, agent: str) -> str:
    signed_in = await sign_in(http, email, password, agent)
    assert signed_in.status_code == 201, signed_in.text
    token: str = signed_in.json()["access_token"]
    return token


def reset_form(
    email: str, code: str, answer: str = ANSWER, new_password: str = NEW_PASSWORD
) -> PasswordResetForm:
    """« Mot de passe oublié ? », the last step: the code, the trust answer, the new password."""
    return PasswordResetForm(
        email=email,
        code=code,
        trust_answer=answer,
        new_password=new_password,
        new_password_confirmation=new_password,
    )


def change_form(new_email: str, answer: str = ANSWER, password: str = PASSWORD) -> EmailChangeForm:
    """« Modifier mon adresse électronique », the request: the secrets, then the new address."""
    return EmailChangeForm(
        password=password,
        trust_answer=answer,
        new_email=new_email,
        new_email_confirmation=new_email,
    )


async def delete_with_body(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await http.request("DELETE", url, json=body, headers=headers)


async def notice_to(sink: MailSink, email: str, subject_part: str, number: int = 1) -> str:
    """The `number`-th notice whose subject contains `subject_part`, checked for the rules of
    every notice (plain text, no link, the time in Paris time); returns its text."""
    message = await _nth_with_subject(sink, email, subject_part, number)
    assert not message.is_multipart() or message.get_body(("html",)) is None
    text = plain(text_of(message))
    assert "ESPACE ABONNE DES PROFESSIONNELS" in text
    assert PARIS_TIME.search(text), text
    assert "http" not in text.lower() and "www." not in text.lower()
    assert "assistance" in text
    return text


def plain(text: str) -> str:
    """French typography's no-break spaces as plain spaces, to search the text as words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def _nth_with_subject(
    sink: MailSink, email: str, subject_part: str, number: int
) -> EmailMessage:
    count = 1
    while True:
        message = await sink.message_to(email, count)
        if subject_part in str(message["Subject"]):
            number -= 1
            if number == 0:
                return message
        count += 1


# -- a Temporal dev server of a module's own ----------------------------------------------------


@asynccontextmanager
async def own_dev_server(settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server for one test module. Closing a space deletes its Temporal runs, which the dev
    server does in the background, one after another, tens of seconds for a closed run: on a
    server of their own, those deletions never delay another module's."""
    env = await dev_server(settings)
    try:
        yield env
    finally:
        await env.shutdown()


# -- the services over a real worker (workflow tests) ---------------------------------------------


@dataclass
class AccountServices:
    env: WorkflowEnvironment  # the server the worker runs on: its clock, the processes' handles
    subscribers: SubscriberService
    account: AccountService
    resets: PasswordResetService
    changes: EmailChangeService
    enrollments: EnrollmentService
    adhesions: AdhesionService
    repository: SubscriberRepository
    keyed: KeyedHasher

    def session_token(self, subscriber: Subscriber) -> str:
        """A new session's token, as a sign-in gives one."""
        assert subscriber.id is not None
        return self.subscribers.open_session(subscriber.id, "Navigateur de test").access_token

    def signed_in(self, subscriber: Subscriber) -> SignedIn:
        """The subscriber behind a new session, as the API sees them."""
        return self.subscribers.authenticate_session(self.session_token(subscriber))

    def reset_process(
        self, email: str
    ) -> WorkflowHandle[PasswordResetWorkflow, PasswordResetOutcome]:
        """The « Mot de passe oublié ? » process of a (normalised) identifier."""
        workflow_id = self.resets.workflow_id(email)
        return self.env.client.get_workflow_handle_for(PasswordResetWorkflow.run, workflow_id)

    def change_process(
        self, subscriber: Subscriber
    ) -> WorkflowHandle[EmailChangeWorkflow, EmailChangeOutcome]:
        """The subscriber's « Modifier mon adresse électronique » process."""
        workflow_id = self.changes.workflow_id(subscriber)
        return self.env.client.get_workflow_handle_for(EmailChangeWorkflow.run, workflow_id)


def services_over(env: WorkflowEnvironment, settings: Settings, engine: Engine) -> AccountServices:
    """The services the API uses, on `env`'s server, with no worker of their own (a test runs
    the worker, in this process or as `python worker.py`)."""
    repository = SubscriberRepository(engine)
    sessions = SessionRepository(engine)
    hasher = SecretHasher(settings)
    keyed = KeyedHasher(settings.identifier_hash_key)
    throttle = Throttle(settings, AttemptRepository(engine), keyed)
    notifier = Notifier(env.client, settings.temporal_task_queue)
    account = AccountService(
        settings, env.client, repository, sessions, hasher, keyed, throttle, notifier
    )
    resets = PasswordResetService(
        env.client, settings, repository, hasher, keyed, throttle, account
    )
    return AccountServices(
        env=env,
        subscribers=SubscriberService(settings, repository, sessions, hasher, throttle),
        account=account,
        resets=resets,
        changes=EmailChangeService(
            env.client, settings, repository, keyed, throttle, account, resets
        ),
        enrollments=EnrollmentService(env.client, settings, repository, hasher, keyed),
        adhesions=AdhesionService(
            env.client, settings, AdhesionRepository(engine), EmbeddedRegistry(), keyed
        ),
        repository=repository,
        keyed=keyed,
    )


@asynccontextmanager
async def account_services(
    env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AccountServices]:
    """The services the API uses, over one real worker that runs every workflow (mail to the
    settings' SMTP server, letters to its folder)."""
    built = services_over(env, settings, engine)
    async with build_worker(env.client, settings, repository=built.repository):
        yield built


def make_subscriber(engine: Engine, settings: Settings, email: str) -> Subscriber:
    """A subscriber straight in the database (the enrollment is tested elsewhere), with
    PASSWORD and the answer « Tâta » to « Quel est votre surnom ? »."""
    hasher = SecretHasher(settings)
    return SubscriberRepository(engine).create_once(
        new_subscriber(
            email,
            password_hash=hasher.hash_sync(PASSWORD),
            answer_hash=hasher.hash_sync(ANSWER_HASHED),
            terms_version=settings.terms_version,
        )
    )
