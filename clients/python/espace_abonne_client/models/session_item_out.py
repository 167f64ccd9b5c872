from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SessionItemOut")


@_attrs_define
class SessionItemOut:
    """
    Attributes:
        session_id (str):
        created_at (datetime.datetime):
        last_used_at (datetime.datetime):
        user_agent (str):
        current (bool):
    """

    session_id: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime
    user_agent: str
    current: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        created_at = self.created_at.isoformat()

        last_used_at = self.last_used_at.isoformat()

        user_agent = self.user_agent

        current = self.current

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session_id": session_id,
                "created_at": created_at,
                "last_used_at": last_used_at,
                "user_agent": user_agent,
                "current": current,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        session_id = d.pop("session_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        last_used_at = datetime.datetime.fromisoformat(d.pop("last_used_at"))

        user_agent = d.pop("user_agent")

        current = d.pop("current")

        session_item_out = cls(
            session_id=session_id,
            created_at=created_at,
            last_used_at=last_used_at,
            user_agent=user_agent,
            current=current,
        )

        session_item_out.additional_properties = d
        return session_item_out

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
