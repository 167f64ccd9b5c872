"""`python -m admin`: find, inspect, resend, erase and count enrollments from a terminal;
register backend service clients (`clients …`, admin/clients.py); the assistance desk's commands
on a space (`subscriber show|unlock|end-sessions|totp-off`, `events export`: JSON on standard
output, admin/support.py); what the next retention purge would delete (`purge --dry-run`).

An e-mail argument may be `-` to read it from standard input, which keeps it out of the shell
history and the process list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import SecretStr
from sqlalchemy import Engine
from temporalio.client import Client

from admin.clients import add_parser as add_clients_parser
from admin.clients import run_clients
from admin.operations import EnrollmentInfo, Operations
from admin.patches import unpatched_runs
from admin.retention import dry_run
from admin.support import NotFoundError, SupportDesk
from devstack.secrets_file import SECRET_NAMES, SECRETS_FILE, read_stored
from observability.logs import configure_logging
from orchestration.client import connect
from security.keyed_hash import KeyedHasher
from services.service_clients import ServiceClients
from settings import Environment, Settings, get_settings
from storage.engine import make_engine
from storage.service_clients import ServiceClientRepository
from storage.subscribers import SubscriberRepository


def parser(settings: Settings) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m admin", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    target = "an e-mail address (or - to read it from stdin) or a workflow ID"
    commands.add_parser("find", help="the enrollment of an e-mail address").add_argument(
        "email", help="the identifier, or - to read it from stdin"
    )
    commands.add_parser("status", help="an enrollment's status, asked live").add_argument(
        "target", help=target
    )
    commands.add_parser("resend", help="send a new activation code").add_argument(
        "target", help=target
    )
    commands.add_parser(
        "erase-enrollment", help="stop an enrollment and delete its history"
    ).add_argument("target", help=target)
    commands.add_parser(
        "erase-subscriber", help="delete a subscriber, sessions, recap and enrollment history"
    ).add_argument("email", help="the identifier, or - to read it from stdin")
    commands.add_parser("counts", help="how many enrollments are in each status")
    _support_commands(commands)
    workflows = commands.add_parser("workflows", help="checks on the running workflows")
    checks = workflows.add_subparsers(dest="check", required=True)
    unpatched = checks.add_parser(
        "unpatched",
        help="running runs of a type without a patch's marker, as JSON (exit 1 if any)",
    )
    unpatched.add_argument("workflow_type", help="e.g. EnrollmentWorkflow")
    unpatched.add_argument("patch", help="the patch ID, e.g. code-challenge")
    unpatched.add_argument(
        "--started-before",
        type=_instant,
        help="only runs started before this ISO 8601 instant (UTC when no offset is given)",
    )
    add_clients_parser(commands, settings)
    return root


def _support_commands(commands: Any) -> None:
    """The assistance desk's commands (admin/support.py): JSON on standard output."""
    operator = {"required": True, "help": "who acts (recorded with the action)"}
    subscriber = commands.add_parser("subscriber", help="one space: look up, unlock, secure")
    actions = subscriber.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("show", "status, lockout, second factor, devices, processes, adhésions"),
        ("unlock", "forget the sign-in failures and the lock"),
        ("end-sessions", "end every session of the space"),
        ("totp-off", "turn the authenticator app off (the person is told by e-mail)"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("target", help="e-mail (or - for stdin) or subscriber number")
        action.add_argument("--operator", **operator)
    purge = commands.add_parser("purge", help="the retention purge")
    purge.add_argument(
        "--dry-run",
        action="store_true",
        required=True,
        help="count what the next run would delete (the schedule deletes; this command never)",
    )
    events = commands.add_parser("events", help="security events")
    exports = events.add_subparsers(dest="action", required=True)
    export = exports.add_parser("export", help="every event since a date, as JSON lines")
    export.add_argument(
        "--since", required=True, type=_instant, help="YYYY-MM-DD (UTC) or ISO time"
    )
    export.add_argument("--operator", **operator)


def _instant(text: str) -> datetime:
    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def run(
    argv: Sequence[str],
    settings: Settings,
    *,
    client: Client | None = None,
    engine: Engine | None = None,
    out: TextIO = sys.stdout,
    stdin: TextIO = sys.stdin,
) -> int:
    """Run one command; returns the exit status (1 when the enrollment does not exist)."""
    args = parser(settings).parse_args(argv)
    if args.command == "clients":  # the database alone: no Temporal needed
        return _clients(args, settings, engine, out)
    if client is None:
        try:
            client = await connect(settings)
        except RuntimeError as error:  # the SDK reports an unreachable server this way
            out.write(f"cannot reach Temporal at {settings.temporal_address}: {error}\n")
            return 2
    if args.command == "workflows":
        runs = await unpatched_runs(client, args.workflow_type, args.patch, args.started_before)
        report = {
            "workflow_type": args.workflow_type,
            "patch": args.patch,
            "started_before": args.started_before.isoformat() if args.started_before else None,
            "runs": [unpatched.as_json() for unpatched in runs],
        }
        out.write(json.dumps(report, indent=2) + "\n")
        return 1 if runs else 0
    wanted = getattr(args, "email", None) or getattr(args, "target", None)
    target = stdin.readline().strip() if wanted == "-" else wanted
    if args.command in SUPPORT_COMMANDS:
        return await _support(args, target or "", settings, client, engine, out)
    if args.command == "purge":
        purge_engine = engine or make_engine(settings.resolved_database_url)
        try:
            _json(out, await dry_run(client, settings, purge_engine))
        finally:
            if engine is None:
                purge_engine.dispose()
        return 0
    owns_engine = engine is None and args.command == "erase-subscriber"
    if owns_engine:
        engine = make_engine(settings.resolved_database_url)
    operations = Operations(
        client,
        KeyedHasher(settings.identifier_hash_key),
        settings.temporal_task_queue,
        SubscriberRepository(engine) if engine is not None else None,
    )
    try:
        return await _dispatch(operations, args.command, target or "", out)
    finally:
        if owns_engine and engine is not None:
            engine.dispose()


async def _dispatch(operations: Operations, command: str, target: str, out: TextIO) -> int:
    match command:
        case "find":
            return _print_info(await operations.find(target), out)
        case "status":
            return _print_info(await operations.status(target), out)
        case "resend":
            resent = await operations.resend(target)
            if resent is None:
                out.write("no enrollment awaits activation\n")
                return 1
            deadline = resent.activation_deadline.isoformat() if resent.activation_deadline else ""
            verdict = "new code sent" if resent.sent else "not sent: resend limit reached"
            out.write(f"{verdict}\nactivation_deadline: {deadline}\n")
            return 0 if resent.sent else 1
        case "erase-enrollment":
            runs = await operations.erase_enrollment(target)
            out.write(f"workflow_id: {operations.workflow_id(target)}\nruns_deleted: {runs}\n")
            return 0 if runs else 1
        case "erase-subscriber":
            erasure = await operations.erase_subscriber(target)
            out.write(
                f"subscriber_erased: {'yes' if erasure.subscriber_erased else 'no'}\n"
                f"runs_deleted: {erasure.runs_deleted}\n"
            )
            return 0 if erasure.subscriber_erased or erasure.runs_deleted else 1
        case _:  # counts
            counts = await operations.counts()
            width = max(len(status.value) for status in counts)
            for status, count in counts.items():
                out.write(f"{status.value:<{width}}  {count}\n")
            return 0


SUPPORT_COMMANDS = ("subscriber", "events")


async def _support(
    args: argparse.Namespace,
    target: str,
    settings: Settings,
    client: Client,
    engine: Engine | None,
    out: TextIO,
) -> int:
    """One assistance desk command; 1 when the space is not found (or the operator unnamed)."""
    operator = args.operator.strip()
    if not operator:
        _json(out, {"error": "operator_required"})
        return 1
    owned = engine is None
    engine = engine or make_engine(settings.resolved_database_url)
    desk = SupportDesk(client, settings, engine)
    try:
        if args.command == "events":
            for row in await desk.export(args.since, operator):
                _json(out, row)
            return 0
        try:
            match args.action:
                case "show":
                    _json(out, await desk.show(target, operator))
                case "unlock":
                    _json(out, await desk.unlock(target, operator))
                case "totp-off":
                    _json(out, await desk.totp_off(target, operator))
                case _:  # end-sessions
                    _json(out, await desk.end_sessions(target, operator))
        except NotFoundError:
            closed = await asyncio.to_thread(desk.closed, target)
            _json(out, {"error": "space_closed" if closed else "not_found"})
            return 1
        return 0
    finally:
        if owned:
            engine.dispose()


def _clients(
    args: argparse.Namespace, settings: Settings, engine: Engine | None, out: TextIO
) -> int:
    owned = engine is None
    engine = engine or make_engine(settings.resolved_database_url)
    try:
        keyed = KeyedHasher(settings.identifier_hash_key)
        return run_clients(args, ServiceClients(ServiceClientRepository(engine), keyed), out)
    finally:
        if owned:
            engine.dispose()


def _json(out: TextIO, value: object) -> None:
    out.write(json.dumps(value, ensure_ascii=False) + "\n")


def _print_info(info: EnrollmentInfo | None, out: TextIO) -> int:
    if info is None:
        out.write("no enrollment found\n")
        return 1
    deadline = info.activation_deadline.isoformat() if info.activation_deadline else ""
    out.write(
        f"workflow_id: {info.workflow_id}\n"
        f"run_id: {info.run_id}\n"
        f"execution: {info.execution}\n"
        f"status: {info.status.value if info.status else ''}\n"
        f"activation_deadline: {deadline}\n"
    )
    return 0


def settings_for_admin() -> Settings:
    settings = get_settings()
    if (
        settings.app_env is Environment.DEVELOPMENT
        and not settings.identifier_hash_key.get_secret_value()
    ):
        # `make dev` keeps its generated secrets under the data directory: use the same ones.
        # Read only: the admin command never generates secrets (it would scatter them wherever
        # DATA_DIR happens to point).
        stored = read_stored(settings.data_dir)
        if set(stored) != set(SECRET_NAMES):
            raise SystemExit(
                f"no {SECRETS_FILE} under {settings.data_dir}: run `make dev` once, or set "
                "DATA_DIR to its data directory, or give the secret keys in the environment"
            )
        settings = settings.model_copy(
            update={name.lower(): SecretStr(value) for name, value in stored.items()}
        )
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    return asyncio.run(run(sys.argv[1:] if argv is None else argv, settings_for_admin()))
