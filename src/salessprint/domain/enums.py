"""The closed vocabularies of the data model, shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class SalesRole(StrEnum):
    SDR = "SDR"
    AE = "AE"
    CSM = "CSM"


class Metric(StrEnum):
    CALLS = "calls"
    MEETINGS = "meetings"
    EMAILS = "emails"
    NOTES = "notes"
    DEMOS = "demos"
    PROPOSALS = "proposals"
    REVENUE = "revenue"
    NEW_ACCOUNTS = "new_accounts"


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    DEMO = "demo"
    PROPOSAL = "proposal"


class TaskKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    DEMO = "demo"
    PROPOSAL = "proposal"
    FOLLOW_UP = "follow-up"
    ADMIN = "admin"
    OTHER = "other"


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class ItemType(StrEnum):
    """What a backlog row or a sprint item is."""

    TASK = "task"
    DEAL = "deal"


class SprintState(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"


class ItemOutcome(StrEnum):
    DONE = "done"
    DONE_OUTSIDE = "done_outside"
    """Already done when it joined the sprint: Jira's "completed outside this sprint"."""
    CARRIED_OVER = "carried_over"
    DROPPED = "dropped"
    REMOVED = "removed"


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class RetroColumn(StrEnum):
    WENT_WELL = "went_well"
    TO_IMPROVE = "to_improve"
    ACTION = "action"


# Which activity kind counts towards which metric.
METRIC_FOR_ACTIVITY: dict[ActivityKind, Metric] = {
    ActivityKind.CALL: Metric.CALLS,
    ActivityKind.EMAIL: Metric.EMAILS,
    ActivityKind.MEETING: Metric.MEETINGS,
    ActivityKind.NOTE: Metric.NOTES,
    ActivityKind.DEMO: Metric.DEMOS,
    ActivityKind.PROPOSAL: Metric.PROPOSALS,
}
ACTIVITY_FOR_METRIC: dict[Metric, ActivityKind] = {m: k for k, m in METRIC_FOR_ACTIVITY.items()}

# Finishing a task of these kinds logs an activity of the same name.
ACTIVITY_FOR_TASK: dict[TaskKind, ActivityKind] = {TaskKind(k.value): k for k in ActivityKind}

DEFAULT_STAGES: tuple[tuple[str, int, StageKind], ...] = (
    ("Lead", 10, StageKind.OPEN),
    ("Qualified", 25, StageKind.OPEN),
    ("Meeting", 40, StageKind.OPEN),
    ("Proposal", 60, StageKind.OPEN),
    ("Negotiation", 80, StageKind.OPEN),
    ("Won", 100, StageKind.WON),
    ("Lost", 0, StageKind.LOST),
)


def parse_choice(enum: type[StrEnum], raw: str, what: str) -> StrEnum:
    """Parse a user's word into an enum member, case-insensitively, or explain."""
    from salessprint.domain.errors import InvalidInput

    wanted = raw.strip().lower().replace("_", "-")
    for member in enum:
        if member.value.lower().replace("_", "-") == wanted:
            return member
    choices = ", ".join(m.value for m in enum)
    raise InvalidInput(f"Unknown {what} '{raw}'. Choose one of: {choices}.", field=what)
