from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.details_in_civility import DetailsInCivility

if TYPE_CHECKING:
    from ..models.company_in import CompanyIn
    from ..models.contact_in import ContactIn
    from ..models.trust_in import TrustIn


T = TypeVar("T", bound="DetailsIn")


@_attrs_define
class DetailsIn:
    """
    Attributes:
        civility (DetailsInCivility):
        last_name (str):
        first_name (str):
        company (CompanyIn): A SIREN when `foreign` is false, the foreign « équivalent » otherwise (docs/rules.md).
        contact (ContactIn):
        trust (TrustIn):
    """

    civility: DetailsInCivility
    last_name: str
    first_name: str
    company: CompanyIn
    contact: ContactIn
    trust: TrustIn
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        civility = self.civility.value

        last_name = self.last_name

        first_name = self.first_name

        company = self.company.to_dict()

        contact = self.contact.to_dict()

        trust = self.trust.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "civility": civility,
                "last_name": last_name,
                "first_name": first_name,
                "company": company,
                "contact": contact,
                "trust": trust,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company_in import CompanyIn  # noqa: PLC0415
        from ..models.contact_in import ContactIn  # noqa: PLC0415
        from ..models.trust_in import TrustIn  # noqa: PLC0415

        d = dict(src_dict)
        civility = DetailsInCivility(d.pop("civility"))

        last_name = d.pop("last_name")

        first_name = d.pop("first_name")

        company = CompanyIn.from_dict(d.pop("company"))

        contact = ContactIn.from_dict(d.pop("contact"))

        trust = TrustIn.from_dict(d.pop("trust"))

        details_in = cls(
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            company=company,
            contact=contact,
            trust=trust,
        )

        details_in.additional_properties = d
        return details_in

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
