"""A closed sprint's figures are read once per store; an open sprint's every time."""

from __future__ import annotations

from salessprint.services.reports import closed_sprints
from salessprint.services.reports.sprint import sprint_report
from salessprint.store.db import Store
from tests.services.reports.sql import statements

FIGURES = "sum(CASE"  # the figures statement adds items and points by case


def figure_reads(store: Store, number: int | None) -> int:
    return sum(1 for s in statements(store, lambda: sprint_report(store, "max", number)) if FIGURES in s)


def test_a_closed_sprints_figures_are_read_once(story: Store) -> None:
    closed_sprints._kept.clear()  # as if the store had just been opened
    assert figure_reads(story, 1) == 1
    first = sprint_report(story, "max", 1)
    assert figure_reads(story, 1) == 0  # kept: sprint 1 is closed
    closed_sprints._kept.clear()
    assert sprint_report(story, "max", 1) == first


def test_an_open_sprints_figures_are_read_every_time(story: Store) -> None:
    sprint_report(story, "max")
    assert figure_reads(story, None) == 1  # sprint 2 is active: read afresh
