"""The report: Markdown tables printed at the end of a run and kept in docs/benchmarks.md.

The script rewrites only the parts between its markers; the rest of the page (the tuning
history, kept by hand) stays as it is.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from bench.history import ordered_kinds
from bench.persistence import is_write
from devstack.stack import ROOT

PAGE = ROOT / "docs" / "benchmarks.md"
PRODUCT_PROCESSES = ("api", "worker", "temporal")
FLOOR_PROCESSES = ("floor_worker", "temporal", "driver")
# Every step the latency targets cover; `mail` runs from the confirm request to the e-mail's
# arrival at the capture server.
STEPS = ("create", "details", "confirm", "mail", "activate", "pdf")
P99_TARGET_MS = 300.0
# The targets against the limit (never met by changing the parameters it is measured with).
CPU_OVER_LIMIT = 1.25  # CPU per completed enrollment ≤ 1.25 × the limit
TEMPORAL_OVER_FLOOR = 1.25  # the Temporal server's CPU per enrollment ≤ 1.25 × the floor's
SIGN_INS_OF_VERIFY_RATE = 0.80  # sign-ins per API CPU-second ≥ 80 % of raw verifications
SCALE_CHANGE = 0.20  # with 10,000 pending, p99 within +20 % of the empty system's …
SCALE_RUNS = 3  # … in three `make bench-scale` runs out of three


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def cpu_ms_per(phase: dict[str, Any], processes: tuple[str, ...]) -> dict[str, float]:
    done = phase.get("completed") or 0
    cpu: dict[str, float] = phase.get("cpu_s", {})
    per = {name: 1000 * cpu.get(name, 0.0) / done if done else 0.0 for name in processes}
    return per | {"total": sum(per.values())}


def limit_per_process(
    floor_cpu: dict[str, float], limit: dict[str, Any], hashes: int = 2, pdfs: int = 1
) -> dict[str, float]:
    """What an enrollment must cost, per process: the floor's share plus the work the product
    cannot avoid, timed alone in the same run (argon2id in the API, the recap in the worker).
    The floor's client (`driver`) stands for the API's Temporal work."""
    per = {
        "api": floor_cpu.get("driver", 0.0) + hashes * limit["hash"]["mean_ms"],
        "worker": floor_cpu.get("floor_worker", 0.0) + pdfs * limit["pdf"]["mean_ms"],
        "temporal": floor_cpu.get("temporal", 0.0),
    }
    return per | {"total": sum(per.values())}


def verify_rate(limit: dict[str, Any]) -> float:
    """Raw argon2id verifications per CPU-second, one thread: the inverse of the mean."""
    mean: float = limit["verify"]["mean_ms"]
    return 1000 / mean if mean else 0.0


def verify_rate_on_every_core(limit: dict[str, Any]) -> float:
    """Raw argon2id verifications per CPU-second with every core verifying, as the sign-in
    phase keeps all of the API's verification slots busy; one thread's rate for a run that did
    not time them at once."""
    at_once: dict[str, Any] | None = limit.get("verify_at_once")
    if at_once is None or not at_once.get("mean_ms"):
        return verify_rate(limit)
    return 1000 / float(at_once["mean_ms"])


def sign_ins_per_api_cpu_second(sign_in: dict[str, Any]) -> float:
    api_cpu: float = sign_in.get("cpu_s", {}).get("api", 0.0)
    return sign_in.get("completed", 0) / api_cpu if api_cpu else 0.0


def verified_in_api_ms(sign_in: dict[str, Any]) -> float | None:
    """One verification's CPU milliseconds as the API ran it in the sign-in phase's window (its
    threads' CPU, counted by its metrics); None for a run whose API did not count it."""
    spent = sign_in.get("hashing", {})
    calls, cpu_s = spent.get("verify", 0.0), spent.get("verify_cpu_s", 0.0)
    return 1000 * cpu_s / calls if calls and cpu_s else None


def raw_verify_rate(sign_in: dict[str, Any], limit: dict[str, Any]) -> tuple[float, str]:
    """The raw verification rate the sign-in target reads against, and what it is: the API's own
    verifications in the same window when it counted them (docs/benchmarks.md, « Reading the
    sign-ins »), else those timed apart with every core verifying."""
    in_api = verified_in_api_ms(sign_in)
    if in_api is not None:
        return 1000 / in_api, f"the API's own in the same window ({in_api:.1f} ms each)"
    return verify_rate_on_every_core(limit), "timed apart with every core verifying"


def sign_in_work(sign_in: dict[str, Any], limit: dict[str, Any]) -> str:
    """A sign-in's API CPU split into the verification and the request around it."""
    per_second = sign_ins_per_api_cpu_second(sign_in)
    if not per_second:
        return "no sign-in completed"
    each = 1000 / per_second
    alone: float = limit["verify"]["mean_ms"]
    apart = f"{alone:.1f} ms alone"
    at_once: dict[str, Any] | None = limit.get("verify_at_once")
    if at_once is not None:
        apart += f", {at_once['mean_ms']:.1f} ms each {at_once['at_once']} at once"
    in_api = verified_in_api_ms(sign_in)
    if in_api is None:
        return (
            f"{each:.1f} ms of API CPU each; one argon2id verification timed apart: {apart}"
            f" ({each - alone:.1f} ms of the sign-in around the one alone)"
        )
    return (
        f"{each:.1f} ms of API CPU each: {in_api:.1f} ms the argon2id verification as the API"
        f" ran it, {each - in_api:.1f} ms the request around it (one verification timed"
        f" apart: {apart})"
    )


def _at_once_row(limit: dict[str, Any]) -> list[str]:
    """The verification on every core at once (runs before it did not time it)."""
    at_once = limit.get("verify_at_once")
    if at_once is None:
        return []
    count = at_once["at_once"]
    return [
        f"| *the same, {count} at once (one per core), each* | {at_once['mean_ms']:.1f} |"
        f" {at_once['median_ms']:.1f} | {count} × {at_once['n']} |"
    ]


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


_SCALE_LINE = re.compile(
    r"^- (?P<date>.+?)(?:, (?P<probe>\d+ requests a step[^:]*))?:"
    r" largest p99 change (?P<change>[+-]?\d+%|unknown .*), (?P<verdict>met|not met)$"
)


def worst_scale_change(run: dict[str, Any]) -> float:
    """The largest relative p99 change of a step, empty system → with the pending enrollments;
    infinite when a step has no sample on either side (the target cannot be judged then)."""
    worst = -1.0
    for step in STEPS:
        a = run["empty"]["latency"].get(step, {})
        b = run["full"]["latency"].get(step, {})
        if not (a.get("n") and b.get("n") and a["p99_ms"]):
            return math.inf
        worst = max(worst, b["p99_ms"] / a["p99_ms"] - 1)
    return worst


def _change(worst: float) -> str:
    return f"{worst:+.0%}" if math.isfinite(worst) else "unknown (a step without samples)"


def scale_run_line(run: dict[str, Any]) -> str:
    """One `make bench-scale` run's verdict, as the page keeps it between runs."""
    worst = worst_scale_change(run)
    verdict = "met" if worst <= SCALE_CHANGE else "not met"
    return (
        f"- {run['machine']['date']}{_probe_length(run)}: largest p99 change {_change(worst)},"
        f" {verdict}"
    )


def _probe_length(run: dict[str, Any]) -> str:
    """How many new enrollments each probe asked for, and in how many slices taken in turn
    with the other side's; runs before AD5 said nothing (240 in one probe each side)."""
    settings = run.get("settings", {})
    if "probe_duration" not in settings:
        return ""
    requests = f", {settings['probe_rate'] * settings['probe_duration']:.0f} requests a step"
    slices = settings.get("probe_slices")
    return requests + (f" in {slices} alternating slices" if slices else "")


def _alternation(run: dict[str, Any]) -> str:
    """How the two sides were probed, when in turn (since AE1) rather than one after the other."""
    if not run.get("settings", {}).get("probe_slices"):
        return ""
    return (
        "; the empty system is a second stack beside the loaded one, and the two were probed"
        " in turn (empty, loaded, loaded, empty, …), each side's p99 read over all its slices"
    )


def _neighbour(run: dict[str, Any]) -> list[str]:
    """What the stack not being probed spent meanwhile: the idle neighbour each side had."""
    beside, probed = run.get("beside_cpu_s"), run.get("probed_cpu_s")
    if not (beside and probed):
        return []
    return [
        "",
        f"The other stack, idle beside, spent {beside['empty']:.1f} s of CPU while the empty"
        f" system was probed ({probed['empty']:.0f} s in the probed stack's windows) and"
        f" {beside['full']:.1f} s while the loaded one was ({probed['full']:.0f} s).",
    ]


def recorded_scale_runs(page: Path = PAGE) -> list[str]:
    """The verdicts of the `make bench-scale` runs kept on the page, oldest first."""
    text = page.read_text() if page.exists() else ""
    start, end = "<!-- bench:scale-runs:start -->", "<!-- bench:scale-runs:end -->"
    body = text.partition(start)[2].partition(end)[0]
    return [line for line in body.splitlines() if _SCALE_LINE.match(line)]


def _probe(line: str) -> str | None:
    """A recorded run's probe: its new enrollments a step and how it took them (None: 240 in
    one probe, unsaid)."""
    match = _SCALE_LINE.match(line)
    return match.group("probe") if match else None


def scale_target(lines: list[str]) -> tuple[int, int, bool]:
    """(runs met among the last three, the last runs counted, the target met): three out of
    three, among the runs whose probe is the latest run's. A run with another probe is not
    judged with them (the runs before AD5 probed 240 new enrollments a step, not 480; those
    before AE1 probed the empty system twenty minutes before the loaded one, not in turn)."""
    latest = _probe(lines[-1]) if lines else None
    last = [line for line in lines if _probe(line) == latest][-SCALE_RUNS:]
    met = sum(line.endswith(", met") for line in last)
    return met, len(last), len(last) == SCALE_RUNS and met == SCALE_RUNS


def latency_table(phases: dict[str, dict[str, Any]], steps: tuple[str, ...]) -> list[str]:
    lines = [
        "| step | " + " | ".join(f"{name} p50 / p95 / p99 (ms)" for name in phases) + " |",
        "|---|" + "---|" * len(phases),
    ]
    for step in steps:
        cells = []
        for phase in phases.values():
            found = phase.get("latency", {}).get(step)
            cells.append(
                f"{_ms(found['p50_ms'])} / {_ms(found['p95_ms'])} / {_ms(found['p99_ms'])}"
                if found and found["n"]
                else "—"
            )
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    return lines


def errors_of(phases: dict[str, dict[str, Any]]) -> list[str]:
    found = [
        f"- {phase}: {what} × {count}"
        for phase, result in phases.items()
        for what, count in result.get("errors", {}).items()
    ]
    return found or ["None: every request answered as expected and every e-mail arrived."]


def _targets(
    run: dict[str, Any],
    cpu: dict[str, float],
    limit_cpu: dict[str, float],
    floor_cpu: dict[str, float],
    floor_max_cpu: dict[str, float],
) -> list[str]:
    """`floor_cpu` is the floor at the product's pace, which the targets read against;
    `floor_max_cpu` the floor at its own maximum, given beside it."""
    half, sign_in, limit = run["half_load"], run["sign_in"], run["limit"]
    # Printed to three decimals: a ratio just above its target would read as the target itself.
    over_limit = _ratio(cpu["total"], limit_cpu["total"])
    temporal = _ratio(cpu["temporal"], floor_cpu["temporal"])
    limit_max = limit_per_process(floor_max_cpu, limit)["total"]
    floor_max = run["floor"]["per_second"]
    temporal_max = floor_max_cpu["temporal"]
    worst_p99 = max((half["latency"].get(s, {}).get("p99_ms", 0.0) for s in STEPS), default=0.0)
    per_cpu_second = sign_ins_per_api_cpu_second(sign_in)
    # Against the verifications the API ran in the sign-ins' own window: timed apart, they run
    # at another moment of the machine's drifting pace and beside nothing, and what they miss
    # would be read as the request's work (docs/benchmarks.md, « Reading the sign-ins »).
    raw_rate, measured_as = raw_verify_rate(sign_in, limit)
    of_verify = _ratio(per_cpu_second, raw_rate)
    of_one_thread = _ratio(per_cpu_second, verify_rate(limit))
    every_core = verify_rate_on_every_core(limit)
    of_every_core = _ratio(per_cpu_second, every_core)
    scale_runs = run.get("scale_runs", [])
    scale_met, last, scale_ok = scale_target(scale_runs)
    return [
        "| target | measured | |",
        "|---|---|---|",
        f"| CPU per completed enrollment ≤ {CPU_OVER_LIMIT} × the limit | {cpu['total']:.0f} ms"
        f" = {over_limit:.3f} × the limit ({limit_cpu['total']:.0f} ms, the floor at the"
        f" product's pace; with the floor at its own maximum, {floor_max:.2f}/s:"
        f" {limit_max:.0f} ms, {_ratio(cpu['total'], limit_max):.3f} ×)"
        f" | {_met(0 < over_limit <= CPU_OVER_LIMIT)} |",
        f"| Temporal server CPU per enrollment ≤ {TEMPORAL_OVER_FLOOR} × the floor's at the"
        f" product's pace | {cpu['temporal']:.0f} ms = {temporal:.3f} × the floor's"
        f" ({floor_cpu['temporal']:.0f} ms; at its own maximum, {floor_max:.2f}/s:"
        f" {temporal_max:.0f} ms, {_ratio(cpu['temporal'], temporal_max):.3f} ×)"
        f" | {_met(0 < temporal <= TEMPORAL_OVER_FLOOR)} |",
        f"| p99 < {P99_TARGET_MS:.0f} ms for every step, mail included, at half the maximum load"
        f" ({half['offered_rate']:.2f}/s offered) | worst step p99 {_ms(worst_p99)} ms"
        f" | {_met(worst_p99 < P99_TARGET_MS)} |",
        f"| sign-ins per API CPU-second ≥ {SIGN_INS_OF_VERIFY_RATE:.0%} of the raw argon2id"
        f" verification rate | {per_cpu_second:.1f} = {of_verify:.0%} of {raw_rate:.1f}"
        f" verifications per CPU-second, {measured_as} (timed apart: {verify_rate(limit):.1f}"
        f" alone, {of_one_thread:.0%}; {every_core:.1f} with every core"
        f" verifying, {of_every_core:.0%})"
        f" | {_met(of_verify >= SIGN_INS_OF_VERIFY_RATE)} |",
        f"| with 10,000 enrollments pending, p99 within +{SCALE_CHANGE:.0%} of the empty"
        f" system's in {SCALE_RUNS} `make bench-scale` runs out of {SCALE_RUNS}"
        f" | {scale_met} of the last {last} recorded with the latest one's probe"
        f" ({len(scale_runs)} in all, below)"
        f" | {_met(scale_ok)} |",
    ]


def limit_tables(
    run: dict[str, Any], cpu: dict[str, float], floor_cpu: dict[str, float]
) -> list[str]:
    """`floor_cpu`: the floor at the product's pace."""
    limit = run["limit"]
    limit_cpu = limit_per_process(floor_cpu, limit)
    hash_ms, pdf_ms = limit["hash"]["mean_ms"], limit["pdf"]["mean_ms"]
    rows = []
    for name, label, must in (
        ("api", "API", f"floor's client {floor_cpu.get('driver', 0.0):.0f} + 2 hashes"),
        ("worker", "worker", f"floor's worker {floor_cpu.get('floor_worker', 0.0):.0f} + 1 PDF"),
        ("temporal", "Temporal server", "the floor's server"),
        ("total", "**total**", "the floor + 2 hashes + 1 PDF"),
    ):
        rows.append(
            f"| {label} | {cpu[name]:.0f} | {limit_cpu[name]:.0f} ({must}) |"
            f" {_ratio(cpu[name], limit_cpu[name]):.2f} | {cpu[name] - limit_cpu[name]:+.0f} |"
        )
    return [
        "### The limit, measured in this run",
        "",
        "What an enrollment must cost: the floor, plus the work the product cannot avoid, each part"
        " timed alone in a process of its own on this machine in this run (process CPU time, one"
        f" call at a time; argon2id at {limit.get('argon2id', '?')}).",
        "",
        "| part | CPU ms (mean) | median | calls |",
        "|---|---|---|---|",
        "| the floor (its Temporal server, worker and client), offered the product's"
        f" {run['floor_paced']['offered_rate']:.2f} workflows/s | {floor_cpu['total']:.1f} | | |",
        f"| 2 argon2id hashes (password, trust answer) | {2 * hash_ms:.1f} |"
        f" 2 × {limit['hash']['median_ms']:.1f} | {limit['hash']['n']} |",
        f"| 1 recap PDF (the sample subscriber) | {pdf_ms:.1f} | {limit['pdf']['median_ms']:.1f}"
        f" | {limit['pdf']['n']} |",
        f"| **the limit** | **{limit_cpu['total']:.1f}** | | |",
        f"| *one argon2id verification (a sign-in's)* | {limit['verify']['mean_ms']:.1f} |"
        f" {limit['verify']['median_ms']:.1f} | {limit['verify']['n']} |",
        *_at_once_row(limit),
        "",
        "Product against the limit, CPU ms per completed enrollment:",
        "",
        "| process | product | the limit | product / limit | above the limit |",
        "|---|---|---|---|---|",
        *rows,
    ]


def history_table(histories: dict[str, Any]) -> list[str]:
    """History events per workflow by kind: the product's enrollment (every workflow it starts
    counted in), the floor's workflow, and an invitation's when it ran."""
    columns = [
        (name, label)
        for name, label in (
            ("product", "product, per enrollment"),
            ("floor", "floor, per workflow"),
            ("invite", "invitation, per enrollment"),
        )
        if histories.get(name, {}).get("events")
    ]
    if not columns:
        return ["No history could be sampled."]
    tables = [histories[name]["events"] for name, _ in columns]
    lines = [
        "| event | " + " | ".join(label for _, label in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for kind in ordered_kinds(*tables):
        lines.append(f"| {kind} | " + " | ".join(f"{t.get(kind, 0.0):.1f}" for t in tables) + " |")
    lines.append(
        "| **all events** | " + " | ".join(f"**{sum(t.values()):.1f}**" for t in tables) + " |"
    )
    lines += ["", "Workflows started per anchor workflow in each phase (histories sampled):", ""]
    for name, label in columns:
        found = histories[name]
        anchors = found["started"].get(found["anchor"], 0) or 1
        running = set(found.get("still_running", []))
        lines.append(
            f"- {label.partition(',')[0]}: "
            + ", ".join(
                f"{workflow_type} {count / anchors:.2f} ({found['sampled'].get(workflow_type, 0)}"
                + (", still running: history so far" if workflow_type in running else "")
                + ")"
                for workflow_type, count in sorted(found["started"].items())
            )
        )
    return lines


PERSISTENCE_COLUMNS = (
    ("product", "product, per enrollment"),
    ("floor", "floor, per workflow"),
    ("invite", "invitation, per enrollment"),
)


def persistence_per(phase: dict[str, Any]) -> dict[str, float]:
    """The server's persistence requests in the phase's window per workflow completed in it."""
    done = phase.get("completed") or 0
    found: dict[str, float] = phase.get("persistence") or {}
    return {op: count / done for op, count in found.items()} if done else {}


def persistence_table(phases: dict[str, dict[str, Any]]) -> list[str]:
    """Writes by operation (what a cluster's database must absorb), then reads, each with its
    total; an operation under 0.05 per workflow in every column is counted in the total only."""
    columns = [
        (label, persistence_per(phases[name]))
        for name, label in PERSISTENCE_COLUMNS
        if name in phases and persistence_per(phases[name])
    ]
    if not columns:
        return ["The server's metrics could not be read."]
    tables = [table for _, table in columns]
    lines = [
        "| operation | " + " | ".join(label for label, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for label, wanted in (("writes", True), ("reads", False)):
        ops = sorted(
            {op for table in tables for op in table if is_write(op) == wanted},
            key=lambda op: -tables[0].get(op, 0.0),
        )
        for op in ops:
            if max(table.get(op, 0.0) for table in tables) >= 0.05:
                cells = " | ".join(f"{t.get(op, 0.0):.1f}" for t in tables)
                lines.append(f"| {op} | {cells} |")
        totals = " | ".join(f"**{sum(t[op] for op in ops if op in t):.1f}**" for t in tables)
        lines.append(f"| **all {label}** | {totals} |")
    return lines


FLOWS = {
    "second_step": ("sign-in with the e-mailed second step", ("password", "mail", "code", "whole")),
    "invite": ("invitation from a service key to the webhook received",
               ("invite", "mail", "accept", "webhook", "whole")),
    "redeliver": ("webhook delivery sent again, to its arrival", ("retry", "delivered")),
}  # fmt: skip


def flow_rows(run: dict[str, Any]) -> list[str]:
    """A row per newer flow: throughput, p99 of the whole, CPU per flow; or why it did not run."""
    workers = run["settings"].get("worker processes", 1) or 1
    lines = [
        "| flow | completed per second | p50 / p99 of the whole (ms) |"
        " CPU ms each: API / worker / Temporal | errors |",
        "|---|---|---|---|---|",
    ]
    for name, (label, steps) in FLOWS.items():
        phase = run.get(name)
        if phase is None:
            reason = run.get("not_run", {}).get(name)
            lines.append(f"| {label} | {f'not run: {reason}' if reason else 'not run'} | | | |")
            continue
        whole = phase.get("latency", {}).get(steps[-1], {})
        cpu = cpu_ms_per(phase, PRODUCT_PROCESSES)
        rate = f"{phase.get('per_second', 0.0):.2f}"
        if name == "redeliver":
            rate += f" ({phase.get('per_second', 0.0) / workers:.1f} per worker process)"
        lines.append(
            f"| {label} | {rate} |"
            f" {_ms(whole.get('p50_ms', 0.0))} / {_ms(whole.get('p99_ms', 0.0))} |"
            f" {cpu['api']:.1f} / {cpu['worker']:.1f} / {cpu['temporal']:.1f} |"
            f" {sum(phase.get('errors', {}).values())} |"
        )
    redeliver = run.get("redeliver")
    if redeliver:
        worker_ms = cpu_ms_per(redeliver, PRODUCT_PROCESSES)["worker"]
        lines += [
            "",
            f"Webhook deliveries per worker CPU-second: {_ratio(1000, worker_ms):.0f}"
            f" ({worker_ms:.1f} ms of worker CPU each, {workers} worker process(es)).",
        ]
    for name, (label, steps) in FLOWS.items():
        if name in run:
            lines += ["", f"{label[0].upper()}{label[1:]}, each step:", ""]
            lines += latency_table({name.replace("_", " "): run[name]}, steps)
    return lines


def main_report(run: dict[str, Any]) -> str:
    product, floor, paced = run["product"], run["floor"], run["floor_paced"]
    sign_in = run["sign_in"]
    product_cpu = cpu_ms_per(product, PRODUCT_PROCESSES)
    floor_cpu = cpu_ms_per(paced, FLOOR_PROCESSES)
    floor_max_cpu = cpu_ms_per(floor, FLOOR_PROCESSES)
    limit_cpu = limit_per_process(floor_cpu, run["limit"])
    ratio = _ratio(product["per_second"], floor["per_second"])
    lines = [
        f"Measured {run['machine']['date']}.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in run["machine"].items() if k != "date"),
        "",
        "Settings: " + ", ".join(f"{k} = {v}" for k, v in run["settings"].items()) + ".",
        "",
        "### Targets",
        "",
        *_targets(run, product_cpu, limit_cpu, floor_cpu, floor_max_cpu),
        "",
        *limit_tables(run, product_cpu, floor_cpu),
        "",
        "### Throughput and cost per completed enrollment",
        "",
        "The floor runs twice: closed loop like the product (its own maximum), then offered the"
        " product's completed rate (its pace), which the limit reads.",
        "",
        "| | product | floor, its maximum | floor, the product's pace |",
        "|---|---|---|---|",
        f"| completed per second ({run['settings']['users']} users, closed loop; the pace: open"
        f" loop) | {product['per_second']:.2f} | {floor['per_second']:.2f} (product / floor"
        f" {ratio:.2f}) | {paced['per_second']:.2f} |",
        *(
            f"| {label} | {product_cpu[mine]:.0f} | {floor_max_cpu[theirs]:.0f} |"
            f" {floor_cpu[theirs]:.0f} |"
            for label, mine, theirs in (
                ("CPU ms per enrollment, total", "total", "total"),
                ("— Temporal server", "temporal", "temporal"),
                ("— worker", "worker", "floor_worker"),
                ("— API (floor: its Temporal client)", "api", "driver"),
            )
        ),
        "",
        "Peak RSS during the phase (MiB): "
        + ", ".join(
            f"{name} {kib / 1024:.0f}"
            for name, kib in product.get("peak_rss_kib", {}).items()
            if name in PRODUCT_PROCESSES
        )
        + f"; floor worker {floor.get('peak_rss_kib', {}).get('floor_worker', 0) / 1024:.0f}.",
        "",
        "### Where the overhead goes: history events",
        "",
        "Counted in the histories of completed workflows started during each phase (queries leave"
        " no event).",
        "",
        *history_table(run.get("histories", {})),
        "",
        "Requests to the Temporal server's database in the measured window, per workflow"
        " completed in it (the server's `persistence_requests` metric: the shard's upkeep and"
        " the task queues' polls included, as a cluster would see them): writes by operation, then"
        " reads:",
        "",
        *persistence_table(run["phases"]),
        "",
        "### Latency of each step (ms)",
        "",
        "`mail` runs from the confirm request to the e-mail's arrival at the capture server.",
        "",
        *latency_table(
            {"max load": product, "half load": run["half_load"]},
            STEPS,
        ),
        "",
        "Floor (the same steps against Temporal directly):",
        "",
        *latency_table({"floor": floor}, ("create", "details", "confirm", "activate")),
        "",
        f"Sign-in ({run['settings']['sign_in_users']} users, as the client that activated):"
        f" {sign_in.get('per_second', 0.0):.1f}/s, "
        + " / ".join(
            _ms(sign_in.get("latency", {}).get("sign_in", {}).get(k, 0.0))
            for k in ("p50_ms", "p95_ms", "p99_ms")
        )
        + f" ms (p50 / p95 / p99), {sign_ins_per_api_cpu_second(sign_in):.1f} per API"
        f" CPU-second: {sign_in_work(sign_in, run['limit'])}.",
        "",
        "### The newer flows",
        "",
        "`whole` runs from the first request to the end: the challenge answered; the webhook"
        " received by the service's receiver. `webhook` runs from the acceptance to it.",
        "",
        *flow_rows(run),
        "",
        "### `make bench-scale` runs recorded",
        "",
        *(run.get("scale_runs") or ["None yet."]),
        "",
        "### Errors",
        "",
        *errors_of(run["phases"]),
    ]
    return "\n".join(lines)


def scale_report(run: dict[str, Any]) -> str:
    empty, full, fill = run["empty"], run["full"], run["fill"]
    pending = run["pending"]
    worker_mib = run["worker_rss_kib"] / 1024
    per_pending = run["db_growth_bytes"] / pending if pending else 0.0
    rows = []
    worst = worst_scale_change(run)
    for step in STEPS:
        a = empty["latency"].get(step, {})
        b = full["latency"].get(step, {})
        if not (a.get("n") and b.get("n") and a["p99_ms"]):
            rows.append(f"| {step} | {a.get('n', 0)} samples | {b.get('n', 0)} samples | — |")
            continue
        change = b["p99_ms"] / a["p99_ms"] - 1
        rows.append(
            f"| {step} | {_ms(a['p50_ms'])} / {_ms(a['p99_ms'])} |"
            f" {_ms(b['p50_ms'])} / {_ms(b['p99_ms'])} | {change:+.0%} |"
        )
    errors = {**fill.get("errors", {}), **empty.get("errors", {}), **full.get("errors", {})}
    lines = [
        f"Measured {run['machine']['date']} on {run['machine']['cpu']},"
        f" {run['machine']['memory']}.",
        "",
        f"{pending:,} enrollments left at `awaiting_activation` (filled in"
        f" {fill['window_s']:.0f} s, {fill['per_second']:.1f}/s by"
        f" {run['settings']['fill_users']} users).",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| worker RSS < 500 MB with them pending | {worker_mib:.0f} MiB"
        f" (peak {run['worker_peak_kib'] / 1024:.0f} MiB while filling)"
        f" | {_met(worker_mib * 1.048576 < 500)} |",
        f"| new-enrollment p99 within 20 % of the empty system's | largest change {_change(worst)}"
        f" | {_met(worst <= SCALE_CHANGE)} |",
        "",
        f"Temporal database: {run['db_growth_bytes'] / 2**20:.0f} MiB more,"
        f" {per_pending / 1024:.1f} KiB per pending enrollment"
        f" ({run['db_bytes'] / 2**20:.0f} MiB in all).",
        "",
        f"New enrollments at {run['settings']['probe_rate']}/s{_probe_length(run)}, empty"
        f" system vs. {pending:,} pending (p50 / p99, ms){_alternation(run)}:",
        "",
        "| step | empty | with pending | p99 change |",
        "|---|---|---|---|",
        *rows,
        *_neighbour(run),
        "",
        "Errors: "
        + (", ".join(f"{k} × {v}" for k, v in errors.items()) if errors else "none")
        + ".",
    ]
    return "\n".join(lines)


TEMPLATE = """# Benchmarks

What one node of the embedded stack sustains, measured by `make bench` and `make bench-scale`.
The sections between the markers are rewritten by each run; the rest of this page is kept by
hand.

## Latest `make bench`

<!-- bench:latest:start -->
<!-- bench:latest:end -->

## Latest `make bench-scale`

<!-- bench:scale:start -->
<!-- bench:scale:end -->
"""


def write_section(name: str, body: str, page: Path = PAGE) -> None:
    text = page.read_text() if page.exists() else TEMPLATE
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    if start not in text:  # a page edited by hand without this section: add it at the end
        text = f"{text.rstrip()}\n\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"{head}{start}\n{body}\n{end}{tail}")
