"""The base of every edit dialog: labelled inputs, an error beside each field.

A form checks its values with the domain's pydantic input model before it
saves (the error lands beside the field and nothing is written), then saves
through a service in a worker. A service's refusal (invalid field, stale
version, permission) stays on the form; only a successful save closes it.
"""

from __future__ import annotations

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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check the values and save them"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.specs = self.fields()
        self.saving = False

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
        """Beside its field when the error names one, else in the banner."""
        name = self._row_for(exc.field) if isinstance(exc, InvalidInput) else None
        if name is not None:
            message = exc.message.split(": ", 1)[1] if ": " in exc.message else exc.message
            message = WORDING.get(message, message)
            self.query_one(f"#err-{name}", Label).update(Text(message))
            self.query_one(f"#row-{name}").add_class("invalid")
            self.query_one(f"#f-{name}").focus()
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
        self.show_error(exc)
