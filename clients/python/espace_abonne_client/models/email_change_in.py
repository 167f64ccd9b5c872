from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EmailChangeIn")


@_attrs_define
class EmailChangeIn:
    """
    Attributes:
        password (str):
        trust_answer (str):
        new_email (str):
        new_email_confirmation (str):
    """

    password: str
    trust_answer: str
    new_email: str
    new_email_confirmation: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        trust_answer = self.trust_answer

        new_email = self.new_email

        new_email_confirmation = self.new_email_confirmation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "password": password,
                "trust_answer": trust_answer,
                "new_email": new_email,
                "new_email_confirmation": new_email_confirmation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        trust_answer = d.pop("trust_answer")

        new_email = d.pop("new_email")

        new_email_confirmation = d.pop("new_email_confirmation")

        email_change_in = cls(
            password=password,
            trust_answer=trust_answer,
            new_email=new_email,
            new_email_confirmation=new_email_confirmation,
        )

        email_change_in.additional_properties = d
        return email_change_in

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
