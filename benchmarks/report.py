"""Turning raw measurements into figures against the issue's targets.

`summarise()` reduces each backend's raw samples to medians and p95s and
sets each figure beside its target; `table()` renders them for a terminal or
the README; `write()` saves bench/results.json (raw samples included) and
bench/results.md.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

TARGETS: dict[str, tuple[float, str]] = {
    "first_frame_ratio": (1.5, "x minimal app"),
    "board_ratio": (2.0, "x minimal app"),
    "filter_p95_ms": (50.0, "ms"),
    "card_move_ms": (50.0, "ms"),
    "activity_log_ms": (50.0, "ms"),
    "report_ms": (200.0, "ms"),
    "report_raw_ratio": (2.0, "x raw driver"),
    "import_s": (2.0, "s"),
    "cli_log_s": (0.4, "s"),
    "rss_mb": (150.0, "MB"),
    "screen_demo_ms": (300.0, "ms"),
    "screen_large_ms": (500.0, "ms"),
}
SCREEN_TARGET = {"large": "screen_large_ms"}
"""Each screen's first open: within 300 ms on the demo (and small) stores, 500 ms on the large one."""


def pair_ratios(runs: list[dict[str, Any]], key: str, minimal_key: str) -> list[float]:
    """Each launch's figure over the minimal launch just before it (same-run pairs)."""
    return [r[key] / r[minimal_key] for r in runs if r.get(key) and r.get(minimal_key)]


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3)


def _verdict(value: float | None, key: str) -> str:
    if value is None:
        return "not measured"
    return "ok" if value <= TARGETS[key][0] else "MISSED"


