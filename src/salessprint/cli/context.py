"""The command line's shared state: settings, the store, who I am.

The store's URL and my login are read without pydantic-settings when that
is plain (`lean_settings`): a command such as `log call` then never imports
the settings machinery. Anything unusual (a config file that does not parse,
a value of the wrong type or with a control character, an environment
variable spelt twice) goes to `config.load_settings`, which decides and
words the error; `tests/cli/test_context.py` checks the two agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from salessprint.domain.errors import SalesSprintError

if TYPE_CHECKING:
    from salessprint.config import Settings
    from salessprint.store.db import Store

_FIELDS = ("db", "user", "theme")


def _environment() -> dict[str, str] | None:
    """SALESSPRINT_DB, _USER, _THEME as pydantic-settings reads them (names in
    any case); None when one is given twice in different cases."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        key = name.lower()
        if key.startswith("salessprint_") and key[12:] in _FIELDS:
            if key[12:] in found:
                return None
            found[key[12:]] = value
    return found


def _config_file() -> dict[str, Any] | None:
    """The config file's db, user and theme (empty: no file); None when it
    cannot be read or parsed plainly."""
    from salessprint.paths import config_path

    path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if any(key.lower() in _FIELDS and key not in _FIELDS for key in data):
        return None
    return {key: data[key] for key in _FIELDS if key in data}


def lean_settings(db: str | None, user: str | None) -> tuple[str, str | None] | None:
    """The store's URL and my login exactly as `load_settings(db=..., user=...)`
    gives them, read without pydantic; None when `load_settings` must decide."""
    from salessprint.domain.text import control_character

    env, config = _environment(), _config_file()
    if env is None or config is None:
        return None
    given = {"db": db, "user": user}
    chosen: dict[str, Any] = {}
    for field in _FIELDS:
        for source in (given, env, config):
            if source.get(field) is not None:
                chosen[field] = source[field]
                break
    if any(not isinstance(v, str) or control_character(v) for v in chosen.values()):
        return None
    if "db" not in chosen:
        from salessprint.paths import default_db_url

        chosen["db"] = default_db_url()
    url = chosen["db"].strip()
    if not url:
        return None
    login = chosen.get("user")
    return url, (login.strip() or None) if login is not None else None


@dataclass
class Ctx:
    db_option: str | None
    as_option: str | None
    _settings: Settings | None = None
    _store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from salessprint.config import load_settings  # pydantic-settings: not before the TUI's first frame

            self._settings = load_settings(db=self.db_option, user=self.as_option)
        return self._settings

    def _db_and_user(self) -> tuple[str, str | None]:
        """The store's URL and my login: from the settings once loaded, else read lean."""
        lean = lean_settings(self.db_option, self.as_option) if self._settings is None else None
        return lean if lean is not None else (self.settings.db, self.settings.user)

    def store(self, *, check_schema: bool = True) -> Store:
        """The opened store (schema checked unless the command creates it)."""
        if self._store is None:
            from salessprint.cli import collect_again
            from salessprint.services import open_store

            collect_again()  # the command's work starts: its garbage is collected again
            self._store = open_store(self._db_and_user()[0], check_schema=check_schema)
        return self._store

    @property
    def login(self) -> str:
        """Who I act as: --as / the settings' user; on PostgreSQL, without
        either, the member whose login this connection is."""
        db, login = self._db_and_user()
        if not login and "postgresql" in db.split("://", 1)[0]:
            from salessprint.services.core_uow import connected_login

            login = connected_login(self.store())
        if not login:
            raise SalesSprintError(
                "Say who you are: --as LOGIN, SALESSPRINT_USER, or 'salessprint init' (which remembers you)."
            )
        return login

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


pass_ctx = click.make_pass_decorator(Ctx)
