"""Argument types shared by the commands: row ids checked at the boundary.

A row id no row can have (0 and less, or past the store's INTEGER range,
such as 2^63) is answered like any other missing row ("No deal #… in this
team."), never with a driver's overflow.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from salessprint.domain.errors import NotFound
from salessprint.domain.inputs import MAX_ID


class RowId(click.ParamType[int, Any]):
    """The id of a deal, a task, ... For `what=None` the kind is the command's
    `item_type` argument (sprint add/remove: deal or task)."""

    name = "id"

    def __init__(self, what: str | None, missing: str = "No {what} #{id} in this team.") -> None:
        self.what = what
        self.missing = missing

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        what = self.what or str((ctx.params if ctx else {}).get("item_type") or "item").lower()
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"'{value}' is not a {what} number.", param, ctx)
        if not 1 <= number <= MAX_ID:
            raise NotFound(self.missing.format(what=what, id=number))
        return number


DEAL_ID = RowId("deal")
TASK_ID = RowId("task")
ITEM_ID = RowId(None)
SPRINT_NUMBER = RowId("sprint", "No sprint number {id} ('salessprint sprint list' shows them).")


def plain_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Option callback for text no form model checks (a sprint goal, a team's
    name): control characters other than tab and newline are refused."""
    from salessprint.domain.text import check_text

    return check_text(value, (param.name or "text").replace("_", " "))


class FilePath(click.Path):
    """click.Path that refuses an empty name, which it would read as the current folder."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty: give a file or folder name.", param, ctx)
        return super().convert(value, param, ctx)


password_option = click.option(
    "--password-stdin",
    "password_stdin",
    is_flag=True,
    help="PostgreSQL: read the new login's password from standard input (else the server's own auth applies).",
)


def read_password() -> str:
    """A password from standard input: its first line, without the newline."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.BadParameter("no password on standard input.", param_hint="--password-stdin")
    return line