def summarise_backend(data: dict[str, Any]) -> dict[str, Any]:
    """Figures of one backend from its raw samples."""
    s: dict[str, Any] = {"notes": []}
    tui = data.get("tui") or {}
    runs = tui.get("runs", [])
    if tui.get("error") or tui.get("not_measured"):
        s["notes"].append(f"TUI not measured: {tui.get('error') or tui.get('not_measured')}")
    minimal = median(tui.get("minimal_first_frame_s", []))
    first = median([r["first_frame_s"] for r in runs if r.get("first_frame_s") is not None])
    board = median([r["board_s"] for r in runs if r.get("board_s") is not None])
    s["minimal_first_frame_s"] = minimal
    s["first_frame_s"] = first
    s["board_s"] = board
    paired = [r for r in runs if r.get("minimal_s")]
    if paired:  # same-run pairs: the median of each launch over its own minimal launch
        s["first_frame_ratio"] = median(pair_ratios(paired, "first_frame_s", "minimal_s"))
        s["board_ratio"] = median(pair_ratios(paired, "board_s", "minimal_s"))
    else:
        s["first_frame_ratio"] = round(first / minimal, 2) if first and minimal else None
        s["board_ratio"] = round(board / minimal, 2) if board and minimal else None
    # CPU seconds used by then: what a busy, shared machine cannot inflate.
    minimal_cpu = median(tui.get("minimal_first_frame_cpu_s", []))
    first_cpu = median([r["first_frame_cpu_s"] for r in runs if r.get("first_frame_cpu_s") is not None])
    board_cpu = median([r["board_cpu_s"] for r in runs if r.get("board_cpu_s") is not None])
    s["minimal_first_frame_cpu_s"], s["first_frame_cpu_s"], s["board_cpu_s"] = minimal_cpu, first_cpu, board_cpu
    if paired:
        s["first_frame_cpu_ratio"] = median(pair_ratios(paired, "first_frame_cpu_s", "minimal_cpu_s"))
        s["board_cpu_ratio"] = median(pair_ratios(paired, "board_cpu_s", "minimal_cpu_s"))
    else:
        s["first_frame_cpu_ratio"] = round(first_cpu / minimal_cpu, 2) if first_cpu and minimal_cpu else None
        s["board_cpu_ratio"] = round(board_cpu / minimal_cpu, 2) if board_cpu and minimal_cpu else None
    loads = [r["load_average"][0] for r in runs if r.get("load_average")]
    s["load_average"] = f"{min(loads):.2f}–{max(loads):.2f}" if loads else None
    peers = [p for p in tui.get("datatable_pairs", []) if p.get("first_data_s") and p.get("minimal_s")]
    s["datatable_s"] = median([p["first_data_s"] for p in peers])
    s["datatable_ratio"] = median([p["first_data_s"] / p["minimal_s"] for p in peers])
    s["datatable_cpu_ratio"] = median(
        [p["cpu_s"] / p["minimal_cpu_s"] for p in peers if p.get("cpu_s") and p.get("minimal_cpu_s")]
    )
    s.update(summarise_kanban(tui.get("kanban")))
    last = [x for r in runs for x in r.get("filter_last_ms", [])]
    echo = [x for r in runs for x in r.get("filter_first_ms", [])]
    s["filter_p50_ms"], s["filter_p95_ms"] = median(last), p95(last)
    s["filter_echo_p95_ms"] = p95(echo)
    s["filter_samples"] = len(last)
    moves = [x for r in runs for x in r.get("move_commit_ms", [])]
    s["card_move_ms"], s["card_move_p95_ms"] = median(moves), p95(moves)
    s["card_move_repaint_ms"] = median([x for r in runs for x in r.get("move_repaint_ms", [])])
    logs = [x for r in runs for x in r.get("log_commit_ms", [])]
    s["activity_log_ms"] = median(logs)
    writes = data.get("writes") or {}
    s["log_activity_service_ms"] = writes.get("log_activity_ms")
    s["move_card_service_ms"] = writes.get("move_card_ms")
    s["cli_log_s"] = (data.get("cli") or {}).get("log_call_s")
    s["cli_log_cpu_s"] = (data.get("cli") or {}).get("log_call_cpu_s")
    rss = [r["peak_rss_kb"] for r in runs if r.get("peak_rss_kb")]
    s["rss_mb"] = round(max(rss) / 1024, 1) if rss else None
    screens: dict[str, list[float]] = {}
    for r in runs:
        for mode, ms in r.get("screen_settle_ms", {}).items():
            screens.setdefault(mode, []).append(ms)
    s["screen_switch_ms"] = {mode: median(v) for mode, v in screens.items()}
    screen_cpu: dict[str, list[float]] = {}
    for r in runs:
        for mode, ms in r.get("screen_cpu_ms", {}).items():
            screen_cpu.setdefault(mode, []).append(ms)
    s["screen_cpu_ms"] = {mode: median(v) for mode, v in screen_cpu.items()}
    for r in runs[:1]:
        s["notes"].extend(r.get("notes", []))
    gen = data.get("generate") or {}
    s["generate_s"] = gen.get("seconds")
    s["generate_cached"] = gen.get("cached")
    s["queries"] = data.get("queries", [])
    return s


KANBAN_KEYS = (
    "kanban_tasks",
    "kanban_load",
    "kanban_s",
    "kanban_ratio",
    "kanban_cpu_s",
    "kanban_cpu_ratio",
    "kanban_rss_mb",
)


