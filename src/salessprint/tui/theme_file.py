"""What a theme file may hold, checked by hand: theme files are read on the
app's start path, where pydantic (whose models cost ~40 ms to build) is not
loaded yet. `theme_from_file` turns a parsed TOML table into a
`textual.theme.Theme` or raises `ThemeFileError` with one plain reason."""

from __future__ import annotations

from typing import Any

from textual.color import Color
from textual.theme import Theme

COLOURS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
"""Textual's Theme colours; `primary` is required, the rest optional."""
NUMBERS = {"luminosity_spread": 0.15, "text_alpha": 0.95}
"""Theme numbers and their defaults (written kebab-case or snake_case in a file)."""
NAME_LENGTH = 60


class ThemeFileError(ValueError):
    """A theme file that cannot be a theme; the message says why."""


def _colour(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f'{key} should be a colour like "#112233", not {value!r}')
    Color.parse(value)  # ColorParseError (a ValueError) names the bad colour
    return value


def theme_from_file(raw: dict[str, Any]) -> Theme:
    """The Theme a theme file's table describes (kebab or snake case keys)."""
    data = {key.replace("-", "_"): value for key, value in raw.items()}
    unknown = sorted(set(data) - {"name", "dark", "variables", *COLOURS, *NUMBERS})
    if unknown:
        raise ThemeFileError(f"unknown setting {unknown[0]!r}")
    name = data.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_LENGTH:
        raise ThemeFileError(f"name should be a text of 1 to {NAME_LENGTH} characters")
    if "primary" not in data:
        raise ThemeFileError("primary (the main colour) is required")
    colours: dict[str, Any] = {key: _colour(key, data[key]) for key in COLOURS if data.get(key) is not None}
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError("dark should be true or false")
    numbers: dict[str, Any] = {}
    for key, default in NUMBERS.items():
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ThemeFileError(f"{key.replace('_', '-')} should be a number, not {value!r}")
        numbers[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in variables.items()
    ):
        raise ThemeFileError('variables should be a table of texts (name = "value")')
    return Theme(name=name, dark=dark, variables=dict(variables), **colours, **numbers)
