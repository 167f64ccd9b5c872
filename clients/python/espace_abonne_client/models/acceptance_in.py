from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.acceptance_trust_in import AcceptanceTrustIn
    from ..models.invitation_contact_in import InvitationContactIn


T = TypeVar("T", bound="AcceptanceIn")


@_attrs_define
class AcceptanceIn:
    """`POST /api/v1/invitations/accept`: the invited person's identifier and code, and what
    only they may give.

        Attributes:
            terms_accepted (bool):
            password (str):
            password_confirmation (str):
            trust (AcceptanceTrustIn):
            email (str):
            code (str):
            contact (InvitationContactIn | None | Unset):
    """

    terms_accepted: bool
    password: str
    password_confirmation: str
    trust: AcceptanceTrustIn
    email: str
    code: str
    contact: InvitationContactIn | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.invitation_contact_in import InvitationContactIn  # noqa: PLC0415

        terms_accepted = self.terms_accepted

        password = self.password

        password_confirmation = self.password_confirmation

        trust = self.trust.to_dict()

        email = self.email

        code = self.code

        contact: dict[str, Any] | None | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        elif isinstance(self.contact, InvitationContactIn):
            contact = self.contact.to_dict()
        else:
            contact = self.contact

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "terms_accepted": terms_accepted,
                "password": password,
                "password_confirmation": password_confirmation,
                "trust": trust,
                "email": email,
                "code": code,
            }
        )
        if contact is not UNSET:
            field_dict["contact"] = contact

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.acceptance_trust_in import AcceptanceTrustIn  # noqa: PLC0415
        from ..models.invitation_contact_in import InvitationContactIn  # noqa: PLC0415

        d = dict(src_dict)
        terms_accepted = d.pop("terms_accepted")

        password = d.pop("password")

        password_confirmation = d.pop("password_confirmation")

        trust = AcceptanceTrustIn.from_dict(d.pop("trust"))

        email = d.pop("email")

        code = d.pop("code")

        def _parse_contact(data: object) -> InvitationContactIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contact_type_0 = InvitationContactIn.from_dict(data)

                return contact_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvitationContactIn | None | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))

        acceptance_in = cls(
            terms_accepted=terms_accepted,
            password=password,
            password_confirmation=password_confirmation,
            trust=trust,
            email=email,
            code=code,
            contact=contact,
        )

        acceptance_in.additional_properties = d
        return acceptance_in

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
