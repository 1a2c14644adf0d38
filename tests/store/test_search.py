"""The filter's match (store/search.py): the LIKE pattern, the FTS5 phrase, the trigram tables' names."""

from __future__ import annotations

import sqlite3

from salessprint.store.search import MIN_TRIGRAM, like_pattern, phrase, search_tables, trigram_ready


def test_the_like_pattern_takes_wildcards_and_backslashes_as_letters() -> None:
    assert like_pattern("  50%_Off\\ ") == "%50\\%\\_off\\\\%"
    assert like_pattern("   ") is None


def test_three_characters_make_a_trigram_fewer_do_not() -> None:
    assert MIN_TRIGRAM == 3
    assert not trigram_ready(" ab ") and trigram_ready("abc") and trigram_ready("日本語")


def test_the_phrase_is_one_fts5_string_whatever_it_holds() -> None:
    """Quotes, FTS5 operators and wildcards in the text are matched as letters."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='trigram')")
    titles = ['say "hi" OR NOT', "a*b^c (x)", "NEAR(abc)", "plain"]
    conn.executemany("INSERT INTO t(a) VALUES (?)", [(t,) for t in titles])
    for text, expected in [('"hi"', [1]), ("or not", [1]), ("a*b^c (", [2]), ("near(", [3]), ("PLAIN", [4])]:
        found = [r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (phrase(text),))]
        assert found == expected, text


def test_the_trigram_tables_and_their_shadows_are_named() -> None:
    names = search_tables()
    assert {"deals_search", "tasks_search", "accounts_search", "deals_search_data", "tasks_search_idx"} <= names


def test_the_match_folds_case_without_lower_on_sqlite() -> None:
    """SQLite's LIKE already ignores ASCII case, as its lower() folds only
    ASCII: the column is compared as it is (no lower() call per row), and a
    mixed-case title still matches a lower-case text. PostgreSQL keeps
    lower(), which its trigram indexes are built on."""
    from sqlalchemy import String, column, create_engine, select, text
    from sqlalchemy.dialects import postgresql, sqlite

    from salessprint.store.search import like

    match = like(column("title"))
    assert "lower" not in str(match.compile(dialect=sqlite.dialect()))
    assert "lower(title) LIKE" in str(match.compile(dialect=postgresql.dialect()))
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (title TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('Kranich FLEET'), ('Ölmühle'), ('other')"))

        def found(typed: str) -> list[str]:
            query = select(column("title", String)).select_from(text("t")).where(match)
            return list(conn.scalars(query, {"like": like_pattern(typed)}).all())

        assert found("fleet") == ["Kranich FLEET"]
        assert found("ölm") == []  # as lower(): only ASCII letters fold on SQLite
        assert found("Ölm") == []  # the text is lowered in Python ("ölm"), the column is not
