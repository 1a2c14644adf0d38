"""Pick the stage to move a deal to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option


class StageLike(Protocol):
    """A stage's name and default win probability (StageView, StageSummary)."""

    @property
    def name(self) -> str: ...

    @property
    def probability(self) -> int: ...


class MoveStageModal(ModalScreen[str | None]):
    """Dismisses with the chosen stage's name, or None when cancelled."""

    DEFAULT_CSS = """
    MoveStageModal { align: center middle; }
    MoveStageModal > #dialog {
        width: 60; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    MoveStageModal .dialog-title { text-style: bold; width: 1fr; }
    MoveStageModal #stages { height: auto; max-height: 12; }
    MoveStageModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="move.cancel", tooltip="Close without moving the deal"),
    ]

    def __init__(self, deal_title: str, current: str, stages: Sequence[StageLike]) -> None:
        super().__init__()
        self.deal_title = deal_title
        self.current = current
        self.stages = stages

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Move ", style="bold")
            title.append(self.deal_title)
            title.append(" to…", style="bold")
            yield Label(title, classes="dialog-title")
            options = []
            for stage in self.stages:
                prompt = Text(f"{stage.name}  ({stage.probability}%)")
                if stage.name == self.current:
                    prompt.append("  current", style="italic")
                options.append(Option(prompt, id=stage.name, disabled=stage.name == self.current))
            yield OptionList(*options, id="stages")
            yield Label("↑↓ choose · Enter: move · Esc: cancel", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        stages = self.query_one("#stages", OptionList)
        names = [s.name for s in self.stages]
        if self.current in names:
            after = names.index(self.current) + 1
            stages.highlighted = after if after < len(names) else max(0, after - 2)
        stages.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
