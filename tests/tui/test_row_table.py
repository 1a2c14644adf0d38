"""RowTable: one-line rows drawn through the Line API, only those on screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult

from salessprint.tui.widgets.row_table import Column, RowTable
from tests.tui.harness import async_test


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[int] = []
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield RowTable([Column("Title"), Column("Value", 8, "right")], id="t")

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        self.highlighted.append(event.cursor_row)

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        self.selected.append(event.cursor_row)


def rows(n: int) -> list[list[Text]]:
    return [[Text(f"deal {i}"), Text(str(i))] for i in range(n)]


@async_test
async def test_only_the_rows_on_screen_are_built() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        built: list[Any] = []
        original = table._line

        def line(cells: Sequence[Text]) -> list[Segment]:
            built.append(cells)
            return original(cells)

        table._line = line  # type: ignore[method-assign]
        table.set_rows(rows(100_000))
        await pilot.pause()
        assert table.row_count == 100_000
        assert 0 < len(built) <= 12  # the rows on screen, not 100,000
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 99_999 and table.scroll_offset.y > 99_000
        assert len(built) <= 30


@async_test
async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows(50))
        table.focus()
        await pilot.press("down", "down", "j")
        assert table.cursor_row == 3
        await pilot.press("pagedown")
        assert table.cursor_row > 3
        row = table.cursor_row
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [row] and app.highlighted[-1] == row
        await pilot.press("home", "up")
        assert table.cursor_row == 0
        table.set_rows(rows(2))
        assert table.cursor_row == 0
        table.move_cursor(row=10)
        assert table.cursor_row == 1  # clamped


@async_test
async def test_cells_are_plain_text_never_markup() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows([[Text("[bold]x[/]"), Text("[/]")]])
        await pilot.pause()
        line = "".join(seg.text for seg in table.render_line(1))
        assert "[bold]x[/]" in line and "[/]" in line


def count_lines(table: RowTable) -> list[int]:
    """The screen lines `table` draws from now on (its `render_line` calls)."""
    drawn: list[int] = []
    original = table.render_line

    def render_line(y: int) -> Any:
        drawn.append(y)
        return original(y)

    table.render_line = render_line  # type: ignore[method-assign]
    return drawn


@async_test
async def test_the_same_rows_again_repaint_nothing_and_one_changed_row_repaints_one_line() -> None:
    """A filter keystroke whose answer shows the same window draws no line;
    one changed row draws its own line only."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows(50))
        await pilot.pause()
        drawn = count_lines(table)
        table.set_rows(rows(50))  # equal rows, new objects
        await pilot.pause()
        assert drawn == []
        changed = rows(50)
        changed[3] = [Text("deal 3, renamed"), Text("3")]
        table.set_rows(changed)
        await pilot.pause()
        assert drawn == [4]  # row 3 sits under the header line
        assert "deal 3, renamed" in table.render_line(4).text
        drawn.clear()
        table.set_rows(rows(2))  # a shorter list: the rows gone go blank, the rest stays
        await pilot.pause()
        assert len(drawn) == len(set(drawn)) <= 12  # the list's height changed: one screen, once
        assert "deal 1" in table.render_line(2).text and table.render_line(3).text.strip() == ""


@async_test
async def test_a_cursor_step_repaints_the_two_rows_it_touches() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows(50))
        table.focus()
        await pilot.pause()
        drawn = count_lines(table)
        await pilot.press("down", "down")
        await pilot.pause()
        assert table.cursor_row == 2
        assert sorted(drawn) == [1, 2, 2, 3]  # row 0 -> 1, then row 1 -> 2
        drawn.clear()
        table.set_rows(rows(50))  # the answer of a reload: the same rows
        await pilot.pause()
        assert drawn == []


@async_test
async def test_a_row_is_drawn_as_few_segments_as_it_has_styles() -> None:
    """Each segment reaches the terminal with its whole style and a reset: a
    plain row is one segment (its cells' gaps and padding joined in), a row
    with a bold cell three (before it, it, after it)."""
    app = TableApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows([[Text("deal 0"), Text("0")], [Text("deal 1", style="bold"), Text("1")]])
        await pilot.pause()
        plain, bold = list(table.render_line(1)), list(table.render_line(2))
        assert len(plain) == 1 and "deal 0" in plain[0].text
        assert len(bold) == 3 and bold[1].text.startswith("deal 1") and bold[1].style and bold[1].style.bold


@async_test
async def test_a_new_row_count_repaints_the_rows_not_the_screen() -> None:
    """A filter that changes how many rows there are lays nothing out and does
    not repaint the whole table: the lines whose row changed are repainted,
    and the scrollbar takes the new height at once (before, its new thumb came
    a frame after the layout the new height asked for). The scrollbar stays,
    as on the backlog: its coming and going would change the rows' width."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        table.styles.overflow_y = "scroll"
        table.set_rows(rows(50))
        await pilot.pause()
        calls = {"layout": 0, "whole": 0}
        original = RowTable.refresh

        def refresh(self: RowTable, *regions: Any, **kwargs: Any) -> Any:
            calls["layout"] += bool(kwargs.get("layout"))
            calls["whole"] += not regions and kwargs.get("repaint", True)
            return original(self, *regions, **kwargs)

        table.refresh = refresh.__get__(table)  # type: ignore[method-assign]
        drawn = count_lines(table)
        table.set_rows(rows(3))
        assert table.vertical_scrollbar.window_virtual_size == 4  # the header and three rows, at once
        await pilot.pause()
        assert calls == {"layout": 0, "whole": 0}
        assert sorted(set(drawn)) == list(range(4, 12))  # the rows gone go blank; rows 0-2 are the same
        assert "deal 2" in table.render_line(3).text and table.render_line(4).text.strip() == ""
        drawn.clear()
        table.set_rows(rows(50))  # and back: the rows that came back are drawn
        await pilot.pause()
        assert calls == {"layout": 0, "whole": 0} and sorted(set(drawn)) == list(range(4, 12))
        assert table.vertical_scrollbar.window_virtual_size == 51
