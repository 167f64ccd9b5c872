from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EnrollmentStartIn")


@_attrs_define
class EnrollmentStartIn:
    """Step 1's body; `replaces` names the draft being edited (« Étape précédente »).

    Attributes:
        terms_accepted (bool):
        email (str):
        email_confirmation (str):
        password (str):
        password_confirmation (str):
        replaces (None | str | Unset):
    """

    terms_accepted: bool
    email: str
    email_confirmation: str
    password: str
    password_confirmation: str
    replaces: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        terms_accepted = self.terms_accepted

        email = self.email

        email_confirmation = self.email_confirmation

        password = self.password

        password_confirmation = self.password_confirmation

        replaces: None | str | Unset
        if isinstance(self.replaces, Unset):
            replaces = UNSET
        else:
            replaces = self.replaces

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "terms_accepted": terms_accepted,
                "email": email,
                "email_confirmation": email_confirmation,
                "password": password,
                "password_confirmation": password_confirmation,
            }
        )
        if replaces is not UNSET:
            field_dict["replaces"] = replaces

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        terms_accepted = d.pop("terms_accepted")

        email = d.pop("email")

        email_confirmation = d.pop("email_confirmation")

        password = d.pop("password")

        password_confirmation = d.pop("password_confirmation")

        def _parse_replaces(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        replaces = _parse_replaces(d.pop("replaces", UNSET))

        enrollment_start_in = cls(
            terms_accepted=terms_accepted,
            email=email,
            email_confirmation=email_confirmation,
            password=password,
            password_confirmation=password_confirmation,
            replaces=replaces,
        )

        enrollment_start_in.additional_properties = d
        return enrollment_start_in

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
