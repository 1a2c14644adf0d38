"""The results table: figures against targets, and missing pieces said as such."""

from __future__ import annotations

from pathlib import Path

from benchmarks import report


def results() -> dict:  # type: ignore[type-arg]
    run = {
        "first_frame_s": 3.0,
        "board_s": 4.0,
        "first_frame_cpu_s": 1.0,
        "board_cpu_s": 2.0,
        "filter_last_ms": [10.0, 20.0, 300.0],
        "filter_first_ms": [5.0, 6.0, 7.0],
        "move_commit_ms": [40.0, 60.0],
        "move_repaint_ms": [80.0],
        "log_commit_ms": [],
        "screen_settle_ms": {"board": 100.0},
        "screen_cpu_ms": {"board": 40.0},
        "peak_rss_kb": 200 * 1024,
        "notes": ["not measured: activity log in the TUI (no activity screen)"],
    }
    return {
        "command": "python -m benchmarks --small",
        "backends": {
            "sqlite": {
                "tui": {"runs": [run], "minimal_first_frame_s": [2.0], "minimal_first_frame_cpu_s": [0.5]},
                "queries": [
                    {
                        "name": "velocity",
                        "group": "report",
                        "ms": 150.0,
                        "raw_ms": 100.0,
                        "ratio": 1.5,
                        "statements": 3,
                        "full_scans": [],
                    },
                    {"name": "dashboard", "group": "dashboard", "not_measured": "x.dashboard not present"},
                ],
            },
            "postgresql": {"tui": {"not_measured": "PostgreSQL is not answering on 127.0.0.1:5432"}},
        },
        "import": {"not_measured": "the `import` command is not present"},
    }


def test_figures_are_set_against_their_targets() -> None:
    s = report.summarise(results())["sqlite"]
    assert s["first_frame_ratio"] == 1.5 and s["board_ratio"] == 2.0
    assert s["first_frame_cpu_ratio"] == 2.0
    assert s["filter_p50_ms"] == 20.0 and s["filter_p95_ms"] == 300.0
    assert s["card_move_ms"] == 50.0 and s["rss_mb"] == 200.0
    assert s["activity_log_ms"] is None


def test_table_says_what_was_not_measured(tmp_path: Path) -> None:
    text = report.table(results())
    assert "| first frame / minimal app | 1.50x ✓ | — |" in text
    assert "| peak RSS of the TUI | 200.0 MB ✗ | — |" in text
    assert "| velocity (report) | 150.0 (1.50x, 3) ✓ | not measured |" in text
    assert "not measured: x.dashboard not present" in text
    assert "postgresql: TUI not measured: PostgreSQL is not answering" in text
    assert "import: not measured: the `import` command is not present" in text
    json_path, md_path = report.write(results(), tmp_path)
    assert json_path.exists() and "python -m benchmarks --small" in md_path.read_text()


def paired_results() -> dict:  # type: ignore[type-arg]
    base = results()
    run = base["backends"]["sqlite"]["tui"]["runs"][0]
    quick = {**run, "minimal_s": 1.0, "minimal_cpu_s": 0.5, "board_s": 2.0, "board_cpu_s": 1.0, "load_average": [1.0]}
    slow = {**run, "minimal_s": 4.0, "minimal_cpu_s": 1.0, "board_s": 6.0, "board_cpu_s": 1.5, "load_average": [6.5]}
    base["backends"]["sqlite"]["tui"] = {
        "runs": [quick, slow],
        "minimal_first_frame_s": [1.0, 4.0],
        "minimal_first_frame_cpu_s": [0.5, 1.0],
        "datatable_pairs": [{"minimal_s": 2.0, "minimal_cpu_s": 1.0, "first_data_s": 7.0, "cpu_s": 5.0}],
    }
    return base


def test_ratios_are_each_launch_over_the_minimal_launch_just_before_it() -> None:
    """A load spike during one pair moves both of its launches, not the ratio."""
    s = report.summarise(paired_results())["sqlite"]
    assert s["board_ratio"] == 1.75  # median of 2.0 and 1.5 (pooled medians would say 4.0 / 2.5 = 1.6)
    assert s["board_cpu_ratio"] == 1.75
    assert s["load_average"] == "1.00–6.50"
    assert s["datatable_ratio"] == 3.5 and s["datatable_cpu_ratio"] == 5.0
    text = report.table(paired_results())
    assert "| board with data / minimal app (same-run pairs) | 1.75x ✓ | — |" in text
    assert "| load average (1 min) over the launches | 1.00–6.50 | — |" in text


def test_every_screen_is_set_against_the_target_of_its_store() -> None:
    small = report.table(results())
    assert "| first open of board, key → settled | 100.0 ms ✓ | — | ≤ 300 ms |" in small
    large = report.table({**results(), "size": "large"})
    assert "| first open of board, key → settled | 100.0 ms ✓ | — | ≤ 500 ms |" in large


def test_the_scaling_table_has_a_column_per_size() -> None:
    text = report.scaling_table({"1k": results(), "10k": paired_results()})
    assert text.splitlines()[0] == "| figure (medians) | 1k | 10k | target |"
    assert "| sqlite: board with data / minimal app (pairs) | 2.00x ✓ | 1.75x ✓ | ≤ 2 x minimal app |" in text
    assert "| sqlite: slowest screen's first open | 100.0 ms ✓ | 100.0 ms ✓ | ≤ 300 ms (large: ≤ 500 ms) |" in text


def test_log_call_and_the_import_are_set_against_the_issues_targets() -> None:
    assert report.TARGETS["cli_log_s"][0] == 0.4 and report.TARGETS["import_s"][0] == 2.0
    text = report.table(
        {**results(), "backends": {"sqlite": {**results()["backends"]["sqlite"], "cli": {"log_call_s": 0.5}}}}
    )
    assert "| `salessprint log call` whole command | 0.50 s ✗ | ≤ 0.4 s |" in text


def test_each_first_open_shows_the_apps_cpu_time_beside_it() -> None:
    text = report.table(results())
    assert "| first open of board, the app's CPU time | 40.0 ms | — |  |" in text
