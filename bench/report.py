"""The report: Markdown tables printed at the end of a run and kept in docs/benchmarks.md.

The script rewrites only the parts between its markers; the rest of the page (the tuning
history, kept by hand) stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devstack.stack import ROOT

PAGE = ROOT / "docs" / "benchmarks.md"
PRODUCT_PROCESSES = ("api", "worker", "temporal")
FLOOR_PROCESSES = ("floor_worker", "temporal", "driver")
# Every step the latency targets cover; `mail` runs from the confirm request to the e-mail's
# arrival at the capture server.
STEPS = ("create", "details", "confirm", "mail", "activate", "pdf")
P99_TARGET_MS = 300.0


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def cpu_ms_per(phase: dict[str, Any], processes: tuple[str, ...]) -> dict[str, float]:
    done = phase.get("completed") or 0
    cpu: dict[str, float] = phase.get("cpu_s", {})
    per = {name: 1000 * cpu.get(name, 0.0) / done if done else 0.0 for name in processes}
    return per | {"total": sum(per.values())}


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


def main_report(run: dict[str, Any]) -> str:
    product, floor = run["product"], run["floor"]
    half, sign_in = run["half_load"], run["sign_in"]
    cores = run["cores"]
    product_cpu = cpu_ms_per(product, PRODUCT_PROCESSES)
    floor_cpu = cpu_ms_per(floor, FLOOR_PROCESSES)
    ratio = product["per_second"] / floor["per_second"] if floor["per_second"] else 0.0
    cpu_ratio = product_cpu["total"] / floor_cpu["total"] if floor_cpu["total"] else 0.0
    errors = sum(sum(p.get("errors", {}).values()) for p in run["phases"].values())
    worst_p99 = max((half["latency"].get(s, {}).get("p99_ms", 0.0) for s in STEPS), default=0.0)
    sign_ins = sign_in.get("per_second", 0.0)
    api_cpu = sign_in.get("cpu_s", {}).get("api", 0.0)
    per_api_cpu_second = sign_in.get("completed", 0) / api_cpu if api_cpu else 0.0
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
        "| target | measured | |",
        "|---|---|---|",
        f"| completed enrollments/s ≥ 0.6 × floor, zero errors | {product['per_second']:.2f}/s"
        f" = {ratio:.2f} × floor ({floor['per_second']:.2f}/s), {errors} errors"
        f" | {_met(ratio >= 0.6 and errors == 0)} |",
        f"| CPU per completed enrollment ≤ 2 × floor's | {product_cpu['total']:.0f} ms ="
        f" {cpu_ratio:.2f} × floor ({floor_cpu['total']:.0f} ms) | {_met(cpu_ratio <= 2)} |",
        f"| p99 < {P99_TARGET_MS:.0f} ms for every step, mail included, at half the maximum load"
        f" ({half['offered_rate']:.2f}/s offered) | worst step p99 {_ms(worst_p99)} ms"
        f" | {_met(worst_p99 < P99_TARGET_MS)} |",
        f"| sign-ins ≥ 30/s per core (argon2id 19 MiB, t=2, p=1) | {sign_ins / cores:.1f}/s per"
        f" core ({sign_ins:.1f}/s on {cores} cores; {per_api_cpu_second:.1f} per API CPU-second)"
        f" | {_met(sign_ins / cores >= 30)} |",
        "",
        "For scale: a widely used identity server publishes 15 password sign-ins per second per"
        " vCPU for its own sizing.",
        "",
        "### Throughput and cost per completed enrollment",
        "",
        "| | product | floor | product / floor |",
        "|---|---|---|---|",
        f"| completed per second ({run['settings']['users']} users, closed loop) |"
        f" {product['per_second']:.2f} | {floor['per_second']:.2f} | {ratio:.2f} |",
        f"| CPU ms per enrollment, total | {product_cpu['total']:.0f} |"
        f" {floor_cpu['total']:.0f} | {cpu_ratio:.2f} |",
        f"| — Temporal server | {product_cpu['temporal']:.0f} | {floor_cpu['temporal']:.0f} | |",
        f"| — worker | {product_cpu['worker']:.0f} | {floor_cpu['floor_worker']:.0f} | |",
        f"| — API (floor: its Temporal client) | {product_cpu['api']:.0f} |"
        f" {floor_cpu['driver']:.0f} | |",
        "",
        "Peak RSS during the phase (MiB): "
        + ", ".join(
            f"{name} {kib / 1024:.0f}"
            for name, kib in product.get("peak_rss_kib", {}).items()
            if name in PRODUCT_PROCESSES
        )
        + f"; floor worker {floor.get('peak_rss_kib', {}).get('floor_worker', 0) / 1024:.0f}.",
        "",
        "### Latency of each step (ms)",
        "",
        "`mail` runs from the confirm request to the e-mail's arrival at the capture server.",
        "",
        *latency_table(
            {"max load": product, "half load": half},
            STEPS,
        ),
        "",
        "Floor (the same steps against Temporal directly):",
        "",
        *latency_table({"floor": floor}, ("create", "details", "confirm", "activate")),
        "",
        f"Sign-in ({run['settings']['sign_in_users']} users): "
        + " / ".join(
            _ms(sign_in.get("latency", {}).get("sign_in", {}).get(k, 0.0))
            for k in ("p50_ms", "p95_ms", "p99_ms")
        )
        + " ms (p50 / p95 / p99).",
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
    worst = -1.0
    for step in STEPS:
        a = empty["latency"].get(step, {})
        b = full["latency"].get(step, {})
        if not a or not b:
            continue
        change = b["p99_ms"] / a["p99_ms"] - 1 if a["p99_ms"] else 0.0
        worst = max(worst, change)
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
        f"| new-enrollment p99 within 20 % of the empty system's | largest change {worst:+.0%}"
        f" | {_met(worst <= 0.20)} |",
        "",
        f"Temporal database: {run['db_growth_bytes'] / 2**20:.0f} MiB more,"
        f" {per_pending / 1024:.1f} KiB per pending enrollment"
        f" ({run['db_bytes'] / 2**20:.0f} MiB in all).",
        "",
        f"New enrollments at {run['settings']['probe_rate']}/s, empty system vs."
        f" {pending:,} pending (p50 / p99, ms):",
        "",
        "| step | empty | with pending | p99 change |",
        "|---|---|---|---|",
        *rows,
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
