"""What every CRM format shares: reading a CSV safely, CRM-aware value parsers,
the validated row models, and the error list that makes an import fail whole.

A format module (maven, salesforce, pipedrive, hubspot, generic) turns files
into a `Parsed` bundle: the small files' rows (members, accounts, history)
validated and held, and the deals as a `Deals` stream, surveyed once while
the reader checks them and read from the file again by `apply.py`, which
writes them in batches in one transaction. Memory stays flat however long
the file. Nothing here touches the store. A deal row whose values plainly
pass is built without pydantic's validation (`_fast_deal`, the cost that
every row paid twice); any other row is judged, and its errors worded, by
the model.

Line numbers are the file's own (header = line 1), counted from the physical
lines, so a quoted field spanning lines still points at the record's first
line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import parse_money
from salessprint.domain.text import control_character, refusal

MAX_ERRORS = 20
MAX_FILE_BYTES = 200 * 1024 * 1024
CENT = Decimal("0.01")
MAX_FIELD_CHARS = 100_000
"""Longest cell we read; a 1 MB 'title' is refused, not stored."""

Progress = Callable[[int, int], None]
"""progress(done, total): called now and then while an import runs."""


# -- errors ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.problem}"


class ImportFailed(InvalidInput):
    """The file had bad rows: nothing was imported. Lists up to 20 of them."""

    def __init__(self, errors: list[RowError], more: bool = False) -> None:
        self.errors = errors[:MAX_ERRORS]
        lines = [str(e) for e in self.errors]
        head = (
            f"Nothing was imported: {len(self.errors)}{'+' if more else ''} "
            f"bad row{'s' if len(self.errors) != 1 else ''}"
            + (" (only the first 20 are listed)" if more else "")
            + f". Fix {'them' if len(self.errors) != 1 else 'it'} and run the import again:"
        )
        super().__init__("\n".join([head, *lines]), field="file")


class ErrorList:
    """Collects row errors; stops the import once 20 are known."""

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.more = False

    def add(self, file: str, line: int, field_name: str, problem: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.more = True
            return
        self.items.append(RowError(file, line, field_name, problem))

    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS

    def raise_if_any(self) -> None:
        if self.items:
            files = list(dict.fromkeys(e.file for e in self.items))
            ordered = sorted(self.items, key=lambda e: (files.index(e.file), e.line))
            raise ImportFailed(ordered, self.more)


def file_problem(path: Path, problem: str) -> InvalidInput:
    return InvalidInput(f"{path.name}: {problem}", field="file")


# -- reading CSV ----------------------------------------------------------
@dataclass(slots=True)
class CsvRow:
    line: int
    values: dict[str, str]


@dataclass(slots=True)
class CsvFile:
    """A CSV file whose header has been checked. Its rows are read from the
    file each time they are walked (`rows`), never held: a 200,000-row import
    stays in flat memory. Row problems are added to `errors` on the first walk
    only (a later walk meets the same rows and skips the same bad ones)."""

    path: Path
    header: list[str]
    errors: ErrorList
    walked: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows(self) -> Iterator[CsvRow]:
        errors = self.errors if not self.walked else ErrorList()
        self.walked = True
        return _rows(self.path, self.header, errors)


EMPTY_PEEK = 65536


def _check_file(path: Path) -> None:
    """What is wrong with the file as a whole (size, kind), before reading it."""
    try:
        size = path.stat().st_size
    except OSError:
        raise file_problem(path, "cannot be read: check the path.") from None
    if not path.is_file():
        raise file_problem(path, "is not a file.")
    if size > MAX_FILE_BYTES:
        raise file_problem(path, f"is {size // (1024 * 1024)} MB; split it into files under 200 MB.")
    try:
        with path.open("rb") as raw:
            head = raw.read(EMPTY_PEEK)
    except OSError:
        raise file_problem(path, "cannot be read: check the path.") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_problem(path, "is UTF-16 text; save it as 'CSV UTF-8' and import that.")
    if head.startswith(b"PK\x03\x04"):
        raise file_problem(path, "is a spreadsheet or zip file, not CSV; save it as 'CSV UTF-8' and import that.")
    if b"\x00" in head:
        raise file_problem(path, "is not a CSV text file (it contains binary data).")
    if size <= EMPTY_PEEK and not head.removeprefix(b"\xef\xbb\xbf").strip():
        raise file_problem(path, "is empty; export the deals again with a header row.")


def text_lines(path: Path) -> Iterator[str]:
    """The file's text, line by line, read as it goes: UTF-8 with or without
    BOM; binary data and other encodings are explained with their line."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        raw = path.open("rb")
    except OSError:
        raise file_problem(path, "cannot be read: check the path.") from None
    with raw:
        for number, chunk in enumerate(raw, start=1):
            if b"\x00" in chunk:
                raise file_problem(path, "is not a CSV text file (it contains binary data).")
            try:
                decoded = decoder.decode(chunk)
            except UnicodeDecodeError:
                raise file_problem(
                    path,
                    f"line {number} is not UTF-8 text (perhaps Windows-1252 or Latin-1); "
                    "save the file as 'CSV UTF-8' and import it again.",
                ) from None
            # Split as a text file would (a lone CR ends a line too).
            yield from io.StringIO(decoded, newline="")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise file_problem(
                path,
                "the last line is not UTF-8 text (perhaps Windows-1252 or Latin-1); "
                "save the file as 'CSV UTF-8' and import it again.",
            ) from None


