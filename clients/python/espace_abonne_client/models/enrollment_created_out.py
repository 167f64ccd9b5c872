from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enrollment_status import EnrollmentStatus

T = TypeVar("T", bound="EnrollmentCreatedOut")


@_attrs_define
class EnrollmentCreatedOut:
    """
    Attributes:
        enrollment_id (str):
        status (EnrollmentStatus):
        email (str):
    """

    enrollment_id: str
    status: EnrollmentStatus
    email: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrollment_id = self.enrollment_id

        status = self.status.value

        email = self.email

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enrollment_id": enrollment_id,
                "status": status,
                "email": email,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrollment_id = d.pop("enrollment_id")

        status = EnrollmentStatus(d.pop("status"))

        email = d.pop("email")

        enrollment_created_out = cls(
            enrollment_id=enrollment_id,
            status=status,
            email=email,
        )

        enrollment_created_out.additional_properties = d
        return enrollment_created_out

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
