"""Odd but legal arguments get an answer or one clear line (issue 13, item 7).

First one plain test for each of the eight causes of tracebacks found by the
hostile-input run, then a property-based test that drives the commands'
arguments with extreme ids, dates, amounts and text and asserts that every
run ends with status 0, 1 or 2 and never with a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salessprint.cli import cli
from salessprint.domain import clock
from tests.conftest import FROZEN_NOW


def one_line(result: Result) -> str:
    """The run failed with status 1 and said why in one line, with no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


# -- the eight causes ------------------------------------------------------


@pytest.mark.parametrize("deal_id", ["99999999999999999999", str(2**63), str(2**31)])
def test_an_id_past_the_stores_range_is_no_such_deal(team, deal_id: str) -> None:
    assert one_line(team("deal", "show", deal_id, as_="ada")) == f"Error: No deal #{deal_id} in this team."
    line = one_line(team("sprint", "add", "task", deal_id, as_="ada"))
    assert line == f"Error: No task #{deal_id} in this team."
    assert "No sprint number" in one_line(team("report", "sprint", "--number", deal_id, as_="ada"))


def test_a_time_before_the_calendar_in_utc_is_refused(team) -> None:
    line = one_line(team("log", "call", "--when", "0001-01-01T00:00+05:00", as_="rita"))
    assert line.startswith("Error: time: '0001-01-01T00:00:00+05:00' is out of range")


@pytest.mark.parametrize(
    "args",
    [
        ("report", "activity", "--from", "2026-01-01", "--to", "9999-12-31"),
        ("report", "daily", "rita", "--date", "9999-12-31"),
        ("report", "pipeline", "--from", "9998-12-01", "--to", "9999-12-31"),
    ],
)
def test_a_range_ending_in_the_last_day_of_the_calendar_is_refused(team, args: tuple[str, ...]) -> None:
    assert "9999-12-31 is out of range; use a day from 0001-01-02 to 9998-12-31" in one_line(team(*args, as_="ada"))


