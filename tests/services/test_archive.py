"""Deleting a deal archives it with every row that refers to it; undo and
`restore_deal` put all of it back exactly; an admin alone may purge. Both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from salessprint.domain.errors import Conflict, NotFound, PermissionDenied
from salessprint.services.activities import list_activities, log_activity
from salessprint.services.archive import list_archived, preview_delete, purge_deal, references, restore_deal
from salessprint.services.deals import add_collaborator, add_deal, delete_deal, get_deal, list_deals, move_deal
from salessprint.services.history import history
from salessprint.services.notes import add_note, list_notes
from salessprint.services.sprints import add_item, plan_sprint, sprint_items, start_sprint
from salessprint.services.tasks import add_task, list_tasks
from salessprint.services.undo import last_undoable, undo
from salessprint.store.models import Base, Change, DealArchive

LINKED = {"tasks", "activities"}


def _busy_deal(store) -> dict[str, int]:
    """Rita's deal between two others, with other people's notes, a
    collaborator, a linked task and activity, stage history and a card."""
    first = add_deal(store, "rita", title="First", account="Acme", value="10")
    deal = add_deal(store, "rita", title="Hooli rollout", account="Hooli", value="25000", stage="Qualified")
    last = add_deal(store, "rob", title="Last", account="Acme", value="20")
    move_deal(store, "rita", deal.id, "Proposal")
    add_collaborator(store, "rita", deal.id, "rob")
    add_note(store, "max", "Board approved the budget", deal_id=deal.id)
    add_note(store, "rob", "Their CTO prefers a pilot", deal_id=deal.id)
    task = add_task(store, "rita", title="Send the proposal", kind="email", deal_id=deal.id, points="2")
    other = add_task(store, "rita", title="Unrelated", kind="call")
    log_activity(store, "rob", kind="call", deal_id=deal.id)
    plan_sprint(store, "max")
    add_item(store, "rita", "deal", deal.id)
    start_sprint(store, "max")
    return {"deal": deal.id, "first": first.id, "last": last.id, "task": task.id, "other": other.id}


def _dump(store, deal_id: int, task_ids: list[int], activity_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the deal and every row that refers to it, by table."""
    tables = Base.metadata.tables
    out: dict[str, list[dict[str, Any]]] = {}
    with store.session() as s:
        out["deals"] = [
            dict(r._mapping) for r in s.execute(select(tables["deals"]).where(tables["deals"].c.id == deal_id))
        ]
        for table, column, _moved in references():
            wanted = column == deal_id
            if table.name == "tasks":
                wanted = table.c.id.in_(task_ids)
            if table.name == "activities":
                wanted = table.c.id.in_(activity_ids)
            rows = s.execute(select(table).where(wanted).order_by(*table.primary_key.columns)).all()
            out[table.name] = [dict(r._mapping) for r in rows]
    return out


