"""Bodies of the adhésions (API.md « Adhésions »)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from api.schemas.declared import Body, Code, Siren, path_id
from domain.models import AdhesionStatus
from domain.rules import format_siren
from storage.adhesions import ADHESION_ID_PATTERN
from storage.tables import Adhesion

AdhesionId = Annotated[
    str, path_id(ADHESION_ID_PATTERN, "L'`adhesion_id` rendu par la demande d'adhésion.")
]


class AdhesionIn(Body):
    model_config = ConfigDict(extra="ignore", str_max_length=1000)

    company_identifier: Siren = ""


class AdhesionCodeIn(Body):
    model_config = ConfigDict(extra="ignore", str_max_length=1000)

    code: Code = ""


class AdhesionOut(BaseModel):
    adhesion_id: str
    siren: str
    siren_formatted: str
    company_name: str
    status: AdhesionStatus
    status_label: str
    requested_at: datetime
    activated_at: datetime | None
    expires_at: datetime | None  # None once the request is over (active, expired, …)
    ended_at: datetime | None
    letters_sent: int

    @classmethod
    def of(cls, adhesion: Adhesion) -> AdhesionOut:
        status = AdhesionStatus(adhesion.status)
        return cls(
            adhesion_id=adhesion.id,
            siren=adhesion.siren,
            siren_formatted=format_siren(adhesion.siren),
            company_name=adhesion.company_name,
            status=status,
            status_label=status.label,
            requested_at=_aware(adhesion.requested_at),
            activated_at=_aware_or_none(adhesion.activated_at),
            expires_at=_aware(adhesion.expires_at) if status is AdhesionStatus.PENDING else None,
            ended_at=_aware_or_none(adhesion.ended_at),
            letters_sent=adhesion.letters_sent,
        )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _aware_or_none(moment: datetime | None) -> datetime | None:
    return _aware(moment) if moment is not None else None
