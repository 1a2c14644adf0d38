"""The Retrospective screen: add, vote, delete; an action becomes a task next sprint."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from salessprint.domain.enums import RetroColumn
from salessprint.services.retro import list_entries
from salessprint.services.sprints import sprint_items
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.retro_entry import RetroEntryModal
from salessprint.tui.screens.retro import RetroScreen
from tests.tui.harness import HOSTILE, run_on, screen_text, settle, toast_shown

SIZE = (140, 40)


def run(store: Any, login: str, scenario: Any) -> None:
    async def on_retro(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        assert isinstance(app.screen, RetroScreen)
        await scenario(pilot, app)

    run_on(store, login, "6", SIZE, on_retro)


def test_add_an_entry_to_the_focused_column(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert "Retrospective of sprint 13 (active)" in screen_text(app)
        await pilot.press("right")  # To improve
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RetroEntryModal)
        await pilot.press(*"Too many tabs open", "enter")
        await settle(pilot)
        assert app.screen is screen
        stored = list_entries(demo_store, "bea", 13)
        assert [(e.column, e.text, e.author) for e in stored] == [("to_improve", "Too many tabs open", "bea")]
        assert "Too many tabs open" in screen_text(app)
        assert "To improve (1)" in screen_text(app)

    run(demo_store, "bea", scenario)


def test_an_action_gets_an_owner_and_becomes_a_task_next_sprint(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("left")  # wraps round to Actions
        await pilot.press("a")
        await settle(pilot)  # members load into the owner list
        await pilot.press(*"Call lost deals back", "tab", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # blank ("Me"), Alex Novak, Beatriz Santos
        await pilot.pause()
        await pilot.press("ctrl+s")
        await toast_shown(pilot, "for bea in the next sprint")
        await settle(pilot)
        assert isinstance(app.screen, RetroScreen)
        entry = next(e for e in list_entries(demo_store, "maria", 13) if e.text == "Call lost deals back")
        assert (entry.column, entry.owner) == ("action", "bea")
        assert entry.task_id is not None
        items = sprint_items(demo_store, "maria", 14)
        task = next(i for i in items if i.item_type == "task" and i.item_id == entry.task_id)
        assert (task.title, task.owner) == ("Retro action: Call lost deals back", "bea")
        text = screen_text(app)
        assert f"owner bea · task #{entry.task_id}" in text
        assert f"task #{entry.task_id} for bea in the next sprint" in text

    run(demo_store, "maria", scenario)


def test_empty_text_is_refused_beside_the_field(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("a")
        await pilot.pause()
        modal = app.screen
        await pilot.press("space", "enter")
        await settle(pilot)
        assert app.screen is modal
        assert modal.query_one("#text-error").display
        assert "text: write something first" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert list_entries(demo_store, "maria", 13) == []

    run(demo_store, "maria", scenario)


def test_vote_twice_takes_it_back_and_hostile_text_is_verbatim_on_an_old_sprint(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, RetroScreen)
        await pilot.press("left_square_bracket")  # sprint 12
        await settle(pilot)
        assert "Retrospective of sprint 12 (closed)" in screen_text(app)
        first = screen.entries[RetroColumn.WENT_WELL][0]
        await pilot.press("v")
        await settle(pilot)
        voted = next(e for e in list_entries(demo_store, "chris", 12) if e.id == first.id)
        assert voted.votes == first.votes + 1
        assert f"▲ {first.votes + 1} (you)" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert next(e for e in list_entries(demo_store, "chris", 12) if e.id == first.id).votes == first.votes
        for title in HOSTILE:
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*title, "enter")
            await settle(pilot)
        texts = [e.text for e in list_entries(demo_store, "chris", 12) if e.author == "chris"]
        assert sorted(texts) == sorted(HOSTILE)
        options = screen.query_one("#entries-went_well", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
        assert set(HOSTILE) <= set(prompts)
        text = screen_text(app)
        for title in HOSTILE:
            assert title in text

    run(demo_store, "chris", scenario)


def test_delete_my_entry(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Oops", "enter")
        await settle(pilot)
        assert [e.text for e in list_entries(demo_store, "dana", 13)] == ["Oops"]
        await pilot.press("d")  # asks first
        await toast_shown(pilot, "Press d again to delete: Oops")
        await settle(pilot)
        assert [e.text for e in list_entries(demo_store, "dana", 13)] == ["Oops"]
        await pilot.press("d")
        await toast_shown(pilot, "Entry deleted.")
        await settle(pilot)
        assert list_entries(demo_store, "dana", 13) == []
        assert "To improve (0)" in screen_text(app) and "Went well (0)" in screen_text(app)

    run(demo_store, "dana", scenario)


def test_retro_snapshot(demo_store, snap_compare) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("left_square_bracket")  # the last closed sprint's retro
        await settle(pilot)

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=loaded)


def test_every_binding_of_these_screens_and_dialogs_has_id_description_and_tooltip() -> None:
    from textual.binding import Binding

    from salessprint.tui.modals.log_activity import KindPicker, LogActivityModal
    from salessprint.tui.modals.lost_reason import LostReasonModal
    from salessprint.tui.modals.move_stage import MoveStageModal
    from salessprint.tui.screens.activity import ActivityScreen
    from salessprint.tui.screens.pipeline import PipelineScreen

    owners = (
        PipelineScreen,
        ActivityScreen,
        RetroScreen,
        LogActivityModal,
        KindPicker,
        LostReasonModal,
        MoveStageModal,
        RetroEntryModal,
    )
    ids = []
    for owner in owners:
        assert owner.BINDINGS, owner
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id and binding.description and binding.tooltip, (owner.__name__, binding.key)
            ids.append(binding.id)
    assert len(ids) == len(set(ids))
    for screen in (PipelineScreen, ActivityScreen, RetroScreen):
        assert screen.TITLE_TEXT


def test_retro_snapshot_on_the_projector(demo_store, snap_compare) -> None:
    """The Friday review happens on the shared screen: projector theme, 200x50."""

    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)

    app = SalesSprintApp(demo_store, "maria", theme_name="projector")
    assert snap_compare(app, terminal_size=(200, 50), run_before=loaded)
