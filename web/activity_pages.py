"""« Activité de mon espace »: the last 12 months of the space's security events (SPEC §9)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.activity_labels import EVENT_LABELS
from domain.formatting import french_datetime
from http_common.deps import EventsDep
from web.page import MeDep, PageDep, PageRoute

router = APIRouter(prefix="/espace", route_class=PageRoute, include_in_schema=False)


@router.get("/activite")
async def activity_page(page: PageDep, me: MeDep, events: EventsDep) -> Response:
    assert me.subscriber.id is not None
    items = await run_in_threadpool(events.activity, me.subscriber.id)
    return page.render(
        "account_activity.html",
        events=[
            {
                "label": EVENT_LABELS[item.type],
                "at": french_datetime(item.at),
                "browser": item.browser,
                "network": item.network,
            }
            for item in items
        ],
    )
