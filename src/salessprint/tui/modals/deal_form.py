"""Add or edit a deal: a form checked by DealIn / DealPatch before saving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.domain.enums import StageKind
from salessprint.domain.inputs import DealIn, DealPatch
from salessprint.domain.values import DealView, StageView
from salessprint.services.deals import add_deal, get_deal, update_deal
from salessprint.tui.widgets.form import FieldSpec, FormModal, FormValues

if TYPE_CHECKING:
    from salessprint.tui.widgets.form import SaveCall


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
        return specs

    def save_call(self, values: FormValues) -> SaveCall[DealView]:
        if self.deal is None:
            return add_deal, (), {k: v for k, v in values.items() if v is not None}
        values = dict(values)
        if not values.get("owner"):
            values.pop("owner", None)
        return update_deal, (self.deal.id,), {"expected_version": self.deal.version, **values}

    def model_values(self, values: FormValues) -> FormValues:
        if self.deal is None:
            return values
        # A patch: required fields must not be blanked, so check them as given.
        return {**values, **{k: values[k] if values[k] is not None else "" for k in ("title", "account", "value")}}
