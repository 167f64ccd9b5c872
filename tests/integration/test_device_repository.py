"""A browser recognised for a subscriber (SPEC §9), on SQLite and PostgreSQL: its own, live and
not forgotten; seen again at most once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from settings import Settings
from storage.devices import DeviceRepository
from storage.tables import Device
from tests.accounts import make_subscriber
from tests.support import unique_email

NOW = datetime.now(UTC).replace(microsecond=0)
LIFETIME = timedelta(days=30)


def _last_seen(engine: Engine, digest: str) -> datetime:
    with Session(engine) as session:
        device = session.get(Device, digest)
        assert device is not None
        return device.last_seen


def test_a_device_is_recognised_for_its_subscriber_only(
    engine: Engine, base_settings: Settings
) -> None:
    devices = DeviceRepository(engine)
    owner = make_subscriber(engine, base_settings, unique_email()).id
    other = make_subscriber(engine, base_settings, unique_email()).id
    assert owner is not None and other is not None
    digest = f"own-{unique_email()}"
    devices.add(digest, owner, "Firefox", NOW)

    assert devices.recognise(digest, owner, NOW, LIFETIME)
    assert not devices.recognise(digest, other, NOW, LIFETIME)
    assert not devices.recognise(f"unknown-{digest}", owner, NOW, LIFETIME)
    assert not devices.recognise(digest, owner, NOW + LIFETIME, LIFETIME)  # unseen too long


def test_a_forgotten_device_is_not_recognised(engine: Engine, base_settings: Settings) -> None:
    devices = DeviceRepository(engine)
    owner = make_subscriber(engine, base_settings, unique_email()).id
    assert owner is not None
    digest = f"forgotten-{unique_email()}"
    device_id = devices.add(digest, owner, "Firefox", NOW)

    devices.forget(owner, device_id, NOW)

    assert not devices.recognise(digest, owner, NOW, LIFETIME)


def test_a_recognised_device_is_seen_again_at_most_once_a_minute(
    engine: Engine, base_settings: Settings
) -> None:
    devices = DeviceRepository(engine)
    owner = make_subscriber(engine, base_settings, unique_email()).id
    assert owner is not None
    digest = f"seen-{unique_email()}"
    devices.add(digest, owner, "Firefox", NOW)

    assert devices.recognise(digest, owner, NOW + timedelta(seconds=59), LIFETIME)
    assert _last_seen(engine, digest) == NOW
    assert devices.recognise(digest, owner, NOW + timedelta(minutes=5), LIFETIME)
    assert _last_seen(engine, digest) == NOW + timedelta(minutes=5)
