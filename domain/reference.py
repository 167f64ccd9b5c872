"""The fixed lists of the procedure: civilities, trust questions, street types, countries."""

from __future__ import annotations

import gettext
from enum import StrEnum
from functools import lru_cache

import pycountry


class Civility(StrEnum):
    MADAME = "madame"
    MONSIEUR = "monsieur"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Stable codes (the API's values) with the labels users see.
TRUST_QUESTIONS: dict[str, str] = {
    "nickname": "Quel est votre surnom ?",
    "first_pet": "Quel est le nom de votre premier animal de compagnie ?",
    "mother_birthplace": "Quelle est la ville de naissance de votre mère ?",
    "childhood_friend": "Quel est le prénom de votre meilleur ami d'enfance ?",
    "primary_school": "Quel était le nom de votre école primaire ?",
    "first_employer": "Quel est le nom de votre premier employeur ?",
}

# The « nature de la voie » list, with the abbreviations of French postal addressing.
STREET_TYPES: dict[str, str] = {
    "ALL": "Allée",
    "AV": "Avenue",
    "BD": "Boulevard",
    "CAR": "Carrefour",
    "CHE": "Chemin",
    "CHS": "Chaussée",
    "CITE": "Cité",
    "COR": "Corniche",
    "CRS": "Cours",
    "DOM": "Domaine",
    "ESP": "Esplanade",
    "FG": "Faubourg",
    "HAM": "Hameau",
    "IMP": "Impasse",
    "LD": "Lieu-dit",
    "LOT": "Lotissement",
    "MTE": "Montée",
    "PARC": "Parc",
    "PAS": "Passage",
    "PL": "Place",
    "PROM": "Promenade",
    "QUAI": "Quai",
    "QUA": "Quartier",
    "RES": "Résidence",
    "RPT": "Rond-point",
    "RTE": "Route",
    "RUE": "Rue",
    "SEN": "Sentier",
    "SQ": "Square",
    "TRA": "Traverse",
    "VOIE": "Voie",
    "ZA": "Zone d'activité",
    "ZI": "Zone industrielle",
}

FRANCE = "FR"


@lru_cache
def _french_country_names() -> dict[str, str]:
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True
    )
    return {country.alpha_2: translation.gettext(country.name) for country in pycountry.countries}


def country_codes() -> frozenset[str]:
    return frozenset(_french_country_names())


def country_label(code: str) -> str:
    """The French name of an ISO 3166 alpha-2 country, upper-cased as the sheet shows it."""
    return _french_country_names().get(code, code).upper()


def countries() -> list[tuple[str, str]]:
    """Every country as (code, French name), France first, then by name."""
    names = _french_country_names()
    others = sorted((c for c in names if c != FRANCE), key=lambda c: names[c])
    return [(code, names[code]) for code in [FRANCE, *others]]
