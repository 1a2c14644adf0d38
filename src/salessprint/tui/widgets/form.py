"""The base of every edit dialog: labelled inputs, an error beside each field.

A form checks its values with the domain's pydantic input model before it
saves (the error lands beside the field and nothing is written), then saves
through a service in a worker. A service's refusal (invalid field, stale
version, permission) stays on the form; only a successful save closes it.

A stale version (someone else saved the row since the form opened) reads
the row afresh (`FRESH`, the form's row in `ROW_ATTR`) and shows theirs
beside mine: the banner names the fields that differ and each such field
says "theirs: …". The user then takes theirs (`ctrl+r`: the fields show
their values and the form edits their version) or keeps theirs out of it
and overwrites with mine (`ctrl+y`: saved against their version, so a third
change meanwhile is caught again). Until one of them, saving is refused
again, never silently overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

from pydantic import BaseModel
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select

from salessprint.domain.errors import InvalidInput, SalesSprintError, StaleWrite
from salessprint.domain.inputs import validate
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service

SavedT = TypeVar("SavedT")
"""What the form's service returns on saving (and the form is dismissed with)."""

FormValues: TypeAlias = dict[str, str | None]
"""The form's values by field name; an empty optional field is None."""

if TYPE_CHECKING:
    from salessprint.tui.service_calls import ServiceFn

    SaveCall: TypeAlias = tuple[ServiceFn[SavedT], tuple[object, ...], dict[str, Any]]
    """The service function, its positional and keyword arguments (form values by
    field name, which the service checks: their types are the form's to choose)."""

# Pydantic's phrases a sales rep should not have to read.
WORDING = {
    "String should have at least 1 character": "is required",
    "Input should be a valid integer, unable to parse string as an integer": "must be a whole number",
    "Input should be greater than or equal to 0": "cannot be negative",
    "Input should be less than or equal to 100": "is at most 100",
}


REQUIRED_HOOKS = ("fields", "save_call")


