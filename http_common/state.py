"""What the app builds once at start-up and hands out through dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from temporalio.client import Client

from http_common.client_address import ClientAddressResolver
from mail.sender import MailSender
from orchestration.codec import EncryptionCodec
from security.codec_pass import CodecPass
from services.account import AccountService
from services.adhesions import AdhesionService
from services.devices import DeviceService
from services.email_changes import EmailChangeService
from services.enrollments import EnrollmentService
from services.invitations import InvitationService
from services.password_resets import PasswordResetService
from services.second_step import SecondStepService
from services.security_events import EventRecorder
from services.service_clients import ServiceClients
from services.subscribers import SubscriberService
from services.throttle import Throttle
from services.totp import TotpService
from services.webhook_endpoints import WebhookEndpoints
from settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    client: Client
    codec: EncryptionCodec
    codec_pass: CodecPass
    mail: MailSender
    enrollments: EnrollmentService
    subscribers: SubscriberService
    throttle: Throttle
    adhesions: AdhesionService
    account: AccountService
    password_resets: PasswordResetService
    email_changes: EmailChangeService
    second_step: SecondStepService
    totp: TotpService
    devices: DeviceService
    events: EventRecorder  # the one recorder of security events (docs/activity.md)
    service_clients: ServiceClients
    invitations: InvitationService
    addresses: ClientAddressResolver
    webhooks: WebhookEndpoints
