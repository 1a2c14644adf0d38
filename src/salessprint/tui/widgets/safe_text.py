"""Stored text drawn safely: control characters as symbols, styles kept."""

from __future__ import annotations

from rich.text import Text

from salessprint.domain.text import visible


def shown(text: Text) -> Text:
    """A copy of `text` that draws any control character as a symbol (ESC as
    `␛`, domain/text.visible), one for one so its styles stay in place: a
    title stored with escapes cannot retitle or clear the terminal."""
    copy = text.copy()
    copy.plain = visible(copy.plain, one_line=True)
    return copy
