"""`make bench` and `make bench-scale`: measure one node of the embedded stack.

    python -m bench [--users 8 --duration 60 --warmup 10 --sign-in-users 8]
    python -m bench --workers 2 --api-processes 2   # more processes per part
    python -m bench --workflow-sandbox               # the worker in the SDK's sandbox
    python -m bench scale [--pending 10000 --fill-users 16 --probe-rate 2 --probe-duration 240]

Every flag also reads an environment variable (BENCH_USERS, BENCH_DURATION, BENCH_PENDING, …).
The tables are printed and written to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import CLUSTER_LIKE_TEMPORAL, PRODUCTION_WORKER, Harness, running
from bench.machine import describe
from bench.procstat import memory_kib, snapshot
from bench.report import (
    PAGE,
    main_report,
    recorded_scale_runs,
    scale_report,
    scale_run_line,
    write_section,
)
from bench.stats import pooled
from devstack.stack import TEMPORAL_SQLITE_PRAGMAS
from security.passwords import available_cores


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
    _flag(parser, "flow_duration", 30.0, "measured seconds of each phase of the newer flows")
    _flag(parser, "limit_repetitions", 100, "calls timed of each part of the limit")
    _flag(parser, "workers", 1, "worker processes on the task queue (their CPU is summed)")
    _flag(parser, "api_processes", 1, "API server processes on one port (their CPU is summed)")
    _flag(parser, "pending", 10_000, "scale: enrollments left awaiting activation")
    _flag(parser, "fill_users", 16, "scale: concurrent users filling the pending enrollments")
    # 480 enrollments a probe: p99 is then the fifth-slowest request of each step. With 240,
    # the third-slowest, identical runs read p99s a fifth apart, as much as the target allows.
    _flag(parser, "probe_rate", 2.0, "scale: new enrollments per second while probing latency")
    _flag(parser, "probe_duration", 240.0, "scale: measured seconds of each latency probe")
    _flag(parser, "probe_slices", 4, "scale: slices each probe is taken in, in turn with the other")
    parser.add_argument(
        "--temporal-arg", action="append", default=[], metavar="ARG",
        help="extra `temporal server start-dev` argument, e.g. --temporal-arg=--sqlite-pragma "
        "--temporal-arg=synchronous=NORMAL",
    )  # fmt: skip
    parser.add_argument(
        "--workflow-sandbox", action="store_true",
        help="run the worker's workflows in the SDK's sandbox (the settings' default) rather "
        "than as docker-compose.yml runs them",
    )  # fmt: skip
    parser.add_argument(
        "--no-write", action="store_true", help=f"print only; leave {PAGE.name} alone"
    )
    return parser.parse_args()


def worker_env(args: argparse.Namespace) -> dict[str, str]:
    """The worker as production runs it, or in the sandbox when asked (to price it)."""
    if args.workflow_sandbox:
        return {"WORKER_WORKFLOW_SANDBOX": "true"}
    return PRODUCTION_WORKER


def say(text: str) -> None:
    print(text, flush=True)


async def _counted(
    harness: Harness, command: dict[str, Any], anchor: str, histories: dict[str, Any], name: str
) -> dict[str, Any]:
    """A phase, then the history events of the workflows started during it (bench/history.py),
    counted by the driver (the Temporal client lives there) once the phase is over."""
    since = datetime.now(UTC)
    result = await harness.phase(command)
    settings = harness.stack.settings
    histories[name] = await harness.phase(
        {"cmd": "histories", "address": settings.temporal_address,
         "namespace": settings.temporal_namespace, "anchor": anchor,
         "since": since.isoformat(), "until": datetime.now(UTC).isoformat()}
    )  # fmt: skip
    return result


async def main_run(args: argparse.Namespace, harness: Harness) -> dict[str, Any]:
    load = {"warmup": args.warmup, "duration": args.duration}
    flow = {"users": args.users, "warmup": 5.0, "duration": args.flow_duration}
    url = harness.base_url
    phases: dict[str, dict[str, Any]] = {}
    histories: dict[str, Any] = {}
    say(f"product: {args.users} users, closed loop, {args.warmup:.0f} + {args.duration:.0f} s")
    phases["product"] = await _counted(
        harness, {"cmd": "enroll", "base_url": url, "users": args.users, **load},
        "EnrollmentWorkflow", histories, "product",
    )  # fmt: skip
    say(f"  {phases['product']['per_second']:.2f} enrollments/s")
    say(f"floor: {args.users} users, closed loop")
    phases["floor"] = await _counted(
        harness, {"cmd": "floor", "address": harness.stack.settings.temporal_address,
                  "users": args.users, **load},
        "FloorWorkflow", histories, "floor",
    )  # fmt: skip
    say(f"  {phases['floor']['per_second']:.2f} workflows/s")
    # The floor again, offered the product's completed rate. What the server spends on a
    # workflow depends on its pace (more per workflow when it runs fewer a second, at the same
    # events: docs/benchmarks.md, « The floor's pace »), so the limit and the Temporal target
    # read the product against the floor at the product's pace; the closed-loop floor above
    # stays in the report beside it.
    pace = max(0.1, phases["product"]["per_second"])
    say(f"floor at the product's pace: {pace:.2f} arrivals/s")
    phases["floor_paced"] = await harness.phase(
        {"cmd": "floor", "address": harness.stack.settings.temporal_address, "rate": pace, **load}
    ) | {"offered_rate": pace}
    say(f"  {phases['floor_paced']['per_second']:.2f} workflows/s")
    say(f"the limit's parts alone: {args.limit_repetitions} calls of each")
    limit = await harness.limit(args.limit_repetitions)
    say(
        "  "
        + ", ".join(
            f"{k} {limit[k]['mean_ms']:.1f} ms" for k in ("hash", "verify", "verify_at_once", "pdf")
        )
    )
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
    not_run = await _newer_flows(args, harness, phases, histories, flow)
    for phase in phases.values():
        _fold_workers(phase)
    return {
        **phases,
        "phases": phases,
        "limit": limit,
        "histories": histories,
        "not_run": not_run,
        "scale_runs": recorded_scale_runs(),
        "cores": available_cores(),
        "machine": describe(),
        "settings": {
            "users": args.users,
            "warm-up s": args.warmup,
            "measured s": args.duration,
            "sign_in_users": args.sign_in_users,
            "newer flows s": args.flow_duration,
            "limit repetitions": args.limit_repetitions,
            "worker processes": args.workers,
            "API processes": args.api_processes,
            "Temporal SQLite pragmas": " ".join(TEMPORAL_SQLITE_PRAGMAS),
            "per-address rate limits": "lifted (one driver address stands for every user)",
            "worker": " ".join(f"{key}={value}" for key, value in worker_env(args).items()),
            "Temporal dynamic config": " ".join(
                f"{key}={value}" for key, value in CLUSTER_LIKE_TEMPORAL.items()
            ),
            "extra temporal args": " ".join(args.temporal_arg) or "none",
        },
    }


SECOND_STEP_PATH = "/api/v1/sessions/challenge"
SERVICE_PATHS = ("/api/v1/invitations", "/api/v1/invitations/accept", "/api/v1/webhook-endpoints")


async def _newer_flows(
    args: argparse.Namespace,
    harness: Harness,
    phases: dict[str, dict[str, Any]],
    histories: dict[str, Any],
    flow: dict[str, Any],
) -> dict[str, str]:
    """The second step at sign-in, the invitation to its webhook, webhook deliveries: each run
    when the API serves its paths; otherwise the reason it was not, for the report."""
    url = harness.base_url
    paths = await harness.api_paths()
    not_run: dict[str, str] = {}
    if SECOND_STEP_PATH in paths:
        say(f"sign-in with the e-mailed second step: {args.users} users")
        phases["second_step"] = await harness.phase({"cmd": "second_step", "base_url": url, **flow})
        say(f"  {phases['second_step'].get('per_second', 0):.1f}/s")
    else:
        not_run["second_step"] = f"the API serves no {SECOND_STEP_PATH}"
    missing = [path for path in SERVICE_PATHS if path not in paths]
    if missing:
        reason = f"the API serves no {', '.join(missing)}"
        not_run |= {"invite": reason, "redeliver": reason}
        return not_run
    hook_url = f"http://127.0.0.1:{harness.webhook_port}/webhooks"
    key = await harness.service_key()
    setup = await harness.phase({"cmd": "services", "base_url": url, "key": key,
                                 "hook_url": hook_url})  # fmt: skip
    if "endpoint_id" not in setup:
        reason = f"no webhook endpoint: {setup.get('errors')}"
        return not_run | {"invite": reason, "redeliver": reason}
    say(f"invitation from a service key to the webhook received: {args.users} users")
    phases["invite"] = await _counted(
        harness, {"cmd": "invite", "base_url": url, **flow},
        "EnrollmentWorkflow", histories, "invite",
    )  # fmt: skip
    say(f"  {phases['invite'].get('per_second', 0):.2f}/s")
    say(f"webhook deliveries sent again and received: {args.users} users")
    phases["redeliver"] = await harness.phase({"cmd": "redeliver", "base_url": url, **flow})
    say(f"  {phases['redeliver'].get('per_second', 0):.1f}/s")
    return not_run


def _fold_workers(phase: dict[str, Any]) -> None:
    """Report the extra worker processes (worker2, …) as part of `worker`."""
    for key in ("cpu_s", "peak_rss_kib"):
        figures = phase.get(key, {})
        extra = [name for name in figures if name.startswith("worker") and name != "worker"]
        for name in extra:
            figures["worker"] = figures.get("worker", 0) + figures.pop(name)


def _cpu(phase: dict[str, Any]) -> float:
    """Every process's CPU seconds in a phase's window, added."""
    return float(sum(phase["cpu_s"].values()))


async def main_scale(args: argparse.Namespace, empty: Harness, loaded: Harness) -> dict[str, Any]:
    """The empty system and the one holding the pending enrollments are two stacks side by
    side, probed in turn: empty, loaded, loaded, empty, and so on. The machine's pace drifts
    over minutes (AD6: every median 15 % apart between two probes twenty minutes apart); slices
    taken in this order meet the same drift on both sides, and each side's p99 is read over
    all of its slices together. Every slice has its warm-up: some follow a slice of their own
    side, others the other side's, and not as often on both sides."""
    slices = max(1, args.probe_slices)
    db_before = loaded.temporal_db_bytes()
    say(f"filling {args.pending:,} enrollments awaiting activation ({args.fill_users} users)")
    fill = await loaded.phase(
        {"cmd": "enroll", "base_url": loaded.base_url, "activate": False,
         "users": args.fill_users, "count": args.pending}
    )  # fmt: skip
    say(f"  {fill['completed_total']:,} in {fill['window_s']:.0f} s")
    seconds = args.probe_duration / slices
    say(
        f"latency, the empty system and the one with them pending in turn: {slices} slices"
        f" of {seconds:.0f} s each at {args.probe_rate}/s"
    )
    taken: dict[str, list[dict[str, Any]]] = {"empty": [], "full": []}
    beside = {"empty": 0.0, "full": 0.0}  # the other stack's CPU, idle, during a side's slices
    for number in range(slices):
        for side in ("empty", "full") if number % 2 == 0 else ("full", "empty"):
            harness, idle = (empty, loaded) if side == "empty" else (loaded, empty)
            idle_before = sum(snapshot(idle.pids).values())
            probe = {"cmd": "enroll", "base_url": harness.base_url, "rate": args.probe_rate,
                     "warmup": args.warmup, "duration": seconds,
                     "keep_values": True}  # fmt: skip
            taken[side].append(await harness.phase(probe))
            beside[side] += sum(snapshot(idle.pids).values()) - idle_before
    worker_pid = loaded.pids["worker"]
    return {
        "empty": pooled(taken["empty"]),
        "fill": fill,
        "full": pooled(taken["full"]),
        "beside_cpu_s": beside,
        "probed_cpu_s": {side: sum(_cpu(t) for t in got) for side, got in taken.items()},
        "pending": fill["completed_total"],
        "worker_rss_kib": memory_kib(worker_pid)["VmRSS"],
        "worker_peak_kib": memory_kib(worker_pid)["VmHWM"],
        "db_bytes": loaded.temporal_db_bytes(),
        "db_growth_bytes": loaded.temporal_db_bytes() - db_before,
        "machine": describe(),
        "settings": {
            "fill_users": args.fill_users,
            "probe_rate": args.probe_rate,
            "probe_duration": args.probe_duration,
            "probe_slices": slices,
        },
    }


async def main() -> None:
    args = parse()
    verdict = ""  # a scale run's one line, kept on the page: the target asks for three runs
    async with contextlib.AsyncExitStack() as stacks:

        async def started() -> Harness:
            data_dir = stacks.enter_context(tempfile.TemporaryDirectory(prefix="bench-"))
            say(f"starting a stack in {data_dir}")
            stack = running(
                Path(data_dir), args.temporal_arg, worker_env(args), args.workers,
                args.api_processes,
            )  # fmt: skip
            return await stacks.enter_async_context(stack)

        if args.mode == "scale":  # two stacks: the empty system beside the loaded one
            scale = await main_scale(args, await started(), await started())
            report, verdict = scale_report(scale), scale_run_line(scale)
        else:
            report = main_report(await main_run(args, await started()))
    say("\n" + report + (f"\n\n{verdict}" if verdict else ""))
    if not args.no_write:
        write_section("scale" if args.mode == "scale" else "latest", report)
        if verdict:
            write_section("scale-runs", "\n".join([*recorded_scale_runs(), verdict]))
        say(f"\nwritten to {PAGE}")


if __name__ == "__main__":
    asyncio.run(main())
