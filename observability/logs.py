"""Structured JSON logs. Messages never carry personal data: callers log IDs and codes only.

Each entry carries the request ID (API) and the workflow ID when there is one: given by the
caller as `extra={"workflow_id": ...}`, or taken from the details the Temporal SDK's workflow and
activity loggers attach.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from temporalio import activity, workflow

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            entry["request_id"] = rid
        for key in ("workflow_id", "status", "route", "duration_ms", "action"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        for key in ("temporal_workflow", "temporal_activity"):
            temporal = getattr(record, key, None)
            if isinstance(temporal, dict) and "workflow_id" in temporal:
                entry.setdefault("workflow_id", temporal["workflow_id"])
                if "activity_type" in temporal:
                    entry["activity"] = temporal["activity_type"]
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # fontTools reports each step of every PDF's font subsetting at INFO (dozens of lines a
    # document); its warnings still pass.
    logging.getLogger("fontTools").setLevel(max(level, logging.WARNING))
    # The IDs go into their own JSON fields; the SDK would otherwise repeat them in the message.
    activity.logger.activity_info_on_message = False
    workflow.logger.workflow_info_on_message = False
