"""Big type for the review's slide titles: capital letters three rows high,
drawn with the same thin box lines as Textual's `Digits`, so a title reads
across a meeting room the way the headline figures do.

`big_lines(text)` gives the three rows; `big_width(text)` their width, so a
title that would not fit is shown in ordinary type instead (see `slide.py`).
"""

from __future__ import annotations

GLYPHS: dict[str, tuple[str, str, str]] = {
    "A": ("╭─╮", "├─┤", "╵ ╵"),
    "B": ("┌─╮", "├─┤", "└─╯"),
    "C": ("╭─╴", "│  ", "╰─╴"),
    "D": ("┌─╮", "│ │", "└─╯"),
    "E": ("┌─╴", "├─ ", "└─╴"),
    "F": ("┌─╴", "├─ ", "╵  "),
    "G": ("╭─╴", "│╶╮", "╰─╯"),
    "H": ("╷ ╷", "├─┤", "╵ ╵"),
    "I": ("╶┬╴", " │ ", "╶┴╴"),
    "J": ("╶─┐", "  │", "╰─╯"),
    "K": ("╷╭╴", "├┴╮", "╵ ╵"),
    "L": ("╷  ", "│  ", "└─╴"),
    "M": ("╭┬╮", "│││", "╵╵╵"),
    "N": ("╭╮╷", "│││", "╵╰╯"),
    "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("┌─╮", "├─╯", "╵  "),
    "Q": ("╭─╮", "│ │", "╰─╳"),
    "R": ("┌─╮", "├┬╯", "╵╰╴"),
    "S": ("╭─╴", "╰─╮", "╶─╯"),
    "T": ("╶┬╴", " │ ", " ╵ "),
    "U": ("╷ ╷", "│ │", "╰─╯"),
    "V": ("╷ ╷", "╲ ╱", " ╵ "),
    "W": ("╷╷╷", "│││", "╰┴╯"),
    "X": ("╷ ╷", "╰┬╯", "╭┴╮"),
    "Y": ("╷ ╷", "╰┬╯", " ╵ "),
    "Z": ("╶─┐", "╭─╯", "└─╴"),
    "0": ("╭─╮", "│ │", "╰─╯"),
    "1": ("╶╮ ", " │ ", "╶┴╴"),
    "2": ("╶─╮", "┌─┘", "╰─╴"),
    "3": ("╶─╮", " ─┤", "╶─╯"),
    "4": ("╷ ╷", "╰─┤", "  ╵"),
    "5": ("╭─╴", "╰─╮", "╶─╯"),
    "6": ("╭─╴", "├─╮", "╰─╯"),
    "7": ("╶─┐", "  │", "  ╵"),
    "8": ("╭─╮", "├─┤", "╰─╯"),
    "9": ("╭─╮", "╰─┤", "╶─╯"),
    "·": ("   ", " • ", "   "),
    "-": ("   ", "╶─╴", "   "),
}
"""Each glyph's three rows, three cells wide."""
GAP = " "
"""Between two letters."""
SPACE = ("  ", "  ", "  ")
"""A word space (with the gaps either side, four cells)."""


def _glyph(char: str) -> tuple[str, str, str]:
    if char == " ":
        return SPACE
    # Anything without a big form sits on the middle row in ordinary type.
    return GLYPHS.get(char, (" ", char, " "))


def big_lines(text: str) -> tuple[str, str, str]:
    """`text` in big capitals: three rows of equal width."""
    glyphs = [_glyph(char) for char in text.upper()]
    rows = tuple(GAP.join(glyph[row] for glyph in glyphs) for row in range(3))
    return rows[0], rows[1], rows[2]


def big_width(text: str) -> int:
    """How many cells `big_lines(text)` takes."""
    return len(big_lines(text)[0])
