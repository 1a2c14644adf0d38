"""An import keeps the deals' trigram search index (SQLite FTS5, migration 0011)
in step with the deals, though it fills the index once at the end instead of
through the per-row insert trigger (services/importing/apply.py): every
imported deal is found, the trigger is back afterwards for the next deal, and
a failed import leaves index and trigger as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from salessprint.services.deals import add_deal
from salessprint.services.importing import import_deals
from salessprint.services.importing.apply import BATCH
from salessprint.services.importing.common import ImportFailed
from tests.hostile.support import make_team
from tests.services.test_import_closing import write


@pytest.fixture
def team_store(sqlite_url: str, frozen):
    store = make_team(sqlite_url)
    yield store
    store.dispose()


def found(store, needle: str) -> set[int]:
    """Deal ids whose title the trigram index says holds `needle`."""
    with store.session() as s:
        return set(s.scalars(text("SELECT rowid FROM deals_search WHERE deals_search MATCH :p"), {"p": f'"{needle}"'}))


def ids_like(store, needle: str) -> set[int]:
    with store.session() as s:
        return set(s.scalars(text("SELECT id FROM deals WHERE lower(title) LIKE :p"), {"p": f"%{needle.lower()}%"}))


def index_is_sound(store) -> None:
    """FTS5's own check of an external-content index against its table."""
    with store.session() as s:
        s.execute(text("INSERT INTO deals_search(deals_search, rank) VALUES ('integrity-check', 1)"))


def insert_trigger(store) -> str | None:
    with store.session() as s:
        sql: str | None = s.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'deals_search_insert'")
        )
        return sql


def test_every_imported_deal_is_in_the_search_index_and_the_trigger_is_back(team_store, tmp_path: Path) -> None:
    trigger = insert_trigger(team_store)
    assert trigger is not None
    add_deal(team_store, "ada", title="Walrus before the import", account="Acme", value="10")
    body = "".join(f"D{i},Walrus deal {i},Qualified,10,open,\n" for i in range(BATCH + 50))
    path, mapping = write(tmp_path, body)
    result = import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert result.deals_created == BATCH + 50
    index_is_sound(team_store)
    assert len(found(team_store, "walrus")) == BATCH + 51
    assert found(team_store, "walrus deal 1234") == ids_like(team_store, "walrus deal 1234") != set()
    assert insert_trigger(team_store) == trigger
    after = add_deal(team_store, "ada", title="Narwhal after the import", account="Acme", value="10")
    assert found(team_store, "narwhal") == {after.id}
    index_is_sound(team_store)


def test_a_reimport_that_renames_deals_moves_them_in_the_index(team_store, tmp_path: Path) -> None:
    path, mapping = write(tmp_path, "D1,Old name,Qualified,10,open,\nD2,Kept,Qualified,10,open,\n")
    import_deals(team_store, "ada", path, "csv", mapping=mapping)
    path, mapping = write(tmp_path, "D1,New name,Qualified,10,open,\nD2,Kept,Qualified,10,open,\n")
    import_deals(team_store, "ada", path, "csv", mapping=mapping)
    index_is_sound(team_store)
    assert found(team_store, "old name") == set()
    assert found(team_store, "new name") == ids_like(team_store, "new name") != set()


def test_a_failed_import_leaves_the_index_and_its_trigger_as_they_were(team_store, tmp_path: Path) -> None:
    trigger = insert_trigger(team_store)
    good = "".join(f"D{i},Walrus {i},Qualified,10,open,\n" for i in range(BATCH + 10))
    path, mapping = write(tmp_path, good + "BAD,Odd,Won,10,open,\n")
    with pytest.raises(ImportFailed):
        import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert found(team_store, "walrus") == set()
    assert insert_trigger(team_store) == trigger
    index_is_sound(team_store)


def test_a_dry_run_leaves_the_trigger_in_place(team_store, tmp_path: Path) -> None:
    trigger = insert_trigger(team_store)
    path, mapping = write(tmp_path, "D1,Walrus,Qualified,10,open,\n")
    result = import_deals(team_store, "ada", path, "csv", mapping=mapping, dry_run=True)
    assert result.deals_created == 1
    assert insert_trigger(team_store) == trigger
    assert found(team_store, "walrus") == set()
