"""Command discovery: every command module's commands are found from its source,
listed by `salessprint --help` and resolved to their module; a new module needs no edit elsewhere."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import salessprint.cli
from salessprint.cli import MODULE_OF, cli
from salessprint.cli.discovery import command_modules

CLI_DIR = Path(salessprint.cli.__path__[0])


def command_module_names() -> list[str]:
    names = (f"salessprint.cli.{p.stem}" for p in sorted(CLI_DIR.glob("*.py")) if not p.stem.startswith("_"))
    return [n for n in names if hasattr(importlib.import_module(n), "COMMANDS")]


def test_every_declared_command_is_found_in_its_own_module() -> None:
    declared = {
        command.name: module
        for module in command_module_names()
        for command in importlib.import_module(module).COMMANDS
    }
    assert declared == MODULE_OF
    for name in ("report", "review", "serve"):  # whether their module is called *_cmds.py or not
        assert name in MODULE_OF


def test_help_lists_every_command_of_every_module() -> None:
    listed = CliRunner().invoke(cli, ["--help"]).output.split("Commands:")[1]
    for name in MODULE_OF:
        assert f"\n  {name} " in listed


def test_two_modules_never_declare_the_same_command() -> None:
    names = [c.name for m in command_module_names() for c in importlib.import_module(m).COMMANDS]
    assert len(names) == len(set(names))


def test_a_new_command_module_needs_no_edit_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "extra_cli"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "greetings.py").write_text(
        "import click\n\n\n"
        '@click.command("greet")\n'
        "def greet_cmd() -> None:\n"
        '    """Say hello."""\n'
        '    click.echo("hello")\n\n\n'
        "COMMANDS = [greet_cmd]\n"
    )
    found = command_modules("extra_cli", str(package))
    assert found == {"greet": "extra_cli.greetings"}
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(salessprint.cli, "MODULE_OF", {**MODULE_OF, **found})
    monkeypatch.delitem(sys.modules, "extra_cli.greetings", raising=False)
    monkeypatch.setattr(cli, "commands", dict(cli.commands))
    runner = CliRunner()
    assert "greet" in runner.invoke(cli, ["--help"]).output
    assert runner.invoke(cli, ["greet"]).output == "hello\n"


def test_only_top_level_commands_are_read_from_the_source(tmp_path: Path) -> None:
    (tmp_path / "things.py").write_text(
        'import click\n\n@click.group("thing")\ndef thing_group() -> None: ...\n\n'
        '@thing_group.command("add")\ndef thing_add() -> None: ...\n\n'
        '    @click.command("nested")\n'
    )
    (tmp_path / "_private.py").write_text('@click.command("hidden")\n')
    (tmp_path / "notes.txt").write_text('@click.command("text")\n')
    assert command_modules("pkg", str(tmp_path)) == {"thing": "pkg.things"}


def test_log_call_imports_no_other_command_module(tmp_path: Path) -> None:
    """`salessprint log call` loads the activities module and no other command's."""
    env = {
        "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    init = [
        sys.executable,
        "-m",
        "salessprint",
        "--db",
        str(tmp_path / "x.db"),
        "init",
        "--team",
        "T",
        "--admin",
        "ada",
    ]
    subprocess.run(init, capture_output=True, env=env, timeout=60, check=True)
    probe = (
        "import json, sys\nfrom salessprint.cli import cli\n"
        "cli.main(['log', 'call'], standalone_mode=False)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('salessprint.cli.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert {m for m in loaded if m in set(MODULE_OF.values())} == {"salessprint.cli.activities"}, loaded


def test_a_command_is_a_click_command() -> None:
    for module in command_module_names():
        assert all(isinstance(c, click.Command) for c in importlib.import_module(module).COMMANDS)
