"""Apply the schema migrations: `python -m storage.migrate [upgrade|downgrade REV|current]`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from settings import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    # "heads": migrations written side by side on one base (before they are chained) all apply.
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["upgrade", "downgrade", "current"], default="upgrade")
    parser.add_argument("revision", nargs="?", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    url = get_settings().resolved_database_url
    if args.action == "upgrade":
        upgrade(url, args.revision or "heads")
    elif args.action == "downgrade":
        downgrade(url, args.revision or "-1")
    else:
        command.current(alembic_config(url))


if __name__ == "__main__":
    main()
