"""The machine and versions a run was measured on, for the report."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from security.passwords import available_cores


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def _temporal_cli() -> str:
    beside_python = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("temporal", path=beside_python)
    if binary is None:
        return "missing"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return out.stdout.strip().removeprefix("temporal version ")


def describe() -> dict[str, str]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{available_cores()} cores, {_cpu_model()}",
        "memory": f"{_memory_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "temporalio": version("temporalio"),
        "temporal CLI": _temporal_cli(),
        "argon2-cffi": version("argon2-cffi"),
        # Other work on the machine skews every figure: say how busy it was.
        "load average (1, 5, 15 min) at the end": " ".join(
            Path("/proc/loadavg").read_text().split()[:3]
        ),
    }
