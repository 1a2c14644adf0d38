"""`member` commands on the command line."""

from __future__ import annotations

from typing import Any


def test_add_and_list_members(team: Any) -> None:
    added = team("member", "add", "sam", "--name", "Sam SDR", "--sales-role", "sdr", as_="ada").output
    assert added == "Added Sam SDR (sam) as rep.\n"
    listing = team("member", "list", "--format", "csv", as_="rita").output.splitlines()
    assert listing[0] == "id,login,name,role,sales_role,territory,started_on"
    assert any(line.split(",")[1:5] == ["sam", "Sam SDR", "rep", "SDR"] for line in listing)


def test_change_a_role_and_deactivate(team: Any) -> None:
    assert team("member", "role", "rita", "manager", as_="ada").output == "Rita Rep (rita) is now manager.\n"
    refused = team("member", "role", "ada", "rep", as_="ada")
    assert refused.exit_code == 1 and "only admin" in refused.output
    assert (
        team("member", "deactivate", "rita", as_="ada").output == "Deactivated Rita Rep (rita); their history stays.\n"
    )
    gone = team("log", "call", as_="rita")
    assert gone.exit_code == 1 and "is not a member" in gone.output
    listing = team("member", "list", "--all", "--format", "csv", as_="ada").output
    assert "rita" in listing
    by_rep = team("member", "deactivate", "mo", as_="mo")
    assert by_rep.exit_code == 1


def test_whoami_names_the_member_team_and_store(team: Any) -> None:
    out = team("whoami", as_="rita")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "You are Rita Rep (rita, rep) in Acme Sales."
    assert lines[1].startswith("Store: sqlite:///") and lines[1].endswith(".db")
