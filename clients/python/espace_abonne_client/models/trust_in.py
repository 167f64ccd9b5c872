from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trust_in_question import TrustInQuestion
from ..types import UNSET, Unset

T = TypeVar("T", bound="TrustIn")


@_attrs_define
class TrustIn:
    """
    Attributes:
        question (TrustInQuestion):
        answer (str | Unset): Obligatoire à la première saisie et quand la question change ; laissée vide, la réponse
            déjà donnée à la même question est gardée. Default: ''.
    """

    question: TrustInQuestion
    answer: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        question = self.question.value

        answer = self.answer

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "question": question,
            }
        )
        if answer is not UNSET:
            field_dict["answer"] = answer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        question = TrustInQuestion(d.pop("question"))

        answer = d.pop("answer", UNSET)

        trust_in = cls(
            question=question,
            answer=answer,
        )

        trust_in.additional_properties = d
        return trust_in

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
