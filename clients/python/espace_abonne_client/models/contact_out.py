from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ContactOut")


@_attrs_define
class ContactOut:
    """
    Attributes:
        phone (str):
        email (str):
        street_number (str):
        street_type (str):
        street_name (str):
        address_complement (str):
        postal_code (str):
        city (str):
        country (str):
    """

    phone: str
    email: str
    street_number: str
    street_type: str
    street_name: str
    address_complement: str
    postal_code: str
    city: str
    country: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

        email = self.email

        street_number = self.street_number

        street_type = self.street_type

        street_name = self.street_name

        address_complement = self.address_complement

        postal_code = self.postal_code

        city = self.city

        country = self.country

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone": phone,
                "email": email,
                "street_number": street_number,
                "street_type": street_type,
                "street_name": street_name,
                "address_complement": address_complement,
                "postal_code": postal_code,
                "city": city,
                "country": country,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone = d.pop("phone")

        email = d.pop("email")

        street_number = d.pop("street_number")

        street_type = d.pop("street_type")

        street_name = d.pop("street_name")

        address_complement = d.pop("address_complement")

        postal_code = d.pop("postal_code")

        city = d.pop("city")

        country = d.pop("country")

        contact_out = cls(
            phone=phone,
            email=email,
            street_number=street_number,
            street_type=street_type,
            street_name=street_name,
            address_complement=address_complement,
            postal_code=postal_code,
            city=city,
            country=country,
        )

        contact_out.additional_properties = d
        return contact_out

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
