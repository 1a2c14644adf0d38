"""User text made safe for a terminal and a spreadsheet: domain/text.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from salessprint.domain.errors import InvalidInput
from salessprint.domain.text import BIDI_CONTROLS, check_text, control_character, csv_cell, visible, visible_value

ATTACK = "Big deal\x1b]0;pwned\x07\x1b[2J"


def test_escape_sequences_are_drawn_as_control_pictures() -> None:
    assert visible(ATTACK) == "Big deal␛]0;pwned␇␛[2J"
    assert visible("a\x00b\x7fc\x9bd") == "a␀b␡c\ufffdd"


def test_tab_and_newline_stay_unless_one_line() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("a\tb\nc", one_line=True) == "a␉b␊c"


def test_plain_text_is_returned_as_it_is() -> None:
    text = "Acme – Café [bold]x[/] 👍"
    assert visible(text) is text


@given(st.text())
def test_nothing_visible_can_drive_a_terminal(text: str) -> None:
    shown = visible(text)
    assert control_character(shown) is None
    assert all(ch in "\t\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in shown)
    assert not set(shown) & set(BIDI_CONTROLS)
    assert len(shown) == len(text)


BIDI = [chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
"""U+202A-U+202E and U+2066-U+2069, listed by hand (not from the module)."""


def test_the_bidi_controls_are_the_nine_of_unicode() -> None:
    assert sorted(BIDI_CONTROLS) == BIDI


@pytest.mark.parametrize("bidi", BIDI)
def test_bidi_overrides_and_isolates_are_drawn_as_a_replacement(bidi: str) -> None:
    # "Invoice <RLO>fdp.exe" would read as "Invoice exe.pdf" on a terminal.
    assert visible(f"Invoice {bidi}fdp.exe") == "Invoice \ufffdfdp.exe"
    assert visible(f"a{bidi}b", one_line=True) == "a\ufffdb"


@given(st.text(alphabet=st.sampled_from([*BIDI, "a", "\u05d0", " ", "\t"])))
def test_no_bidi_control_survives_visible(text: str) -> None:
    shown = visible(text)
    assert not set(shown) & set(BIDI)
    assert control_character(shown) is None
    assert (control_character(text) is None) == (shown == text)


def test_bidi_controls_are_named_and_refused_with_the_field() -> None:
    assert control_character("Acme\u202eevil") == "a right-to-left override (U+202E)"
    assert control_character("x\u2066y") == "a left-to-right isolate (U+2066)"
    assert control_character("Hebrew \u05d0\u05d1 and Arabic \u0627 are fine") is None
    with pytest.raises(InvalidInput, match=r"^title: contains a right-to-left override \(U\+202E\)") as err:
        check_text("Invoice \u202efdp.exe", "title")
    assert err.value.field == "title"


def test_control_characters_are_named() -> None:
    assert control_character(ATTACK) == "ESC (U+001B)"
    assert control_character("tab\tand\nnewline") is None
    assert control_character("a\x9bb") == "a control character (U+009B)"


def test_check_text_names_the_field() -> None:
    assert check_text("fine\ttext", "goal") == "fine\ttext"
    assert check_text(None, "goal") is None
    with pytest.raises(InvalidInput, match=r"^goal: contains ESC \(U\+001B\)") as err:
        check_text(ATTACK, "goal")
    assert err.value.field == "goal"


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("|pipe", "'|pipe"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'␍CR"),
        ("-12.50", "-12.50"),
        ("+7", "+7"),
        ("Acme", "Acme"),
        ("", ""),
        ("x\x1b[2J", "x␛[2J"),
    ],
)
def test_csv_cells_never_start_a_formula(cell: str, shown: str) -> None:
    assert csv_cell(cell) == shown


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    title: str
    tags: list[str] = []


@dataclass(frozen=True)
class _Page:
    rows: tuple[_Row, ...]
    names: dict[str, str]


def test_a_whole_result_is_made_visible_and_clean_parts_are_kept() -> None:
    clean = _Row(id=1, title="Plain", tags=["a"])
    page = _Page(rows=(clean, _Row(id=2, title=ATTACK, tags=["x\x1b"])), names={"k\x07": "v\x9b", "ok": "fine"})
    shown = visible_value(page)
    assert shown.rows[0] is clean
    assert shown.rows[1] == _Row(id=2, title="Big deal␛]0;pwned␇␛[2J", tags=["x␛"])
    assert shown.names == {"k␇": "v\ufffd", "ok": "fine"}
    assert page.rows[1].title == ATTACK  # the original is untouched
    assert visible_value(clean) is clean and visible_value([clean, 3, None]) == [clean, 3, None]


def test_counted_puts_the_noun_in_the_right_number() -> None:
    from salessprint.domain.text import counted

    assert [counted(n, "deal") for n in (0, 1, 2)] == ["0 deals", "1 deal", "2 deals"]
    assert (
        counted(1, "activity", "activities") == "1 activity" and counted(3, "activity", "activities") == "3 activities"
    )