@dataclass(frozen=True)
class FieldSpec:
    """One row of a form."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: list[tuple[str, str]] | None = None
    """For a choice field: (shown, value) pairs; the field becomes a Select."""
    optional: bool = True
    """An empty optional field means 'none'."""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    """Other field names the domain may use for this row in its errors."""


class FormModal(BaseModal[SavedT]):
    """Subclasses set TITLE_TEXT, MODEL, fields() and save_call()."""

    TITLE_TEXT = "Edit"
    MODEL: type[BaseModel]
    """The domain's input model that checks the values (a class's, or an instance's)."""
    ROW_ATTR: ClassVar[str | None] = None
    """The attribute holding the row being edited (None: the form only adds)."""
    FRESH: ClassVar[Callable[..., Any] | None] = None
    """The service that reads that row afresh by id, for showing theirs after a stale save."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check the values and save them"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding(
            "ctrl+r",
            "take_theirs",
            "Take theirs",
            id="form.take_theirs",
            tooltip="Someone else saved this meanwhile: show their values and edit those",
        ),
        Binding(
            "ctrl+y",
            "overwrite",
            "Overwrite",
            id="form.overwrite",
            tooltip="Someone else saved this meanwhile: save my values over theirs",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.specs = self.fields()
        self.saving = False
        self.theirs: Any = None
        """The row as someone else saved it, after a stale save (None: no conflict)."""

    # --- what subclasses provide (checked when a subclass is defined) ----------
    if TYPE_CHECKING:

        def fields(self) -> list[FieldSpec]:
            """The form's fields, in order."""

        def save_call(self, values: FormValues) -> SaveCall[SavedT]:
            """The service function, its positional and keyword arguments."""

    def __init_subclass__(cls, **kwargs: Any) -> None:  # Textual's class options, passed on
        super().__init_subclass__(**kwargs)
        missing = [name for name in REQUIRED_HOOKS if not callable(getattr(cls, name, None))]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

    def model_values(self, values: FormValues) -> FormValues:
        """What the pydantic model checks (default: the form's values)."""
        return values

    # --- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(self.TITLE_TEXT), classes="dialog-title")
            yield Label("", id="form-banner", classes="form-banner")
            with VerticalScroll(classes="form-fields"):
                for spec in self.specs:
                    with Horizontal(classes="form-row", id=f"row-{spec.name}"):
                        yield Label(Text(spec.label), classes="form-label")
                        if spec.choices is not None:
                            yield Select(
                                [(Text(shown), value) for shown, value in spec.choices],
                                value=spec.value if spec.value else Select.NULL,
                                allow_blank=spec.optional,
                                id=f"f-{spec.name}",
                                classes="form-input",
                            )
                        else:
                            yield Input(
                                spec.value, placeholder=spec.placeholder, id=f"f-{spec.name}", classes="form-input"
                            )
                        yield Label("", id=f"err-{spec.name}", classes="form-error")
            yield Label(Text("ctrl+s save · escape cancel · tab next field"), classes="dialog-hint")

    def on_mount(self) -> None:
        if self.specs:
            self.query_one(f"#f-{self.specs[0].name}").focus()

    # --- values and errors -----------------------------------------------------
    def values(self) -> FormValues:
        out: FormValues = {}
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Select):
                raw = widget.value
                value = raw if isinstance(raw, str) else None  # Select.NULL: nothing chosen
            else:
                value = widget.value if isinstance(widget, Input) else None
                if spec.optional and isinstance(value, str) and not value.strip():
                    value = None
            out[spec.name] = value
        return out

    def clear_errors(self) -> None:
        for spec in self.specs:
            self.query_one(f"#err-{spec.name}", Label).update("")
            self.query_one(f"#row-{spec.name}").remove_class("invalid")
        self.query_one("#form-banner", Label).update("")
        self.query_one("#form-banner", Label).remove_class("shown")

    def show_error(self, exc: SalesSprintError) -> None:
        """Beside its field when the error names one (every field's error at
        once, the first focused), else in the banner."""
        if isinstance(exc, InvalidInput):
            shown_any = False
            for error in (exc, *exc.others):
                name = self._row_for(error.field)
                if name is None:
                    continue
                message = error.message.split(": ", 1)[1] if ": " in error.message else error.message
                message = WORDING.get(message, message)
                self.query_one(f"#err-{name}", Label).update(Text(message))
                self.query_one(f"#row-{name}").add_class("invalid")
                if not shown_any:
                    self.query_one(f"#f-{name}").focus()
                shown_any = True
            if shown_any:
                return
        banner = self.query_one("#form-banner", Label)
        prefix = "Not saved: someone else changed this meanwhile. " if isinstance(exc, StaleWrite) else "Not saved: "
        banner.update(Text(prefix + exc.message))
        banner.add_class("shown")

    def _row_for(self, name: str | None) -> str | None:
        for spec in self.specs:
            if name == spec.name or name in spec.aliases:
                return spec.name
        return None

    # --- someone else saved meanwhile -------------------------------------------
    def _row(self) -> Any:
        return getattr(self, self.ROW_ATTR) if self.ROW_ATTR else None

    def _stale(self, exc: StaleWrite) -> None:
        """Read their row, then show it beside mine (or just the message, if the form cannot)."""
        row = self._row()
        fresh = type(self).FRESH
        if row is None or fresh is None:
            self.show_error(exc)
            return
        self.saving = True  # nothing is saved while their row is on its way
        call_service(self.app, fresh, row.id, done=lambda theirs: self._show_theirs(exc, theirs), failed=self._failed)

    def their_values(self, theirs: Any) -> FormValues:
        """Their row as this form's values (what the fields would show for it)."""
        assert self.ROW_ATTR is not None
        mine = self._row()
        setattr(self, self.ROW_ATTR, theirs)
        try:
            return {spec.name: spec.value for spec in self.fields()}
        finally:
            setattr(self, self.ROW_ATTR, mine)

    def _show_theirs(self, exc: StaleWrite, theirs: Any) -> None:
        self.saving = False
        self.theirs = theirs
        their_values = self.their_values(theirs)
        mine = self.values()
        differ = [
            spec
            for spec in self.specs
            if spec.name in their_values
            and (mine.get(spec.name) or "").strip() != (their_values[spec.name] or "").strip()
        ]
        for spec in differ:
            shown = their_values[spec.name] or "(empty)"
            self.query_one(f"#err-{spec.name}", Label).update(Text(f"theirs: {shown}"))
            self.query_one(f"#row-{spec.name}").add_class("invalid")
        what = ", ".join(spec.label for spec in differ) if differ else "nothing you see here"
        banner = self.query_one("#form-banner", Label)
        banner.update(
            Text(
                f"Not saved: {exc.message.split(' (now version')[0]}. "
                f"Theirs differs in: {what}. ctrl+r take theirs · ctrl+y overwrite with mine"
            )
        )
        banner.add_class("shown")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("take_theirs", "overwrite"):
            return self.theirs is not None
        return True

    def action_take_theirs(self) -> None:
        """Show their values in every field, and edit their version from now on."""
        if self.theirs is None or self.ROW_ATTR is None:
            return
        their_values = self.their_values(self.theirs)
        setattr(self, self.ROW_ATTR, self.theirs)
        self.theirs = None
        self.clear_errors()
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            value = their_values.get(spec.name) or ""
            if isinstance(widget, Select):
                widget.value = value if value else Select.NULL
            elif isinstance(widget, Input):
                widget.value = value
        self.refresh_bindings()
        self.notify("Their values are in the form; save to keep your edits on top.", markup=False)

    def action_overwrite(self) -> None:
        """Save my values over theirs (against their version: a newer change is caught again)."""
        if self.theirs is None or self.ROW_ATTR is None:
            return
        setattr(self, self.ROW_ATTR, self.theirs)
        self.theirs = None
        self.refresh_bindings()
        self.action_save()

    # --- actions -----------------------------------------------------------------
    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        values = self.values()
        try:
            validate(self.MODEL, **{k: v for k, v in self.model_values(values).items() if v is not None})
        except InvalidInput as exc:
            self.show_error(exc)
            return
        fn, args, kwargs = self.save_call(values)
        self.saving = True
        # Keys typed while it saves are for what is under the form once it closes.
        hold_keys(self.app, call_service(self.app, fn, *args, done=self._saved, failed=self._failed, **kwargs))

    def _saved(self, result: SavedT) -> None:
        self.saving = False
        self.dismiss(result)

    def _failed(self, exc: SalesSprintError) -> None:
        self.saving = False
        if isinstance(exc, StaleWrite):
            self._stale(exc)
            return
        self.show_error(exc)
