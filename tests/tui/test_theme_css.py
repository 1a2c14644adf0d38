"""The review's switch to the projector theme parses no stylesheet on the key
press: the room's theme is parsed ahead while the app is idle, and each
theme's parse is kept (tui/theme_css.py); the rules are a fresh parse's."""

from __future__ import annotations

from typing import Any

from textual.css.stylesheet import Stylesheet

from salessprint.tui.screens.review import ReviewScreen
from salessprint.tui.theme_css import ROOM_THEME, KeptStylesheet
from tests.tui.harness import async_test, make_app, settle, until


def rules(stylesheet: Stylesheet) -> list[str]:
    """Each rule's selectors, declarations (colours resolved), origin and tie breaker."""
    return [repr((r.selectors, r.styles.get_rules(), r.is_default_rules, r.tie_breaker)) for r in stylesheet.rules]


def fresh_rules(stylesheet: Stylesheet, variables: dict[str, str]) -> list[str]:
    """The rules a plain Textual stylesheet parses from the same sources and variables."""
    sheet = Stylesheet(variables=variables)
    sheet.source = dict(stylesheet.source)
    sheet.parse()
    return rules(sheet)


@async_test
async def test_the_reviews_switch_to_the_projector_parses_nothing(demo_store: Any, parses: list[str]) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        await settle(pilot)  # the room's theme parsed ahead, in its worker
        before = app.theme
        assert before != ROOM_THEME and isinstance(app.stylesheet, KeptStylesheet)
        parses.clear()
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.theme == ROOM_THEME
        assert parses == [], f"the switch to the projector parsed the stylesheet: {parses}"
        assert rules(app.stylesheet) == fresh_rules(app.stylesheet, app.get_css_variables())
        parses.clear()  # (the fresh parse of the comparison)
        await pilot.press("escape")
        await settle(pilot)
        assert app.theme == before and parses == []  # and back to my theme, kept from its first parse
        assert rules(app.stylesheet) == fresh_rules(app.stylesheet, app.get_css_variables())


def test_a_kept_stylesheet_parses_a_theme_once_and_a_changed_source_again(parses: list[str]) -> None:
    sheet = KeptStylesheet(variables={"primary": "#ff0000"})
    sheet.add_source("Screen { background: $primary; }", read_from=("a.tcss", ""))
    sheet.parse()
    red = sheet.css
    sheet.preparse({"primary": "#0000ff"})
    sheet.set_variables({"primary": "#0000ff"})
    parses.clear()
    sheet.reparse()
    assert parses == [] and "#0000FF" in sheet.css.upper()
    sheet.set_variables({"primary": "#ff0000"})
    sheet.reparse()
    assert parses == [] and sheet.css == red
    sheet.add_source("Label { color: $primary; }", read_from=("b.tcss", ""))
    sheet.reparse()
    assert parses == ["reparse", "parse"] and "Label" in sheet.css
