"""A goal as a progress bar: label, bar filling as I log, done / target.

One widget drawing one line of text: the Activity screen shows twelve of
these, and a `ProgressBar` with two labels in a row made five widgets of
each (sixty to mount and style when the screen opens).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

KIND_LABELS = {
    "call": "Calls",
    "meeting": "Meetings",
    "email": "Emails",
    "note": "Notes",
    "demo": "Demos",
    "proposal": "Proposals",
}
NAME_WIDTH = 10
COUNT_WIDTH = 16
BAR_CHAR = "━"


class GoalBar(Widget):
    """One activity kind's progress towards its target over a period.

    Classes: `met` when the target is reached, `behind` when under the pace
    expected by today, `untargeted` when there is no target.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"goal-bar--bar", "goal-bar--empty", "goal-bar--count"}
    DEFAULT_CSS = """
    GoalBar {
        height: 1;
        width: 1fr;
    }
    GoalBar > .goal-bar--bar {
        color: $goal-bar;
    }
    GoalBar.behind > .goal-bar--bar {
        color: $goal-behind;
    }
    GoalBar > .goal-bar--empty {
        color: $panel-lighten-1;
    }
    GoalBar.met > .goal-bar--count {
        color: $goal-bar;
        text-style: bold;
    }
    GoalBar.behind > .goal-bar--count {
        color: $goal-behind;
    }
    GoalBar.untargeted > .goal-bar--count {
        color: $text-muted;
    }
    """

    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.done = 0
        self.target: int | None = None
        self._shown: tuple[int, int | None, int | None] | None = None
        """The figures last shown (None before the first)."""

    @property
    def progress(self) -> int:
        """How much of the bar is filled: done, capped at the target (0 without one)."""
        if self.target is None or self.target <= 0:
            return 0
        return min(self.done, self.target)

    def show(self, done: int, target: int | None, expected: int | None = None) -> None:
        """Fill the bar: `done` of `target`; behind when under `expected`.

        The same figures again repaint nothing: after a log the screen shows
        every goal afresh, and only the bars of the kind logged changed."""
        if self._shown == (done, target, expected):
            return
        self._shown = (done, target, expected)
        self.done, self.target = done, target
        untargeted = target is None or target <= 0
        # One restyle for the three classes (each set_class restyles the bar and
        # its three component classes at once: twelve bars made 150 restyles an open).
        self.update_classes(
            {
                "untargeted": untargeted,
                "met": not untargeted and done >= (target or 0),
                "behind": not untargeted and expected is not None and done < expected,
            }
        )
        self.refresh()

    def count_text(self) -> str:
        if self.target is None or self.target <= 0:
            why = "no target" if self.target is None else "none due today"
            return f"{self.done} logged ({why})"
        mark = " ✓" if self.done >= self.target else ""
        return f"{self.done} / {self.target}{mark}"

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{KIND_LABELS.get(self.kind, self.kind.title()):<{NAME_WIDTH}}")
        count_style = self.get_component_rich_style("goal-bar--count", partial=True)
        if self.target is None or self.target <= 0:
            text.append(self.count_text(), style=count_style)
            return text
        bar_width = max(0, width - NAME_WIDTH - COUNT_WIDTH)
        filled = round(bar_width * self.progress / self.target)
        text.append(BAR_CHAR * filled, style=self.get_component_rich_style("goal-bar--bar", partial=True))
        text.append(
            BAR_CHAR * (bar_width - filled), style=self.get_component_rich_style("goal-bar--empty", partial=True)
        )
        text.append(" ")
        text.append(f"{self.count_text():<{COUNT_WIDTH - 1}}", style=count_style)
        return text
