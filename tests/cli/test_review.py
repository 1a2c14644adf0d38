"""`review` and `serve` on the command line."""

from __future__ import annotations

from typing import Any


def test_review_and_serve_refuse_an_unknown_member_in_one_line(team: Any) -> None:
    for command in (("review",), ("serve", "--port", "8765")):
        result = team(*command, as_="zed")
        assert result.exit_code == 1
        assert result.output.startswith("Error: 'zed' is not a member of this team")
        assert len(result.output.strip().splitlines()) == 1


def test_serve_command_runs_this_program_on_the_same_store() -> None:
    from salessprint.cli.context import Ctx
    from salessprint.cli.review import serve_command

    ctx = Ctx(db_option="sqlite:////tmp/a b.db", as_option="maria")
    command = serve_command(ctx, whole_app=False)
    assert command.endswith("-m salessprint --db 'sqlite:////tmp/a b.db' --as maria review")
    assert not serve_command(ctx, whole_app=True).endswith("review")
