"""The application, assembled: settings → engine, Temporal client, services → the JSON API
and the web pages. `api/` and `web/` never import each other; what both need lives in
`http_common/`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import Engine
from temporalio.client import Client

from activities.webhook_dispatch import WebhookDispatch
from api import openapi, problems
from api.idempotency import IdempotencyKeys
from api.routes import (
    account,
    account_security,
    activations,
    activity,
    adhesions,
    codec,
    docs,
    enrollments,
    invitations,
    ops,
    password_resets,
    reference,
    subscriber,
    webhooks,
)
from companies.registry import registry_from_settings
from domain.webhooks import UrlPolicy
from http_common.client_address import ClientAddressResolver
from http_common.middleware import BodySizeLimit, RequestContext
from http_common.security_headers import SecurityHeaders
from http_common.state import AppState
from mail.sender import MailSender
from observability.logs import configure_logging
from observability.metrics import count_password_hashing
from orchestration.client import codec_from_settings, connect
from security.codec_pass import CodecPass
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from security.secret_box import SecretBox
from services.account import AccountService
from services.adhesions import AdhesionService
from services.devices import DeviceService
from services.email_changes import EmailChangeService
from services.enrollments import EnrollmentService
from services.invitations import InvitationService
from services.notifications import Notifier
from services.password_resets import PasswordResetService
from services.second_step import SecondStepService
from services.security_events import EventRecorder
from services.service_clients import ServiceClients
from services.subscribers import SubscriberService
from services.throttle import Clock, Throttle, utc_now
from services.totp import TotpService
from services.webhook_endpoints import WebhookEndpoints
from settings import Environment, Settings, get_settings
from storage.adhesions import AdhesionRepository
from storage.attempts import AttemptRepository
from storage.devices import DeviceRepository
from storage.engine import make_engine
from storage.invitations import InvitationRepository
from storage.second_factor import ChallengeRepository, TotpRepository
from storage.service_clients import ServiceClientRepository
from storage.subscribers import SessionRepository, SubscriberRepository
from storage.webhooks import WebhookRepository
from web.http_errors import install as install_error_pages
from web.install import install as install_pages


@dataclass
class Overrides:
    """What tests may hand in instead of building it from settings."""

    client: Client | None = None
    engine: Engine | None = None
    clock: Clock | None = None  # what rate limits and lockouts take as "now"


def build_state(
    settings: Settings, client: Client, engine: Engine, clock: Clock = utc_now
) -> AppState:
    repository = SubscriberRepository(engine)
    hasher = SecretHasher(settings, observe=count_password_hashing)
    keyed = KeyedHasher(settings.identifier_hash_key)
    throttle = Throttle(settings, AttemptRepository(engine), keyed, clock)
    sessions = SessionRepository(engine)
    events = EventRecorder(engine)
    notifier = Notifier(client, settings.temporal_task_queue)
    adhesions = AdhesionService(
        client, settings, AdhesionRepository(engine), registry_from_settings(settings), keyed
    )
    account = AccountService(
        settings,
        client,
        repository,
        sessions,
        hasher,
        keyed,
        throttle,
        notifier,
        before_closing=adhesions.withdraw_all,
        events=events,
    )
    resets = PasswordResetService(client, settings, repository, hasher, keyed, throttle, account)
    devices = DeviceRepository(engine)
    subscribers = SubscriberService(
        settings, repository, sessions, hasher, throttle, client, events, devices=devices
    )
    box = SecretBox.from_settings(settings)
    totp = TotpService(
        TotpRepository(engine), box, keyed, hasher, throttle, notifier, events, clock
    )
    second_step = SecondStepService(
        client,
        settings,
        subscribers,
        repository,
        ChallengeRepository(engine),
        totp,
        keyed,
        throttle,
        notifier,
        events,
        clock,
    )
    return AppState(
        settings=settings,
        engine=engine,
        client=client,
        codec=codec_from_settings(settings),
        codec_pass=CodecPass(settings),
        mail=MailSender.from_settings(settings),
        enrollments=EnrollmentService(client, settings, repository, hasher, keyed, throttle),
        subscribers=subscribers,
        throttle=throttle,
        adhesions=adhesions,
        account=account,
        password_resets=resets,
        email_changes=EmailChangeService(
            client, settings, repository, keyed, throttle, account, resets
        ),
        second_step=second_step,
        totp=totp,
        devices=DeviceService(settings, devices, events),
        events=events,
        service_clients=ServiceClients(ServiceClientRepository(engine), keyed, clock),
        addresses=ClientAddressResolver.from_settings(settings),
        webhooks=WebhookEndpoints(
            WebhookRepository(engine),
            box,
            WebhookDispatch(client, settings, keyed),
            UrlPolicy(allow_local=settings.webhooks_allow_local),
            clock,
        ),
        invitations=InvitationService(
            client, settings, repository, InvitationRepository(engine), hasher, keyed, throttle
        ),
    )


def create_app(settings: Settings | None = None, overrides: Overrides | None = None) -> FastAPI:
    settings = settings or get_settings()
    overrides = overrides or Overrides()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = overrides.engine or make_engine(settings.resolved_database_url)
        client = overrides.client or await connect(settings)
        app.state.services = build_state(settings, client, engine, overrides.clock or utc_now)
        try:
            yield
        finally:
            if overrides.engine is None:
                engine.dispose()

    app = FastAPI(
        title="Espace abonné professionnel",
        version="1",
        description="Création et gestion de l'espace abonné professionnel.",
        lifespan=lifespan,
        # The docs page is served by api.routes.docs, under a policy of its own.
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    problems.install(app)
    routers = (
        enrollments,
        activations,
        invitations,
        subscriber,
        account_security,
        account,
        activity,
        password_resets,
        adhesions,
        webhooks,
    )
    for module in (*routers, reference, ops, codec, docs):
        app.include_router(module.router)
    install_pages(app, settings)
    openapi.install(app)  # once every API route is in
    install_error_pages(app)  # after problems.install: wraps its handler for browsers
    app.add_middleware(IdempotencyKeys)  # inside the size limit: it reads whole bodies
    app.add_middleware(BodySizeLimit)
    app.add_middleware(RequestContext)
    app.add_middleware(SecurityHeaders, always_https=settings.app_env is Environment.PRODUCTION)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory app:app_factory`."""
    configure_logging()
    return create_app()