def _without_versions(dump: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The linked rows were written twice (unlinked, linked again): their
    versions moved on, as they must for open forms to see it."""
    return {
        name: [{k: v for k, v in row.items() if not (name in LINKED and k == "version")} for row in rows]
        for name, rows in dump.items()
    }


def test_every_row_that_refers_to_a_deal_is_archived_or_unlinked() -> None:
    found = {(t.name, c.name, moved) for t, c, moved in references()}
    assert found == {
        ("notes", "deal_id", True),
        ("deal_collaborators", "deal_id", True),
        ("deal_events", "deal_id", True),
        # cards: by the schema unlinked (a closed sprint keeps its snapshot);
        # archive_deal moves those on the board (planned or active sprint)
        ("sprint_items", "deal_id", False),
        ("tasks", "deal_id", False),
        ("activities", "deal_id", False),
    }
    # A moved row must not itself be referred to: that row would go unseen.
    moved = {t.name for t, _c, m in references() if m}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            assert fk.column.table.name not in moved, f"{table.name} refers to archived rows of {fk.column.table.name}"


def test_delete_archives_everything_and_undo_restores_it_exactly(team_store) -> None:
    ids = _busy_deal(team_store)
    deal_id = ids["deal"]
    activity_ids = [a.id for a in list_activities(team_store, "rob", member="rob")]
    before = _dump(team_store, deal_id, [ids["task"]], activity_ids)
    assert len(before["notes"]) == 2 and len(before["deal_collaborators"]) == 1 and len(before["sprint_items"]) == 1

    preview = preview_delete(team_store, "rita", deal_id)
    assert preview.summary == "2 notes, 1 collaborator, 1 task, 1 sprint card, 1 activity, 1 stage change"

    archived = delete_deal(team_store, "rita", deal_id)
    assert archived.rows == preview.rows

    # Gone from every list; other people's notes are archived, not lost.
    with pytest.raises(NotFound):
        get_deal(team_store, "rita", deal_id)
    assert deal_id not in [d.id for d in list_deals(team_store, "rita")]
    assert [n.text for n in list_notes(team_store, "rita")] == []
    assert sprint_items(team_store, "rita") == []
    (task,) = [t for t in list_tasks(team_store, "rita") if t.id == ids["task"]]
    assert task.deal_id is None
    (listed,) = list_archived(team_store, "max")
    assert (listed.deal_id, listed.title, listed.owner, listed.archived_by) == (
        deal_id,
        "Hooli rollout",
        "rita",
        "rita",
    )
    assert listed.summary == preview.summary

    # Every row the delete changed is in the log, following from the deal's delete.
    with team_store.session() as s:
        (delete,) = s.scalars(select(Change).where(Change.entity == "deal", Change.action == "delete")).all()
        followers = s.scalars(select(Change).where(Change.cause_id == delete.id)).all()
    assert sorted((c.entity, c.action) for c in followers) == sorted(
        [
            ("note", "archive"),
            ("note", "archive"),
            ("deal_collaborator", "archive"),
            ("deal_event", "archive"),
            ("sprint_item", "archive"),
            ("task", "update"),
            ("activity", "update"),
        ]
    )

    result = undo(team_store, "rita")
    assert "Back with it: 2 notes, 1 collaborator" in result.message

    after = _dump(team_store, deal_id, [ids["task"]], activity_ids)
    assert _without_versions(after) == _without_versions(before)
    assert [d.id for d in list_deals(team_store, "rita")] == [ids["first"], deal_id, ids["last"]]
    assert list_archived(team_store, "rita") == []
    assert get_deal(team_store, "rob", deal_id).collaborators == ["rob"]
    (card,) = sprint_items(team_store, "rita")
    assert card.item_id == deal_id
    # The delete and all that followed are marked undone; my next undo goes further back.
    with team_store.session() as s:
        pending = s.scalars(select(Change).where((Change.id == delete.id) | (Change.cause_id == delete.id))).all()
    assert all(c.undone for c in pending)
    assert history(team_store, "rita", limit=1)[0].action == "undo"


def test_another_member_restores_from_the_archive_when_allowed(team_store) -> None:
    ids = _busy_deal(team_store)
    delete_deal(team_store, "rob", ids["deal"])  # rob collaborates: he may
    with pytest.raises(PermissionDenied, match="manager"):
        restore_deal(team_store, _stranger(team_store), ids["deal"])
    restored = restore_deal(team_store, "max", ids["deal"])
    assert (restored.deal_id, restored.also) == (ids["deal"], [])
    assert restored.rows["notes"] == 2 and restored.rows["tasks"] == 1
    assert len(list_notes(team_store, "rita", deal_id=ids["deal"])) == 2
    # rob's delete no longer stands to be undone: it was taken back.
    mine = last_undoable(team_store, "rob")
    assert mine is not None and (mine.entity, mine.action) != ("deal", "delete")
    with pytest.raises(NotFound, match="archive"):
        restore_deal(team_store, "max", ids["deal"])


def _stranger(store) -> str:
    from salessprint.services.members import add_member

    add_member(store, "ada", login="sam", name="Sam Stranger", role="rep")
    return "sam"


def test_only_an_admin_purges_and_the_purge_is_logged(team_store) -> None:
    ids = _busy_deal(team_store)
    delete_deal(team_store, "rita", ids["deal"])
    for who, role in (("rita", "rep"), ("max", "manager")):
        with pytest.raises(
            PermissionDenied, match=f"Only an admin .* purge an archived deal for good; you are an? {role}"
        ):
            purge_deal(team_store, who, ids["deal"])
    assert len(list_archived(team_store, "ada")) == 1

    gone = purge_deal(team_store, "ada", ids["deal"])
    assert gone.rows["notes"] == 2
    assert list_archived(team_store, "ada") == []
    with team_store.session() as s:
        assert s.scalar(select(DealArchive.id)) is None
        (purge,) = s.scalars(select(Change).where(Change.action == "purge")).all()
    assert (purge.entity, purge.entity_id, purge.before["title"]) == ("deal", ids["deal"], "Hooli rollout")
    assert "Board approved" not in str(purge.before)
    with pytest.raises(Conflict, match="Not undone: ada .*purged deal .Hooli rollout. for good"):
        undo(team_store, "rita")
    with pytest.raises(NotFound, match="archive"):
        purge_deal(team_store, "ada", ids["deal"])


def test_a_number_reused_meanwhile_gives_the_deal_a_new_one(team_store, db_url: str) -> None:
    deal = add_deal(team_store, "rita", title="Newest", account="Acme", value="5")
    add_note(team_store, "rob", "Keep this", deal_id=deal.id)
    delete_deal(team_store, "rita", deal.id)
    newer = add_deal(team_store, "rob", title="Newer", account="Acme", value="6")
    restored = restore_deal(team_store, "rita", deal.id)
    if newer.id == deal.id:  # SQLite hands out the highest number again
        assert db_url.startswith("sqlite")
        assert restored.deal_id != deal.id
        assert restored.also == [
            f"Deal #{deal.id} came back as deal #{restored.deal_id}: a newer deal holds its number."
        ]
    else:
        assert restored.deal_id == deal.id and restored.also == []
    assert get_deal(team_store, "rita", restored.deal_id).title == "Newest"
    assert [n.text for n in list_notes(team_store, "rita", deal_id=restored.deal_id)] == ["Keep this"]
    assert get_deal(team_store, "rob", newer.id).title == "Newer"


def test_a_task_deleted_meanwhile_is_named_not_linked(team_store) -> None:
    from salessprint.services.tasks import delete_task

    deal = add_deal(team_store, "rita", title="Hooli", account="Hooli", value="5")
    task = add_task(team_store, "rita", title="Call", kind="call", deal_id=deal.id)
    delete_deal(team_store, "rita", deal.id)
    delete_task(team_store, "max", task.id)
    restored = restore_deal(team_store, "rita", deal.id)
    assert restored.also == [f"The task #{task.id} was deleted since; it is not linked again."]


def test_the_archive_survives_export_and_restore(team_store, tmp_path) -> None:
    from salessprint.services import open_store
    from salessprint.services.backup import export_json
    from salessprint.services.backup import restore as restore_backup

    ids = _busy_deal(team_store)
    delete_deal(team_store, "rita", ids["deal"])
    export_json(team_store, "ada", tmp_path / "team.json")
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}", check_schema=False)
    try:
        restore_backup(copy, tmp_path / "team.json")
        assert [a.deal_id for a in list_archived(copy, "rita")] == [ids["deal"]]
        undo(copy, "rita")
        assert len(list_notes(copy, "rita", deal_id=ids["deal"])) == 2
    finally:
        copy.dispose()
