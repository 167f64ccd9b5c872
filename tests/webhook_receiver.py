"""A real webhook receiver on loopback (uvicorn): it records every request it gets, with the
Temporal server's time when it came, and answers as the test scripts it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.loopback import served


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: datetime  # the Temporal server's clock (skipped time included)


# How the receiver answers the n-th request (from 1): a status code.
Script = Callable[["Receiver", Received], Awaitable[int]]


def always(status: int) -> Script:
    """A receiver that answers every request with `status` (204: up; 500: down; 410: gone)."""

    async def answer(_: Receiver, __: Received) -> int:
        return status

    return answer


UP = always(204)


@dataclass
class Receiver:
    clock: Callable[[], Awaitable[datetime]]
    script: Script = UP
    received: list[Received] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def hook(self, request: Request) -> Response:
        got = Received(dict(request.headers), await request.body(), await self.clock())
        self.received.append(got)
        self.arrived.set()
        return Response(status_code=await self.script(self, got))

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]


@dataclass(frozen=True)
class Tls:
    """The receiver serves HTTPS with this certificate, under this name."""

    certfile: Path
    keyfile: Path
    name: str = "localhost"


@asynccontextmanager
async def receiving(receiver: Receiver, tls: Tls | None = None) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    config = uvicorn.Config(
        app,
        log_level="warning",
        timeout_graceful_shutdown=1,
        ssl_certfile=str(tls.certfile) if tls else None,
        ssl_keyfile=str(tls.keyfile) if tls else None,
    )
    async with served(config) as port:
        receiver.url = f"https://{tls.name}:{port}/hook" if tls else f"http://127.0.0.1:{port}/hook"
        yield receiver


def unused_url() -> str:
    """A loopback URL where nothing listens: every attempt is refused (a receiver that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def self_signed(directory: Path, name: str = "localhost") -> Tls:
    """A certificate for `name` only (no IP address in it), signed by itself: a client that
    trusts it (SSL_CERT_FILE) accepts the receiver only if it checks that name."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "receiver.pem", directory / "receiver.key"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Tls(certfile, keyfile, name)
