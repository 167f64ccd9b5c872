from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.civility import Civility
from ..models.email_delivery import EmailDelivery
from ..models.enrollment_status import EnrollmentStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.company_out import CompanyOut
    from ..models.contact_out import ContactOut
    from ..models.trust_out import TrustOut


T = TypeVar("T", bound="EnrollmentOut")


@_attrs_define
class EnrollmentOut:
    """
    Attributes:
        enrollment_id (str):
        status (EnrollmentStatus):
        email (str):
        civility (Civility | None | Unset):
        last_name (None | str | Unset):
        first_name (None | str | Unset):
        company (CompanyOut | None | Unset):
        contact (ContactOut | None | Unset):
        trust (None | TrustOut | Unset):
        activation_deadline (datetime.datetime | None | Unset):
        email_delivery (EmailDelivery | None | Unset):
    """

    enrollment_id: str
    status: EnrollmentStatus
    email: str
    civility: Civility | None | Unset = UNSET
    last_name: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    company: CompanyOut | None | Unset = UNSET
    contact: ContactOut | None | Unset = UNSET
    trust: None | TrustOut | Unset = UNSET
    activation_deadline: datetime.datetime | None | Unset = UNSET
    email_delivery: EmailDelivery | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.company_out import CompanyOut  # noqa: PLC0415
        from ..models.contact_out import ContactOut  # noqa: PLC0415
        from ..models.trust_out import TrustOut  # noqa: PLC0415

        enrollment_id = self.enrollment_id

        status = self.status.value

        email = self.email

        civility: None | str | Unset
        if isinstance(self.civility, Unset):
            civility = UNSET
        elif isinstance(self.civility, Civility):
            civility = self.civility.value
        else:
            civility = self.civility

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        company: dict[str, Any] | None | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        elif isinstance(self.company, CompanyOut):
            company = self.company.to_dict()
        else:
            company = self.company

        contact: dict[str, Any] | None | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        elif isinstance(self.contact, ContactOut):
            contact = self.contact.to_dict()
        else:
            contact = self.contact

        trust: dict[str, Any] | None | Unset
        if isinstance(self.trust, Unset):
            trust = UNSET
        elif isinstance(self.trust, TrustOut):
            trust = self.trust.to_dict()
        else:
            trust = self.trust

        activation_deadline: None | str | Unset
        if isinstance(self.activation_deadline, Unset):
            activation_deadline = UNSET
        elif isinstance(self.activation_deadline, datetime.datetime):
            activation_deadline = self.activation_deadline.isoformat()
        else:
            activation_deadline = self.activation_deadline

        email_delivery: None | str | Unset
        if isinstance(self.email_delivery, Unset):
            email_delivery = UNSET
        elif isinstance(self.email_delivery, EmailDelivery):
            email_delivery = self.email_delivery.value
        else:
            email_delivery = self.email_delivery

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enrollment_id": enrollment_id,
                "status": status,
                "email": email,
            }
        )
        if civility is not UNSET:
            field_dict["civility"] = civility
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if company is not UNSET:
            field_dict["company"] = company
        if contact is not UNSET:
            field_dict["contact"] = contact
        if trust is not UNSET:
            field_dict["trust"] = trust
        if activation_deadline is not UNSET:
            field_dict["activation_deadline"] = activation_deadline
        if email_delivery is not UNSET:
            field_dict["email_delivery"] = email_delivery

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company_out import CompanyOut  # noqa: PLC0415
        from ..models.contact_out import ContactOut  # noqa: PLC0415
        from ..models.trust_out import TrustOut  # noqa: PLC0415

        d = dict(src_dict)
        enrollment_id = d.pop("enrollment_id")

        status = EnrollmentStatus(d.pop("status"))

        email = d.pop("email")

        def _parse_civility(data: object) -> Civility | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                civility_type_0 = Civility(data)

                return civility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Civility | None | Unset, data)

        civility = _parse_civility(d.pop("civility", UNSET))

        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))

        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))

        def _parse_company(data: object) -> CompanyOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                company_type_0 = CompanyOut.from_dict(data)

                return company_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompanyOut | None | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        def _parse_contact(data: object) -> ContactOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contact_type_0 = ContactOut.from_dict(data)

                return contact_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactOut | None | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))

        def _parse_trust(data: object) -> None | TrustOut | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trust_type_0 = TrustOut.from_dict(data)

                return trust_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrustOut | Unset, data)

        trust = _parse_trust(d.pop("trust", UNSET))

        def _parse_activation_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activation_deadline_type_0 = datetime.datetime.fromisoformat(data)

                return activation_deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        activation_deadline = _parse_activation_deadline(d.pop("activation_deadline", UNSET))

        def _parse_email_delivery(data: object) -> EmailDelivery | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                email_delivery_type_0 = EmailDelivery(data)

                return email_delivery_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailDelivery | None | Unset, data)

        email_delivery = _parse_email_delivery(d.pop("email_delivery", UNSET))

        enrollment_out = cls(
            enrollment_id=enrollment_id,
            status=status,
            email=email,
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            company=company,
            contact=contact,
            trust=trust,
            activation_deadline=activation_deadline,
            email_delivery=email_delivery,
        )

        enrollment_out.additional_properties = d
        return enrollment_out

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