def summarise_kanban(data: dict[str, Any] | None) -> dict[str, Any]:
    """The kanban-tui peer's figures: medians of its launches that showed a task, each over
    the minimal launch just before it; a board that never showed one within the timeout is
    "timed out after N s", and what it had used by then is given as a lower bound (≥)."""
    s: dict[str, Any] = dict.fromkeys(KANBAN_KEYS)
    if not data:
        return s
    if data.get("measured_in"):
        s["kanban_measured_in"] = data["measured_in"]
        return s
    launches = data.get("launches", [])
    if data.get("not_measured") and not launches:
        s["kanban_s"] = f"not measured: {data['not_measured']}"
        return s
    s["kanban_tasks"] = f"{data.get('tasks', 0):,} ({'once per size' if data.get('once_per_size') else 'every run'})"
    loads = [r["load_average"][0] for r in launches if r.get("load_average")]
    s["kanban_load"] = f"{min(loads):.2f}–{max(loads):.2f}" if loads else None
    shown = [r for r in launches if r.get("first_task_s") is not None]
    if shown:
        s["kanban_s"] = median([r["first_task_s"] for r in shown])
        s["kanban_ratio"] = median(pair_ratios(shown, "first_task_s", "minimal_s"))
        s["kanban_cpu_s"] = median([r["cpu_s"] for r in shown if r.get("cpu_s") is not None])
        s["kanban_cpu_ratio"] = median(pair_ratios(shown, "cpu_s", "minimal_cpu_s"))
        rss = [r["peak_rss_kb"] for r in shown if r.get("peak_rss_kb")]
        s["kanban_rss_mb"] = round(max(rss) / 1024, 1) if rss else None
        return s
    timed_out = [r for r in launches if r.get("timed_out_s")]
    if not timed_out:
        notes = [r["note"] for r in launches if r.get("note")]
        s["kanban_s"] = f"not measured: {notes[0] if notes else data.get('not_measured', 'no launch')}"
        return s
    r = timed_out[0]
    s["kanban_s"] = f"timed out after {r['timed_out_s']:g} s"
    if r.get("minimal_s"):
        s["kanban_ratio"] = f"> {r['timed_out_s'] / r['minimal_s']:,.0f}x"
    if r.get("cpu_s") is not None:
        s["kanban_cpu_s"] = f"≥ {r['cpu_s']:,.1f} s"
        if r.get("minimal_cpu_s"):
            s["kanban_cpu_ratio"] = f"≥ {r['cpu_s'] / r['minimal_cpu_s']:,.0f}x"
    if r.get("peak_rss_kb"):
        s["kanban_rss_mb"] = f"≥ {r['peak_rss_kb'] / 1024:,.1f} MB"
    return s


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    out = {b: summarise_backend(d) for b, d in results.get("backends", {}).items()}
    for s in out.values():  # kanban-tui does not use the store's backend: a large board is launched once
        source = s.pop("kanban_measured_in", None)
        if source in out:
            s.update({k: out[source].get(k) for k in KANBAN_KEYS})
            s["notes"].append(f"kanban-tui: launched once for this store size, in the {source} run (the same figures)")
    return out


SCALING_ROWS: tuple[tuple[str, str, str, str | None], ...] = (
    ("board with data / minimal app (pairs)", "board_ratio", "x", "board_ratio"),
    ("CPU to board / minimal app's (pairs)", "board_cpu_ratio", "x", "board_ratio"),
    ("filter keystroke → repaint p50", "filter_p50_ms", " ms", None),
    ("filter keystroke → repaint p95", "filter_p95_ms", " ms", "filter_p95_ms"),
    ("card move keystroke → repainted", "card_move_repaint_ms", " ms", "card_move_ms"),
    ("card move keystroke → committed", "card_move_ms", " ms", None),
    ("DataTable peer / minimal app (pairs)", "datatable_ratio", "x", None),
    ("kanban-tui peer: tasks", "kanban_tasks", "", None),
    ("kanban-tui peer, first task on screen", "kanban_s", " s", None),
    ("kanban-tui peer / minimal app (pairs)", "kanban_ratio", "x", None),
    ("kanban-tui peer CPU / minimal app's (pairs)", "kanban_cpu_ratio", "x", None),
    ("kanban-tui peer peak RSS", "kanban_rss_mb", " MB", None),
    ("slowest screen's first open", "slowest_screen_ms", " ms", "screen_demo_ms"),
    ("`log call` whole command", "cli_log_s", " s", "cli_log_s"),
    ("peak RSS of the TUI", "rss_mb", " MB", "rss_mb"),
    ("load average (1 min) during the launches", "load_average", "", None),
)


