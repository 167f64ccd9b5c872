from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.civility import Civility

if TYPE_CHECKING:
    from ..models.company_out import CompanyOut
    from ..models.contact_out import ContactOut
    from ..models.trust_out import TrustOut


T = TypeVar("T", bound="ProfileOut")


@_attrs_define
class ProfileOut:
    """
    Attributes:
        subscriber_number (str):
        subscriber_number_formatted (str):
        email (str):
        civility (Civility):
        last_name (str):
        first_name (str):
        company (CompanyOut):
        contact (ContactOut):
        trust (TrustOut):
        activated_at (datetime.datetime):
    """

    subscriber_number: str
    subscriber_number_formatted: str
    email: str
    civility: Civility
    last_name: str
    first_name: str
    company: CompanyOut
    contact: ContactOut
    trust: TrustOut
    activated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subscriber_number = self.subscriber_number

        subscriber_number_formatted = self.subscriber_number_formatted

        email = self.email

        civility = self.civility.value

        last_name = self.last_name

        first_name = self.first_name

        company = self.company.to_dict()

        contact = self.contact.to_dict()

        trust = self.trust.to_dict()

        activated_at = self.activated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscriber_number": subscriber_number,
                "subscriber_number_formatted": subscriber_number_formatted,
                "email": email,
                "civility": civility,
                "last_name": last_name,
                "first_name": first_name,
                "company": company,
                "contact": contact,
                "trust": trust,
                "activated_at": activated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company_out import CompanyOut  # noqa: PLC0415
        from ..models.contact_out import ContactOut  # noqa: PLC0415
        from ..models.trust_out import TrustOut  # noqa: PLC0415

        d = dict(src_dict)
        subscriber_number = d.pop("subscriber_number")

        subscriber_number_formatted = d.pop("subscriber_number_formatted")

        email = d.pop("email")

        civility = Civility(d.pop("civility"))

        last_name = d.pop("last_name")

        first_name = d.pop("first_name")

        company = CompanyOut.from_dict(d.pop("company"))

        contact = ContactOut.from_dict(d.pop("contact"))

        trust = TrustOut.from_dict(d.pop("trust"))

        activated_at = datetime.datetime.fromisoformat(d.pop("activated_at"))

        profile_out = cls(
            subscriber_number=subscriber_number,
            subscriber_number_formatted=subscriber_number_formatted,
            email=email,
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            company=company,
            contact=contact,
            trust=trust,
            activated_at=activated_at,
        )

        profile_out.additional_properties = d
        return profile_out

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
