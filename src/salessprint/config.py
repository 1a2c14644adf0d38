"""Settings: which database, who I am, which theme.

Precedence, highest first: command-line options (`--db`, `--as`), environment
(`SALESSPRINT_DB`, `SALESSPRINT_USER`, `SALESSPRINT_THEME`), the config file
(`config.toml` in platformdirs' user config dir, or `SALESSPRINT_CONFIG`),
then defaults (`salessprint.db` in platformdirs' user data dir).
Nothing is read at import time; `load_settings()` reads on demand.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salessprint.domain.errors import InvalidInput

APP = "salessprint"
DEFAULT_THEME = "salessprint-dark"
FIELDS = ("db", "user", "theme")
"""The settings' names: keys of the config file, `SALESSPRINT_<NAME>` in the environment."""


def config_path() -> Path:
    override = os.environ.get("SALESSPRINT_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP) / "config.toml"


def data_dir() -> Path:
    override = os.environ.get("SALESSPRINT_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP)


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'salessprint.db'}"


def user_themes_dir() -> Path:
    return config_path().parent / "themes"


@dataclass(frozen=True, slots=True)
class Settings:
    """What salessprint needs to start: a store, an identity, a theme.

    A plain dataclass read by `load_settings` (pydantic-settings cost every
    command ~60 ms of imports for three strings)."""

    db: str
    """Database URL or SQLite file path."""
    user: str | None = None
    """Login of the member I act as."""
    theme: str = DEFAULT_THEME
    """Name of the Textual theme to open with."""


def _read_file() -> dict[str, Any]:
    path = config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"The config file {path} is not valid TOML: {exc}") from None


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"Setting '{name}' is wrong: Input should be a valid string")
    return value.strip()


def load_settings(**overrides: Any) -> Settings:
    """Read settings: arguments, then `SALESSPRINT_*` variables, then the config
    file, then defaults. A broken config file is an InvalidInput naming it."""
    found: dict[str, Any] = {k: v for k, v in _read_file().items() if k in FIELDS}
    for name in FIELDS:
        env = os.environ.get(f"SALESSPRINT_{name.upper()}")
        if env is not None:
            found[name] = env
    found.update({k: v for k, v in overrides.items() if v is not None and k in FIELDS})
    db = _text("db", found["db"]) if "db" in found else default_db_url()
    if not db:
        raise InvalidInput("Setting 'db' is wrong: Value error, the database URL is empty")
    user = _text("user", found["user"]) if found.get("user") is not None else None
    theme = _text("theme", found["theme"]) if "theme" in found else DEFAULT_THEME
    return Settings(db=db, user=user or None, theme=theme or DEFAULT_THEME)


def save_settings(**updates: Any) -> Path:
    """Merge values into the config file (creating it), keeping other keys."""
    path = config_path()
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            current = {}
    current.update({k: v for k, v in updates.items() if v is not None})
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(current), encoding="utf-8")
    return path
