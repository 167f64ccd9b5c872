"""The subscriber's recognised browsers (SPEC §9): listed with the sessions, each can be
forgotten (it is then asked for a second step again)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.client_description import NO_CLIENT, ClientDescription
from domain.security_events import EventType
from services.errors import NotFound
from services.security_events import EventRecorder
from services.subscribers import SignedIn
from settings import Settings
from storage.devices import DeviceRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: str
    user_agent: str
    first_seen: datetime
    last_seen: datetime


class DeviceService:
    def __init__(
        self, settings: Settings, devices: DeviceRepository, events: EventRecorder
    ) -> None:
        self._events = events
        self._settings = settings
        self._devices = devices

    def devices(self, me: SignedIn) -> list[DeviceInfo]:
        assert me.subscriber.id is not None
        found = self._devices.list_for(
            me.subscriber.id, datetime.now(UTC), self._settings.device_lifetime
        )
        return [DeviceInfo(d.device_id, d.user_agent, d.first_seen, d.last_seen) for d in found]

    def forget(self, me: SignedIn, device_id: str, client: ClientDescription = NO_CLIENT) -> None:
        assert me.subscriber.id is not None
        if not self._devices.forget(me.subscriber.id, device_id, datetime.now(UTC)):
            raise NotFound("Appareil introuvable.")
        self._events.record(me.subscriber.id, EventType.DEVICE_FORGOTTEN, client=client)
        log.info("device forgotten by its subscriber")
