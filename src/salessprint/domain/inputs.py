"""Validated input: what forms, CLI arguments and files must satisfy.

`validate(Model, **raw)` turns a pydantic failure into an InvalidInput that
names the field and says what is wrong in a sales manager's words.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from salessprint.domain.enums import ActivityKind, Metric, Period, Role, SalesRole, TaskKind
from salessprint.domain.errors import InvalidInput
from salessprint.domain.text import control_character, refusal

M = TypeVar("M", bound=BaseModel)
MAX_MONEY = Decimal("999999999999.99")
FIRST_DAY = date(1, 1, 2)
"""The first day salessprint accepts: a day's margin, so that any timezone can convert it to UTC."""
LAST_DAY = date(9998, 12, 31)
"""The last day it accepts: a year's margin, for reports that reach to the end of a range's quarter."""
MAX_REPORT_YEARS = 20
"""The longest range a report covers (240 months)."""
MAX_ID = 2**31 - 1
"""The largest row id the store holds (PostgreSQL INTEGER)."""
_PLAIN_DECIMAL = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def parse_money(raw: Any) -> Decimal:
    """'12500', '12500.50', '12,500.50' or a number; never negative, never 'lots'.

    Text is plain decimal notation only: '1e3', '1_000', 'NaN' and 'Infinity' are refused."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool):
        raise ValueError(f"'{raw}' is not an amount of money")
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(" ", "")
        if len(text) > 40:
            raise ValueError("that amount is too large")
        if text.count(",") and text.count("."):
            if text.rfind(",") > text.rfind("."):
                raise ValueError(f"'{raw}' uses a decimal comma; write 1234.56")
            text = text.replace(",", "")
        elif "," in text:
            parts = text.split(",")
            if all(len(p) == 3 for p in parts[1:]):
                text = text.replace(",", "")
            else:
                raise ValueError(f"'{raw}' uses a decimal comma; write 1234.56")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not an amount of money") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not an amount of money")
    if value < 0:
        raise ValueError("money cannot be negative")
    value = abs(value)  # -0 is 0
    if value > MAX_MONEY:
        raise ValueError("that amount is too large")
    if isinstance(raw, str) and not _PLAIN_DECIMAL.match(str(raw).strip().replace(" ", "").replace(",", "")):
        # 1e3 and 1_000: Decimal reads them, people do not
        raise ValueError(f"'{raw}' is not an amount of money; write it in digits, like 12500 or 12,500.50")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("money has at most two decimals (cents)")
    return value.quantize(Decimal("0.01"))


def _strict_date(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date (YYYY-MM-DD)") from None
    if isinstance(raw, date) and not FIRST_DAY <= raw <= LAST_DAY:
        raise ValueError(f"{raw} is out of range; use a day from {FIRST_DAY} to {LAST_DAY}")
    return raw


def in_range(day: date, field: str = "date") -> date:
    """`day`, or InvalidInput when it lies outside FIRST_DAY..LAST_DAY."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{field}: {day} is out of range; use a day from {FIRST_DAY} to {LAST_DAY}", field=field)
    return day


def report_range(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """A report's range, checked: real days, in order, at most MAX_REPORT_YEARS long."""
    if start is not None:
        in_range(start, "from")
    if end is not None:
        in_range(end, "to")
    if start is not None and end is not None:
        if end < start:
            raise InvalidInput(f"The range ends ({end}) before it starts ({start}).", field="to")
        if end >= _add_years(start, MAX_REPORT_YEARS):
            raise InvalidInput(
                f"A report covers at most {MAX_REPORT_YEARS} years ({MAX_REPORT_YEARS * 12} months); "
                f"{start} to {end} is longer.",
                field="to",
            )
    return start, end


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, or past year 9999
        return date.max if day.year + years > 9999 else day.replace(year=day.year + years, day=28)


def check_id(raw: int, what: str) -> int:
    """A row id a user typed, or NotFound when no row can have it (outside 1..MAX_ID)."""
    from salessprint.domain.errors import NotFound

    if not 1 <= raw <= MAX_ID:
        raise NotFound(f"No {what} #{raw} in this team.")
    return raw


def _text(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) else raw


Money = Annotated[Decimal, BeforeValidator(parse_money)]
Day = Annotated[date, BeforeValidator(_strict_date)]
Title = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=300)]
Points = Annotated[int, Field(ge=0, le=100)]


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """Text fields hold no control characters but tab and newline (see domain/text.py)."""
        if isinstance(value, str):
            bad = control_character(value)
            if bad is not None:
                raise ValueError(refusal(bad))
        return value


class MemberIn(Form):
    login: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    role: Role = Role.REP
    sales_role: SalesRole | None = None
    territory: Annotated[str, Field(max_length=80)] | None = None
    started_on: Day | None = None


