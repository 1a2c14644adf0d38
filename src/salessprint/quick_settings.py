"""The settings as `config.load_settings` would read them, without pydantic: for the app's first frame.

`config.Settings` (pydantic-settings) costs more to import than Textual's
first frame; the app's first frame needs only which store, who I am and the
theme. `peek_settings` reads the same sources in the same order (options,
environment, the config file, defaults) and applies the same checks; when a
value is anything it is not sure of, it answers None and the caller waits for
the settings proper, which are loaded after the first frame anyway and have
the last word (`tests/test_quick_settings.py` holds the two equal).
"""

from __future__ import annotations

import os
import tomllib
from typing import NamedTuple

from salessprint.domain.text import control_character
from salessprint.paths import config_path, default_db_url

FIELDS = ("db", "user", "theme")
DEFAULT_THEME = "salessprint-dark"


class QuickSettings(NamedTuple):
    db: str
    user: str | None
    theme: str


def _environment() -> dict[str, str] | None:
    """SALESSPRINT_DB/USER/THEME, matched without regard to case as pydantic-settings does."""
    found: dict[str, str] = {}
    for key, value in os.environ.items():
        lowered = key.lower()
        for name in FIELDS:
            if lowered == f"salessprint_{name}":
                if name in found:
                    return None  # two spellings of one setting: let pydantic-settings decide
                found[name] = value
    return found


def peek_settings(db: str | None = None, user: str | None = None) -> QuickSettings | None:
    """db, user and theme by the settings' precedence; None when unsure (or when they would be refused)."""
    values: dict[str, str] = {}
    path = config_path()
    try:
        if path.is_file():
            loaded = tomllib.loads(path.read_text(encoding="utf-8"))
            for name in FIELDS:
                if name in loaded:
                    if not isinstance(loaded[name], str):
                        return None
                    values[name] = loaded[name]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    env = _environment()
    if env is None:
        return None
    values.update(env)
    values.update({k: v for k, v in (("db", db), ("user", user)) if v is not None})
    if any(control_character(v) for v in values.values()):
        return None
    chosen_db = values["db"].strip() if "db" in values else default_db_url()
    if not chosen_db:
        return None
    chosen_user = values["user"].strip() or None if "user" in values else None
    return QuickSettings(chosen_db, chosen_user, values.get("theme", DEFAULT_THEME))
