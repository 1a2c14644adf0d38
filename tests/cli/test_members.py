"""`member` commands on the command line."""

from __future__ import annotations

from typing import Any


def test_add_and_list_members(team: Any) -> None:
    added = team("member", "add", "sam", "--name", "Sam SDR", "--sales-role", "sdr", as_="ada").output
    assert added == "Added Sam SDR (sam) as rep.\n"
    listing = team("member", "list", "--format", "csv", as_="rita").output.splitlines()
    assert listing[0] == "id,login,name,role,sales_role,territory,started_on"
    assert any(line.split(",")[1:5] == ["sam", "Sam SDR", "rep", "SDR"] for line in listing)
