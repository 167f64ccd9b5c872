"""`make client`: the typed Python client (clients/python/) from the app's OpenAPI document.

The document is the one the app serves, built by its factory without a server and written to
clients/openapi.json; openapi-python-client (pinned by uv.lock) turns it into the package with
the settings of clients/openapi-python-client.yaml. Both are committed; the test
tests/unit/test_python_client.py regenerates them into a temporary directory and fails when
they differ.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).resolve().parent
CONFIG = CLIENTS / "openapi-python-client.yaml"
DOCUMENT = "openapi.json"
PACKAGE = "python"


def document() -> dict[str, Any]:
    """The OpenAPI document the app serves at /openapi.json."""
    from app import create_app  # the whole app: only what generates the document needs it

    return create_app().openapi()


def document_text() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def generate(into: Path) -> None:
    """Write `openapi.json` and the client package `python/` under `into`."""
    into.mkdir(parents=True, exist_ok=True)
    (into / DOCUMENT).write_text(document_text(), encoding="utf-8")
    bin_dir = Path(sys.executable).parent  # the generator and its ruff hooks, from this venv
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / PACKAGE
        run = subprocess.run(  # noqa: S603 - fixed arguments, the venv's own program
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                str(into / DOCUMENT),
                "--config",
                str(CONFIG),
                "--meta",
                "uv",
                "--output-path",
                str(output),
                "--fail-on-warning",
            ],
            check=False,
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        )
        if run.returncode != 0:
            raise RuntimeError(f"openapi-python-client failed:\n{run.stdout}\n{run.stderr}")
        target = into / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(output, target)


if __name__ == "__main__":
    generate(CLIENTS)
