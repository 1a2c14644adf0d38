"""How a sprint card reads on the board: two lines of plain text.

Shared by the board screen and the first frame (`tui/first_paint.py`), which
draws the same cards from the driver's read before pydantic and SQLAlchemy are
imported, so this module imports neither. User text is a `rich.text.Text`,
never markup.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from rich.text import Text


class SprintCard(Protocol):
    """What a card line needs: `SprintItemView` and the first read's `FirstCard` both have it."""

    @property
    def title(self) -> str: ...
    @property
    def owner_name(self) -> str: ...
    @property
    def points(self) -> int: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def account(self) -> str | None: ...


def card_lines(card: SprintCard, currency: str = "") -> tuple[Text, Text]:
    """The title, then owner, points, value and account."""
    title = Text(" ".join(card.title.split()), style="bold")
    details = Text(f"{card.owner_name} · {card.points} pt")
    if card.value is not None:
        details.append(f" · {currency} {card.value:,.0f}".replace("  ", " "))
    if card.account:
        details.append(" · ")
        details.append(" ".join(card.account.split()), style="italic")
    return title, details
