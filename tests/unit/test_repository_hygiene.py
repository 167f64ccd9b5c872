"""The tree holds no secret, and nothing but the dev stack writes one (and only in DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from admin.cli import settings_for_admin
from devstack.secrets_file import SECRETS_FILE
from settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


# Folders that are not the project's source: tools' caches and the (ignored) local data.
_NOT_SOURCE = {".git", ".venv", "data", "node_modules", ".mypy_cache", ".ruff_cache"}


def _source_files() -> list[Path]:
    found: list[Path] = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in _NOT_SOURCE]
        found.extend(Path(folder, name).relative_to(ROOT) for name in files)
    return found


def test_no_secrets_file_in_the_tree() -> None:
    found = [path for path in _source_files() if path.name == SECRETS_FILE]
    assert found == [], f"secrets file(s) in the repository: {found}"


def test_admin_reads_secrets_but_never_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("IDENTIFIER_HASH_KEY", "PAYLOAD_CODEC_KEYS", "CODEC_AUTH_TOKEN", "SESSION_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    monkeypatch.setattr("admin.cli.get_settings", get_settings)
    with pytest.raises(SystemExit, match="make dev"):
        settings_for_admin()
    get_settings.cache_clear()
    assert list(tmp_path.iterdir()) == []
