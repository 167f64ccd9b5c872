"""Activity: look a company's name up; a failure means "unknown", never a blocked enrollment."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.heartbeat import heartbeating
from activities.inputs import CompanyFound, LookupCompany
from companies.registry import CompanyRegistry

log = logging.getLogger(__name__)


class CompanyActivities:
    def __init__(self, registry: CompanyRegistry) -> None:
        self._registry = registry

    @activity.defn
    async def lookup_company(self, request: LookupCompany) -> CompanyFound:
        if request.foreign:
            return CompanyFound(name=None)  # the registry knows French companies only
        try:
            # Heartbeats: if this worker dies, another one retries within seconds.
            async with heartbeating():
                name = await self._registry.company_name(request.identifier)
            return CompanyFound(name=name)
        except Exception as error:  # any failure of the registry is "unknown"
            log.warning("company look-up failed: %s", type(error).__name__)
            return CompanyFound(name=None)
