"""Every hint names a real command: each message in the source (and each
command in the README) that quotes `salessprint ...` is parsed against the
click command tree, down to its options. A hint naming 'salessprint retro add'
(no such command) fails here."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import click
import pytest

from salessprint.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "salessprint"

QUOTED = re.compile(r"""['`]salessprint((?: [^'`]*)?)['`]""")
"""A command quoted in a message: 'salessprint sprint plan' or `salessprint review`."""

PROSE = re.compile(r"\(salessprint ([a-z]+),")
"""A command named in a parenthesis: "(salessprint export, then restore into a new --db)"."""


def _strings(path: Path) -> list[str]:
    """The string constants of a module (f-strings' constant parts too), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def hints() -> list[tuple[str, str]]:
    """(where, the command line after 'salessprint') of every hint in the source."""
    found: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for text in _strings(path):
            found += [(where, m.group(1).strip()) for m in QUOTED.finditer(text)]
            found += [(where, m.group(1)) for m in PROSE.finditer(text)]
    return found


def readme_commands() -> list[tuple[str, str]]:
    """(README, the command line) of each `salessprint ...` line in the README's code blocks."""
    found: list[tuple[str, str]] = []
    in_code = False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        stripped = line.strip().removeprefix("$ ")
        if in_code and stripped.startswith("salessprint "):
            found.append(("README.md", stripped.removeprefix("salessprint ").split(" #")[0]))
    return found


def resolve(command_line: str) -> list[str]:
    """What is wrong with `salessprint <command_line>` ([] when it names a real command and options)."""
    try:
        words = shlex.split(command_line)
    except ValueError:
        words = command_line.split()
    ctx = click.Context(cli, info_name="salessprint")
    command: click.Command = cli
    name = "salessprint"
    problems: list[str] = []
    rest = iter(words)
    for word in rest:
        if word in ("|", "&&", ";", ">") or word.startswith("$"):
            break
        if word.startswith("-"):
            flag = word.split("=")[0]
            options = {opt: p for p in command.params for opt in (*p.opts, *p.secondary_opts)}
            option = options.get(flag)
            if option is None and flag not in ("-h", "--help"):
                problems.append(f"'{name}' has no option {flag}")
            elif isinstance(option, click.Option) and not option.is_flag and "=" not in word:
                next(rest, None)  # the option's value
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(ctx, word)
            if sub is None:
                problems.append(f"'{name}' has no command '{word}'")
                break
            command, name = sub, word
            continue
        break  # an argument (a login, a file, an id): the command is found
    return problems


ALL = hints()


def test_the_source_has_hints_to_check() -> None:
    # A guard against the scan finding nothing (a regex gone wrong passes every check).
    named = {line.split()[0] for _where, line in ALL if line}
    assert {"sprint", "init", "db", "demo", "restore", "history", "member", "export"} <= named


@pytest.mark.parametrize(("where", "command_line"), ALL + readme_commands())
def test_every_hint_names_a_real_command(where: str, command_line: str) -> None:
    assert resolve(command_line) == [], f"{where}: 'salessprint {command_line}'"


def test_a_made_up_command_is_caught() -> None:
    assert resolve("retro add") == ["'salessprint' has no command 'retro'"]
    assert resolve("sprint start --keep-dates") == []
    assert resolve("sprint start --keep-planned") == ["'start' has no option --keep-planned"]
    assert resolve("report one-on-one LOGIN") == []