def test_the_last_day_salessprint_takes_is_answered(team) -> None:
    result = team("report", "daily", "rita", "--date", "9998-12-31", as_="ada")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "content",
    [b'user = "ada"\x00\n', 'user = "ada"\n'.encode("utf-16"), b'db = "s\\u0000.db"\n', b'user = "a\\u001b[2J"\n'],
    ids=["nul", "utf-16", "escaped nul", "escaped esc"],
)
def test_a_broken_config_file_is_named(run, isolated_env: Path, content: bytes) -> None:
    config = isolated_env / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_bytes(content)
    line = one_line(CliRunner().invoke(cli, ["member", "list"]))
    assert str(config) in line or "Setting '" in line
    assert "cannot be read as UTF-8 TOML" in line or "is not valid TOML" in line or "contains" in line


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"id,title\n1,x\n", bytes(range(256))])
def test_db_pointing_at_a_file_that_is_not_a_store_says_so(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(content)
    for args in (["member", "list"], ["init", "--team", "T", "--admin", "ada"], ["db", "upgrade"]):
        line = one_line(CliRunner().invoke(cli, ["--db", str(target), "--as", "ada", *args]))
        assert line == f"Error: {target} is not a salessprint store (it is not an SQLite database): check --db."
    assert target.read_bytes() == content


def test_db_pointing_at_a_folder_says_so(tmp_path: Path) -> None:
    line = one_line(CliRunner().invoke(cli, ["--db", str(tmp_path), "--as", "ada", "member", "list"]))
    assert line == f"Error: {tmp_path} is a folder, not a salessprint store: give --db a file."


@pytest.mark.parametrize(
    "args", [("export", ""), ("export", "--csv", ""), ("restore", ""), ("import", "deals", "", "--format", "csv")]
)
def test_an_empty_path_is_a_usage_error(team, args: tuple[str, ...]) -> None:
    result = team(*args, as_="ada")
    assert result.exit_code == 2, result.output
    assert "is empty: give a file or folder name" in result.output


def test_a_read_on_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "folder" / "store.db"
    line = one_line(CliRunner().invoke(cli, ["--db", str(target), "--as", "ada", "deal", "list"]))
    assert line.startswith(f"Error: There is no salessprint store at {target}: check --db")
    assert not (tmp_path / "typo").exists()


def test_a_write_that_creates_a_store_still_makes_its_folder(tmp_path: Path, frozen) -> None:
    target = tmp_path / "new" / "store.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "init", "--team", "T", "--admin", "ada"])
    assert result.exit_code == 0, result.output
    assert target.is_file()


@pytest.mark.parametrize("value", ["1e3", "1_000", "NaN", "Infinity"])
def test_money_is_plain_digits_only(team, value: str) -> None:
    line = one_line(team("deal", "add", "X", "--account", "A", "--value", value, as_="rita"))
    assert line.startswith(f"Error: value: '{value}' is not an amount of money")


@pytest.mark.parametrize(
    ("value", "shown"), [("12500", "12500.00"), ("12,500.50", "12500.50"), ("12500.5", "12500.50")]
)
def test_plain_money_is_accepted(team, value: str, shown: str) -> None:
    deal_id = team("deal", "add", "X", "--account", "A", "--value", value, as_="rita").output.strip()
    assert json.loads(team("deal", "show", deal_id, "--format", "json", as_="rita").output)["value"] == shown


def test_a_report_range_of_more_than_twenty_years_is_refused(team) -> None:
    args = ("report", "attainment", "--from", "0001-01-02", "--to", "9998-12-31", "--by", "month")
    assert "A report covers at most 20 years (240 months)" in one_line(team(*args, as_="ada"))
    ok = team("report", "attainment", "--from", "2007-01-01", "--to", "2026-12-31", "--by", "month", as_="ada")
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    "args",
    [
        ("sprint", "plan", "--goal", "Close\x1b]0;pwned\x07"),
        ("deal", "add", "Big\x1b[2J", "--account", "A", "--value", "1"),
        ("note", "add", "said \x1b[31mno", "--account", "Acme"),
        ("member", "add", "eve", "--name", "Eve\x9b2J"),
    ],
)
def test_control_characters_in_typed_text_are_refused_with_the_field_named(team, args: tuple[str, ...]) -> None:
    line = one_line(team(*args, as_="ada"))
    assert "contains" in line and "U+00" in line and "\x1b" not in line and "\x9b" not in line


# -- the property: any argument, an answer or one clear line ----------------