def scaling_table(by_size: dict[str, dict[str, Any]]) -> str:
    """`--sizes 1k,10k,100k`: one column per size (each a whole results dict), per backend."""
    sizes = list(by_size)
    lines = ["| figure (medians) | " + " | ".join(sizes) + " | target |", "|" + "---|" * (len(sizes) + 2)]
    summaries = {size: summarise(res) for size, res in by_size.items()}
    backends = list(dict.fromkeys(b for s in summaries.values() for b in s))
    for backend in backends:
        for label, key, unit, target in SCALING_ROWS:
            cells = []
            for size in sizes:
                fig = summaries[size].get(backend, {})
                value = fig.get(key)
                goal = target
                if key == "slowest_screen_ms":
                    value = max((v for v in fig.get("screen_switch_ms", {}).values() if v is not None), default=None)
                    goal = SCREEN_TARGET.get(str(by_size[size].get("size")), "screen_demo_ms")
                cell = _fmt(value, unit)
                if goal and isinstance(value, (int, float)):
                    cell += " ✓" if value <= TARGETS[goal][0] else " ✗"
                cells.append(cell)
            wanted = ""
            if target == "screen_demo_ms":
                wanted = f"≤ {TARGETS['screen_demo_ms'][0]:g} ms (large: ≤ {TARGETS['screen_large_ms'][0]:g} ms)"
            elif target:
                wanted = f"≤ {TARGETS[target][0]:g} {TARGETS[target][1]}"
            lines.append(f"| {backend}: {label} | " + " | ".join(cells) + f" | {wanted} |")
    return "\n".join(lines)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, str):  # says its own unit, or why there is no number
        return value
    if isinstance(value, float):
        text = f"{value:,.2f}" if value < 10 else f"{value:,.0f}" if value >= 1000 else f"{value:,.1f}"
    else:
        text = str(value)
    return f"{text}{unit}"


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table, one column per backend."""
    summary = summarise(results)
    backends = list(summary)
    head = "| figure | " + " | ".join(backends) + " | target |"
    lines = [head, "|" + "---|" * (len(backends) + 2)]

    def row(label: str, key: str, unit: str = "", target: str | None = None) -> None:
        cells = []
        for b in backends:
            value = summary[b].get(key)
            cell = _fmt(value, unit)
            if target and value is not None:
                cell += " ✓" if value <= TARGETS[target][0] else " ✗"
            cells.append(cell)
        goal = f"≤ {TARGETS[target][0]:g} {TARGETS[target][1]}" if target else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")

    row("load average (1 min) over the launches", "load_average")
    row("generate the store (s)", "generate_s", " s")
    row("minimal Textual app, first frame", "minimal_first_frame_s", " s")
    row("salessprint first frame", "first_frame_s", " s")
    row("first frame / minimal app", "first_frame_ratio", "x", "first_frame_ratio")
    row("board with data (the first frame with the team's data)", "board_s", " s")
    row("board with data / minimal app (same-run pairs)", "board_ratio", "x", "board_ratio")
    row("CPU time to first frame / minimal app's", "first_frame_cpu_ratio", "x", "first_frame_ratio")
    row("CPU time to board with data / minimal app's (pairs)", "board_cpu_ratio", "x", "board_ratio")
    row("DataTable peer, first frame with the open deals", "datatable_s", " s")
    row("DataTable peer / minimal app (pairs)", "datatable_ratio", "x")
    row("DataTable peer CPU / minimal app's (pairs)", "datatable_cpu_ratio", "x")
    row("kanban-tui peer: tasks (the active sprint's cards), launched", "kanban_tasks")
    row("kanban-tui peer: load average (1 min) at its launches", "kanban_load")
    row("kanban-tui peer, first frame showing a task", "kanban_s", " s")
    row("kanban-tui peer / minimal app (pairs)", "kanban_ratio", "x")
    row("kanban-tui peer CPU time by then", "kanban_cpu_s", " s")
    row("kanban-tui peer CPU / minimal app's (pairs)", "kanban_cpu_ratio", "x")
    row("kanban-tui peer peak RSS by then", "kanban_rss_mb", " MB")
    row("backlog filter keystroke → repaint p50", "filter_p50_ms", " ms")
    row("backlog filter keystroke → repaint p95", "filter_p95_ms", " ms", "filter_p95_ms")
    row("backlog filter keystroke → first change p95", "filter_echo_p95_ms", " ms")
    row("card move keystroke → repainted (median)", "card_move_repaint_ms", " ms", "card_move_ms")
    row("card move keystroke → committed (median)", "card_move_ms", " ms")
    row("activity log keystroke → committed (TUI)", "activity_log_ms", " ms", "activity_log_ms")
    row("log_activity service call", "log_activity_service_ms", " ms")
    row("move_card service call", "move_card_service_ms", " ms")
    row("`salessprint log call` whole command", "cli_log_s", " s", "cli_log_s")
    row("`salessprint log call` CPU time", "cli_log_cpu_s", " s")
    row("peak RSS of the TUI", "rss_mb", " MB", "rss_mb")
    for b in backends:
        for mode, ms in summary[b]["screen_switch_ms"].items():
            key = f"switch to {mode} (settled)"
            summary[b][key] = ms
    modes = list(dict.fromkeys(m for b in backends for m in summary[b]["screen_switch_ms"]))
    screen_target = SCREEN_TARGET.get(str(results.get("size")), "screen_demo_ms")
    for b in backends:
        for mode, ms in summary[b]["screen_cpu_ms"].items():
            summary[b][f"cpu of {mode}"] = ms
    for mode in modes:
        row(f"first open of {mode}, key → settled", f"switch to {mode} (settled)", " ms", screen_target)
        if any(summary[b]["screen_cpu_ms"] for b in backends):
            row(f"first open of {mode}, the app's CPU time", f"cpu of {mode}", " ms")
    imp = results.get("import") or {}
    for b in backends:
        summary[b]["import_s"] = (imp.get(b) or {}).get("seconds")
        summary[b]["import_cpu_s"] = (imp.get(b) or {}).get("cpu_s")
    row("import 8,800 deals (maven), whole command", "import_s", " s", "import_s")
    row("import 8,800 deals, CPU time of the command", "import_cpu_s", " s")

    # Service queries: one row each, "ms (x raw)".
    names: list[str] = []
    for b in backends:
        for q in summary[b]["queries"]:
            if q["name"] not in names:
                names.append(q["name"])
    qlines = [
        "",
        "| query (group) | " + " | ".join(f"{b} ms (x raw, statements)" for b in backends) + " | target |",
        "|" + "---|" * (len(backends) + 2),
    ]
    for name in names:
        cells = []
        group = ""
        for b in backends:
            q = next((q for q in summary[b]["queries"] if q["name"] == name), None)
            if q is None or "ms" not in q:
                cells.append("not measured" + (f": {q['not_measured']}" if q else ""))
                continue
            group = q["group"]
            ok = ""
            if group in ("report", "dashboard"):
                good = q["ms"] <= TARGETS["report_ms"][0] and (q.get("ratio") or 0) <= TARGETS["report_raw_ratio"][0]
                ok = " ✓" if good else " ✗"
            scans = f", full scan: {', '.join(q['full_scans'])}" if q.get("full_scans") else ""
            cells.append(f"{_fmt(q['ms'])} ({_fmt(q.get('ratio'), 'x')}, {q['statements']}){ok}{scans}")
            group = q["group"]
        goal = "≤ 200 ms and ≤ 2x raw" if group in ("report", "dashboard") else ""
        qlines.append(f"| {name} ({group or '?'}) | " + " | ".join(cells) + f" | {goal} |")
    notes = [f"- {b}: {n}" for b in backends for n in summary[b]["notes"]]
    if imp.get("not_measured"):
        notes.append(f"- import: not measured: {imp['not_measured']}")
    out = "\n".join(lines + qlines)
    if notes:
        out += "\n\nNotes:\n" + "\n".join(notes)
    return out


def write(results: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    results = dict(results)
    results["summary"] = {b: {k: v for k, v in s.items() if k != "queries"} for b, s in summarise(results).items()}
    json_path = folder / "results.json"
    json_path.write_text(json.dumps(results, indent=2, default=str))
    md_path = folder / "results.md"
    md_path.write_text(f"Command: `{results.get('command')}` ({results.get('started')})\n\n{table(results)}\n")
    return json_path, md_path
