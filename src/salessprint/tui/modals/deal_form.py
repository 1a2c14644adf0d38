"""Add or edit a deal: a form checked by DealIn / DealPatch before saving.

Editing an open deal also offers its forecast category (default: the one its
stage gives); it is sent only when changed, since calling it is the owner's
(or a manager's) right and a collaborator may still edit the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.domain.enums import StageKind
from salessprint.domain.forecast_categories import SETTABLE, parse_category
from salessprint.domain.inputs import DealIn, DealPatch
from salessprint.domain.values import DealView, StageView
from salessprint.services.deals import add_deal, get_deal, update_deal
from salessprint.tui.widgets.form import FieldSpec, FormModal, FormValues

if TYPE_CHECKING:
    from salessprint.tui.widgets.form import SaveCall

CATEGORY = "forecast_category"
DEFAULT_CATEGORY = "default"
"""The choice that hands the category back to the deal's stage."""


def _category_choices(deal: DealView) -> list[tuple[str, str]]:
    # Unset, the deal's category is the stage's: name it; set, the stage's is not at hand.
    default = "Default (from the stage)"
    if not deal.forecast_category_set:
        default = f"Default (from the stage: {deal.forecast_category.replace('_', ' ')})"
    shown = [(default, DEFAULT_CATEGORY)]
    return shown + [(c.value.replace("_", " ").capitalize(), c.value) for c in SETTABLE]


def _category_value(deal: DealView) -> str:
    return deal.forecast_category if deal.forecast_category_set else DEFAULT_CATEGORY


class DealForm(FormModal[DealView]):
    """New deal when `deal` is None, else an edit of that deal at its version."""

    ROW_ATTR = "deal"
    FRESH = get_deal

    def __init__(self, deal: DealView | None = None, stages: list[StageView] | None = None) -> None:
        self.deal = deal
        self.stages = [s for s in (stages or []) if s.kind == StageKind.OPEN]
        self.TITLE_TEXT = f"Edit deal #{deal.id}" if deal else "New deal"
        self.MODEL = DealPatch if deal else DealIn
        super().__init__()

    def fields(self) -> list[FieldSpec]:
        d = self.deal
        specs = [
            FieldSpec("title", "Title", d.title if d else "", "What is being sold", optional=False),
            FieldSpec("account", "Account", d.account if d else "", "Customer company", optional=False),
            FieldSpec("value", "Value", f"{d.value}" if d else "", "e.g. 12500 or 12,500.00", optional=False),
        ]
        if d is None and self.stages:
            specs.append(
                FieldSpec(
                    "stage",
                    "Stage",
                    self.stages[0].name,
                    choices=[(s.name, s.name) for s in self.stages],
                    optional=False,
                )
            )
        specs += [
            FieldSpec(
                "expected_close",
                "Close date",
                d.expected_close.isoformat() if d and d.expected_close else "",
                "YYYY-MM-DD",
            ),
            FieldSpec("points", "Points", str(d.points) if d and d.points is not None else "", "effort, 0-100"),
            FieldSpec("next_step", "Next step", d.next_step or "" if d else "", "e.g. send proposal"),
            FieldSpec("owner", "Owner", d.owner if d else "", "login (empty: me)"),
        ]
        if d is not None and d.stage_kind == StageKind.OPEN:
            specs.append(
                FieldSpec(CATEGORY, "Forecast", _category_value(d), choices=_category_choices(d), optional=False)
            )
        return specs

    def _category_changed(self, values: FormValues) -> bool:
        return self.deal is not None and CATEGORY in values and values[CATEGORY] != _category_value(self.deal)

    def save_call(self, values: FormValues) -> SaveCall[DealView]:
        if self.deal is None:
            return add_deal, (), {k: v for k, v in values.items() if v is not None}
        values = dict(values)
        if not values.get("owner"):
            values.pop("owner", None)
        if not self._category_changed(values):
            values.pop(CATEGORY, None)
        return update_deal, (self.deal.id,), {"expected_version": self.deal.version, **values}

    def model_values(self, values: FormValues) -> FormValues:
        if self.deal is None:
            return values
        values = dict(values)
        category = values.pop(CATEGORY, None)
        if category is not None:
            parse_category(category)  # the store's words only (a clear error beside the field otherwise)
        # A patch: required fields must not be blanked, so check them as given.
        return {**values, **{k: values[k] if values[k] is not None else "" for k in ("title", "account", "value")}}