REPORT_FOOTER = re.compile(r"^(Grand Totals?\b|Copyright \(c\)|Confidential Information|Generated By\b)", re.IGNORECASE)


def _reader(path: Path) -> Any:
    csv.field_size_limit(MAX_FIELD_CHARS * 4 + 10)
    return csv.reader(text_lines(path), strict=True)


def read_csv(path: Path, *, required: tuple[str, ...] = (), errors: ErrorList | None = None) -> CsvFile:
    """Check a CSV's header; its rows are read as they are walked (`CsvFile.rows`).

    Empty files, a missing header, duplicated or missing required columns and
    rows with the wrong number of cells are refused with the line to fix.
    """
    _check_file(path)
    reader = _reader(path)
    try:
        header = next(reader)
    except StopIteration:
        raise file_problem(path, "is empty; export the deals again with a header row.") from None
    except csv.Error as exc:
        raise file_problem(path, f"line 1: the header is not valid CSV ({exc}).") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise file_problem(path, "line 1 should be the header with column names, but it is blank.")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise file_problem(path, f"line 1: the column '{name}' appears twice in the header.")
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise file_problem(
            path,
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {', '.join(h for h in header if h)[:300]}). Is this the right file and --format?",
        )
    return CsvFile(path, header, errors if errors is not None else ErrorList())


def _rows(path: Path, header: list[str], errs: ErrorList) -> Iterator[CsvRow]:
    reader = _reader(path)
    next(reader)  # the header, checked by read_csv
    width = len(header)
    last = reader.line_num
    footer = False
    while True:
        start = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a cell is longer than {MAX_FIELD_CHARS:,} characters"
            raise ImportFailed(
                [*errs.items, RowError(path.name, start, "row", f"not valid CSV: {message}")][:MAX_ERRORS]
            ) from None
        last = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # blank line
        if len(cells) == 1 and width > 1 and (footer or REPORT_FOOTER.match(cells[0].strip())):
            # A CRM report's footer: "Grand Totals", "Copyright (c) ... salesforce.com",
            # "Generated By: ...", then the company's name.
            footer = footer or bool(cells[0].strip())
            continue
        if len(cells) != width:
            errs.add(path.name, start, "row", f"has {len(cells)} cells but the header has {width} columns")
            continue
        yield CsvRow(start, dict(zip(header, cells, strict=True)))


def beside(path: Path, *names: str) -> Path | None:
    """A companion file next to `path` (case-insensitive), if there is one."""
    wanted = {n.lower() for n in names}
    try:
        for entry in path.parent.iterdir():
            if entry.name.lower() in wanted and entry.is_file():
                return entry
    except OSError:
        return None
    return None


# -- value parsers (raise ValueError with a plain message) -----------------
CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*)?[$€£¥]?\s*(?P<num>[^A-Z$€£¥]*?)\s*[$€£¥]?(?:\s*[A-Z]{3})?$")


