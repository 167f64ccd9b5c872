"""« Activité de mon espace » for API clients: the last 12 months of security events."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.schemas.activity import ActivityItemOut
from http_common.deps import EventsDep, SubscriberDep

router = APIRouter(prefix="/api/v1/me", tags=["account"])


@router.get("/activity")
async def activity(subscriber: SubscriberDep, events: EventsDep) -> list[ActivityItemOut]:
    """Newest first, 12 months: sign-ins, changes, sessions ended, adhésions, support actions."""
    assert subscriber.id is not None
    items = await run_in_threadpool(events.activity, subscriber.id)
    return [
        ActivityItemOut(type=i.type, at=i.at, browser=i.browser, network=i.network) for i in items
    ]
