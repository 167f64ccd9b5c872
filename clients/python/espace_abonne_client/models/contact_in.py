from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contact_in_country import ContactInCountry
from ..models.contact_in_street_type import ContactInStreetType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactIn")


@_attrs_define
class ContactIn:
    """
    Attributes:
        phone (str):
        city (str):
        street_number (str | Unset):  Default: ''.
        street_type (ContactInStreetType | Unset):  Default: ContactInStreetType.VALUE_0.
        street_name (str | Unset):  Default: ''.
        address_complement (str | Unset):  Default: ''.
        postal_code (str | Unset):  Default: ''.
        country (ContactInCountry | Unset):  Default: ContactInCountry.FR.
    """

    phone: str
    city: str
    street_number: str | Unset = ""
    street_type: ContactInStreetType | Unset = ContactInStreetType.VALUE_0
    street_name: str | Unset = ""
    address_complement: str | Unset = ""
    postal_code: str | Unset = ""
    country: ContactInCountry | Unset = ContactInCountry.FR
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

        city = self.city

        street_number = self.street_number

        street_type: str | Unset = UNSET
        if not isinstance(self.street_type, Unset):
            street_type = self.street_type.value

        street_name = self.street_name

        address_complement = self.address_complement

        postal_code = self.postal_code

        country: str | Unset = UNSET
        if not isinstance(self.country, Unset):
            country = self.country.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone": phone,
                "city": city,
            }
        )
        if street_number is not UNSET:
            field_dict["street_number"] = street_number
        if street_type is not UNSET:
            field_dict["street_type"] = street_type
        if street_name is not UNSET:
            field_dict["street_name"] = street_name
        if address_complement is not UNSET:
            field_dict["address_complement"] = address_complement
        if postal_code is not UNSET:
            field_dict["postal_code"] = postal_code
        if country is not UNSET:
            field_dict["country"] = country

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone = d.pop("phone")

        city = d.pop("city")

        street_number = d.pop("street_number", UNSET)

        _street_type = d.pop("street_type", UNSET)
        street_type: ContactInStreetType | Unset
        if isinstance(_street_type, Unset):
            street_type = UNSET
        else:
            street_type = ContactInStreetType(_street_type)

        street_name = d.pop("street_name", UNSET)

        address_complement = d.pop("address_complement", UNSET)

        postal_code = d.pop("postal_code", UNSET)

        _country = d.pop("country", UNSET)
        country: ContactInCountry | Unset
        if isinstance(_country, Unset):
            country = UNSET
        else:
            country = ContactInCountry(_country)

        contact_in = cls(
            phone=phone,
            city=city,
            street_number=street_number,
            street_type=street_type,
            street_name=street_name,
            address_complement=address_complement,
            postal_code=postal_code,
            country=country,
        )

        contact_in.additional_properties = d
        return contact_in

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
