"""The compose stack and the image cannot run here (no Docker engine), so their shape is checked:
the file parses, the app's services speak the settings object's names, host ports are distinct,
every image is pinned, no deprecated auto-setup image, and Temporal is set up the way the code
expects (namespace, search attributes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestration.search_attributes import ALL as SEARCH_ATTRIBUTES
from settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_NAMES = {name.upper() for name in Settings.model_fields}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(compose, dict)
    return dict(compose["services"])


def _environment(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):  # the `- NAME=value` form
        return dict(item.split("=", 1) for item in raw)
    return {str(k): str(v) for k, v in raw.items()}


def _app_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if "build" in s}


def test_the_stack_has_every_part(services: dict[str, dict[str, Any]]) -> None:
    images = {name: str(s.get("image", "")) for name, s in services.items()}
    for part in ("postgres:", "temporalio/server:", "temporalio/admin-tools:", "temporalio/ui:"):
        assert any(image.startswith(part) for image in images.values()), part
    assert any("mailpit" in image for image in images.values())
    assert set(_app_services(services)) == {"migrate", "api", "worker"}
    assert "healthcheck" in services["postgresql"]


def test_app_services_use_only_settings_names(services: dict[str, dict[str, Any]]) -> None:
    for name, service in _app_services(services).items():
        unknown = set(_environment(service)) - SETTINGS_NAMES
        assert not unknown, f"{name}: {sorted(unknown)} are not fields of settings.Settings"


def test_images_are_pinned_and_auto_setup_is_not_used(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        image = str(service.get("image", ""))
        if "build" in service:
            continue  # built from the Dockerfile, whose base images are checked below
        repository, _, tag = image.rpartition(":")
        assert repository and re.search(r"\d", tag), f"{name}: {image!r} has no version tag"
        assert tag != "latest" and "auto-setup" not in image, f"{name}: {image!r}"


def test_dockerfile_is_multi_stage_pinned_locked_and_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)
    assert len(bases) >= 2
    for base in bases:
        assert re.search(r":\d[\w.-]*$", base), f"{base} is not pinned"
    assert "uv sync --frozen --no-dev" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")


def test_host_ports_do_not_collide(services: dict[str, dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for name, service in services.items():
        for port in service.get("ports", []):
            parts = str(port).split(":")
            if len(parts) < 2:
                continue  # container port only: Docker picks a free host port
            host = ":".join(parts[:-1])
            assert host not in seen, f"{name} and {seen.get(host)} both publish {host}"
            seen[host] = name


def test_dependencies_exist(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"


def test_temporal_is_set_up_as_the_code_expects(services: dict[str, dict[str, Any]]) -> None:
    namespaces = {_environment(s)["TEMPORAL_NAMESPACE"] for s in _app_services(services).values()}
    assert len(namespaces) == 1
    setup = "\n".join(services["temporal-setup"]["command"])
    assert f"ns={namespaces.pop()}" in setup and "namespace create" in setup
    for key in SEARCH_ATTRIBUTES:
        kind = key.indexed_value_type.name.title()  # KEYWORD → Keyword, DATETIME → Datetime
        assert f"--name {key.name} --type {kind}" in setup
    schema = "\n".join(services["temporal-schema"]["command"])
    for step in ("create", "setup-schema", "update-schema", "temporal_visibility"):
        assert step in schema
    ui = _environment(services["temporal-ui"])
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith("/codec")
    worker = _environment(services["worker"])
    assert worker["WORKER_METRICS_ADDRESS"].startswith("0.0.0.0:")
