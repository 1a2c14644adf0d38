"""Themes are files: shipped ones load, a broken user file is reported and
skipped, and the chosen theme is remembered in the config file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from salessprint.config import config_path, load_settings, user_themes_dir
from salessprint.tui.themes import load_themes
from tests.tui.harness import async_test, make_app, notified, settle


def test_shipped_themes_load() -> None:
    loaded = load_themes(None)
    assert loaded.failed == []
    names = {t.name for t in loaded.themes}
    assert {"salessprint-dark", "salessprint-light", "projector"} <= names
    projector = next(t for t in loaded.themes if t.name == "projector")
    assert projector.variables["lane-done"] == "#00E676"


def test_broken_user_theme_is_reported_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    (folder / "broken.toml").write_text('name = "broken"\nprimary = ', encoding="utf-8")
    (folder / "nonsense.toml").write_text('name = "nonsense"\nprimary = "not a colour"\n', encoding="utf-8")
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\ndark = false\n', encoding="utf-8")
    loaded = load_themes(folder)
    assert sorted(p.name for p, _ in loaded.failed) == ["broken.toml", "nonsense.toml"]
    assert "mine" in {t.name for t in loaded.themes}


@async_test
async def test_app_starts_with_a_broken_theme_file_and_says_so(demo_store: Any) -> None:
    folder = user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text("this is not toml [", encoding="utf-8")
    (folder / "sunrise.toml").write_text('name = "sunrise"\nprimary = "#FF8800"\n', encoding="utf-8")
    app = make_app(demo_store, "alex", theme="sunrise")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "sunrise"
        assert any("broken.toml skipped" in m for m in notified(app)), notified(app)
        assert app.current_mode == "today"  # a rep's first screen


@async_test
async def test_chosen_theme_is_remembered(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "salessprint-dark"
        app.theme = "projector"
        await pilot.pause()
    saved = tomllib.loads(config_path().read_text(encoding="utf-8"))
    assert saved["theme"] == "projector"
    assert load_settings().theme == "projector"


@async_test
async def test_unknown_theme_falls_back_to_dark(demo_store: Any) -> None:
    app = make_app(demo_store, "alex", theme="no-such-theme")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "salessprint-dark"


def _saved_theme() -> str | None:
    path = config_path()
    return tomllib.loads(path.read_text(encoding="utf-8")).get("theme") if path.exists() else None


@async_test
async def test_a_theme_that_fails_to_load_stays_the_users_choice(demo_store: Any) -> None:
    """The user's theme file is broken this time: the app falls back to the dark
    theme for this run, and config.toml still names the user's theme."""
    from salessprint.config import save_settings

    save_settings(theme="sunrise")
    folder = user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "sunrise.toml").write_text('name = "sunrise"\nprimary = ', encoding="utf-8")
    app = make_app(demo_store, "alex", theme="sunrise")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "salessprint-dark"
    assert _saved_theme() == "sunrise"


@async_test
async def test_a_theme_that_no_longer_exists_stays_the_users_choice_when_started_by_the_cli(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """The CLI's way in (`connect`, themes read in the first worker): an unknown
    theme name is not overwritten by the fallback either."""
    import shutil

    from salessprint.config import save_settings
    from salessprint.services import open_store
    from salessprint.tui.app import Opened, SalesSprintApp

    save_settings(theme="gone-theme")
    db = tmp_path / "cli.db"
    shutil.copy(demo_db_path, db)
    opened: list[Any] = []

    def connect() -> Opened:
        opened.append(open_store(f"sqlite:///{db}"))
        return Opened(opened[-1], "alex", load_settings().theme)

    app = SalesSprintApp(connect=connect)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert app.theme == "salessprint-dark"
    finally:
        for store in opened:
            store.dispose()
    assert _saved_theme() == "gone-theme"


def test_a_theme_file_is_checked_with_plain_reasons(tmp_path: Path) -> None:
    """Theme files are read on the start path without pydantic; each bad file says why."""
    folder = tmp_path / "themes"
    folder.mkdir()
    files = {
        "extra.toml": 'name = "x"\nprimary = "#112233"\nshade = 3\n',
        "noname.toml": 'primary = "#112233"\n',
        "noprimary.toml": 'name = "x"\n',
        "alpha.toml": 'name = "x"\nprimary = "#112233"\ntext-alpha = "high"\n',
        "dark.toml": 'name = "x"\nprimary = "#112233"\ndark = "yes"\n',
        "vars.toml": 'name = "x"\nprimary = "#112233"\n[variables]\nlane-done = 3\n',
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "kebab.toml").write_text(
        'name = "kebab"\nprimary = "#112233"\nluminosity-spread = 0\ntext_alpha = 1\n', encoding="utf-8"
    )
    loaded = load_themes(folder)
    reasons = {p.name: reason for p, reason in loaded.failed}
    assert sorted(reasons) == sorted(files)
    assert "unknown setting 'shade'" in reasons["extra.toml"]
    assert "name" in reasons["noname.toml"] and "primary" in reasons["noprimary.toml"]
    assert "text-alpha should be a number" in reasons["alpha.toml"]
    kebab = next(t for t in loaded.themes if t.name == "kebab")
    assert kebab.luminosity_spread == 0.0 and kebab.text_alpha == 1.0
