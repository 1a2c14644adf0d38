"""tui/widgets/form.py: a save that finds the row changed by someone else
keeps the form open, shows theirs beside mine, and lets me take theirs or
overwrite with mine; never a silent overwrite. Real keys, checked on the
screen and in the store."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from salessprint.services.deals import add_deal, get_deal, update_deal
from salessprint.services.tasks import add_task, get_task, update_task
from salessprint.tui.modals.deal_form import DealForm
from salessprint.tui.modals.task_form import TaskForm
from tests.templates import team_copy
from tests.tui.harness import async_test, make_app, screen_text, settle, until


async def retype(pilot: Pilot[Any], form: Any, name: str, text: str) -> None:
    form.query_one(f"#f-{name}", Input).focus()
    await pilot.press("end", "ctrl+u", *[("space" if ch == " " else ch) for ch in text])


def label(form: Any, selector: str) -> str:
    return str(form.query_one(selector, Label).render())


async def open_stale_deal_form(pilot: Pilot[Any], store: Any) -> tuple[DealForm, int]:
    """Rita opens the deal; Max saves a change to it; Rita edits the title and saves."""
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000")
    form = DealForm(get_deal(store, "rita", deal.id))
    await pilot.app.push_screen(form)
    await until(pilot, lambda: pilot.app.screen is form)
    update_deal(
        store, "max", deal.id, expected_version=deal.version, title="Acme renewal 2027", next_step="Send contract"
    )
    await retype(pilot, form, "title", "Acme renewal (rita)")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: "theirs" in label(form, "#form-banner").lower(), what="their values shown")
    return form, deal.id


@async_test
async def test_a_stale_save_shows_theirs_beside_mine_and_saves_nothing(sqlite_url: str, frozen: object) -> None:
    store = team_copy(sqlite_url)
    async with make_app(store, "rita").run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        form, deal_id = await open_stale_deal_form(pilot, store)

        banner = label(form, "#form-banner")
        assert f"Someone else changed deal #{deal_id} since you opened it" in banner
        assert "Title, Next step" in banner and "ctrl+r take theirs" in banner and "ctrl+y overwrite" in banner
        assert label(form, "#err-title") == "theirs: Acme renewal 2027"
        assert label(form, "#err-next_step") == "theirs: Send contract"
        assert label(form, "#err-value") == ""  # the same on both sides
        assert form.query_one("#f-title", Input).value == "Acme renewal (rita)"  # mine is kept
        shown = screen_text(pilot.app)
        assert "theirs: Acme renewal 2027" in shown and "Acme renewal (rita)" in shown  # side by side
        assert pilot.app.screen is form
        assert get_deal(store, "max", deal_id).title == "Acme renewal 2027"

        # Saving again without choosing is refused again: no silent overwrite.
        await pilot.press("ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: "theirs" in label(form, "#form-banner").lower())
        assert get_deal(store, "max", deal_id).title == "Acme renewal 2027"
    store.dispose()


@async_test
async def test_overwrite_saves_mine_over_theirs(sqlite_url: str, frozen: object) -> None:
    store = team_copy(sqlite_url)
    async with make_app(store, "rita").run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        form, deal_id = await open_stale_deal_form(pilot, store)

        await pilot.press("ctrl+y")
        await until(pilot, lambda: pilot.app.screen is not form, what="the form closes once saved")
        saved = get_deal(store, "max", deal_id)
        assert saved.title == "Acme renewal (rita)"
        assert saved.next_step is None  # overwrite: every field as my form has it, their next step too
    store.dispose()


@async_test
async def test_take_theirs_fills_the_form_with_their_values(sqlite_url: str, frozen: object) -> None:
    store = team_copy(sqlite_url)
    task = add_task(store, "rita", title="Call the CFO", points="2")
    async with make_app(store, "rita").run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        form = TaskForm(get_task(store, "rita", task.id))
        await pilot.app.push_screen(form)
        await until(pilot, lambda: pilot.app.screen is form)
        update_task(store, "max", task.id, expected_version=task.version, title="Call the CFO and CEO", points="5")
        await retype(pilot, form, "points", "3")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "theirs" in label(form, "#form-banner").lower())
        assert label(form, "#err-points") == "theirs: 5"
        assert label(form, "#err-title") == "theirs: Call the CFO and CEO"

        await pilot.press("ctrl+r")
        await until(pilot, lambda: form.query_one("#f-title", Input).value == "Call the CFO and CEO")
        assert form.query_one("#f-points", Input).value == "5"
        assert label(form, "#err-points") == "" and "theirs" not in label(form, "#form-banner")

        # I edit their version now: my change on top of theirs saves.
        await retype(pilot, form, "points", "8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is not form)
        saved = get_task(store, "max", task.id)
        assert (saved.title, saved.points) == ("Call the CFO and CEO", 8)
    store.dispose()
