"""Themes as files: the shipped `themes/*.toml` plus the user's theme folder.

Each file is checked by `theme_file.theme_from_file` (by hand, not pydantic:
this is on the start path) and becomes a `textual.theme.Theme`. A broken file
is reported (in `failed`) and skipped; it never stops start-up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from textual.theme import Theme

# App colours every theme may set; these serve Textual's built-in themes.
APP_VARIABLES = {
    "lane-todo": "#4FA3E0",
    "lane-doing": "#F5A524",
    "lane-done": "#30A46C",
    "stage-won": "#30A46C",
    "stage-lost": "#E5484D",
    "rotting": "#E5484D",
    "goal-bar": "#30A46C",
    "goal-behind": "#F5A524",
    "velocity-bar": "#4FA3E0",
}


@dataclass
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _load_file(path: Path) -> Theme:
    from salessprint.tui.theme_file import theme_from_file

    return theme_from_file(tomllib.loads(path.read_text(encoding="utf-8")))


def load_themes(user_dir: Path | None) -> LoadedThemes:
    """Shipped themes first, then the user's (which may override by name)."""
    out = LoadedThemes()
    shipped = files("salessprint") / "themes"
    paths = sorted(Path(str(p)) for p in shipped.iterdir() if p.name.endswith(".toml"))
    if user_dir is not None and user_dir.is_dir():
        paths += sorted(user_dir.glob("*.toml"))
    for path in paths:
        try:
            out.themes.append(_load_file(path))
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            out.failed.append((path, reason))
    return out
