from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.adhesion_status import AdhesionStatus

T = TypeVar("T", bound="AdhesionOut")


@_attrs_define
class AdhesionOut:
    """
    Attributes:
        adhesion_id (str):
        siren (str):
        siren_formatted (str):
        company_name (str):
        status (AdhesionStatus): An adhésion's life (SPEC §7). `withdrawn` (a pending request taken back by the
            subscriber) is kept for the record but no longer listed.
        status_label (str):
        requested_at (datetime.datetime):
        activated_at (datetime.datetime | None):
        expires_at (datetime.datetime | None):
        ended_at (datetime.datetime | None):
        letters_sent (int):
    """

    adhesion_id: str
    siren: str
    siren_formatted: str
    company_name: str
    status: AdhesionStatus
    status_label: str
    requested_at: datetime.datetime
    activated_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    letters_sent: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adhesion_id = self.adhesion_id

        siren = self.siren

        siren_formatted = self.siren_formatted

        company_name = self.company_name

        status = self.status.value

        status_label = self.status_label

        requested_at = self.requested_at.isoformat()

        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        letters_sent = self.letters_sent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adhesion_id": adhesion_id,
                "siren": siren,
                "siren_formatted": siren_formatted,
                "company_name": company_name,
                "status": status,
                "status_label": status_label,
                "requested_at": requested_at,
                "activated_at": activated_at,
                "expires_at": expires_at,
                "ended_at": ended_at,
                "letters_sent": letters_sent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adhesion_id = d.pop("adhesion_id")

        siren = d.pop("siren")

        siren_formatted = d.pop("siren_formatted")

        company_name = d.pop("company_name")

        status = AdhesionStatus(d.pop("status"))

        status_label = d.pop("status_label")

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        letters_sent = d.pop("letters_sent")

        adhesion_out = cls(
            adhesion_id=adhesion_id,
            siren=siren,
            siren_formatted=siren_formatted,
            company_name=company_name,
            status=status,
            status_label=status_label,
            requested_at=requested_at,
            activated_at=activated_at,
            expires_at=expires_at,
            ended_at=ended_at,
            letters_sent=letters_sent,
        )

        adhesion_out.additional_properties = d
        return adhesion_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
