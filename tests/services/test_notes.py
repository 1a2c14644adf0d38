"""Notes on deals and accounts: anyone on the team adds them, everyone reads them."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import InvalidInput, NotFound
from salessprint.services.activities import log_activity
from salessprint.services.deals import add_collaborator, add_deal, move_deal
from salessprint.services.history import deal_timeline
from salessprint.services.notes import add_note, list_notes


def test_a_note_on_a_deal_is_seen_by_the_whole_team(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Acme renewal", account="Acme", value="5000")
    note = add_note(team_store, "rob", "  Acme's CFO wants a 3-year term  ", deal_id=deal.id)

    assert (note.author, note.account, note.deal_title, note.text) == (
        "rob",
        "Acme",
        "Acme renewal",
        "Acme's CFO wants a 3-year term",
    )
    for reader in ("ada", "max", "rita", "rob"):
        assert [n.id for n in list_notes(team_store, reader, deal_id=deal.id)] == [note.id]


def test_account_notes_include_the_accounts_deals(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Globex pilot", account="Globex", value="100")
    add_deal(team_store, "rita", title="Other", account="Initech", value="100")
    on_account = add_note(team_store, "max", "Globex is merging with Hooli", account="Globex")
    on_deal = add_note(team_store, "rita", "[bold]pilot[/] signed", deal_id=deal.id)

    listed = list_notes(team_store, "rob", account="Globex")
    assert {n.id for n in listed} == {on_account.id, on_deal.id}
    assert [n.text for n in list_notes(team_store, "rob", author="rita")] == ["[bold]pilot[/] signed"]
    assert list_notes(team_store, "rob", account="Initech") == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"text": "   ", "deal_id": None, "account": "Acme"}, InvalidInput, "write something"),
        ({"text": "x", "deal_id": None, "account": None}, InvalidInput, "--deal ID or --account"),
        ({"text": "x", "deal_id": 9999, "account": None}, NotFound, "No deal #9999"),
        ({"text": "x", "deal_id": None, "account": "Nowhere Inc"}, NotFound, "No account named"),
        ({"text": "x" * 4001, "deal_id": None, "account": "Acme"}, InvalidInput, "under 4,000"),
    ],
)
def test_bad_notes_are_refused(team_store, kwargs, error, match) -> None:
    add_deal(team_store, "rita", title="Acme", account="Acme", value="1")
    args = dict(kwargs)
    text = args.pop("text")
    with pytest.raises(error, match=match):
        add_note(team_store, "rita", text, **args)
    assert list_notes(team_store, "rita") == []


def test_deal_timeline_tells_who_did_what(team_store) -> None:
    deal = add_deal(team_store, "rita", title="Umbrella", account="Umbrella", value="700")
    add_collaborator(team_store, "rita", deal.id, "rob")
    move_deal(team_store, "rob", deal.id, "Qualified")
    add_note(team_store, "max", "Decision in January", deal_id=deal.id)
    log_activity(team_store, "rob", kind="call", deal_id=deal.id, outcome="Spoke to buyer")

    story = [(e.login, e.kind, e.text) for e in deal_timeline(team_store, "ada", deal.id)]
    assert ("rita", "change", "created deal 'Umbrella'") in story
    assert ("rita", "change", f"added rob on deal #{deal.id}") in story
    assert ("rob", "change", "changed deal 'Umbrella': stage Lead → Qualified") in story
    assert ("max", "note", "Decision in January") in story
    assert ("rob", "activity", "logged a call: Spoke to buyer") in story


@pytest.mark.postgres
def test_a_note_racing_the_deals_delete_is_told_the_deal_is_gone(pg_url: str, frozen) -> None:
    """A note added while the deal is being archived waits for the delete,
    then hears "No deal #N": never a foreign-key message, never a note
    swept away unseen with the deal."""
    import threading

    from sqlalchemy import delete, select, text

    from salessprint.store.models import Deal
    from tests.team_helpers import make_team

    store = make_team(pg_url)
    try:
        deal = add_deal(store, "rita", title="Acme", account="Acme", value="1")
        outcome: list[BaseException | None] = []

        def add() -> None:
            try:
                add_note(store, "rob", "Late news", deal_id=deal.id)
                outcome.append(None)
            except BaseException as exc:
                outcome.append(exc)

        with store.session() as archiver:  # holds the deal as delete_deal does
            archiver.execute(select(Deal.id).where(Deal.id == deal.id).with_for_update())
            writer = threading.Thread(target=add)
            writer.start()
            with store.session() as probe:
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                for _ in range(2000):
                    if probe.execute(text(waiting)).scalar_one() or not writer.is_alive():
                        break
                    probe.rollback()
                    threading.Event().wait(0.01)
            archiver.execute(delete(Deal).where(Deal.id == deal.id))
            archiver.commit()
        writer.join(timeout=60)
        (error,) = outcome
        assert isinstance(error, NotFound) and str(error) == f"No deal #{deal.id} in this team."
    finally:
        store.dispose()
