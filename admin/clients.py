"""`python -m admin clients …`: register backend services and hand over their keys (API.md
« Services »). Every command prints one JSON object on stdout; a key appears only in the answer
of the command that made it."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import timedelta
from typing import Any, TextIO

from services.service_clients import (
    VALID_KEYS_PER_CLIENT,
    IssuedKey,
    KeyLimitReached,
    ServiceClients,
    UnknownClient,
    as_utc,
    parse_scopes,
)
from settings import Settings

log = logging.getLogger("admin")


def add_parser(commands: Any, settings: Settings) -> None:
    """The `clients` command group, under the admin command's subparsers."""
    clients = commands.add_parser("clients", help="backend service clients and their keys")
    actions = clients.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="register a client; prints its first key")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help="enrollments,events")
    create.add_argument(
        "--quota-per-minute", type=_positive, default=settings.service_quota_per_minute
    )
    add_key = actions.add_parser("add-key", help="a further key (two may be valid at once)")
    add_key.add_argument("client_id")
    add_key.add_argument("--expires-in", type=_positive, metavar="DAYS")
    actions.add_parser("revoke-key", help="revoke a key at once").add_argument("key_id")
    actions.add_parser("disable", help="refuse every key of a client").add_argument("client_id")
    actions.add_parser("list", help="the clients and their keys (never a key itself)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run_clients(args: argparse.Namespace, clients: ServiceClients, out: TextIO) -> int:
    status = _run(args, clients, out)
    # One JSON log line per action, like the other admin commands: IDs only, never a key.
    target = getattr(args, "client_id", None) or getattr(args, "key_id", None) or ""
    log.info(
        "admin clients %s %s exit=%d", args.action, target, status,
        extra={"action": f"clients-{args.action}"},
    )  # fmt: skip
    return status


def _run(args: argparse.Namespace, clients: ServiceClients, out: TextIO) -> int:
    match args.action:
        case "create":
            try:
                scopes = parse_scopes(args.scopes)
            except ValueError as error:
                return _error(out, "invalid_scopes", str(error))
            return _issued(out, clients.create(args.name, scopes, args.quota_per_minute))
        case "add-key":
            expires_in = timedelta(days=args.expires_in) if args.expires_in else None
            try:
                return _issued(out, clients.add_key(args.client_id, expires_in))
            except UnknownClient:
                return _error(out, "unknown_client", f"no client {args.client_id}")
            except KeyLimitReached:
                return _error(
                    out,
                    "key_limit_reached",
                    f"{VALID_KEYS_PER_CLIENT} keys are valid already: revoke one first",
                )
        case "revoke-key":
            key = clients.revoke_key(args.key_id)
            if key is None:
                return _error(out, "unknown_key", f"no key {args.key_id}")
            return _print(out, {"key_id": key.key_id, "revoked_at": as_utc(key.revoked_at)})
        case "disable":
            client = clients.disable(args.client_id)
            if client is None:
                return _error(out, "unknown_client", f"no client {args.client_id}")
            return _print(out, {"client_id": client.id, "disabled": True})
        case _:  # list
            listed = [
                {
                    "client_id": client.id,
                    "name": client.name,
                    "scopes": client.scopes.split(","),
                    "quota_per_minute": client.quota_per_minute,
                    "disabled": client.disabled,
                    "keys": [
                        {
                            "key_id": key.key_id,
                            "created_at": as_utc(key.created_at),
                            "expires_at": as_utc(key.expires_at),
                            "revoked_at": as_utc(key.revoked_at),
                        }
                        for key in keys
                    ],
                }
                for client, keys in clients.all()
            ]
            return _print(out, {"clients": listed})


def _issued(out: TextIO, issued: IssuedKey) -> int:
    return _print(out, {"client_id": issued.client_id, "key_id": issued.key_id, "key": issued.key})


def _error(out: TextIO, code: str, message: str) -> int:
    _print(out, {"error": code, "message": message})
    return 1


def _print(out: TextIO, answer: dict[str, Any]) -> int:
    out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0
