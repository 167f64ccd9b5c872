"""The RGAA audit's record (web/rgaa.py): the referential's 106 criteria, statuses only for
criteria that exist, and the rate and wording the statement shows."""

from __future__ import annotations

from web import rgaa


def test_the_referential_has_its_106_criteria_in_13_themes() -> None:
    criteria = rgaa.criteria()
    assert len(criteria) == 106
    assert len(rgaa.THEMES) == 13
    assert criteria[0] == "1.1" and criteria[-1] == "13.12"
    assert "11.13" in criteria and "10.14" in criteria and "12.11" in criteria


def test_every_status_names_a_criterion_of_the_referential() -> None:
    criteria = set(rgaa.criteria())
    assert rgaa.NOT_APPLICABLE.issubset(criteria)
    assert set(rgaa.NOT_MET).issubset(criteria)
    assert not rgaa.NOT_APPLICABLE & set(rgaa.NOT_MET)


def test_the_rate_is_met_over_applicable_rounded_down() -> None:
    assert rgaa.Result(met=61, not_met=1, not_applicable=44).rate == 98
    assert rgaa.Result(met=199, not_met=1, not_applicable=0).rate == 99  # 99.5 % is not 100 %
    assert rgaa.Result(met=10, not_met=0, not_applicable=96).conformance == "totalement conforme"
    assert rgaa.Result(met=5, not_met=5, not_applicable=96).conformance == "partiellement conforme"
    assert rgaa.Result(met=4, not_met=6, not_applicable=96).conformance == "non conforme"


def test_the_audit_as_recorded() -> None:
    result = rgaa.result()
    assert (result.met, result.not_met, result.not_applicable) == (61, 1, 44)
    assert result.rate == 98
    assert result.conformance == "partiellement conforme"
