"""User text made safe for a terminal and a spreadsheet (pure, no I/O).

Input is refused at the boundary when it holds control characters other
than tab and newline (`control_character`); anything already stored is
shown through `visible()`, which draws each control character as its
Unicode control picture (ESC as `␛`), so no stored title can move the
cursor, clear the screen or retitle a terminal. Unicode's bidirectional
overrides and isolates (U+202A-U+202E, U+2066-U+2069) count as control
characters too: they make a terminal draw text in an order other than the
one stored ("Trojan Source"), so an invoice title could read as another.
They are refused at input and drawn as `\ufffd`. `csv_cell()` is the one
rule for spreadsheet formulas in every CSV that salessprint writes, and
`visible_value()` applies `visible()` to a whole service result (the app
draws what comes back from the services through it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar, cast

from salessprint.domain.errors import InvalidInput

T = TypeVar("T")

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional embeddings, overrides and isolates: LRE RLE PDF LRO RLO, LRI RLI FSI PDI."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {
    0x202A: "a left-to-right embedding",
    0x202B: "a right-to-left embedding",
    0x202C: "a pop directional formatting",
    0x202D: "a left-to-right override",
    0x202E: "a right-to-left override",
    0x2066: "a left-to-right isolate",
    0x2067: "a right-to-left isolate",
    0x2068: "a first strong isolate",
    0x2069: "a pop directional isolate",
}
_FORMULA_START = ("=", "+", "-", "@", "|", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: NUL is ␀, ESC is ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls (8-bit CSI and friends) and bidi controls have no picture


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character but tab and newline drawn as a
    visible symbol; with one_line, tab and newline too (table cells)."""
    pattern = _CONTROL_OR_BREAK if one_line else _CONTROL
    return pattern.sub(_picture, text) if pattern.search(text) else text


def control_character(text: str) -> str | None:
    """The first control character (other than tab or newline) in `text`,
    bidi controls included, named as the user would read it (e.g.
    'ESC (U+001B)', 'a right-to-left override (U+202E)'), or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    code = ord(found.group())
    names = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0D: "carriage return", 0x1B: "ESC", 0x7F: "DEL"}
    return f"{names.get(code) or _BIDI_NAMES.get(code, 'a control character')} (U+{code:04X})"


def check_text(text: str | None, field: str) -> str | None:
    """`text` unchanged, or InvalidInput saying which control character `field` holds."""
    bad = None if text is None else control_character(text)
    if bad is not None:
        raise InvalidInput(f"{field}: {refusal(bad)}", field=field)
    return text


def refusal(bad: str) -> str:
    """What the user is told about a control character named by control_character."""
    if bad.startswith(tuple(_BIDI_NAMES.values())):
        return f"contains {bad}, which reorders how text is shown; remove it"
    return f"contains {bad}; remove it (only tab and newline are allowed)"


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a cell that would start a
    formula (= + - @ | tab CR first) gets a leading quote, unless it is a
    plain number such as -12.50; control characters are made visible."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        text = "'" + text
    return visible(text)


def visible_value(value: T) -> T:
    """`value` (a service's frozen result: models, lists, dicts, dataclasses of
    them) with `visible()` applied to every string in it. Only what changes is
    copied, so a clean result comes back as the very same object."""
    shown: Any = value
    if isinstance(value, str):
        shown = visible(value)
    elif (names := getattr(type(value), "model_fields", None)) is not None:
        # a pydantic model (pydantic is not imported here: the app's shell loads this module)
        changes = _changed(value, names)
        model: Any = value
        shown = model.model_copy(update=changes) if changes else value
    elif is_dataclass(value) and not isinstance(value, type):
        changes = _changed(value, [f.name for f in fields(value)])
        shown = replace(value, **changes) if changes else value
    elif isinstance(value, list | tuple):
        items = [visible_value(v) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            shown = type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    elif isinstance(value, dict):
        pairs = {visible_value(k): visible_value(v) for k, v in value.items()}
        same = len(pairs) == len(value) and all(
            k2 is k and v2 is v for (k2, v2), (k, v) in zip(pairs.items(), value.items(), strict=True)
        )
        if not same:
            shown = pairs
    return cast(T, shown)


def _changed(value: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes of `value` that visible_value changes, with their new values."""
    changes: dict[str, Any] = {}
    for name in names:
        item = getattr(value, name)
        shown = visible_value(item)
        if shown is not item:
            changes[name] = shown
    return changes


def counted(count: int, one: str, many: str | None = None) -> str:
    """ "1 deal", "2 deals", "0 deals": a count with its noun in the right number
    (`many` for an irregular plural; else `one` + "s")."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def money_text(amount: object, currency: str = "") -> str:
    """ "EUR 12,500.00": an amount to the cent, with its currency when known."""
    figure = f"{amount:,.2f}"
    return f"{currency} {figure}" if currency else figure


def target_amount(metric: str, amount: Decimal) -> str:
    """A target as people say it: money to the cent for revenue, a plain count
    otherwise ("25", not "25.00" calls; "2.5" where a half was meant)."""
    return f"{amount:,.2f}" if metric == "revenue" else plain_number(amount)


def plain_number(value: Decimal) -> str:
    """A count without trailing zeros: 36.0 → "36", 12.50 → "12.5"."""
    return f"{value.normalize():f}"
