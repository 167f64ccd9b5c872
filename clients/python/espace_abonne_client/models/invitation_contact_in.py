from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invitation_contact_in_country import InvitationContactInCountry
from ..models.invitation_contact_in_street_type import InvitationContactInStreetType
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvitationContactIn")


@_attrs_define
class InvitationContactIn:
    """
    Attributes:
        phone (str):
        city (str):
        country (InvitationContactInCountry):
        street_number (str | Unset):  Default: ''.
        street_type (InvitationContactInStreetType | Unset):  Default: InvitationContactInStreetType.VALUE_0.
        street_name (str | Unset):  Default: ''.
        address_complement (str | Unset):  Default: ''.
        postal_code (str | Unset):  Default: ''.
    """

    phone: str
    city: str
    country: InvitationContactInCountry
    street_number: str | Unset = ""
    street_type: InvitationContactInStreetType | Unset = InvitationContactInStreetType.VALUE_0
    street_name: str | Unset = ""
    address_complement: str | Unset = ""
    postal_code: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

        city = self.city

        country = self.country.value

        street_number = self.street_number

        street_type: str | Unset = UNSET
        if not isinstance(self.street_type, Unset):
            street_type = self.street_type.value

        street_name = self.street_name

        address_complement = self.address_complement

        postal_code = self.postal_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone": phone,
                "city": city,
                "country": country,
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone = d.pop("phone")

        city = d.pop("city")

        country = InvitationContactInCountry(d.pop("country"))

        street_number = d.pop("street_number", UNSET)

        _street_type = d.pop("street_type", UNSET)
        street_type: InvitationContactInStreetType | Unset
        if isinstance(_street_type, Unset):
            street_type = UNSET
        else:
            street_type = InvitationContactInStreetType(_street_type)

        street_name = d.pop("street_name", UNSET)

        address_complement = d.pop("address_complement", UNSET)

        postal_code = d.pop("postal_code", UNSET)

        invitation_contact_in = cls(
            phone=phone,
            city=city,
            country=country,
            street_number=street_number,
            street_type=street_type,
            street_name=street_name,
            address_complement=address_complement,
            postal_code=postal_code,
        )

        invitation_contact_in.additional_properties = d
        return invitation_contact_in

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
