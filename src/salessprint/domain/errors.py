"""Errors a user can cause. Each message is written for a sales manager."""

from __future__ import annotations

from collections.abc import Mapping


class SalesSprintError(Exception):
    """An expected failure: the CLI prints it and exits 1, the TUI notifies."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(SalesSprintError):
    """A member, deal, task or sprint named by the user does not exist."""


class InvalidInput(SalesSprintError):
    """A value failed validation (form field, CLI argument, file row)."""

    def __init__(self, message: str, field: str | None = None, others: list[InvalidInput] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.others = others or []
        """The other fields' errors of the same input (a form shows them all at once)."""


class PermissionDenied(SalesSprintError):
    """The acting member's role does not allow the action."""


class StaleWrite(SalesSprintError):
    """Someone else changed the row since it was read; carries the fresh row."""

    def __init__(self, message: str, current: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.current = current


class Conflict(SalesSprintError):
    """The action does not fit the current state (e.g. two active sprints)."""


class StoreBusy(SalesSprintError):
    """The store is reachable but could not finish the write in time (a
    deadlock or a serialization failure, still there after retries)."""


class StoreUnavailable(SalesSprintError):
    """The database cannot be reached, or its schema is missing or old."""
