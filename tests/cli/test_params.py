"""Argument types (cli/params.py): row ids past the store's range are missing rows, empty paths are refused."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from salessprint.cli.params import DEAL_ID, ITEM_ID, SPRINT_NUMBER, FilePath, plain_text
from salessprint.domain.errors import InvalidInput, NotFound


@pytest.mark.parametrize("raw", ["0", "-1", str(2**31), str(2**63), str(10**20)])
def test_an_id_no_row_can_have_is_not_found(raw: str) -> None:
    with pytest.raises(NotFound, match=rf"^No deal #{raw} in this team\.$"):
        DEAL_ID.convert(raw, None, None)
    with pytest.raises(NotFound, match=rf"^No sprint number {raw} "):
        SPRINT_NUMBER.convert(raw, None, None)


def test_an_id_in_range_is_an_int() -> None:
    assert DEAL_ID.convert(" 12 ", None, None) == 12
    assert DEAL_ID.convert(2**31 - 1, None, None) == 2**31 - 1


def test_a_word_is_a_usage_error() -> None:
    with pytest.raises(click.BadParameter, match="'twelve' is not a deal number"):
        DEAL_ID.convert("twelve", None, None)


def test_a_sprint_item_is_named_by_its_type() -> None:
    @click.command()
    @click.argument("item_type")
    @click.argument("item_id", type=ITEM_ID)
    def cmd(item_type: str, item_id: int) -> None:
        click.echo(item_id)

    result = CliRunner().invoke(cmd, ["task", str(2**63)])
    assert isinstance(result.exception, NotFound) and str(result.exception) == f"No task #{2**63} in this team."


def test_an_empty_path_is_refused() -> None:
    with pytest.raises(click.BadParameter, match="is empty"):
        FilePath().convert("", None, None)
    assert str(FilePath().convert("team.json", None, None)) == "team.json"


def test_plain_text_refuses_control_characters() -> None:
    param = click.Option(["--goal"])
    ctx = click.Context(click.Command("x"))
    assert plain_text(ctx, param, "Close the quarter") == "Close the quarter"
    assert plain_text(ctx, param, None) is None
    with pytest.raises(InvalidInput, match=r"^goal: contains ESC"):
        plain_text(ctx, param, "x\x1b[2J")
