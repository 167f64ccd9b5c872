"""The records this process logs while a test drives the app, read as the JSON handler would
write them, to be searched for personal data."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pytest

from observability.logs import JsonFormatter
from tests.privacy import variants

# The project's own code and the Temporal SDK log at DEBUG; everything else at INFO, the level
# the app runs at (everything at DEBUG would include font subsetting's chatter, and take seconds).
PROJECT_LOGGERS = (
    "api", "services", "activities", "workflows", "worker", "mail", "channels", "letters",
    "documents", "orchestration", "storage", "security", "companies", "devstack", "temporalio",
)  # fmt: skip


class ProjectLogs:
    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog
        caplog.set_level(logging.INFO)
        for name in PROJECT_LOGGERS:
            caplog.set_level(logging.DEBUG, logger=name)

    def text(self) -> str:
        """Every record so far: as formatted, its arguments, and every attribute it carries."""
        formatter = JsonFormatter()
        return "\n".join(
            f"{formatter.format(record)} {record.args!r} {record.__dict__!r}"
            for record in self._caplog.records
        )

    def assert_none_of(self, secrets: Iterable[str]) -> None:
        """No secret in any form (as is, escaped, encoded…) in any record."""
        logged = self.text()
        found = [s for s in secrets if any(form in logged for form in variants(s))]
        assert found == []