class TargetIn(Form):
    login: str
    metric: Metric
    amount: Money
    period: Period
    effective_from: Day | None = None


class DealIn(Form):
    title: Title
    account: Annotated[str, Field(min_length=1, max_length=200)]
    value: Money
    owner: str | None = None
    stage: str | None = None
    expected_close: Day | None = None
    points: Points | None = None
    next_step: Annotated[str, Field(max_length=300)] | None = None


class DealPatch(Form):
    """Fields a deal edit may change; None means unchanged."""

    title: Title | None = None
    account: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    value: Money | None = None
    expected_close: Day | None = None
    points: Points | None = None
    next_step: Annotated[str, Field(max_length=300)] | None = None
    owner: str | None = None


class TaskIn(Form):
    title: Title
    kind: TaskKind = TaskKind.OTHER
    assignee: str | None = None
    points: Points | None = None
    due_on: Day | None = None
    deal_id: int | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, raw: Any) -> Any:
        return raw.strip().lower().replace("_", "-") if isinstance(raw, str) else raw


class TaskPatch(Form):
    title: Title | None = None
    kind: TaskKind | None = None
    points: Points | None = None
    due_on: Day | None = None
    assignee: str | None = None


class ActivityIn(Form):
    kind: ActivityKind
    deal_id: int | None = None
    outcome: Annotated[str, Field(max_length=300)] | None = None
    note: str | None = None
    when: datetime | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, raw: Any) -> Any:
        return raw.strip().lower() if isinstance(raw, str) else raw

    @field_validator("when", mode="before")
    @classmethod
    def _when(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            try:
                raw = datetime.fromisoformat(raw.strip())
            except ValueError:
                raise ValueError(f"'{raw}' is not a real date and time (YYYY-MM-DDTHH:MM)") from None
        if isinstance(raw, datetime):
            _in_utc_range(raw)
        return raw


def _in_utc_range(moment: datetime) -> None:
    """A time that converts to UTC (and back to any timezone) without leaving the calendar."""
    first = datetime.combine(FIRST_DAY, datetime.min.time())
    end = datetime.combine(LAST_DAY, datetime.min.time()) + timedelta(days=1)
    try:
        naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
    except OverflowError:
        naive = datetime.min
    if not first <= naive < end:
        raise ValueError(f"'{moment.isoformat()}' is out of range; use a time from {FIRST_DAY} to {LAST_DAY}")


FIELD_WORDS = {
    "login": "login",
    "name": "name",
    "value": "value",
    "amount": "amount",
    "expected_close": "close date",
    "due_on": "due date",
    "started_on": "start date",
    "effective_from": "effective date",
    "when": "time",
    "points": "points",
}


def _wording(err: Any) -> str:
    """One pydantic error in a sales person's words (without the field's name)."""
    kind, ctx = err["type"], err.get("ctx", {})
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if kind == "enum":
        return f"'{err.get('input')}' is not one of {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "use letters, digits, dots, dashes, @ or underscores only"
    if kind == "extra_forbidden":
        return "is not a field here"
    if kind in ("string_too_short", "too_short", "missing") and ctx.get("min_length", 1) == 1:
        return "is required"
    if kind == "string_too_long":
        return f"is at most {ctx.get('max_length')} characters"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number, like 3"
    if kind in ("greater_than_equal", "greater_than"):
        return (
            "cannot be negative"
            if ctx.get("ge", ctx.get("gt")) in (0, "0")
            else f"must be at least {ctx.get('ge', ctx.get('gt'))}"
        )
    if kind in ("less_than_equal", "less_than"):
        return f"is at most {ctx.get('le', ctx.get('lt'))}"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return "must be a date like 2026-12-31"
    return msg


def _one(err: Any) -> InvalidInput:
    """ "Title is required" for a rule about the value itself; "value: 'lots' is
    not an amount of money" for a check's own sentence."""
    field = str(err["loc"][0]) if err["loc"] else "input"
    words = _wording(err)
    if words.startswith(("is ", "must ", "cannot ", "use ")):
        name = FIELD_WORDS.get(field, field.replace("_", " "))
        return InvalidInput(f"{name[:1].upper()}{name[1:]} {words}", field=field)
    return InvalidInput(f"{FIELD_WORDS.get(field, field)}: {words}", field=field)


def explain(exc: ValidationError) -> InvalidInput:
    """The first validation error as one plain sentence naming its field
    ("Title is required"); the others ride along in `others`, so a form can
    show every error at once."""
    found = [_one(err) for err in exc.errors()]
    first = found[0]
    return InvalidInput(first.message, field=first.field, others=found[1:])


def validate(model: type[M], **raw: Any) -> M:
    try:
        return model(**raw)
    except ValidationError as exc:
        raise explain(exc) from None
