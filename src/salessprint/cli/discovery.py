"""Which module holds which top-level command, found without importing any of them.

A command module is any module of this package that defines top-level commands
(`@click.command("name")` or `@click.group("name")` at the start of a line) and
lists them in a module-level `COMMANDS`. The names are read from the source, a
fraction of a millisecond for the whole package, so that the group imports a
module only when one of its commands runs (or for --help): `salessprint log call`
loads the activities module and no other command's. A new command module needs
no edit anywhere else.
"""

from __future__ import annotations

import os
import re

_TOP_LEVEL_COMMAND = re.compile(r'^@click\.(?:command|group)\(\s*"([^"]+)"', re.MULTILINE)


def command_modules(package: str, directory: str) -> dict[str, str]:
    """Each top-level command's name -> the dotted name of the module that holds it.

    Modules are read in name order; should two declare the same command, the first wins
    (tests/cli/test_discovery.py refuses that).
    """
    found: dict[str, str] = {}
    for entry in sorted(os.listdir(directory)):
        if not entry.endswith(".py") or entry.startswith("_"):
            continue
        with open(os.path.join(directory, entry), encoding="utf-8") as source:
            names = _TOP_LEVEL_COMMAND.findall(source.read())
        for name in names:
            found.setdefault(name, f"{package}.{entry[:-3]}")
    return found
