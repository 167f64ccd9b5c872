from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ActivationOut")


@_attrs_define
class ActivationOut:
    """
    Attributes:
        subscriber_number (str):
        subscriber_number_formatted (str):
        email (str):
        recap_pdf_url (str):
        access_token (str):
        expires_at (datetime.datetime):
        token_type (str | Unset):  Default: 'bearer'.
        device_token (None | str | Unset):
    """

    subscriber_number: str
    subscriber_number_formatted: str
    email: str
    recap_pdf_url: str
    access_token: str
    expires_at: datetime.datetime
    token_type: str | Unset = "bearer"
    device_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subscriber_number = self.subscriber_number

        subscriber_number_formatted = self.subscriber_number_formatted

        email = self.email

        recap_pdf_url = self.recap_pdf_url

        access_token = self.access_token

        expires_at = self.expires_at.isoformat()

        token_type = self.token_type

        device_token: None | str | Unset
        if isinstance(self.device_token, Unset):
            device_token = UNSET
        else:
            device_token = self.device_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscriber_number": subscriber_number,
                "subscriber_number_formatted": subscriber_number_formatted,
                "email": email,
                "recap_pdf_url": recap_pdf_url,
                "access_token": access_token,
                "expires_at": expires_at,
            }
        )
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if device_token is not UNSET:
            field_dict["device_token"] = device_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subscriber_number = d.pop("subscriber_number")

        subscriber_number_formatted = d.pop("subscriber_number_formatted")

        email = d.pop("email")

        recap_pdf_url = d.pop("recap_pdf_url")

        access_token = d.pop("access_token")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        token_type = d.pop("token_type", UNSET)

        def _parse_device_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        device_token = _parse_device_token(d.pop("device_token", UNSET))

        activation_out = cls(
            subscriber_number=subscriber_number,
            subscriber_number_formatted=subscriber_number_formatted,
            email=email,
            recap_pdf_url=recap_pdf_url,
            access_token=access_token,
            expires_at=expires_at,
            token_type=token_type,
            device_token=device_token,
        )

        activation_out.additional_properties = d
        return activation_out

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
