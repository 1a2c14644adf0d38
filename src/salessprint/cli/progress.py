"""Progress of a long command (import, restore, export, demo) on the terminal.

`Progress(label)` is the `progress(done, total)` callback the services take.
On a terminal it draws one line on stderr with Rich's progress display (the
one Textual ships): the label, a bar, done/total, the rate and the time left.
When stderr is not a terminal (piped, redirected, a cron job) it draws
nothing, and Rich is not even imported. Small jobs (under `min_total`) draw
nothing either: they are over before a bar is worth reading.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


def _rate_column(unit: str) -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        """Units a second, from Rich's moving estimate."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} {unit}/s", style="progress.data.speed")

    return Rate()


class Progress:
    """progress(done, total), drawn on stderr only when it is a terminal."""

    def __init__(self, label: str, unit: str = "rows", *, min_total: int = 500, stream: IO[str] | None = None) -> None:
        self.label = label
        self.unit = unit
        self.min_total = min_total
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.live or total < self.min_total:
            return
        if self._bar is None:
            self._start(total)
        assert self._bar is not None and self._task is not None
        self._bar.update(self._task, completed=min(done, total), total=total)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        console = Console(file=self.stream, force_terminal=True, stderr=self.stream is sys.stderr)
        self._bar = RichProgress(
            TextColumn(self.label, markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit, markup=False),
            _rate_column(self.unit),
            TextColumn("left", markup=False),
            TimeRemainingColumn(),
            console=console,
            refresh_per_second=8,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()
