"""Only what you may do: keys my role would be refused are disabled with the
reason (or hidden) before any confirmation; a rep's keys on someone else's row
say who may, and nothing opens. Keys pressed without pauses; the store is the judge."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import salessprint.tui as tui_package
from salessprint.domain.enums import Role, TaskStatus
from salessprint.services import open_store
from salessprint.services.deals import add_collaborator, add_deal, get_deal
from salessprint.services.members import set_role
from salessprint.services.sprints import list_sprints, sprint_items
from salessprint.tui import guards
from salessprint.tui.modals.confirm import ConfirmModal
from salessprint.tui.modals.deal_form import DealForm
from salessprint.tui.modals.help import KeysModal
from salessprint.tui.screens.backlog import BacklogScreen
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.screens.planning import PlanningScreen
from tests.tui.harness import async_test, make_app, notified, screen_text, settle, sprint_team, type_fast, until

SIZE = (150, 40)


def active_sprint(store: Any) -> Any:
    return next(s for s in list_sprints(store, "maria") if s.state == "active")


async def open_planning(pilot: Any) -> PlanningScreen:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanningScreen)
    return screen


@async_test
async def test_a_rep_cannot_close_the_sprint_and_sees_why_before_any_confirmation(demo_store: Any) -> None:
    sprint = active_sprint(demo_store)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE) as pilot:
        planning = await open_planning(pilot)
        type_fast(app, "c", "y")
        await settle(pilot)
        assert app.screen is planning  # no confirmation opened
        assert not any("close" in n.lower() for n in notified(app))
        # The footer keeps the key, disabled, its tooltip saying why.
        close = next(a for a in planning.active_bindings.values() if a.binding.id == "planning.close")
        assert close.enabled is False
        assert close.tooltip.endswith("(managers only)")
        assert "Close sprint" in screen_text(app)  # still shown where a rep would look for it
        # The keys list says it too.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysModal)
        line = next(line for line in screen_text(app).splitlines() if "close sprint" in line.lower())
        assert "managers only" in line
    assert active_sprint(demo_store).number == sprint.number  # still open


@async_test
async def test_a_manager_still_closes_the_sprint_after_confirming(demo_store: Any) -> None:
    sprint = active_sprint(demo_store)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=SIZE) as pilot:
        await open_planning(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert f"Close sprint {sprint.number}?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
    closed = next(s for s in list_sprints(demo_store, "maria") if s.number == sprint.number)
    assert closed.state == "closed"


async def filter_backlog_to(pilot: Any, title: str) -> BacklogScreen:
    app = pilot.app
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    backlog = app.screen
    assert isinstance(backlog, BacklogScreen)
    if backlog.mine:
        await pilot.press("a")  # the whole team's
    type_fast(app, "slash", *title, "enter")
    await settle(pilot)
    await until(pilot, lambda: (row := backlog.selected()) is not None and row.title == title, what=title)
    return backlog


@async_test
async def test_a_rep_editing_anothers_deal_is_told_who_may_and_no_form_opens(demo_store: Any) -> None:
    theirs = add_deal(demo_store, "maria", title="Bea's renewal", account="Umbrella", value="900", owner="bea")
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        backlog = await filter_backlog_to(pilot, "Bea's renewal")
        type_fast(app, "e", "ctrl+s")  # a save, had a form opened
        await settle(pilot)
        assert app.screen is backlog  # no form
        refusal = (
            "Only Beatriz Santos (the owner), the deal's collaborators or a manager may edit this deal; you are a rep."
        )
        assert refusal in notified(app)
        # Delete says so too, before its confirmation.
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is backlog
        assert any("may delete this deal" in n for n in notified(app))
    assert get_deal(demo_store, "maria", theirs.id).title == "Bea's renewal"


@async_test
async def test_a_collaborator_may_edit_anothers_deal(demo_store: Any) -> None:
    theirs = add_deal(demo_store, "maria", title="Shared deal", account="Umbrella", value="900", owner="bea")
    add_collaborator(demo_store, "maria", theirs.id, "alex")
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await filter_backlog_to(pilot, "Shared deal")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, DealForm)
        assert not any("Only " in n for n in notified(app))


@async_test
async def test_the_role_decides_once_it_is_known(demo_store: Any) -> None:
    """Before I am known every key is offered (the services refuse); my role then
    narrows them: a rep's import key is hidden, a manager's planning keys enabled."""
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE) as pilot:
        planning = await open_planning(pilot)
        assert planning.check_action("close", ()) is None  # disabled, shown
        assert planning.check_action("reload", ()) is True
        assert app.check_action("open_import", ()) is False  # hidden: admins only
        assert app.check_action("undo", ()) is True
    manager = make_app(demo_store, "maria")
    async with manager.run_test(size=SIZE) as pilot:
        planning = await open_planning(pilot)
        assert all(planning.check_action(a, ()) is True for a in ("plan", "goal", "start", "close"))


def bound_classes() -> list[type[DOMNode]]:
    """Every screen and dialog class of the app (and the app, and a dialog's own widgets) that declares key bindings."""
    found: list[type[DOMNode]] = []
    for info in pkgutil.walk_packages(tui_package.__path__, f"{tui_package.__name__}."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                # Shared widgets' keys (tui/widgets) are cursor moves; a dialog's own widget (the log's kind picker) counts.
                in_a_screen = ".screens." in cls.__module__ or ".modals." in cls.__module__
                if vars(cls).get("BINDINGS") and (in_a_screen or issubclass(cls, (Screen, App))):
                    found.append(cls)
    return found


def test_every_binding_with_an_id_on_every_screen_has_its_rule_in_guards() -> None:
    classes = bound_classes()
    names = {cls.__name__ for cls in classes}
    assert {"SalesSprintApp", "PlanningScreen", "DealRoomScreen", "ConfirmModal", "FormModal"} <= names, names
    missing = [
        f"{cls.__name__}: {binding.id}"
        for cls in classes
        for binding in vars(cls)["BINDINGS"]
        if isinstance(binding, Binding) and binding.id and guards.guard_of(binding.id) is None
    ]
    assert missing == [], f"add these keys' rules to tui/guards.py GUARDS: {missing}"
    # And nothing listed that no screen binds any more (a renamed key would otherwise keep a stale rule).
    bound = {b.id for cls in classes for b in vars(cls)["BINDINGS"] if isinstance(b, Binding)}
    assert set(guards.GUARDS) - bound == set()


def test_a_row_rule_names_the_permission_the_service_checks() -> None:
    """The table names permissions; who holds them is domain/permissions.py's."""
    edit = guards.GUARDS["backlog.edit"]
    task = guards.Owned("task", "rita", "Rita Rep")
    assert guards.row_refusal(Role.REP, "rita", edit, task) is None  # her own task
    refusal = guards.row_refusal(Role.REP, "rob", edit, task)
    assert refusal == "Only Rita Rep (the assignee) or a manager may edit this task; you are a rep."
    assert guards.row_refusal(Role.MANAGER, "max", edit, task) is None
    assert guards.role_refusal(Role.REP, guards.GUARDS["planning.close"]) == "managers only"
    assert guards.role_refusal(Role.MANAGER, guards.GUARDS["app.import"]) == "admins only"


def test_a_reps_planning_keys_snapshot(demo_store: Any, snap_compare: Any) -> None:
    """A rep's `?` on Planning: the manager's keys dimmed, "(managers only)" beside them."""

    async def keys_open(pilot: Any) -> None:
        await open_planning(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "managers only" in screen_text(pilot.app)

    assert snap_compare(make_app(demo_store, "alex"), terminal_size=(120, 36), run_before=keys_open)


def test_keys_follow_my_role_when_it_changes(tmp_path: Any, frozen: Any) -> None:
    url = f"sqlite:///{tmp_path / 'roles.db'}"
    sprint_team(url).dispose()
    store = open_store(url)

    async def scenario() -> None:
        app = make_app(store, "rita")
        async with app.run_test(size=SIZE) as pilot:
            planning = await open_planning(pilot)

            def close_enabled() -> bool:
                return next(a for a in planning.active_bindings.values() if a.binding.id == "planning.close").enabled

            assert not close_enabled()
            set_role(store, "ada", "rita", "manager")
            app.refresh_context()
            await settle(pilot)
            await until(pilot, close_enabled, what="close offered to the new manager")
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)

    try:
        asyncio.run(scenario())
    finally:
        store.dispose()


def test_a_rep_moving_anothers_card_is_told_who_may(tmp_path: Any, frozen: Any) -> None:
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    sprint_team(url).dispose()
    store = open_store(url)

    async def scenario() -> None:
        app = make_app(store, "rob")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("3")  # a rep opens on Today
            await settle(pilot)
            board = app.screen
            assert isinstance(board, BoardScreen)
            await until(pilot, lambda: len(board.cards[TaskStatus.TODO]) == 3, what="rita's cards")
            type_fast(app, "shift+right", "shift+right")
            await settle(pilot)
            refusal = "Only Rita Rep (the assignee) or a manager may move this task; you are a rep."
            assert notified(app).count(refusal) == 2

    try:
        asyncio.run(scenario())
    finally:
        store.dispose()
    store = open_store(url)
    try:
        assert {c.status for c in sprint_items(store, "max")} == {"todo"}
    finally:
        store.dispose()
