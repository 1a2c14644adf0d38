"""The `?` overlay: the keys of the screen it was opened on (those my role may not use, with why)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from salessprint.tui.commands import screen_commands


def keys_text(screen: Screen[object]) -> Text:
    """One line per action: its key(s), then what it does; a key my role may not use
    is dimmed, with the reason ("managers only")."""
    keys: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        keys.setdefault(binding.action, []).append(screen.app.get_key_display(binding))
    text = Text()
    for command in screen_commands(screen):
        shown = ", ".join(dict.fromkeys(keys.get(command.binding.action, [command.binding.key])))
        title = command.title
        style = "" if command.enabled else "dim"
        text.append(f"{shown:>14}", style=f"bold {style}".strip())
        text.append("  ")
        text.append(title.split(": ", 1)[1] if ": " in title else title, style=style)
        if command.reason:
            text.append(f"  ({command.reason})", style="italic")
        text.append("\n")
    text.append(f"{'ctrl+p':>14}", style="bold")
    text.append("  command palette: search every action\n")
    return text


class KeysModal(ModalScreen[None]):
    """Lists the current screen's keys; any of escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="keys.close", tooltip="Close this list"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen
        self.keys = keys_text(screen)

    def compose(self) -> ComposeResult:
        title = getattr(self.for_screen, "TITLE_TEXT", "") or "salessprint"
        with Vertical(id="keys-box", classes="dialog"):
            yield Label(Text(f"Keys: {title}"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self.keys, id="keys-list")
            yield Label(Text("escape closes"), classes="dialog-hint")