def crm_money(raw: str) -> Decimal | None:
    """CRM amounts: '1234.5', '$1,234.50', 'USD 1234', '1234 EUR'; blank is None.

    Decimal commas ('1.234,56') and words ('lots') are refused, never guessed.
    """
    text = raw.strip()
    if not text:
        return None
    if len(text) <= 12 and text.isascii() and text.isdigit():
        return Decimal(text).quantize(CENT)  # whole units, as most exports write them
    match = CURRENCY.match(text)
    number = match.group("num") if match else text
    if not number:
        raise ValueError(f"'{raw}' is not an amount of money")
    if number.count(".") > 1:
        raise ValueError(f"'{raw}' uses dots between thousands; write 1234.56")
    return parse_money(number)


EXCEL_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


def crm_datetime(raw: str) -> datetime | None:
    """ISO dates/times ('2024-01-22', '2024-01-22T16:14:25.000+0000') or US
    Excel style ('02/23/26', '02/23/26 08:55 PM'); naive times are UTC."""
    text = raw.strip()
    if not text:
        return None
    match = EXCEL_DATE.match(text)
    if match:
        month, day, year, hour, minute, second, ampm = match.groups()
        y = int(year)
        if len(year) == 2:
            y += 2000 if y < 70 else 1900
        h = int(hour or 0)
        if ampm:
            if not 1 <= h <= 12:
                raise ValueError(f"'{raw}' is not a real time")
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            return datetime(y, int(month), int(day), h, int(minute or 0), int(second or 0), tzinfo=UTC)
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date (MM/DD/YY)") from None
    iso = re.sub(
        r"([+-]\d{2})(\d{2})$", r"\1:\2", text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", text) else text
    )
    if not re.match(r"^\d{4}-\d{2}-\d{2}", iso):
        raise ValueError(f"'{raw}' is not a date (use YYYY-MM-DD)")
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"'{raw}' is not a real date (YYYY-MM-DD)") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def crm_date(raw: str) -> date | None:
    text = raw.strip()
    if ISO_DAY.match(text):  # the common case, fast
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date (YYYY-MM-DD)") from None
    value = crm_datetime(text)
    return value.date() if value else None


def crm_bool(raw: str) -> bool | None:
    text = raw.strip().lower()
    if not text:
        return None
    if text in ("1", "true", "yes", "y", "t"):
        return True
    if text in ("0", "false", "no", "n", "f"):
        return False
    raise ValueError(f"'{raw}' is not yes/no (1, 0, TRUE or FALSE)")


