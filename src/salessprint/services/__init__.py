"""Use cases: one unit of work each, permission-checked and audited.

The TUI and the CLI call these for reads and writes alike and receive plain
frozen values (see `salessprint.domain.values`), never ORM rows.
"""

from salessprint.services.core_uow import Actor, open_store

__all__ = ["Actor", "open_store"]
