"""The one settings object: every configuration name of the product, read from the environment."""

from __future__ import annotations

import base64
import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> Any:
    """Accept "48h", "90m", "2d", "30s", a number of seconds, or anything pydantic takes."""
    if isinstance(value, str) and (match := _DURATION.match(value)):
        amount, unit = match.groups()
        return timedelta(seconds=float(amount) * _UNIT_SECONDS[unit or "s"])
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def split_commas(value: Any) -> Any:
    """Accept "a,b" from the environment as well as a list."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(split_commas)]


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SecondFactor(StrEnum):
    """When a sign-in asks for a code after the password (SPEC §9)."""

    NEW_DEVICE = "new_device"  # from a browser not seen for this subscriber in `device_lifetime`
    ALWAYS = "always"
    OFF = "off"


class ProxyHeader(StrEnum):
    """The header a trusted reverse proxy writes the client's address into."""

    X_FORWARDED_FOR = "x-forwarded-for"
    FORWARDED = "forwarded"


def _check_networks(entries: list[str]) -> list[str]:
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"not an address or CIDR: {entry!r}") from None
    return entries


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    app_env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str = ""

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "enrollments"
    temporal_ui_port: int = 8233
    # The worker's Prometheus endpoint (SDK and business metrics); empty turns it off.
    worker_metrics_address: str = "127.0.0.1:9464"
    # The worker's sticky cache: runs kept in memory between their tasks (the SDK's default).
    # Each costs ~0.14 MiB out of the sandbox (~0.3 in it) and lengthens every full
    # collection of the heap; a run evicted is replayed from its history at its next task
    # (docs/capacity.md).
    worker_max_cached_workflows: int = Field(default=1000, ge=0)
    # Workflow code in the SDK's sandbox: a non-deterministic call (the clock, randomness, I/O)
    # is refused the moment it runs, and each run gets its own copy of the workflow modules.
    # The tests run sandboxed (the recorded histories replay both ways); a production worker
    # may run the same code without it, for an eighth less worker CPU and a fraction of the
    # memory per cached run (docs/capacity.md, « The workflow sandbox »).
    worker_workflow_sandbox: bool = True
    # Processes of their own that render the recap PDFs beside the worker, so that the worker's
    # largest allocation neither sets off nor waits through the collections of a heap that holds
    # the sticky cache (documents/recap_process.py); 0 renders in the worker's own threads.
    worker_recap_processes: int = Field(default=1, ge=0)

    smtp_host: str = ""
    smtp_port: int = 0
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout: Duration = timedelta(seconds=10)
    mail_from: str = "ne-pas-repondre@espace-abonne.localhost"

    # The assistance channel shown in every page's footer and in every e-mail's security lines
    # (domain/support.py). The phone number and the hours are the sheet's (§5); the sheet names the
    # contact form without an address, so the default address is the administration's site.
    support_phone: str = "0 810 006 882"
    support_url: str = "https://www.impots.gouv.fr/contacts"
    support_hours: str = "du lundi au vendredi, de 8\u00a0h\u00a000 à 19\u00a0h\u00a030"

    # Who answers for the service, named by the legal and personal-data pages (/mentions-legales,
    # /donnees-personnelles): facts of the deployment, not of the code. The defaults say so.
    legal_controller: str = "Administration qui exploite ce service (instance de développement)"
    legal_controller_address: str = "Adresse postale à préciser par l'exploitant du service"
    legal_dpo_contact: str = (
        "Délégué à la protection des données de l'exploitant (contact à préciser)"
    )
    legal_publication_director: str = "Directeur de la publication à préciser par l'exploitant"
    legal_host: str = "Hébergement à préciser par l'exploitant (instance de développement)"

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Where browsers reach the API, used for the Temporal UI's codec endpoint.
    public_base_url: str = ""

    activation_window: Duration = timedelta(hours=48)
    draft_idle_timeout: Duration = timedelta(hours=1)
    max_code_attempts: int = Field(default=5, ge=1)
    max_resends: int = Field(default=3, ge=0)
    session_lifetime: Duration = timedelta(hours=8)
    # « Mot de passe oublié ? » and « Modifier mon adresse électronique » (SPEC §6).
    password_reset_window: Duration = timedelta(minutes=30)
    email_change_window: Duration = timedelta(hours=24)
    terms_version: str = "2026-01"

    # Account security (SPEC §9): the second step at sign-in, its e-mailed code's validity, and
    # how long a browser stays recognised after it was last seen.
    second_factor: SecondFactor = SecondFactor.NEW_DEVICE
    sign_in_code_window: Duration = timedelta(minutes=10)
    device_lifetime: Duration = timedelta(days=30)

    # Adhésions (SPEC §7): the code goes by post and stays valid this long; new letters allowed
    # after the first; companies per space (pending and active ones count).
    adhesion_window: Duration = timedelta(days=60)
    adhesion_max_resends: int = Field(default=3, ge=0)
    adhesions_per_space: int = Field(default=100, ge=1)
    # The print-and-post provider's spool folder; unset, letters land in DATA_DIR/courrier/ with
    # a readable copy, listed on the development page /dev/courrier.
    letter_outbox_dir: Path | None = None

    # Company registry: empty base URL means the embedded dataset shipped with the project.
    company_registry_url: str = ""
    company_registry_timeout: Duration = timedelta(seconds=3)
    company_registry_attempts: int = Field(default=2, ge=1)

    # Secrets. Development generates its own (see devstack); elsewhere they must be given.
    identifier_hash_key: SecretStr = SecretStr("")
    # "kid:base64key,kid:base64key": the first key encrypts, every key decrypts.
    payload_codec_keys: SecretStr = SecretStr("")
    codec_auth_token: SecretStr = SecretStr("")
    session_secret: SecretStr = SecretStr("")

    # Rate limits, counted in the database so that every API process shares them. Fixed windows
    # per identifier (keyed hash) and per client address; sign-in locks an identifier after
    # repeated failures, for a delay that doubles with each further failure.
    rate_limit_window: Duration = timedelta(minutes=15)
    activation_attempts_per_identifier: int = Field(default=10, ge=1)
    activation_attempts_per_address: int = Field(default=50, ge=1)
    resends_per_identifier: int = Field(default=5, ge=1)
    resends_per_address: int = Field(default=20, ge=1)
    sign_ins_per_address: int = Field(default=50, ge=1)
    password_resets_per_identifier: int = Field(default=5, ge=1)
    password_resets_per_address: int = Field(default=20, ge=1)
    reset_attempts_per_identifier: int = Field(default=10, ge=1)
    reset_attempts_per_address: int = Field(default=50, ge=1)
    # Each request e-mails a code to an address the subscriber chose: limited like a resend.
    email_changes_per_identifier: int = Field(default=5, ge=1)
    email_changes_per_address: int = Field(default=20, ge=1)
    # Step 1 costs an argon2id hash and confirm sends an e-mail: both limited per client address.
    enrollments_per_address: int = Field(default=20, ge=1)
    confirms_per_address: int = Field(default=20, ge=1)
    # Code e-mails to one recipient, whatever enrollment asks for them (no mail-bombing a third
    # party), counted over their own window.
    code_emails_per_recipient: int = Field(default=6, ge=1)
    code_email_window: Duration = timedelta(hours=1)
    sign_in_lockout_after: int = Field(default=5, ge=1)
    sign_in_lockout_delay: Duration = timedelta(minutes=1)
    sign_in_lockout_max: Duration = timedelta(hours=1)
    # Failures older than this are forgotten.
    sign_in_failure_memory: Duration = timedelta(hours=24)

    # Reverse proxies (addresses or CIDRs) whose client address header is believed; anyone
    # else's is ignored. Only one header is read, the one these proxies write (another one,
    # which they pass through untouched, could be the caller's own invention).
    trusted_proxies: Annotated[CommaList, AfterValidator(_check_networks)] = []
    trusted_proxy_header: ProxyHeader = ProxyHeader.X_FORWARDED_FOR

    # Backend services (SPEC §8): a new client's quota unless the admin command says otherwise.
    service_quota_per_minute: int = Field(default=600, ge=1)
    # Webhook deliveries: one attempt may take this long; failed attempts are retried after
    # 5 s, 30 s, 3 min, 18 min, 1.8 h, then every 10 h, 9 attempts in all: 32 hours, so a
    # receiver down for a day loses nothing (tests shorten it). A delivery process with nothing
    # left to send lingers this long for the next event of the same enrollment.
    webhook_timeout: Duration = timedelta(seconds=15)
    webhook_retry_initial: Duration = timedelta(seconds=5)
    webhook_retry_coefficient: float = Field(default=6.0, ge=1.0)
    webhook_retry_maximum: Duration = timedelta(hours=10)
    webhook_retry_attempts: int = Field(default=9, ge=1)
    webhook_idle: Duration = timedelta(minutes=5)
    # Endpoint URLs over plain HTTP or to a loopback host: unset, allowed in development and
    # tests only (a receiver on 127.0.0.1); private and link-local hosts are always refused.
    webhook_allow_local_urls: bool | None = None

    # Browser origins (the Temporal UI) allowed to call the codec endpoint.
    codec_cors_origins: CommaList = ["http://127.0.0.1:8233", "http://localhost:8233"]
    # The browser's pass to the codec endpoint, given on /codec/session for CODEC_AUTH_TOKEN.
    codec_session_lifetime: Duration = timedelta(hours=4)
    codec_sessions_per_address: int = Field(default=10, ge=1)

    # argon2id cost; the defaults are OWASP's minimum for argon2id.
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    # How many hashes a process runs at once; unset: one per core it may run on.
    argon2_concurrency: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check_secrets(self) -> Settings:
        if (
            self.app_env is Environment.DEVELOPMENT
            and not self.identifier_hash_key.get_secret_value()
        ):
            return self  # the dev stack fills them in before anything uses them
        problems = []
        if len(self.identifier_hash_key.get_secret_value()) < 32:
            problems.append("IDENTIFIER_HASH_KEY (at least 32 characters)")
        if len(self.session_secret.get_secret_value()) < 32:
            problems.append("SESSION_SECRET (at least 32 characters)")
        if len(self.codec_auth_token.get_secret_value()) < 24:
            problems.append("CODEC_AUTH_TOKEN (at least 24 characters)")
        try:
            keys = parse_codec_keys(self.payload_codec_keys.get_secret_value())
            if not keys:
                problems.append("PAYLOAD_CODEC_KEYS (at least one key)")
        except ValueError as error:
            problems.append(f"PAYLOAD_CODEC_KEYS ({error})")
        if problems:
            raise ValueError("missing or weak secrets: " + ", ".join(problems))
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'subscribers.db').resolve()}"

    @model_validator(mode="after")
    def _check_webhook_retries(self) -> Settings:
        """In production a receiver down for a day must lose nothing (SPEC §8): the retries of
        one delivery span at least 24 hours. Tests shorten them; production may not."""
        if self.app_env is Environment.PRODUCTION and self.webhook_retry_span < timedelta(days=1):
            raise ValueError(
                "WEBHOOK_RETRY_*: the retries of a webhook delivery must span at least 24 hours "
                f"in production (these span {self.webhook_retry_span})"
            )
        return self

    @property
    def webhook_retry_span(self) -> timedelta:
        """From the first attempt to the last: the sum of the back-off intervals (each the one
        before times the coefficient, at most the maximum), as Temporal's retry policy waits."""
        span, interval = timedelta(), self.webhook_retry_initial
        for _ in range(self.webhook_retry_attempts - 1):
            span += min(interval, self.webhook_retry_maximum)
            interval *= self.webhook_retry_coefficient
        return span

    @property
    def webhooks_allow_local(self) -> bool:
        if self.webhook_allow_local_urls is not None:
            return self.webhook_allow_local_urls
        return self.app_env is not Environment.PRODUCTION

    @property
    def uses_embedded_smtp(self) -> bool:
        return not (self.smtp_host and self.smtp_port)

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.api_host}:{self.api_port}"


def parse_codec_keys(raw: str) -> dict[str, bytes]:
    """Parse "kid:base64key,..." into an ordered mapping; the first key is the current one."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        kid, sep, encoded = item.partition(":")
        if not sep or not kid:
            raise ValueError("expected kid:base64key")
        key = base64.b64decode(encoded)
        if len(key) not in (16, 24, 32):
            raise ValueError(f"key {kid!r} must be 16, 24 or 32 bytes")
        keys[kid] = key
    return keys


@lru_cache
def get_settings() -> Settings:
    return Settings()
