"""Importing deals from CRM exports: `import_deals` is the one use case.

One module per format checks its files row by row (nothing touches the
store until every row is good); the deals are not held but streamed from the
file again (`common.Deals`), and `apply` writes them in batches, all in one
transaction. A bad row fails the whole import with up to 20
`file:line: field: problem` lines, and the store stays exactly as it was.
An import into an empty store builds the whole store at once
(store/replace.py): killed half way, it leaves the store empty.

Who may import: an admin of the team. Into a store with no team yet, the
import creates the team (`team_name`) with its stages taken from the file,
and the importer (`login`) becomes its admin.

A dry run performs the whole import and rolls it back (into an empty store:
into a scratch SQLite file), so its counts are exactly what would happen.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from salessprint.domain import clock
from salessprint.domain.enums import Role, StageKind
from salessprint.domain.errors import Conflict, InvalidInput, SalesSprintError
from salessprint.domain.inputs import MemberIn, validate
from salessprint.domain.permissions import Action
from salessprint.domain.values import Value
from salessprint.services.backup import refuse_unless_empty
from salessprint.services.importing import generic, hubspot, maven, pipedrive, salesforce
from salessprint.services.importing.apply import apply
from salessprint.services.importing.common import ImportFailed, Parsed, Progress, RowError
from salessprint.services.uow import snapshot, unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import Member, Stage, Team
from salessprint.store.replace import building, kill_point

READERS: dict[str, Callable[[Path, dict[str, Any] | None], Parsed]] = {
    "maven": maven.read,
    "salesforce": salesforce.read,
    "pipedrive": pipedrive.read,
    "hubspot": hubspot.read,
    "csv": generic.read,
}
FORMATS = tuple(READERS)

__all__ = ["FORMATS", "ImportFailed", "ImportResult", "RowError", "import_deals", "read_file"]


class ImportResult(Value):
    """What an import did (or, on a dry run, would do)."""

    file: str
    format: str
    dry_run: bool
    team: str
    team_created: bool
    deals_created: int
    deals_updated: int
    deals_unchanged: int
    members_created: list[str]
    accounts_created: int
    stages_created: list[str]
    events_created: int
    notes: list[str]
    seconds: float


def read_file(path: str | Path, fmt: str, mapping: str | Path | None = None) -> Parsed:
    """Read and validate a file (no store involved); raises ImportFailed."""
    if fmt not in READERS:
        raise InvalidInput(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS)}.", field="format")
    parsed = READERS[fmt](Path(path), generic.load_mapping(Path(mapping) if mapping else None))
    if not parsed.deals.count:
        raise InvalidInput(f"{Path(path).name}: has a header but no deals; nothing to import.", field="file")
    return parsed


def import_deals(
    store: Store,
    login: str | None,
    path: str | Path,
    fmt: str,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    team_name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    started = time.perf_counter()
    # Looking must not create the SQLite file of a store that has none (a dry run
    # leaves no file, and a failed import leaves the store as it was: absent).
    empty = _no_sqlite_file(store) or store.current_revision() is None
    if not empty:
        store.require_current_schema()
        _check_permission(store, login)
    parsed = read_file(path, fmt, mapping)
    if empty:
        if not team_name:
            raise SalesSprintError(
                "This store has no team yet: add --team NAME to create it from the import "
                "(you, --as LOGIN, become its admin), or run 'salessprint init' first."
            )
        if not login:
            raise SalesSprintError("Say who you are with --as LOGIN: the import makes you the new team's admin.")
        validate(MemberIn, login=login, name=login, role=Role.ADMIN)
        if dry_run:
            with tempfile.TemporaryDirectory(prefix="salessprint-dry-") as folder:
                scratch = Store(f"sqlite:///{Path(folder) / 'dry.db'}")
                try:
                    scratch.upgrade()
                    result = _run(scratch, login, parsed, fmt, Path(path), False, team_name, progress, started)
                finally:
                    scratch.dispose()
                return result.model_copy(update={"dry_run": True})
        # All or nothing, schema included (store/replace.py): an import that
        # fails, or is killed, leaves the store as empty as it was.
        refuse_unless_empty(store, "import a new team")
        with building(store) as build:
            build.upgrade()
            kill_point("build:schema")
            result = _run(build, login, parsed, fmt, Path(path), dry_run, team_name, progress, started)
        return result
    return _run(store, login, parsed, fmt, Path(path), dry_run, team_name, progress, started)


def _no_sqlite_file(store: Store) -> bool:
    database = store.url.database
    return (
        store.backend == "sqlite"
        and bool(database)
        and database != ":memory:"
        and not Path(str(database)).expanduser().exists()
    )


def _check_permission(store: Store, login: str | None) -> None:
    """Refuse a non-admin before reading the file (the transaction checks again)."""
    with store.session() as probe:
        if not probe.scalar(select(func.count()).select_from(Team)):
            return
    with unit_of_work(store, login) as uow:
        uow.require(Action.IMPORT)


def _run(
    store: Store,
    login: str | None,
    parsed: Parsed,
    fmt: str,
    path: Path,
    dry_run: bool,
    team_name: str | None,
    progress: Progress | None,
    started: float,
) -> ImportResult:
    with store.session() as probe:
        has_team = bool(probe.scalar(select(func.count()).select_from(Team)))
    with unit_of_work(store, login if has_team else None, need_actor=False) as uow:
        s = uow.session
        created = False
        if not has_team:
            team, admin_id = _create_team(uow, login, team_name, parsed)
            created = True
        else:
            if uow._actor is None:
                _ = uow.actor  # raises: say who you are
            uow.require(Action.IMPORT)
            team = uow.team()
            if team_name and team_name.strip() != team.name:
                raise Conflict(f"This store already holds the team '{team.name}'; leave out --team to import into it.")
            admin_id = uow.actor.member_id
        outcome = apply(s, team.id, admin_id, parsed, progress, today=clock.team_today(team.timezone))
        result = ImportResult(
            file=path.name,
            format=fmt,
            dry_run=dry_run,
            team=team.name,
            team_created=created,
            deals_created=outcome.deals_created,
            deals_updated=outcome.deals_updated,
            deals_unchanged=outcome.deals_unchanged,
            members_created=outcome.members_created,
            accounts_created=outcome.accounts_created,
            stages_created=outcome.stages_created,
            events_created=outcome.events_created,
            notes=parsed.notes[:20],
            seconds=round(time.perf_counter() - started, 2),
        )
        if dry_run:
            s.rollback()
        return result


def _create_team(uow: Any, login: str | None, team_name: str | None, parsed: Parsed) -> tuple[Team, int]:
    name = (team_name or "").strip()
    if not name:
        raise SalesSprintError("This store has no team yet: add --team NAME to create it from the import.")
    if not login:
        raise SalesSprintError("Say who you are with --as LOGIN: the import makes you the new team's admin.")
    admin = validate(MemberIn, login=login, name=login, role=Role.ADMIN)
    s = uow.session
    team = Team(name=name[:120], currency="USD" if parsed.source == "maven" else "EUR", timezone="UTC")
    s.add(team)
    s.flush()
    position = 0
    for stage_name, probability in parsed.open_stages:
        s.add(Stage(team_id=team.id, name=stage_name, position=position, probability=probability, kind=StageKind.OPEN))
        position += 1
    s.add(Stage(team_id=team.id, name="Won", position=position, probability=100, kind=StageKind.WON))
    s.add(Stage(team_id=team.id, name="Lost", position=position + 1, probability=0, kind=StageKind.LOST))
    member = Member(team_id=team.id, login=admin.login, name=admin.name, role=Role.ADMIN)
    s.add(member)
    s.flush()
    uow.record("team", team.id, "create", None, snapshot(team), team_id=team.id)
    uow.record("member", member.id, "create", None, snapshot(member), team_id=team.id)
    return team, member.id
