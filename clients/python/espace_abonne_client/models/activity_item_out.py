from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.activity_item_out_security_event_type import ActivityItemOutSecurityEventType

T = TypeVar("T", bound="ActivityItemOut")


@_attrs_define
class ActivityItemOut:
    """One security event of the space (API.md, « Account security »).

    Attributes:
        type_ (ActivityItemOutSecurityEventType):
        at (datetime.datetime):
        browser (str):
        network (str):
    """

    type_: ActivityItemOutSecurityEventType
    at: datetime.datetime
    browser: str
    network: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        at = self.at.isoformat()

        browser = self.browser

        network = self.network

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "at": at,
                "browser": browser,
                "network": network,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ActivityItemOutSecurityEventType(d.pop("type"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        browser = d.pop("browser")

        network = d.pop("network")

        activity_item_out = cls(
            type_=type_,
            at=at,
            browser=browser,
            network=network,
        )

        activity_item_out.additional_properties = d
        return activity_item_out

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
