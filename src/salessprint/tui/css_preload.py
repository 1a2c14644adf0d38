"""Every screen's, dialog's and widget's CSS in the stylesheet before it is first opened.

Screens are imported lazily (the first frame costs little more than Textual),
but a lazily imported screen brings CSS the stylesheet has not seen, and
Textual then re-parses the whole stylesheet on its first open (`switch_mode`
→ `_init_mode` → `refresh_css` → `Stylesheet.reparse`), a cost paid on the
key press. Here, once the first screen has shown and the app is idle:

1. `import_ui_modules` (in a thread worker) imports every module of the
   screens in `SCREENS` and every module under `tui/screens`, `tui/modals` and
   `tui/widgets`, so a screen or dialog added later is covered without a line
   here;
2. `with_every_source` (on the UI thread, cheap) copies the stylesheet and
   adds the CSS of every widget class now imported (ours and the Textual
   widgets they use) and of every screen class, exactly as Textual would when
   it first meets them; the copy is parsed in the worker (the costly part, off
   the UI thread) and `install`ed on the UI thread if the stylesheet did not
   change meanwhile: one parse while idle instead of a re-parse per first open.

Each step starts only once the app is idle again (`SalesSprintApp._when_idle`):
a key pressed while the imports run has its open done before the CSS is
gathered and parsed, and that before every node is restyled. The collector,
paused for start-up, stays off until what the preload imported is frozen.

A screen built afterwards is marked as styled by the current stylesheet
(`mark_styled`), so opening its mode re-parses nothing. The installed
stylesheet keeps its parse per theme, and the room's theme (the review's
projector) is parsed ahead too (`tui.theme_css`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import CssSource, Stylesheet
from textual.css.types import CSSLocation
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from salessprint.tui.theme_css import ROOM_THEME, KeptStylesheet, preparse_theme

if TYPE_CHECKING:
    from textual.app import App

UI_PACKAGES = ("salessprint.tui.screens", "salessprint.tui.modals", "salessprint.tui.widgets")
"""Packages whose every module holds screens, dialogs or widgets the app may show."""


def import_ui_modules(extra: Iterable[str] = ()) -> list[str]:
    """Import the `extra` modules (the screens of SCREENS) and every module of
    `UI_PACKAGES`; the names imported. Safe in a thread: imports hold the import lock."""
    names = list(dict.fromkeys(extra))
    for package_name in UI_PACKAGES:
        package = importlib.import_module(package_name)
        names += [f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
    for name in names:
        importlib.import_module(name)
    return names


def _widget_classes() -> Iterator[type[Widget]]:
    """Every Widget subclass imported so far (Screens are widgets too)."""
    seen: set[type[DOMNode]] = set()
    todo: list[type[DOMNode]] = [Widget]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        if issubclass(cls, Widget):
            yield cls


def _default_css(cls: type[Widget]) -> list[tuple[tuple[str, str], str, int, str]]:
    """What Textual adds for an instance of `cls` when it is registered
    (`DOMNode._get_default_css` reads only `_node_bases`, a function of the class)."""
    bases = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
    found: list[tuple[tuple[str, str], str, int, str]] = DOMNode._get_default_css(bases)  # type: ignore[arg-type]
    return found


def _screen_css(cls: type[Screen[Any]]) -> tuple[tuple[str, str], str, str] | None:
    """A screen's own `CSS`, located as `App._load_screen_css` locates it."""
    css = cls.__dict__.get("CSS", "")
    if not css:
        return None
    try:
        path = inspect.getfile(cls)
    except (TypeError, OSError):
        path = ""
    return (path, f"{cls.__name__}.CSS"), css, cls._css_type_name if cls.SCOPED_CSS else ""


def with_every_source(stylesheet: Stylesheet) -> Stylesheet | None:
    """A copy of `stylesheet` plus the CSS of every imported widget and screen
    class, added as Textual would add it when it first meets them; None when
    nothing is new. The copy is not parsed yet: `parse()` it off the UI thread."""
    candidate = KeptStylesheet.copy_of(stylesheet)  # a theme switch later re-parses once per theme at most
    for cls in _widget_classes():
        for read_from, css, tie_breaker, scope in _default_css(cls):
            candidate.add_source(css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope)
        if issubclass(cls, Screen):
            own = _screen_css(cls)
            if own is not None:
                read_from, css, scope = own
                candidate.add_source(css, read_from=read_from, is_default_css=False, scope=scope)
    return None if candidate.source == stylesheet.source else candidate


def still_current(app: App[Any], candidate: Stylesheet, base: dict[CSSLocation, CssSource]) -> bool:
    """Nothing changed the app's stylesheet (a theme, a new widget's CSS) since
    `candidate` was copied from it, with `base` its sources then."""
    stylesheet = app.stylesheet
    return stylesheet.source == base and stylesheet._variables == candidate._variables


def install(app: App[Any], candidate: Stylesheet) -> None:
    """Use the parsed `candidate` as the app's stylesheet and restyle what is
    mounted (as Textual does when a CSS file changes, `App._on_css_change`)."""
    app.stylesheet = candidate
    candidate.update(app)  # the app and the screen shown (its only child), every node once
    shown = app.screen
    for screen in app.screen_stack:
        if screen is not shown:  # the shown one was restyled just now: not twice
            candidate.update(screen)
        mark_styled(app, screen)  # restyled with the current colours: going back to it re-parses nothing
    preparse_theme(app, ROOM_THEME)  # the review's switch to the projector then re-parses nothing


def mark_styled(app: App[Any], screen: Screen[Any]) -> None:
    """Tell Textual that `screen` is styled by the current stylesheet (all its
    CSS was added up front), so its first open does not re-parse the stylesheet."""
    screen._css_update_count = app._css_update_count
