"""The header every screen shows: team, sprint, days left, who I am, the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from salessprint.domain.enums import SprintState
from salessprint.domain.values import MemberView, SprintView, TeamView
from salessprint.tui.widgets.safe_text import shown


def store_label(store: object) -> str:
    """Which store the app is on, short: the SQLite file's name, or the
    server and database of a shared store (never its password)."""
    url = getattr(store, "url", None)
    if url is None:
        return ""
    if url.get_backend_name() == "sqlite":
        return Path(url.database).name if url.database else "memory"
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    return f"{user}{url.host or 'localhost'}{port}/{url.database or ''}"


class StatusHeader(Static):
    """One line of plain text; user text is never read as markup."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
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
        # On a narrow terminal the screen's name and the sprint state give way,
        # so team, sprint, days left and who I am always fit.
        wide = self.size.width >= 100
        text.append(self.team.name, style="bold")
        if self.screen_title and wide:
            text.append(f"  ›  {self.screen_title}")
        text.append("   ")
        if self.sprint is None:
            text.append("No active sprint", style="italic")
        else:
            text.append(f"Sprint {self.sprint.number}", style="bold")
            if wide or self.sprint.state != SprintState.ACTIVE:
                text.append(f" ({self.sprint.state})", style="bold")
            if self.today is not None and self.sprint.state == SprintState.ACTIVE:
                left = (self.sprint.ends_on - self.today).days
                text.append(f" · {left} day{'s' if left != 1 else ''} left" if left >= 0 else " · overdue")
        if self.me is not None:
            # Who I am comes before the goal, so a narrow terminal never hides it.
            text.append("   ")
            text.append(self.me.name, style="bold")
            text.append(f" ({self.me.role})")
            store = store_label(getattr(self.app, "store", None))
            if store and wide:
                text.append(f" · {store}", style="dim")
        if self.sprint is not None and self.sprint.goal:
            text.append("   Goal: ")
            text.append(self.sprint.goal, style="italic")
        return shown(text)  # team, goal and name are stored text