def crm_int(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except Exception:
        raise ValueError(f"'{raw}' is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"'{raw}' is not a whole number")
    return int(number)


# -- validated rows -------------------------------------------------------
def _clean(raw: Any) -> Any:
    """Text as a form takes it: trimmed, Windows line ends as newlines, and no
    other control character (domain/text.py), so the row error names the column."""
    if isinstance(raw, str):
        raw = raw.strip().replace("\r\n", "\n")
        bad = control_character(raw)
        if bad is not None:
            raise ValueError(refusal(bad))
        return raw or None
    return raw


Text300 = Annotated[str, BeforeValidator(_clean), Field(max_length=300)]
Text200 = Annotated[str, BeforeValidator(_clean), Field(min_length=1, max_length=200)]
Text120 = Annotated[str, BeforeValidator(_clean), Field(max_length=120)]
Text60 = Annotated[str, BeforeValidator(_clean), Field(min_length=1, max_length=60)]
ExternalId = Annotated[str, BeforeValidator(_clean), Field(min_length=1, max_length=64)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    line: int


class DealRow(Row):
    """One deal as a CRM file gives it, validated."""

    external_id: ExternalId
    title: Annotated[str, BeforeValidator(_clean), Field(min_length=1, max_length=300)]
    account: Text200 | None = None
    value: Decimal = Decimal("0.00")
    stage: Text60
    outcome: str = "open"  # open | won | lost
    owner: Text120 | None = None
    started_on: date | None = None
    closed_on: date | None = None
    expected_close: date | None = None
    probability: Annotated[int, Field(ge=0, le=100)] | None = None
    product: Text120 | None = None
    next_step: Text300 | None = None
    lost_reason: Text300 | None = None
    created_at: datetime | None = None


class MemberRow(Row):
    name: Annotated[str, BeforeValidator(_clean), Field(min_length=1, max_length=120)]
    manager: Text120 | None = None
    territory: Annotated[str, BeforeValidator(_clean), Field(max_length=80)] | None = None
    role: str = "rep"


class AccountRow(Row):
    name: Text200
    external_id: ExternalId | None = None
    sector: Annotated[str, BeforeValidator(_clean), Field(max_length=80)] | None = None
    territory: Annotated[str, BeforeValidator(_clean), Field(max_length=80)] | None = None


class HistoryRow(Row):
    """A stage a deal entered, and when (Salesforce OpportunityHistory)."""

    deal_external_id: ExternalId
    at: datetime
    stage: Text60


class Deals:
    """A file's deals, streamed: each walk reads them from the file again, so
    no more than one row is held at a time. The first walk (`survey`, while
    the reader checks the file) adds the rows' problems to the error list and
    keeps what the import needs to know up front: how many deals, their ids
    (a repeated id is a row error), owners, accounts and open stages."""

    def __init__(self, file: str, rows: Callable[[ErrorList], Iterator[DealRow]] | None = None) -> None:
        self.file = file
        self._rows = rows
        self.count = 0
        self.ids: dict[str, int] = {}
        """External id -> the line that has it."""
        self.owners: dict[str, MemberRow] = {}
        """Owners by case-folded name, each with its first line."""
        self.accounts: dict[str, None] = {}
        """Account names in the order the file first names them."""
        self.open_stages: dict[str, int] = {}
        """Open stages as the deals name them, with the first deal's win %."""

    def survey(self, errors: ErrorList) -> Iterator[DealRow]:
        """The first walk: the rows' problems go to `errors`; what the import
        needs to know up front is kept."""
        assert self._rows is not None
        for deal in self._rows(errors):
            first = self.ids.get(deal.external_id)
            if first is not None:
                errors.add(
                    self.file, deal.line, "id", f"'{deal.external_id}' is also on line {first}; ids must be unique"
                )
                continue
            self.ids[deal.external_id] = deal.line
            self.count += 1
            if deal.owner and deal.owner.casefold() not in self.owners:
                self.owners[deal.owner.casefold()] = MemberRow(line=deal.line, name=deal.owner)
            if deal.account is not None:
                self.accounts.setdefault(deal.account)
            if deal.outcome == "open":
                self.open_stages.setdefault(deal.stage, deal.probability if deal.probability is not None else 50)
            yield deal

    def __iter__(self) -> Iterator[DealRow]:
        """A later walk: the same rows, read again (their problems were reported
        by the survey, which the import refused if there were any)."""
        if self._rows is None:
            return iter(())
        return self._rows(ErrorList())

    def __len__(self) -> int:
        return self.count


@dataclass
class Parsed:
    """Everything a format read from its files, ready to write."""

    source: str
    files: list[str]
    deals: Deals = field(default_factory=lambda: Deals("file"))
    members: list[MemberRow] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    open_stages: list[tuple[str, int]] = field(default_factory=list)
    """The format's open stages in pipeline order, with a default win %."""
    entry_stage: str | None = None
    """The stage a deal enters on its start date, for history without one."""
    notes: list[str] = field(default_factory=list)


FIELD_LABELS = {
    "external_id": "id",
    "started_on": "start date",
    "closed_on": "close date",
    "expected_close": "expected close",
    "created_at": "created date",
}


ModelT = TypeVar("ModelT", bound=BaseModel)

DEAL_TEXT: dict[str, tuple[int, bool]] = {
    "external_id": (64, False),
    "title": (300, False),
    "account": (200, True),
    "stage": (60, False),
    "owner": (120, True),
    "product": (120, True),
    "next_step": (300, True),
    "lost_reason": (300, True),
}
"""DealRow's text fields: (longest, may be None). Each is cleaned as `_clean`
does and at least one character long; tests/services/test_import_values.py
checks this table against the model."""
DEAL_DAYS = frozenset({"started_on", "closed_on", "expected_close"})
_DECLINE = object()


def _fast_deal(line: int, values: dict[str, Any]) -> DealRow | None:
    """The DealRow that validating `values` gives, built without pydantic's
    per-row cost (a third of reading a file), or None where this check
    cannot be sure the row is good: pydantic then judges it and words the
    errors. It accepts only values of exactly the types the readers pass
    (text, Decimal, date, int), never one pydantic would refuse."""
    out: dict[str, Any] = {}
    texts: list[str] = []
    for key, raw in values.items():
        if key in DEAL_TEXT:
            longest, optional = DEAL_TEXT[key]
            if raw is None:
                if not optional:
                    return None
                out[key] = None
                continue
            if type(raw) is not str:
                return None
            clean = raw.strip()
            if "\r" in clean:
                clean = clean.replace("\r\n", "\n")
            if not clean or len(clean) > longest:
                return None
            out[key] = clean
            texts.append(clean)
        elif key in DEAL_DAYS:
            if raw is not None and type(raw) is not date:
                return None
            out[key] = raw
        elif key == "value":
            if type(raw) is not Decimal or not raw.is_finite():
                return None
            out[key] = raw
        elif key == "outcome":
            if type(raw) is not str:
                return None
            out[key] = raw
        elif key == "probability":
            if raw is not None and (type(raw) is not int or not 0 <= raw <= 100):
                return None
            out[key] = raw
        elif key == "created_at":
            if raw is not None and type(raw) is not datetime:
                return None
            out[key] = raw
        else:
            return None  # not a field: pydantic says so
    if any(not optional and key not in out for key, (_longest, optional) in DEAL_TEXT.items()):
        return None
    if control_character("\n".join(texts)) is not None:  # newline is allowed: joining adds no fault
        return None
    # What DealRow.model_construct does, without its per-field Python (as slow
    # as validating): the fields in the model's order, defaults for the rest.
    row = DealRow.__new__(DealRow)
    object.__setattr__(row, "__dict__", {"line": line, **{k: out.get(k, d) for k, d in _DEAL_DEFAULTS}})
    object.__setattr__(row, "__pydantic_fields_set__", {"line", *out})
    object.__setattr__(row, "__pydantic_extra__", None)
    object.__setattr__(row, "__pydantic_private__", None)
    return row


_DEAL_DEFAULTS = [(k, f.default) for k, f in DealRow.model_fields.items() if k != "line"]
"""DealRow's fields after `line`, in order, with their defaults (immutable
values; PydanticUndefined for a required field, which the check always has)."""


def build(
    model: type[ModelT], errors: ErrorList, file: str, line: int, columns: dict[str, str], **values: Any
) -> ModelT | None:
    """Validate one row; on failure add its errors (named by the file's column)
    and return None."""
    if model is DealRow and type(line) is int:
        fast = _fast_deal(line, values)
        if fast is not None:
            return cast(ModelT, fast)
    try:
        return model(line=line, **values)
    except ValidationError as exc:
        named: set[str] = set()
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "row"
            column = columns.get(key, FIELD_LABELS.get(key, key))
            if column in named:
                continue
            named.add(column)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] in ("string_too_long", "too_long"):
                msg = f"is too long (at most {err['ctx']['max_length']} characters)"
            elif err["type"] in ("string_too_short", "missing") or (
                err["type"] == "string_type" and err.get("input") is None
            ):
                msg = "is empty but required"
            errors.add(file, line, column, msg)
        return None


def parse_cells(
    errors: ErrorList,
    file: str,
    line: int,
    parsers: Mapping[str, tuple[str, Callable[[str], object]]],
    cells: dict[str, str],
) -> dict[str, Any] | None:
    """Run each field's parser on its column's cell; errors name the column."""
    out: dict[str, Any] = {}
    ok = True
    for key, (column, parser) in parsers.items():
        raw = cells.get(column, "")
        try:
            out[key] = parser(raw)
        except ValueError as exc:
            errors.add(file, line, column, str(exc))
            ok = False
    return out if ok else None


def text(raw: str) -> str | None:
    value = raw.strip()
    return value or None
