"""`make bench` and `make bench-scale`: measure one node of the embedded stack.

    python -m bench [--users 8 --duration 60 --warmup 10 --sign-in-users 8]
    python -m bench --workers 2 --api-processes 2   # more processes per part
    python -m bench scale [--pending 10000 --fill-users 16 --probe-rate 2 --probe-duration 120]

Every flag also reads an environment variable (BENCH_USERS, BENCH_DURATION, BENCH_PENDING, …).
The tables are printed and written to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Harness, running
from bench.machine import cores, describe
from bench.procstat import memory_kib
from bench.report import PAGE, main_report, scale_report, write_section
from devstack.stack import TEMPORAL_SQLITE_PRAGMAS


def _env(name: str, default: float) -> Any:
    raw = os.environ.get(f"BENCH_{name.upper()}")
    return type(default)(raw) if raw else default


def _flag(parser: argparse.ArgumentParser, name: str, default: float, help_text: str) -> None:
    parser.add_argument(
        f"--{name.replace('_', '-')}", type=type(default), default=_env(name, default),
        help=f"{help_text} (env BENCH_{name.upper()}, default {default})",
    )  # fmt: skip


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", choices=("run", "scale"), default="run")
    _flag(parser, "users", 8, "concurrent users of the closed-loop phases")
    _flag(parser, "duration", 60.0, "measured seconds of each enrollment phase")
    _flag(parser, "warmup", 10.0, "seconds run before each measured window")
    _flag(parser, "sign_in_users", 8, "concurrent users signing in")
    _flag(parser, "sign_in_duration", 30.0, "measured seconds of the sign-in phase")
    _flag(parser, "workers", 1, "worker processes on the task queue (their CPU is summed)")
    _flag(parser, "api_processes", 1, "API server processes on one port (their CPU is summed)")
    _flag(parser, "pending", 10_000, "scale: enrollments left awaiting activation")
    _flag(parser, "fill_users", 16, "scale: concurrent users filling the pending enrollments")
    # 240 enrollments a probe: p99 is then the third-slowest, not the single slowest request.
    _flag(parser, "probe_rate", 2.0, "scale: new enrollments per second while probing latency")
    _flag(parser, "probe_duration", 120.0, "scale: measured seconds of each latency probe")
    parser.add_argument(
        "--temporal-arg", action="append", default=[], metavar="ARG",
        help="extra `temporal server start-dev` argument, e.g. --temporal-arg=--sqlite-pragma "
        "--temporal-arg=synchronous=NORMAL",
    )  # fmt: skip
    parser.add_argument(
        "--no-write", action="store_true", help=f"print only; leave {PAGE.name} alone"
    )
    return parser.parse_args()


def say(text: str) -> None:
    print(text, flush=True)


async def main_run(args: argparse.Namespace, harness: Harness) -> dict[str, Any]:
    load = {"warmup": args.warmup, "duration": args.duration}
    url = harness.base_url
    phases: dict[str, dict[str, Any]] = {}
    say(f"product: {args.users} users, closed loop, {args.warmup:.0f} + {args.duration:.0f} s")
    phases["product"] = await harness.phase(
        {"cmd": "enroll", "base_url": url, "users": args.users, **load}
    )
    say(f"  {phases['product']['per_second']:.2f} enrollments/s")
    say(f"floor: {args.users} users, closed loop")
    phases["floor"] = await harness.phase(
        {"cmd": "floor", "address": harness.stack.settings.temporal_address,
         "users": args.users, **load}
    )  # fmt: skip
    say(f"  {phases['floor']['per_second']:.2f} workflows/s")
    rate = max(0.1, phases["product"]["per_second"] / 2)
    say(f"product at half the maximum: {rate:.2f} arrivals/s")
    phases["half_load"] = await harness.phase(
        {"cmd": "enroll", "base_url": url, "rate": rate, **load}
    ) | {"offered_rate": rate}
    say(f"sign-in: {args.sign_in_users} users")
    phases["sign_in"] = await harness.phase(
        {"cmd": "sign_in", "base_url": url, "users": args.sign_in_users,
         "warmup": 5.0, "duration": args.sign_in_duration}
    )  # fmt: skip
    say(f"  {phases['sign_in'].get('per_second', 0):.1f} sign-ins/s")
    for phase in phases.values():
        _fold_workers(phase)
    return {
        **phases,
        "phases": phases,
        "cores": cores(),
        "machine": describe(),
        "settings": {
            "users": args.users,
            "warm-up s": args.warmup,
            "measured s": args.duration,
            "sign_in_users": args.sign_in_users,
            "worker processes": args.workers,
            "API processes": args.api_processes,
            "Temporal SQLite pragmas": " ".join(TEMPORAL_SQLITE_PRAGMAS),
            "per-address rate limits": "lifted (one driver address stands for every user)",
            "extra temporal args": " ".join(args.temporal_arg) or "none",
        },
    }


def _fold_workers(phase: dict[str, Any]) -> None:
    """Report the extra worker processes (worker2, …) as part of `worker`."""
    for key in ("cpu_s", "peak_rss_kib"):
        figures = phase.get(key, {})
        extra = [name for name in figures if name.startswith("worker") and name != "worker"]
        for name in extra:
            figures["worker"] = figures.get("worker", 0) + figures.pop(name)


async def main_scale(args: argparse.Namespace, harness: Harness) -> dict[str, Any]:
    url = harness.base_url
    probe = {"cmd": "enroll", "base_url": url, "rate": args.probe_rate,
             "warmup": args.warmup, "duration": args.probe_duration}  # fmt: skip
    say(f"latency on the empty system: {args.probe_rate}/s for {args.probe_duration:.0f} s")
    empty = await harness.phase(probe)
    db_before = harness.temporal_db_bytes()
    say(f"filling {args.pending:,} enrollments awaiting activation ({args.fill_users} users)")
    fill = await harness.phase(
        {"cmd": "enroll", "base_url": url, "activate": False,
         "users": args.fill_users, "count": args.pending}
    )  # fmt: skip
    say(f"  {fill['completed_total']:,} in {fill['window_s']:.0f} s")
    say("latency with them pending")
    full = await harness.phase(probe)
    worker_pid = harness.pids["worker"]
    return {
        "empty": empty,
        "fill": fill,
        "full": full,
        "pending": fill["completed_total"],
        "worker_rss_kib": memory_kib(worker_pid)["VmRSS"],
        "worker_peak_kib": memory_kib(worker_pid)["VmHWM"],
        "db_bytes": harness.temporal_db_bytes(),
        "db_growth_bytes": harness.temporal_db_bytes() - db_before,
        "machine": describe(),
        "settings": {"fill_users": args.fill_users, "probe_rate": args.probe_rate},
    }


async def main() -> None:
    args = parse()
    with tempfile.TemporaryDirectory(prefix="bench-") as data_dir:
        say(f"starting the stack in {data_dir}")
        async with running(
            Path(data_dir), args.temporal_arg, {}, args.workers, args.api_processes
        ) as harness:
            if args.mode == "scale":
                report = scale_report(await main_scale(args, harness))
            else:
                report = main_report(await main_run(args, harness))
    say("\n" + report)
    if not args.no_write:
        write_section("scale" if args.mode == "scale" else "latest", report)
        say(f"\nwritten to {PAGE}")


if __name__ == "__main__":
    asyncio.run(main())
