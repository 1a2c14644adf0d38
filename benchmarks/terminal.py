"""Driving an app in a real terminal: a tmux pane, keys in, text out.

Each pane runs on a private tmux server (`-L salessprint-bench`), so the
benchmark never touches anybody's own tmux sessions. Times are taken with
`time.perf_counter()` around `tmux send-keys` and by polling
`tmux capture-pane` (a few milliseconds per poll): they include everything
a user waits for, from the keystroke to the characters on the screen.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SOCKET = f"salessprint-bench-{os.getpid()}"
START_ATTEMPTS = 5
_counter = itertools.count(1)

# Textual key names -> tmux key names (single characters are sent literally).
TMUX_KEYS = {
    "slash": "/",
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "question_mark": "?",
    "shift+right": "S-Right",
    "shift+left": "S-Left",
    "shift+up": "S-Up",
    "shift+down": "S-Down",
    "escape": "Escape",
    "enter": "Enter",
    "backspace": "BSpace",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "tab": "Tab",
    "space": "Space",
    "ctrl+s": "C-s",
    "ctrl+u": "C-u",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
}


def tmux_key(textual_key: str) -> str:
    if len(textual_key) == 1:
        return textual_key
    if re.fullmatch(r"f\d{1,2}", textual_key):
        return textual_key.upper()
    if textual_key in TMUX_KEYS:
        return TMUX_KEYS[textual_key]
    raise KeyError(f"no tmux name for Textual key {textual_key!r}")


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False)


@dataclass(frozen=True)
class Settled:
    first_change: float | None
    last_change: float | None
    text: str


class Pane:
    """One program running in a detached tmux pane of a fixed size."""

    def __init__(
        self, argv: list[str], env: dict[str, str], *, width: int = 160, height: int = 48, cwd: Path | None = None
    ) -> None:
        self.name = f"bench{os.getpid()}_{next(_counter)}"
        assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        cd = f"cd {shlex.quote(str(cwd))} && " if cwd else ""
        command = f"{cd}exec env {assigns} {shlex.join(argv)}"
        for attempt in range(START_ATTEMPTS):
            self.started = time.perf_counter()
            done = _tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command)
            # The previous pane's kill-session may still be shutting the private server down.
            if done.returncode == 0 or "server exited" not in done.stderr or attempt == START_ATTEMPTS - 1:
                break
            time.sleep(0.1)
        if done.returncode != 0:
            raise RuntimeError(f"tmux could not start the pane: {done.stderr.strip()}")
        _tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def capture(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name).stdout

    def pid(self) -> int | None:
        out = _tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").stdout.strip()
        return int(out) if out.isdigit() else None

    def dead(self) -> bool:
        return _tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").stdout.strip() == "1"

    def send(self, key: str, *, literal: bool = False) -> float:
        """Send one key; returns the time just before it was sent."""
        t = time.perf_counter()
        if literal:
            _tmux("send-keys", "-t", self.name, "-l", key)
        else:
            _tmux("send-keys", "-t", self.name, key)
        return t

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 60.0) -> float | None:
        """Poll the screen until `predicate(text)`; the time it first held, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            text = self.capture()
            now = time.perf_counter()
            if predicate(text):
                return now
            if self.dead():
                return None
            time.sleep(0.002)
        return None

    def settle(
        self,
        since: float,
        *,
        quiet: float = 0.5,
        timeout: float = 10.0,
        baseline: str | None = None,
        require_change: bool = False,
    ) -> Settled:
        """Watch the screen from `since` until it has not changed for `quiet` seconds.

        Gives the times of the first and the last change (None if nothing
        changed) and the final text. A debounce shorter than `quiet` is thus
        included in the last change. With `require_change`, quiet only counts
        after a first change (a slow app is waited for, up to `timeout`).
        """
        last_text = self.capture() if baseline is None else baseline
        first = last_text
        first_change: float | None = None
        last_change: float | None = None
        deadline = since + timeout
        while True:
            now = time.perf_counter()
            if now > deadline:
                break
            if (last_change is not None or not require_change) and now - (last_change or since) > quiet:
                break
            text = self.capture()
            t = time.perf_counter()
            if text != last_text:
                last_text, last_change = text, t
                first_change = first_change or t
            time.sleep(0.002)
        if last_change is None and first != last_text:
            first_change = last_change = since
        return Settled(first_change, last_change, last_text)

    def frames(
        self,
        since: float,
        *,
        baseline: str,
        quiet: float,
        timeout: float,
        done: Callable[[], bool] = lambda: True,
    ) -> list[tuple[float, str]]:
        """Every screen that differed from the one before it, from `since`, with
        the time its capture returned (never earlier than the screen was there).

        Watches until there was a change, `done()` holds and the screen has not
        changed for `quiet` seconds since; or until `timeout`."""
        out: list[tuple[float, str]] = []
        last_text, last_change = baseline, None
        deadline = since + timeout
        while True:
            now = time.perf_counter()
            if now > deadline or (last_change is not None and now - last_change > quiet and done()):
                break
            text = self.capture()
            t = time.perf_counter()
            if text != last_text:
                out.append((t, text))
                last_text, last_change = text, t
            time.sleep(0.002)
        return out

    def close(self) -> None:
        _tmux("kill-session", "-t", self.name)


def memory_of(pid: int) -> dict[str, int]:
    """Peak and current resident memory of a process in kB, from /proc."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (robust to a busy machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tmux_available() -> bool:
    try:
        return subprocess.run(["tmux", "-V"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False
