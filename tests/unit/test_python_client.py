"""The typed client in clients/python/ is what `make client` generates from the app's OpenAPI
document today: a route or a schema changed without `make client` fails here. Offline: the
document comes from the app factory, the generator from the venv."""

from __future__ import annotations

from pathlib import Path

from clients.generate import CLIENTS, DOCUMENT, PACKAGE, generate

# What tools leave beside the sources (ruff caches where the client's own pyproject.toml is).
CACHES = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not CACHES.intersection(path.relative_to(root).parts)
    }


def test_the_committed_client_is_the_generated_one(tmp_path: Path) -> None:
    generate(tmp_path)

    assert (CLIENTS / DOCUMENT).read_text(encoding="utf-8") == (tmp_path / DOCUMENT).read_text(
        encoding="utf-8"
    ), "clients/openapi.json is stale: run `make client`"
    committed, fresh = _files(CLIENTS / PACKAGE), _files(tmp_path / PACKAGE)
    assert sorted(committed) == sorted(fresh), "clients/python/ is stale: run `make client`"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"clients/python/ is stale ({', '.join(stale)}): run `make client`"
