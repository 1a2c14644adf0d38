"""Starting a pane on the benchmark's private tmux server."""

from __future__ import annotations

import subprocess
import time

import pytest

from benchmarks import terminal


def test_a_pane_starts_while_the_previous_one_is_still_shutting_the_server_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing the last pane makes the server exit; a new-session that races it fails with
    "server exited unexpectedly" and is tried again instead of ending the whole benchmark."""
    calls: list[tuple[str, ...]] = []

    def tmux(*args: str) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        racing = args[0] == "new-session" and sum(c[0] == "new-session" for c in calls) < 3
        if racing:
            return subprocess.CompletedProcess(args, 1, "", "server exited unexpectedly")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(terminal, "_tmux", tmux)
    monkeypatch.setattr(time, "sleep", lambda _s: None)
    terminal.Pane(["true"], {})
    assert [c[0] for c in calls] == ["new-session", "new-session", "new-session", "set-option"]


def test_other_start_failures_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []

    def tmux(*args: str) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, 1, "", "unknown option")

    monkeypatch.setattr(terminal, "_tmux", tmux)
    with pytest.raises(RuntimeError, match="unknown option"):
        terminal.Pane(["true"], {})
    assert len(calls) == 1
