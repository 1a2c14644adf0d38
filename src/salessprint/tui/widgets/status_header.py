"""The header every screen shows: team, sprint, days left, who I am."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from salessprint.domain.values import MemberView, SprintView, TeamView


class StatusHeader(Static):
    """One line of plain text; user text is never read as markup."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    team: reactive[TeamView | None] = reactive(None)
    sprint: reactive[SprintView | None] = reactive(None)
    me: reactive[MemberView | None] = reactive(None)
    today: reactive[date | None] = reactive(None)
    screen_title: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.team is None:
            text.append("salessprint", style="bold")
            text.append("  loading…", style="dim")
            return text
        text.append(self.team.name, style="bold")
        if self.screen_title:
            text.append(f"  ›  {self.screen_title}")
        text.append("   ")
        if self.sprint is None:
            text.append("No active sprint", style="italic")
        else:
            text.append(f"Sprint {self.sprint.number} ({self.sprint.state})", style="bold")
            if self.today is not None and self.sprint.state == "active":
                left = (self.sprint.ends_on - self.today).days
                text.append(f" · {left} day{'s' if left != 1 else ''} left" if left >= 0 else " · overdue")
            if self.sprint.goal:
                text.append(" · ")
                text.append(self.sprint.goal, style="italic")
        if self.me is not None:
            text.append("   ")
            text.append(f"{self.me.name} ({self.me.role})", style="dim")
        return text
