"""A goal as a progress bar: label, bar filling as I log, done / target."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

KIND_LABELS = {
    "call": "Calls", "meeting": "Meetings", "email": "Emails",
    "note": "Notes", "demo": "Demos", "proposal": "Proposals",
}


class GoalBar(Horizontal):
    """One activity kind's progress towards its target over a period.

    Classes: `met` when the target is reached, `behind` when under the pace
    expected by today, `untargeted` when there is no target.
    """

    DEFAULT_CSS = """
    GoalBar {
        height: 1;
        width: 1fr;
    }
    GoalBar > .goal-name {
        width: 10;
    }
    GoalBar > ProgressBar {
        width: 1fr;
    }
    GoalBar > ProgressBar > Bar {
        width: 1fr;
    }
    GoalBar > ProgressBar > Bar > .bar--bar {
        color: $goal-bar;
        background: $surface;
    }
    GoalBar.behind > ProgressBar > Bar > .bar--bar {
        color: $goal-behind;
    }
    GoalBar > ProgressBar > Bar > .bar--complete {
        color: $goal-bar;
        background: $surface;
    }
    GoalBar.untargeted > ProgressBar {
        display: none;
    }
    GoalBar > .goal-count {
        width: 16;
        padding-left: 1;
    }
    GoalBar.met > .goal-count {
        color: $goal-bar;
        text-style: bold;
    }
    GoalBar.behind > .goal-count {
        color: $goal-behind;
    }
    GoalBar.untargeted > .goal-count {
        width: 1fr;
        color: $text-muted;
    }
    """

    def __init__(self, kind: str, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.kind = kind
        self.done = 0
        self.target: int | None = None

    def compose(self) -> ComposeResult:
        yield Label(KIND_LABELS.get(self.kind, self.kind.title()), classes="goal-name")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False)
        yield Label("", classes="goal-count")

    def show(self, done: int, target: int | None, expected: int | None = None) -> None:
        """Fill the bar: `done` of `target`; behind when under `expected`."""
        self.done, self.target = done, target
        bar = self.query_one(ProgressBar)
        count = self.query_one(".goal-count", Label)
        untargeted = target is None or target <= 0
        self.set_class(untargeted, "untargeted")
        self.set_class(not untargeted and done >= (target or 0), "met")
        self.set_class(not untargeted and expected is not None and done < expected, "behind")
        if untargeted:
            why = "no target" if target is None else "none due today"
            count.update(Text(f"{done} logged ({why})"))
            return
        bar.update(total=target, progress=min(done, target or 0))
        mark = " ✓" if done >= (target or 0) else ""
        count.update(Text(f"{done} / {target}{mark}"))
