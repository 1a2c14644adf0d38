"""Use cases: one unit of work each, permission-checked and audited.

The TUI and the CLI call these for reads and writes alike and receive plain
frozen values (see `salessprint.domain.values`), never ORM rows.

`open_store` and `Actor` are loaded on first use, so that `services.first_paint`
can be imported before SQLAlchemy is (the app's first frame, issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salessprint.services.core_uow import Actor, open_store

__all__ = ["Actor", "open_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from salessprint.services import core_uow

        return getattr(core_uow, name)
    raise AttributeError(f"module 'salessprint.services' has no attribute {name!r}")
