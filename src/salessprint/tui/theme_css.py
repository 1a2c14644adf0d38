"""A stylesheet that keeps what it parsed for each theme, and the room's theme parsed ahead.

Textual re-parses the whole stylesheet when the theme changes (its
variables are substituted as the CSS is parsed): F5 switches to the
projector theme for the review and paid that re-parse (60-120 ms) on the
key press, and again on leaving. `KeptStylesheet` keeps the rules it parsed
per (variables, sources), so a theme seen once re-parses nothing; and
`preparse_theme` parses the stylesheet with another theme's variables in a
thread worker while the app is idle (after the CSS preload, see
`tui.css_preload`), so the review's first switch finds its rules ready.
The rules are exactly those a re-parse would make: the same sources and
variables, parsed by Textual's own parser.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import Stylesheet

if TYPE_CHECKING:
    from textual.app import App
    from textual.css.model import RuleSet

ROOM_THEME = "projector"
"""The theme the review switches to for the shared screen (parsed ahead)."""
KEPT_THEMES = 4
"""Parsed stylesheets kept (the user's theme and the projector, with room to spare)."""


class KeptStylesheet(Stylesheet):
    """A Textual stylesheet whose re-parse reuses the rules it made before for
    the same variables and sources."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._kept: OrderedDict[Hashable, list[RuleSet]] = OrderedDict()
        self._kept_lock = threading.Lock()

    @classmethod
    def copy_of(cls, stylesheet: Stylesheet) -> KeptStylesheet:
        """A copy of `stylesheet` (like `Stylesheet.copy`) that keeps its parses;
        it shares what a KeptStylesheet has kept already."""
        copy = cls(variables=dict(stylesheet._variables))
        copy.source = stylesheet.source.copy()
        if isinstance(stylesheet, KeptStylesheet):
            with stylesheet._kept_lock:
                copy._kept = OrderedDict(stylesheet._kept)
        return copy

    def copy(self) -> KeptStylesheet:
        return KeptStylesheet.copy_of(self)

    @staticmethod
    def _key(variables: dict[str, str], source: dict[Any, Any]) -> Hashable:
        return (tuple(sorted(variables.items())), tuple(source.items()))

    def _keep(self, key: Hashable, rules: list[RuleSet]) -> None:
        with self._kept_lock:
            self._kept[key] = list(rules)
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT_THEMES:
                self._kept.popitem(last=False)

    def kept(self, variables: dict[str, str]) -> bool:
        """Whether the rules for `variables` and the current sources are kept."""
        key = self._key(variables, self.source)
        with self._kept_lock:
            return key in self._kept

    def parse(self) -> None:
        super().parse()
        self._keep(self._key(self._variables, self.source), self._rules)

    def reparse(self) -> None:
        key = self._key(self._variables, self.source)
        with self._kept_lock:
            rules = self._kept.get(key)
            if rules is not None:
                self._kept.move_to_end(key)
        if rules is None:
            super().reparse()
            self._keep(key, self._rules)
            return
        self._rules = list(rules)
        self._rules_map = None
        self._require_parse = False

    def preparse(self, variables: dict[str, str]) -> None:
        """Parse the current sources with `variables` (another theme's) and keep
        the rules, for a later switch to that theme. Safe in a thread: it reads
        a snapshot of the sources and parses a stylesheet of its own."""
        source = dict(self.source)
        key = self._key(variables, source)
        with self._kept_lock:
            if key in self._kept:
                return
        sheet = Stylesheet(variables=variables)
        sheet.source = source
        sheet.parse()
        self._keep(key, sheet.rules)


def theme_variables(app: App[Any], name: str) -> dict[str, str] | None:
    """The CSS variables of theme `name`, as `App.get_css_variables` makes them
    for the current theme (without switching to it); None for an unknown theme."""
    theme = app.get_theme(name)
    if theme is None:
        return None
    return {**app.get_theme_variable_defaults(), **theme.to_color_system().generate(), **theme.variables}


def preparse_theme(app: App[Any], name: str) -> None:
    """Parse the app's stylesheet with theme `name`'s variables in a thread
    worker, so switching to it re-parses nothing (a no-op when it is the
    current theme, unknown, or kept already)."""
    stylesheet = app.stylesheet
    variables = theme_variables(app, name)
    if not isinstance(stylesheet, KeptStylesheet) or variables is None or app.theme == name:
        return
    if stylesheet.kept(variables):
        return
    app.run_worker(
        lambda: stylesheet.preparse(variables),
        thread=True,
        group="preload",
        exit_on_error=False,
        name=f"preparse {name} theme",
    )
