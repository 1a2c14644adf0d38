"""Where settings come from: the flag, the environment, the config file, the default."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from salessprint.config import default_db_url, load_settings, save_settings
from salessprint.domain.errors import InvalidInput


def test_precedence_flag_then_env_then_file_then_default(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    assert load_settings().db == default_db_url()
    assert str(isolated_env / "data") in load_settings().db
    save_settings(db="file.db", user="fromfile")
    assert (load_settings().db, load_settings().user) == ("file.db", "fromfile")
    monkeypatch.setenv("SALESSPRINT_DB", "env.db")
    monkeypatch.setenv("SALESSPRINT_USER", "fromenv")
    assert (load_settings().db, load_settings().user) == ("env.db", "fromenv")
    s = load_settings(db="flag.db", user="fromflag")
    assert (s.db, s.user) == ("flag.db", "fromflag")


def test_saving_keeps_other_keys(isolated_env: Path) -> None:
    save_settings(user="ada", theme="projector")
    save_settings(user="bob")
    assert (load_settings().user, load_settings().theme) == ("bob", "projector")


def test_a_broken_config_file_is_named(isolated_env: Path) -> None:
    path = isolated_env / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("user = [unclosed", encoding="utf-8")
    with pytest.raises(InvalidInput, match="config.toml is not valid TOML"):
        load_settings()
    result = CliRunner().invoke(cli, ["member", "list"])
    assert result.exit_code == 1 and "not valid TOML" in result.output
