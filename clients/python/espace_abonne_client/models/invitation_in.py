from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invitation_in_civility import InvitationInCivility

if TYPE_CHECKING:
    from ..models.invitation_company_in import InvitationCompanyIn
    from ..models.invitation_contact_in import InvitationContactIn


T = TypeVar("T", bound="InvitationIn")


@_attrs_define
class InvitationIn:
    """`POST /api/v1/invitations`: what the service knows of the person, never a secret.

    Attributes:
        external_reference (str):
        email (str):
        civility (InvitationInCivility):
        last_name (str):
        first_name (str):
        company (InvitationCompanyIn):
        contact (InvitationContactIn):
    """

    external_reference: str
    email: str
    civility: InvitationInCivility
    last_name: str
    first_name: str
    company: InvitationCompanyIn
    contact: InvitationContactIn
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        external_reference = self.external_reference

        email = self.email

        civility = self.civility.value

        last_name = self.last_name

        first_name = self.first_name

        company = self.company.to_dict()

        contact = self.contact.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "external_reference": external_reference,
                "email": email,
                "civility": civility,
                "last_name": last_name,
                "first_name": first_name,
                "company": company,
                "contact": contact,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invitation_company_in import InvitationCompanyIn  # noqa: PLC0415
        from ..models.invitation_contact_in import InvitationContactIn  # noqa: PLC0415

        d = dict(src_dict)
        external_reference = d.pop("external_reference")

        email = d.pop("email")

        civility = InvitationInCivility(d.pop("civility"))

        last_name = d.pop("last_name")

        first_name = d.pop("first_name")

        company = InvitationCompanyIn.from_dict(d.pop("company"))

        contact = InvitationContactIn.from_dict(d.pop("contact"))

        invitation_in = cls(
            external_reference=external_reference,
            email=email,
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            company=company,
            contact=contact,
        )

        invitation_in.additional_properties = d
        return invitation_in

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
