from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.email_delivery import EmailDelivery
from ..models.enrollment_status import EnrollmentStatus

T = TypeVar("T", bound="ConfirmOut")


@_attrs_define
class ConfirmOut:
    """
    Attributes:
        status (EnrollmentStatus):
        activation_deadline (datetime.datetime):
        email_delivery (EmailDelivery): Where the activation e-mail stands once the enrollment is confirmed.
    """

    status: EnrollmentStatus
    activation_deadline: datetime.datetime
    email_delivery: EmailDelivery
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        activation_deadline = self.activation_deadline.isoformat()

        email_delivery = self.email_delivery.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "activation_deadline": activation_deadline,
                "email_delivery": email_delivery,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = EnrollmentStatus(d.pop("status"))

        activation_deadline = datetime.datetime.fromisoformat(d.pop("activation_deadline"))

        email_delivery = EmailDelivery(d.pop("email_delivery"))

        confirm_out = cls(
            status=status,
            activation_deadline=activation_deadline,
            email_delivery=email_delivery,
        )

        confirm_out.additional_properties = d
        return confirm_out

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
