"""The command line reads its store and login without pydantic-settings, and
agrees with `config.load_settings` on every source and every oddity."""

from __future__ import annotations

from pathlib import Path

import pytest

from salessprint.cli.context import Ctx, lean_settings
from salessprint.config import load_settings
from salessprint.domain.errors import SalesSprintError

CONFIGS = {
    "none": None,
    "empty": "",
    "both": 'db = "sqlite:////tmp/from-config.db"\nuser = "cfg"\n',
    "user only": 'user = "  cfg  "\n',
    "blank user": 'user = ""\n',
    "other keys": 'theme = "salessprint-light"\nunknown = 3\n',
    "broken toml": "db = \n",
    "not utf-8": b'user = "caf\xe9"\n',
    "wrong type": "user = 3\n",
    "control character": 'user = "a\\u001bb"\n',
    "bad theme": 'theme = "x\\u202ey"\n',
    "key in capitals": 'USER = "cfg"\n',
    "blank db": 'db = "   "\n',
}
ENVS = {
    "none": {},
    "user": {"SALESSPRINT_USER": "envy"},
    "db and user": {"SALESSPRINT_DB": " /tmp/env.db ", "SALESSPRINT_USER": " envy "},
    "lower case": {"salessprint_user": "low"},
    "empty user": {"SALESSPRINT_USER": ""},
    "empty db": {"SALESSPRINT_DB": ""},
    "twice": {"SALESSPRINT_USER": "a", "salessprint_user": "b"},
}
OPTIONS = {"none": (None, None), "both": ("/tmp/opt.db", "opt"), "as": (None, " opt ")}


def _settle(config: str | bytes | None, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config" / "config.toml"
    if config is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(config, bytes):
            path.write_bytes(config)
        else:
            path.write_text(config, encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _by_pydantic(db: str | None, user: str | None) -> object:
    try:
        settings = load_settings(db=db, user=user)
    except SalesSprintError as exc:
        return ("refused", exc.message)
    return (settings.db, settings.user)


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("env", sorted(ENVS))
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_the_lean_read_agrees_with_load_settings_or_leaves_it_to_it(
    config: str, env: str, option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settle(CONFIGS[config], ENVS[env], tmp_path, monkeypatch)
    db, user = OPTIONS[option]
    lean = lean_settings(db, user)
    expected = _by_pydantic(db, user)
    if lean is None:  # left to load_settings: only when it refuses or something is unusual
        assert config in {
            "broken toml",
            "not utf-8",
            "wrong type",
            "control character",
            "bad theme",
            "key in capitals",
            "blank db",
        } or env in {"twice", "empty db"}, expected
        return
    assert lean == expected


def test_a_command_s_store_and_login_come_from_the_same_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settle('db = "sqlite:////tmp/from-config.db"\nuser = "cfg"\n', {}, tmp_path, monkeypatch)
    ctx = Ctx(db_option=None, as_option="opt")
    assert ctx.login == "opt"
    ctx.as_option = "next"  # `demo` changes who I am, then forgets the settings
    ctx._settings = None
    assert ctx.login == "next"


def test_an_unusual_config_is_worded_by_load_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _settle("db = \n", {}, tmp_path, monkeypatch)
    with pytest.raises(SalesSprintError, match="is not valid TOML"):
        _ = Ctx(db_option=None, as_option="opt").login
