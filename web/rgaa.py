"""The RGAA 4.1 audit of the service, criterion by criterion: what the accessibility statement
states (its status and its rate) and docs/accessibility.md explains.

Every criterion not listed as not applicable or not met was checked and is met: by the automated
audit (tests/browser/test_accessibility.py) where a tool can tell, by hand otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

AUDIT_DATE = date(2026, 12, 6)
RGAA_VERSION = "4.1.2"

# The 13 themes of the RGAA and the number of criteria in each (106 in all).
THEMES: tuple[tuple[str, int], ...] = (
    ("Images", 9),
    ("Cadres", 2),
    ("Couleurs", 3),
    ("Multimédia", 13),
    ("Tableaux", 8),
    ("Liens", 2),
    ("Scripts", 5),
    ("Éléments obligatoires", 10),
    ("Structuration de l'information", 4),
    ("Présentation de l'information", 14),
    ("Formulaires", 13),
    ("Navigation", 11),
    ("Consultation", 12),
)


def _numbers(theme: int, *criteria: int) -> set[str]:
    return {f"{theme}.{criterion}" for criterion in criteria}


# One image: the authenticator app's QR code (an SVG with role="img", its alternative, and the
# key in clear text beside it as its equivalent); no decorative image (the brand mark is a CSS
# box), no CAPTCHA, no image of text, no captioned image. No frame, media, script or keyboard
# shortcut; one data table (« Mes adhésions »), simple; no change of language or direction; no
# quotation, no content shown on hover; no search engine (the site is a handful of pages);
# nothing that moves, flashes or needs a gesture or the device's motion.
NOT_APPLICABLE: frozenset[str] = frozenset(
    _numbers(1, 2, 4, 5, 8, 9)
    | _numbers(2, 1, 2)
    | _numbers(4, *range(1, 14))
    | _numbers(5, 1, 2, 3, 8)
    | _numbers(7, *range(1, 6))
    | _numbers(8, 7, 8, 10)
    | _numbers(9, 4)
    | _numbers(10, 13, 14)
    | _numbers(12, 5, 10, 11)
    | _numbers(13, 5, 6, 7, 8, 10, 12)
)

# The criteria not met, and why (the statement's « Non-conformités »).
NOT_MET: dict[str, str] = {
    "13.1": (
        "Une inscription commencée est effacée après {draft_idle} sans action, et une session "
        "de «\u00a0Mon espace\u00a0» prend fin {session} après la connexion, sans avertissement "
        "préalable ni moyen de prolonger le délai (les pages n'utilisent pas de script)."
    ),
}


class Status(StrEnum):
    MET = "conforme"
    NOT_MET = "non conforme"
    NOT_APPLICABLE = "non applicable"


def status(criterion: str) -> Status:
    if criterion in NOT_MET:
        return Status.NOT_MET
    if criterion in NOT_APPLICABLE:
        return Status.NOT_APPLICABLE
    return Status.MET


def criteria() -> list[str]:
    return [
        f"{theme}.{number}"
        for theme, (_, count) in enumerate(THEMES, 1)
        for number in range(1, count + 1)
    ]


@dataclass(frozen=True, slots=True)
class Result:
    met: int
    not_met: int
    not_applicable: int

    @property
    def rate(self) -> int:
        """The RGAA's rate: criteria met over criteria applicable, in whole percent (rounded
        down: 99.5 % is not 100 %)."""
        return 100 * self.met // (self.met + self.not_met)

    @property
    def conformance(self) -> str:
        """The wording the law asks for: totalement (100 %), partiellement (50 % or more) or
        non conforme."""
        if self.not_met == 0:
            return "totalement conforme"
        return "partiellement conforme" if self.rate >= 50 else "non conforme"


def result() -> Result:
    statuses = [status(criterion) for criterion in criteria()]
    return Result(
        statuses.count(Status.MET),
        statuses.count(Status.NOT_MET),
        statuses.count(Status.NOT_APPLICABLE),
    )
