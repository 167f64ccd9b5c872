"""The dev stack's own secrets, generated once and kept under the data directory (mode 0600)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

SECRETS_FILE = "secrets.env"
SECRET_NAMES = ("IDENTIFIER_HASH_KEY", "PAYLOAD_CODEC_KEYS", "CODEC_AUTH_TOKEN", "SESSION_SECRET")


def _generate() -> dict[str, str]:
    return {
        "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(32),
        "PAYLOAD_CODEC_KEYS": "dev1:" + base64.b64encode(os.urandom(32)).decode(),
        "CODEC_AUTH_TOKEN": secrets.token_urlsafe(24),
        "SESSION_SECRET": secrets.token_urlsafe(32),
    }


def read_stored(data_dir: Path) -> dict[str, str]:
    """The secrets kept in `data_dir/secrets.env`, if any; never writes anything."""
    path = data_dir / SECRETS_FILE
    stored: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and name in SECRET_NAMES:
                stored[name] = value
    return stored


def load_or_create(data_dir: Path) -> dict[str, str]:
    """Secrets from the environment where given, else from (or into) `data_dir/secrets.env`.

    Only the dev stack and the benchmark call this, each with its own data directory."""
    path = data_dir / SECRETS_FILE
    stored = read_stored(data_dir)
    missing = [name for name in SECRET_NAMES if name not in stored]
    if missing:
        fresh = _generate()
        stored.update({name: fresh[name] for name in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text("".join(f"{k}={stored[k]}\n" for k in SECRET_NAMES))
    return {name: os.environ.get(name) or stored[name] for name in SECRET_NAMES}
