"""The settings peeked at without pydantic (quick_settings.py) are the settings
proper, or None where it cannot be sure (then the app waits for those)."""

from __future__ import annotations

from pathlib import Path

import pytest

from salessprint.config import load_settings, save_settings
from salessprint.domain.errors import InvalidInput
from salessprint.quick_settings import peek_settings


def same(db: str | None = None, user: str | None = None) -> None:
    peeked = peek_settings(db, user)
    proper = load_settings(db=db, user=user)
    assert peeked is not None
    assert (peeked.db, peeked.user, peeked.theme) == (proper.db, proper.user, proper.theme)


def test_precedence_is_the_settings_own(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    same()
    save_settings(db=" file.db ", user="fromfile", theme="projector")
    same()
    monkeypatch.setenv("SALESSPRINT_DB", "env.db")
    monkeypatch.setenv("salessprint_user", "  fromenv ")  # pydantic-settings matches any case
    same()
    same(db="flag.db", user="fromflag")
    monkeypatch.setenv("SALESSPRINT_USER", "   ")
    monkeypatch.delenv("salessprint_user")
    same()  # a blank user is no user


def test_anything_unsure_or_refused_is_none(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    path = isolated_env / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("user = [unclosed", encoding="utf-8")
    assert peek_settings() is None
    path.write_text("user = 5", encoding="utf-8")
    assert peek_settings() is None
    path.write_text('user = "ok"', encoding="utf-8")
    monkeypatch.setenv("SALESSPRINT_DB", "bad\x1b[2Jname.db")
    assert peek_settings() is None
    with pytest.raises(InvalidInput):
        load_settings()
    monkeypatch.setenv("SALESSPRINT_DB", "   ")
    assert peek_settings() is None
    with pytest.raises(InvalidInput):
        load_settings()
