"""Every importer keeps the store's invariant: a deal in an open stage has no
close date, a won or lost one has one (other screens and reports rely on it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from salessprint.services.importing import import_deals
from salessprint.services.importing.common import ImportFailed
from salessprint.store.models import Deal, Stage
from tests.hostile.support import make_team

MAVEN = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crm-sales-opportunities" / "sales_pipeline.csv"
)
MAPPING = """
[columns]
external_id = "Deal ID"
title = "Name"
stage = "Stage"
value = "Amount"
closed_on = "Closed on"
status = "Status"
"""


@pytest.fixture
def team_store(db_url: str, frozen):
    store = make_team(db_url)
    yield store
    store.dispose()


def broken_rows(store) -> list[tuple[str, str, object]]:
    """Deals whose close date disagrees with their stage's kind."""
    with store.session() as s:
        rows = s.execute(select(Deal.external_id, Stage.kind, Deal.closed_on).join(Stage, Stage.id == Deal.stage_id))
        return [(ext, kind, closed) for ext, kind, closed in rows if (kind == "open") != (closed is None)]


def write(tmp_path: Path, body: str) -> tuple[Path, Path]:
    csv_path = tmp_path / "deals.csv"
    csv_path.write_text("Deal ID,Name,Stage,Amount,Status,Closed on\n" + body, encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return csv_path, mapping


def test_an_open_deal_in_the_teams_won_stage_is_a_line_error(team_store, tmp_path: Path) -> None:
    path, mapping = write(tmp_path, "D1,Fine,Qualified,10,open,\nD2,Odd,Won,10,open,\nD3,Done,Won,10,won,2026-11-02\n")
    with pytest.raises(ImportFailed) as failed:
        import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert [(e.line, e.field) for e in failed.value.errors] == [(3, "stage")]
    assert "Won" in str(failed.value) and "open" in str(failed.value)
    with team_store.session() as s:
        assert s.scalars(select(Deal)).all() == []  # one transaction: nothing written


def test_reimports_move_the_close_date_with_the_stage(team_store, tmp_path: Path) -> None:
    path, mapping = write(
        tmp_path, "D1,A,Qualified,10,open,\nD2,B,Won,10,won,2026-11-02\nD3,C,Lost,0,lost,2026-11-03\n"
    )
    import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert broken_rows(team_store) == []
    path, mapping = write(
        tmp_path, "D1,A,Won,10,won,2026-11-20\nD2,B,Qualified,10,open,\nD3,C,Lost,0,lost,2026-11-03\n"
    )
    import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert broken_rows(team_store) == []
    with team_store.session() as s:
        closed = dict(s.execute(select(Deal.external_id, Deal.closed_on)).all())
    assert closed["D2"] is None and closed["D1"] is not None


@pytest.mark.skipif(not MAVEN.exists(), reason="shared data set not beside the repo")
def test_maven_import_keeps_the_invariant(sqlite_url: str, frozen) -> None:
    from salessprint.store.db import Store

    store = Store(sqlite_url)
    import_deals(store, "ada", MAVEN, "maven", team_name="Maven")
    assert broken_rows(store) == []
    store.dispose()


@pytest.mark.postgres
def test_postgres_bulk_rows_go_by_copy(pg_url: str, tmp_path: Path, frozen) -> None:
    """On PostgreSQL deals, their events and the change log are written with COPY,
    not an executemany (psycopg sends those one statement per row)."""
    from sqlalchemy import event

    store = make_team(pg_url)
    many: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if executemany:
            many.append(statement.split("(")[0].strip())

    event.listen(store.engine, "before_cursor_execute", seen)
    body = "".join(
        f"D{i},Deal {i},{'Won' if i % 2 else 'Qualified'},{i},{'won' if i % 2 else 'open'},"
        f"{'2026-11-02' if i % 2 else ''}\n"
        for i in range(200)
    )
    path, mapping = write(tmp_path, body)
    result = import_deals(store, "ada", path, "csv", mapping=mapping)
    assert result.deals_created == 200
    assert not [m for m in many if any(t in m for t in ("deals", "deal_events", "changes"))], many
    assert broken_rows(store) == []
    with store.session() as s:
        assert s.scalar(select(Deal.value).where(Deal.external_id == "D7")) == 7
    store.dispose()


def test_a_bad_row_after_batches_were_written_still_leaves_the_store_as_it_was(team_store, tmp_path: Path) -> None:
    """Deals are written in batches as they stream from the file; a row that
    only the store can judge (an open deal in the team's Won stage), found
    after two batches went in, still fails the whole import, naming its line
    and field, and the transaction takes the written batches back."""
    from salessprint.services.importing.apply import BATCH
    from tests.services.test_kills import dump

    good = "".join(f"D{i},Deal {i},Qualified,10,open,\n" for i in range(2 * BATCH + 10))
    path, mapping = write(tmp_path, good + "BAD,Odd,Won,10,open,\n")
    url = team_store.url.render_as_string(hide_password=False)
    before = dump(url)
    with pytest.raises(ImportFailed) as failed:
        import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert [(e.line, e.field) for e in failed.value.errors] == [(2 * BATCH + 12, "stage")]
    assert dump(url) == before
