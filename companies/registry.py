"""Company name look-up from a SIREN, behind one interface.

Two implementations: the embedded dataset shipped with the project (the default), and a client
for the public company search API's response format (`GET {base}/search?q=<siren>` answering
`{"results": [{"siren": ..., "nom_raison_sociale": ..., "nom_complet": ...}]}`).
A look-up never blocks an enrollment: every failure ends as "unknown" (None).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

import httpx

from settings import Settings

log = logging.getLogger(__name__)
EMBEDDED_DATASET = Path(__file__).parent / "embedded.json"


class CompanyRegistry(Protocol):
    async def company_name(self, siren: str) -> str | None: ...


class EmbeddedRegistry:
    def __init__(self, dataset: Path = EMBEDDED_DATASET) -> None:
        data = json.loads(dataset.read_text(encoding="utf-8"))
        self._names = {row["siren"]: row["name"] for row in data["companies"]}

    async def company_name(self, siren: str) -> str | None:
        return self._names.get(siren)


class HttpRegistry:
    """Retries a network error, a 5xx or a 429 up to `attempts` times; anything else is final."""

    def __init__(self, base_url: str, timeout: float, attempts: int = 2) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._attempts = attempts

    async def company_name(self, siren: str) -> str | None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            for attempt in range(1, self._attempts + 1):
                try:
                    response = await client.get(
                        f"{self._base_url}/search", params={"q": siren, "per_page": 1}
                    )
                except httpx.HTTPError as error:
                    log.warning(
                        "company registry unreachable (attempt %d): %s",
                        attempt,
                        type(error).__name__,
                    )
                    continue
                if response.status_code >= 500 or response.status_code == 429:
                    log.warning(
                        "company registry answered %d (attempt %d)", response.status_code, attempt
                    )
                    continue
                if response.status_code != 200:
                    return None
                return _name_from(response, siren)
        return None


def _name_from(response: httpx.Response, siren: str) -> str | None:
    try:
        body = response.json()
    except ValueError:
        log.warning("company registry answered malformed JSON")
        return None
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        return None
    for result in results:
        if isinstance(result, dict) and result.get("siren") == siren:
            name = result.get("nom_raison_sociale") or result.get("nom_complet")
            return str(name) if name else None
    return None


def registry_from_settings(settings: Settings) -> CompanyRegistry:
    if settings.company_registry_url:
        return HttpRegistry(
            settings.company_registry_url,
            settings.company_registry_timeout.total_seconds(),
            settings.company_registry_attempts,
        )
    return EmbeddedRegistry()
