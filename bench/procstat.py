"""CPU time and memory of a process, read from /proc (Linux): what each part of the stack costs."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """The process and its descendants (an API served by several processes is one part)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            pids.extend(tree(int(child)))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process and its descendants have used so far."""
    return sum(_own_cpu_seconds(each) for each in tree(pid))


def _own_cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after "(comm)": state is the first, utime the 12th, stime the 13th.
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since start) in KiB, summed over the process's tree."""
    values: dict[str, int] = {}
    for each in tree(pid):
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = values.get(name, 0) + int(rest.split()[0])
    return values


def snapshot(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


@dataclass
class RssSampler:
    """Samples the resident set of each process while a phase runs; keeps the peak."""

    pids: dict[str, int]
    interval: float = 0.5
    peak_kib: dict[str, int] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.peak_kib = {}
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, int]:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._sample()
        return dict(self.peak_kib)

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.interval)

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            rss = memory_kib(pid).get("VmRSS", 0)
            self.peak_kib[name] = max(self.peak_kib.get(name, 0), rss)
