"""Company look-up from a SIREN, behind one interface: the name and the registered address.

Two implementations: the embedded dataset shipped with the project (the default), and a client
for the public company search API's response format (`GET {base}/search?q=<siren>` answering
`{"results": [{"siren", "nom_raison_sociale", "nom_complet", "siege": {"numero_voie",
"indice_repetition", "type_voie", "libelle_voie", "complement_adresse", "distribution_speciale",
"code_postal", "libelle_commune", "cedex", "libelle_cedex", "adresse", ...}}]}`).

The enrollment only needs the name, and a look-up never blocks it: every failure ends as
"unknown" (`company_name` answers None). An adhésion needs the registered address to post the
code, so `company` tells "no such company" (None) from "the registry did not answer"
(`RegistryUnavailable`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from settings import Settings

log = logging.getLogger(__name__)
EMBEDDED_DATASET = Path(__file__).parent / "embedded.json"


class RegistryUnavailable(Exception):
    """The registry could not be reached or kept failing: try again later."""


@dataclass(frozen=True, slots=True)
class RegisteredAddress:
    """The head office's postal address, as the registry spells it."""

    street: str  # « 12 B RUE DE LA PAIX »
    postal_code: str
    city: str  # the commune, or the CEDEX distribution label when there is one
    complement: str = ""  # « BATIMENT B »
    special_delivery: str = ""  # « BP 123 »

    def lines(self) -> list[str]:
        """The address lines below the recipient's name, in La Poste's order (no blank line)."""
        locality = f"{self.postal_code} {self.city}".strip()
        return [line for line in (self.complement, self.street, self.special_delivery) if line] + [
            locality
        ]


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    siren: str
    name: str | None
    address: RegisteredAddress | None


class CompanyRegistry(Protocol):
    async def company_name(self, siren: str) -> str | None: ...

    async def company(self, siren: str) -> CompanyRecord | None: ...


class EmbeddedRegistry:
    def __init__(self, dataset: Path = EMBEDDED_DATASET) -> None:
        data = json.loads(dataset.read_text(encoding="utf-8"))
        self._records = {row["siren"]: _record(row) for row in data["companies"]}

    async def company_name(self, siren: str) -> str | None:
        record = self._records.get(siren)
        return record.name if record else None

    async def company(self, siren: str) -> CompanyRecord | None:
        return self._records.get(siren)


def _record(row: dict[str, Any]) -> CompanyRecord:
    return CompanyRecord(row["siren"], row.get("name"), address_of(row.get("siege")))


class HttpRegistry:
    """Retries a network error, a 5xx or a 429 up to `attempts` times; anything else is final."""

    def __init__(self, base_url: str, timeout: float, attempts: int = 2) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._attempts = attempts

    async def company_name(self, siren: str) -> str | None:
        try:
            record = await self.company(siren)
        except RegistryUnavailable:
            return None
        return record.name if record else None

    async def company(self, siren: str) -> CompanyRecord | None:
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
                return _record_from(response, siren)
        raise RegistryUnavailable


def _record_from(response: httpx.Response, siren: str) -> CompanyRecord | None:
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
            return CompanyRecord(
                siren, str(name) if name else None, address_of(result.get("siege"))
            )
    return None


def _text(siege: dict[str, Any], key: str) -> str:
    value = siege.get(key)
    return " ".join(str(value).split()) if value not in (None, "") else ""


def address_of(siege: object) -> RegisteredAddress | None:
    """The head office's address from the `siege` object, or None when it cannot carry a letter
    (no postal code or no commune: a foreign head office, a record withheld from publication)."""
    if not isinstance(siege, dict):
        return None
    postal_code = _text(siege, "code_postal")
    city = _text(siege, "libelle_commune")
    if _text(siege, "cedex"):
        # A CEDEX address is sorted on its own code and label, not the commune's.
        postal_code = _text(siege, "cedex")
        city = _text(siege, "libelle_cedex") or city
    if not postal_code or not city:
        return None
    street = " ".join(
        part
        for part in (
            _text(siege, "numero_voie") + _with_space(_text(siege, "indice_repetition")),
            _text(siege, "type_voie"),
            _text(siege, "libelle_voie"),
        )
        if part
    )
    return RegisteredAddress(
        street=street.upper(),
        postal_code=postal_code,
        city=city.upper(),
        complement=_text(siege, "complement_adresse").upper(),
        special_delivery=_text(siege, "distribution_speciale").upper(),
    )


def _with_space(suffix: str) -> str:
    return f" {suffix}" if suffix else ""


def registry_from_settings(settings: Settings) -> CompanyRegistry:
    if settings.company_registry_url:
        return HttpRegistry(
            settings.company_registry_url,
            settings.company_registry_timeout.total_seconds(),
            settings.company_registry_attempts,
        )
    return EmbeddedRegistry()
