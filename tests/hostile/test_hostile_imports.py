"""Hostile files for `import deals`: each is refused with a clear message that
points at the file (and line), or imported correctly; the store is never
touched by a refused file, and nothing ever raises anything but a
SalesSprintError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salessprint.domain.errors import SalesSprintError
from salessprint.services.backup import backup_document, dumps, export_csv
from salessprint.services.importing import ImportFailed, import_deals
from salessprint.services.importing.common import crm_datetime, crm_money
from tests.hostile.support import make_team

HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value"
GOOD = "A1,Rita Rep,GTX Basic,Acme,Won,2017-01-02,2017-02-03,550"


@pytest.fixture
def store(tmp_path: Path, frozen):
    store = make_team(f"sqlite:///{tmp_path / 'store.db'}")
    seed = tmp_path / "seed" / "sales_pipeline.csv"
    seed.parent.mkdir()
    seed.write_text(f"{HEADER}\nS1,Rob Rep,MG Special,Beta,Engaging,2017-03-01,,\n", encoding="utf-8")
    import_deals(store, "ada", seed, "maven")
    yield store
    store.dispose()


def fingerprint(store) -> bytes:
    return dumps(backup_document(store, "ada"))


def write(tmp_path: Path, data: bytes | str, name: str = "sales_pipeline.csv") -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


REFUSED = [
    (
        "windows-1252",
        f"{HEADER}\nA1,Jos\xe9 P\xe9rez,GTX,Acme,Won,2017-01-02,2017-02-03,5\n".encode("cp1252"),
        r"sales_pipeline.csv: line 2 is not UTF-8 text .*CSV UTF-8",
    ),
    ("utf-16", f"{HEADER}\n{GOOD}\n".encode("utf-16"), r"UTF-16"),
    ("empty", b"", r"is empty"),
    ("blank lines", b"\r\n\r\n  \r\n", r"is empty"),
    ("header only", f"{HEADER}\r\n".encode(), r"has a header but no deals"),
    ("missing column", b"opportunity_id,sales_agent,deal_stage\nA1,Rita Rep,Won\n", r"line 1: missing columns product"),
    ("duplicate header", f"{HEADER},account\n{GOOD},x\n".encode(), r"the column 'account' appears twice"),
    ("xlsx", b"PK\x03\x04\x00\x00\x14\x00binary zip", r"is a spreadsheet or zip file, not CSV"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary data"),
    (
        "ragged row",
        f"{HEADER}\n{GOOD},extra\n".encode(),
        r"sales_pipeline.csv:2: row: has 9 cells but the header has 8",
    ),
    (
        "impossible date",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-13-45,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: engage_date: '2017-13-45' is not a real date",
    ),
    (
        "decimal comma",
        f'{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,"1.234,56"\n'.encode(),
        r"sales_pipeline.csv:2: close_value: .*1234.56",
    ),
    (
        "lots",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,lots\n".encode(),
        r"sales_pipeline.csv:2: close_value: 'lots' is not an amount of money",
    ),
    (
        "negative",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,-5\n".encode(),
        r"close_value: money cannot be negative",
    ),
    ("duplicated ids", f"{HEADER}\n{GOOD}\n{GOOD}\n".encode(), r"sales_pipeline.csv:3: id: 'A1' is also on line 2"),
    (
        "unknown stage",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Maybe,2017-01-02,,\n".encode(),
        r"sales_pipeline.csv:2: deal_stage: 'Maybe' is not one of",
    ),
    (
        "won without date",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-01-02,,5\n".encode(),
        r"sales_pipeline.csv:2: close_date: a Won deal needs its close date",
    ),
    (
        "closed before start",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-05-02,2017-02-03,5\n".encode(),
        r"close_date: is before the engage_date",
    ),
    (
        "no agent",
        f"{HEADER}\nA1,,GTX,Acme,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_agent: is empty but required",
    ),
    (
        "control characters",
        f"{HEADER}\nA1,Rita\x07Rep,GTX,Acme,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: sales_agent: contains BEL \(U\+0007\); remove it",
    ),
    (
        "terminal escape in the product",
        f"{HEADER}\nA1,Rita Rep,GTX\x1b]0;pwned\x07\x1b[2J,Acme,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: product: contains ESC \(U\+001B\)",
    ),
    (
        "8-bit CSI in the account",
        f"{HEADER}\nA1,Rita Rep,GTX,Acme\x9b2J,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: account: contains a control character \(U\+009B\)",
    ),
    (
        "1 MB field",
        f"{HEADER}\nA1,Rita Rep,{'x' * 1_000_000},Acme,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: row: not valid CSV: a cell is longer than 100,000 characters",
    ),
    (
        "long title",
        f"{HEADER}\nA1,Rita Rep,{'x' * 5000},Acme,Won,2017-01-02,2017-02-03,5\n".encode(),
        r"sales_pipeline.csv:2: product: is too long",
    ),
    (
        "unclosed quote",
        f'{HEADER}\n{GOOD}\nA2,"Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,5\n'.encode(),
        r"sales_pipeline.csv:3: row: not valid CSV",
    ),
]


@pytest.mark.parametrize(("case", "data", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_a_clear_message_and_an_untouched_store(
    store,
    tmp_path: Path,
    case: str,
    data: bytes,
    message: str,
) -> None:
    before = fingerprint(store)
    path = write(tmp_path, data)
    with pytest.raises(SalesSprintError, match=message) as info:
        import_deals(store, "ada", path, "maven")
    assert "Traceback" not in info.value.message
    assert fingerprint(store) == before


def test_bom_crlf_and_extra_columns_are_fine(store, tmp_path: Path) -> None:
    path = write(tmp_path, f"\ufeff{HEADER},notes\r\n{GOOD},whatever\r\n".encode())
    result = import_deals(store, "ada", path, "maven")
    assert result.deals_created == 1


def test_line_numbers_count_physical_lines(store, tmp_path: Path) -> None:
    body = f'{HEADER}\nA1,Rita Rep,"GTX\nspanning two lines",Acme,Won,2017-01-02,2017-02-03,5\nA2,Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-30,5\n'
    path = write(tmp_path, body)
    with pytest.raises(ImportFailed) as info:
        import_deals(store, "ada", path, "maven")
    assert [str(e) for e in info.value.errors] == [
        "sales_pipeline.csv:4: close_date: '2017-02-30' is not a real date (YYYY-MM-DD)"
    ]


def test_at_most_twenty_errors_are_listed(store, tmp_path: Path) -> None:
    rows = "\n".join(f"A{i},Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,lots" for i in range(30))
    path = write(tmp_path, f"{HEADER}\n{rows}\n")
    with pytest.raises(ImportFailed) as info:
        import_deals(store, "ada", path, "maven")
    assert len(info.value.errors) == 20
    assert "only the first 20 are listed" in info.value.message
    assert info.value.message.splitlines()[1] == "sales_pipeline.csv:2: close_value: 'lots' is not an amount of money"
    assert info.value.message.splitlines()[-1].startswith("sales_pipeline.csv:21:")


def test_missing_file_and_folder(store, tmp_path: Path) -> None:
    with pytest.raises(SalesSprintError, match="cannot be read"):
        import_deals(store, "ada", tmp_path / "nope.csv", "maven")
    with pytest.raises(SalesSprintError, match="is not a file"):
        import_deals(store, "ada", tmp_path, "maven")


def test_formula_cells_are_kept_as_text_and_neutralised_on_export(store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Organization\n"
        "7,\"=cmd|' /C calc'!A0\",Lead,open,@evil\n",
        name="pipedrive.csv",
    )
    import_deals(store, "ada", path, "pipedrive")
    export_csv(store, "ada", tmp_path / "out")
    text = (tmp_path / "out" / "deals.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "\n7," not in text
    assert "'@evil" in (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8-sig")


# -- generated files ------------------------------------------------------
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "2017-13-45",
            "2017-02-03",
            "02/03/17",
            "1.234,56",
            "1,234.56",
            "lots",
            "-1",
            "0",
            "Won",
            "Lost",
            "Engaging",
            "Prospecting",
            "=cmd|' /C calc'!A0",
            "",
            '"',
            "\r\n",
            "\ufeff",
        ]
    ),
)
row = st.lists(cell, min_size=6, max_size=10)


def render(rows: list[list[str]]) -> str:
    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value

    return "\n".join(",".join(quote(v) for v in r) for r in rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=0, max_size=6), header=st.booleans(), crlf=st.booleans())
def test_generated_csv_never_crashes_or_corrupts(
    store,
    tmp_path: Path,
    rows: list[list[str]],
    header: bool,
    crlf: bool,
) -> None:
    body = (HEADER + "\n" if header else "") + render(rows)
    if crlf:
        body = body.replace("\n", "\r\n")
    path = write(tmp_path, body)
    before = fingerprint(store)
    try:
        import_deals(store, "ada", path, "maven")
    except SalesSprintError as exc:
        assert exc.message and "Traceback" not in exc.message
        assert fingerprint(store) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash(store, tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data, name="Opportunity.csv")
    before = fingerprint(store)
    for fmt in ("salesforce", "hubspot"):
        try:
            import_deals(store, "ada", path, fmt)
        except SalesSprintError:
            assert fingerprint(store) == before


@given(st.text(max_size=30))
def test_money_and_date_parsers_only_refuse_with_value_error(raw: str) -> None:
    for parse in (crm_money, crm_datetime):
        try:
            parse(raw)
        except ValueError as exc:
            assert str(exc)


def test_a_failure_mid_import_leaves_everything_as_it_was(store, tmp_path: Path) -> None:
    """One transaction: interrupted after the bulk inserts, nothing stays."""
    rows = "\n".join(f"B{i},Rita Rep,GTX,Acme,Won,2017-01-02,2017-02-03,5" for i in range(600))
    path = write(tmp_path, f"{HEADER}\n{rows}\n")
    before = fingerprint(store)

    def interrupt(done: int, total: int) -> None:
        if done == total:  # called once more after every row is written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_deals(store, "ada", path, "maven", progress=interrupt)
    assert fingerprint(store) == before

    from salessprint.services import open_store

    empty = open_store(f"sqlite:///{tmp_path / 'empty.db'}", check_schema=False)
    with pytest.raises(KeyboardInterrupt):
        import_deals(empty, "me", path, "maven", team_name="New", progress=interrupt)
    assert empty.schema_state().empty  # not even the schema it created is left
    empty.dispose()
