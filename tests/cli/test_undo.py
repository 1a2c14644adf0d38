"""`undo` on the command line."""

from __future__ import annotations


def test_undo_refused_when_someone_changed_it_since(sh) -> None:
    deal_id = sh("rita", "deal", "add", "Globex", "--account", "Globex", "--value", "10").output.strip()
    assert sh("max", "deal", "move", deal_id, "Qualified").exit_code == 0
    refused = sh("rita", "undo")
    assert refused.exit_code == 1
    assert refused.output.startswith(f"Error: Not undone: max changed deal #{deal_id} after you")
    assert "stage Lead → Qualified" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