BAD_IDS = ["0", "-1", str(2**31), str(2**31 - 1), str(2**63), str(2**63 - 1), str(10**20), "1", "2", " 3 ", "x"]
ids = st.one_of(st.sampled_from(BAD_IDS), st.integers(min_value=-(2**70), max_value=2**70).map(str))
days = st.one_of(
    st.sampled_from(
        ["0001-01-01", "0001-01-02", "9998-12-31", "9999-12-30", "9999-12-31", "2026-02-29", "2024-02-29", "2026-13-01"]
    ),
    st.dates().map(str),
)
zones = st.sampled_from(["", "Z", "+05:00", "-12:00", "+14:00", "+23:59", "-23:59"])
times = st.one_of(
    st.tuples(days, st.sampled_from(["T00:00", "T23:59", "T12:30:15"]), zones).map("".join),
    st.datetimes().map(lambda d: d.isoformat()),
)
amounts = st.one_of(
    st.sampled_from(["1e400", "NaN", "-0", "0", "Infinity", "1_000", "9" * 40, "9" * 400, "12,500.50", "0.001"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
HOSTILE_TEXT = ["[bold]x[/]", "[/]", "\x1b]0;pwned\x07\x1b[2J", "\x00", "\x9b2J", "x" * 5000, "", " ", "-x", "--help"]
texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=60), st.text(max_size=3000).map(lambda t: t * 3))

COMMANDS: list[Any] = [
    st.tuples(st.just("deal"), st.just("show"), ids),
    st.tuples(st.just("deal"), st.just("timeline"), ids),
    st.tuples(st.just("deal"), st.just("move"), ids, texts),
    st.tuples(st.just("deal"), st.just("collaborate"), ids, texts),
    st.tuples(st.just("deal"), st.just("add"), texts, st.just("--account"), texts, st.just("--value"), amounts),
    st.tuples(
        st.just("deal"),
        st.just("add"),
        texts,
        st.just("--account"),
        st.just("A"),
        st.just("--value"),
        amounts,
        st.just("--close"),
        days,
        st.just("--points"),
        ids,
    ),
    st.tuples(st.just("deal"), st.just("list"), st.just("--search"), texts),
    st.tuples(st.just("task"), st.just("add"), texts, st.just("--due"), days, st.just("--deal"), ids),
    st.tuples(st.just("task"), st.just("move"), ids, texts),
    st.tuples(st.just("log"), texts, st.just("--when"), times),
    st.tuples(
        st.just("log"), st.just("call"), st.just("--when"), times, st.just("--deal"), ids, st.just("--note"), texts
    ),
    st.tuples(st.just("note"), st.just("add"), texts, st.just("--deal"), ids),
    st.tuples(st.just("note"), st.just("add"), texts, st.just("--account"), texts),
    st.tuples(st.just("sprint"), st.just("plan"), st.just("--goal"), texts, st.just("--starts"), days),
    st.tuples(st.just("sprint"), st.just("add"), st.sampled_from(["deal", "task"]), ids, st.just("--sprint"), ids),
    st.tuples(st.just("sprint"), st.just("items"), st.just("--sprint"), ids),
    st.tuples(st.just("member"), st.just("add"), texts, st.just("--name"), texts, st.just("--started"), days),
    st.tuples(
        st.just("target"),
        st.just("set"),
        st.just("rita"),
        st.just("calls"),
        amounts,
        st.just("--per"),
        st.just("week"),
        st.just("--from"),
        days,
    ),
    st.tuples(
        st.just("report"),
        st.sampled_from(["activity", "pipeline", "attainment"]),
        st.just("--from"),
        days,
        st.just("--to"),
        days,
    ),
    st.tuples(
        st.just("report"),
        st.just("attainment"),
        st.just("--from"),
        days,
        st.just("--to"),
        days,
        st.just("--by"),
        st.sampled_from(["month", "quarter"]),
    ),
    st.tuples(st.just("report"), st.just("daily"), st.just("rita"), st.just("--date"), days),
    st.tuples(st.just("report"), st.sampled_from(["sprint", "burndown"]), st.just("--number"), ids),
    st.tuples(st.just("report"), st.just("forecast"), st.just("--seed"), ids),
    st.tuples(st.just("report"), st.just("one-on-one"), texts),
    st.tuples(
        st.just("history"), st.just("--entity"), st.tuples(st.sampled_from(["deal:", "task:", ""]), ids).map("".join)
    ),
    st.tuples(st.just("history"), st.just("--member"), texts),
]


@pytest.fixture(scope="module")
def small_team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One small team for every example: admin ada, rep rita, a deal, a task and a planned sprint."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'team.db'}"
    runner = CliRunner()
    with clock.freeze(FROZEN_NOW):
        for args in (
            ["init", "--team", "Acme", "--admin", "ada"],
            ["--as", "ada", "member", "add", "rita", "--name", "Rita Rep"],
            ["--as", "ada", "deal", "add", "Big deal", "--account", "Acme", "--value", "100", "--owner", "rita"],
            ["--as", "ada", "task", "add", "Call back", "--deal", "1"],
            ["--as", "ada", "sprint", "plan"],
        ):
            assert runner.invoke(cli, ["--db", url, *args]).exit_code == 0
    yield url


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(args=st.one_of(*COMMANDS), login=st.sampled_from(["ada", "rita"]))
def test_any_argument_gets_an_answer_or_one_clear_line(small_team: str, args: tuple[str, ...], login: str) -> None:
    with clock.freeze(FROZEN_NOW):
        result = CliRunner().invoke(cli, ["--db", small_team, "--as", login, *args])
    assert result.exit_code in (0, 1, 2), (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output, (args, result.output)
    if result.exit_code == 1:
        assert result.output.startswith("Error: "), (args, result.output)  # (a typed newline may follow)


def test_the_small_team_store_is_still_sound(small_team: str) -> None:
    path = small_team.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
