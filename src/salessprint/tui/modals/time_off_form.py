"""Record a day off (or a stretch of days) for one member, from Planning:
checked by the domain's pydantic model, saved through the capacity service."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salessprint.domain.capacity import TimeOffIn
from salessprint.services.capacity import TimeOffAdded, add_time_off
from salessprint.tui.widgets.form import FieldSpec, FormModal, FormValues

if TYPE_CHECKING:
    from salessprint.tui.widgets.form import SaveCall


class TimeOffForm(FormModal[TimeOffAdded]):
    """A day off for `login`: the first day, an optional last day, a note."""

    MODEL = TimeOffIn

    def __init__(self, login: str, name: str, first: date | None = None) -> None:
        self.login = login
        self.first = first
        self.TITLE_TEXT = f"Day off for {name}"
        super().__init__()

    def fields(self) -> list[FieldSpec]:
        hint = f"e.g. {self.first}" if self.first else "e.g. 2026-12-24"
        return [
            FieldSpec("day", "Day", "", hint, optional=False),
            FieldSpec("last_day", "Last day", "", "for a stretch of days; empty: that day only"),
            FieldSpec("note", "Note", "", "e.g. dentist, training"),
        ]

    def model_values(self, values: FormValues) -> FormValues:
        # An empty day is missing (pydantic's "Day is required"), not a malformed date.
        return {**values, "day": values["day"] or None, "member": self.login}

    def save_call(self, values: FormValues) -> SaveCall[TimeOffAdded]:
        return (
            add_time_off,
            (),
            {"day": values["day"], "last_day": values["last_day"], "member": self.login, "note": values["note"]},
        )
