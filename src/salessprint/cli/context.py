"""The command line's shared state: settings, the store, who I am."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from salessprint.domain.errors import SalesSprintError

if TYPE_CHECKING:
    from salessprint.config import Settings
    from salessprint.store.db import Store


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

    def store(self, *, check_schema: bool = True) -> Store:
        """The opened store (schema checked unless the command creates it)."""
        if self._store is None:
            from salessprint.services import open_store

            self._store = open_store(self.settings.db, check_schema=check_schema)
        return self._store

    @property
    def login(self) -> str:
        """Who I act as: --as / the settings' user; on PostgreSQL, without
        either, the member whose login this connection is."""
        login = self.settings.user
        if not login and "postgresql" in self.settings.db.split("://", 1)[0]:
            from salessprint.services.members import connected_login

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
