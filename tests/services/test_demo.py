"""The demo team is realistic, deterministic and rebuildable."""

import pytest

from salessprint.domain.errors import Conflict, StoreUnavailable
from salessprint.services import sprints
from salessprint.services.demo import build_demo, demo_counts
from salessprint.services.members import list_members
from salessprint.services.reports.velocity import velocity


def test_demo_has_the_promised_shape(demo_store) -> None:
    members = list_members(demo_store, "maria")
    assert len(members) == 8
    assert [m.role for m in members].count("manager") == 1
    reps = [m for m in members if m.role == "rep"]
    assert {m.sales_role for m in reps} == {"SDR", "AE", "CSM"}
    states = [s.state for s in sprints.list_sprints(demo_store, "maria")]
    assert states.count("closed") == 12 and states.count("active") == 1
    counts = demo_counts(demo_store)
    assert 140 <= counts["deals"] <= 160
    assert counts["activities"] > 5000 and counts["retro_entries"] > 12


def test_demo_velocity_tells_the_story(demo_store) -> None:
    history = velocity(demo_store, "maria").sprints
    chris = [s.by_member.get("chris", 0) for s in history[-4:]]
    assert chris[0] > chris[1] > chris[2] > chris[3], chris  # down three sprints running
    alex = [s.by_member.get("alex", 0) for s in history[-4:]]
    assert min(alex) > max(chris[1:])


def test_rebuilding_the_demo_never_duplicates(tmp_path, frozen) -> None:
    from salessprint.services import open_store

    store = open_store(f"sqlite:///{tmp_path / 'd.db'}", check_schema=False)
    build_demo(store, seed=3)
    first = demo_counts(store)
    build_demo(store, seed=3)
    assert demo_counts(store) == first
    store.dispose()


def test_demo_refuses_to_overwrite_a_real_team(team_store) -> None:
    try:
        build_demo(team_store, seed=1)
    except Conflict as exc:
        assert "will not overwrite" in str(exc)
    else:
        raise AssertionError("the demo overwrote a real team")


def test_demo_refuses_a_real_team_and_leaves_it_untouched(team_store) -> None:
    from tests.services.test_kills import dump

    before = dump(team_store.url.render_as_string(hide_password=False))
    with pytest.raises(Conflict, match="'Test Team', which is not the demo; the demo will not overwrite it"):
        build_demo(team_store, seed=1)
    assert dump(team_store.url.render_as_string(hide_password=False)) == before


def test_demo_never_resets_a_store_it_cannot_read(demo_db_path, tmp_path, frozen) -> None:
    """A store whose teams cannot be read (here: a damaged table) is not taken
    for an empty one and wiped: it is left byte for byte as it was."""
    import shutil
    import sqlite3

    from salessprint.services import open_store

    path = tmp_path / "damaged.db"
    shutil.copy(demo_db_path, path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE teams DROP COLUMN demo")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    store = open_store(f"sqlite:///{path}", check_schema=False)
    with pytest.raises(StoreUnavailable, match="the demo leaves it as it is"):
        build_demo(store, seed=1)
    store.dispose()
    assert path.read_bytes() == before


def test_demo_refuses_a_file_of_another_program(tmp_path, frozen) -> None:
    import sqlite3

    from salessprint.services import open_store

    path = tmp_path / "books.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.execute("INSERT INTO invoices VALUES (1)")
    conn.commit()
    conn.close()
    store = open_store(f"sqlite:///{path}", check_schema=False)
    with pytest.raises(Conflict, match=r"not salessprint's \(invoices\)"):
        build_demo(store, seed=1)
    store.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT id FROM invoices").fetchall() == [(1,)]
    conn.close()
