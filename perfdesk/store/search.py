"""The records list's queries: filters, search terms and sorts as SQL for one connection.

A search finds exactly what SQL ``LIKE '%term%'`` finds on unit or name, fast at 100,000
records. ``records_search`` (FTS5 trigram) indexes unit and name, each followed by two
U+001F, so every character starts a trigram. SQLite 3.40's trigram MATCH finds nothing for a
term of one or two characters (热线, 水), so such a term is read as the range of trigrams it
begins, through an fts5vocab table. A longer term is looked up by one rare trigram, or as a
phrase when it is short and all its trigrams are common. Up to COMMON_MATCHES rows found
this way are checked with LIKE and sorted; a commoner term is filtered with LIKE while
walking the sort's index until a page is full. Every sortable column has an index (then
单位 and 项目名称) that also holds year and status.

Loaded before the window's first paint (through perfdesk.store.database): keep its imports light.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

LIST_COLUMNS = (
    "id", "year", "unit", "name", "status", "revision", "has_evaluation", "framework",
    "project_type", "fund_use", "total_budget_fen", "year_budget_fen", "indicator_count",
    "evaluation_status", "total_score", "grade", "created_from", "updated_at",
)  # fmt: skip
SORTABLE = frozenset(LIST_COLUMNS)


# A search term in more rows than this is filtered with LIKE along the sort order; one in
# fewer is looked up in records_search (migration 0006) and its rows sorted.
COMMON_MATCHES = 2000
# Trigrams of a long term tried for a rare one before the term counts as common.
TRIGRAM_TRIES = 8
# A count of a term in more rows than COMMON_MATCHES but at most one in WIDE_SHARE of the
# table (up to WIDE_TRIES trigrams tried) still reads them through the index (~10 ms for
# 10,000) rather than LIKE over every row (~30–80 ms for 100,000). A page does not: there
# a LIKE walk along the sort order usually fills a page after a few thousand rows (1–3 ms
# where reading 5,000 rows by id costs 10–25 ms).
WIDE_SHARE = 10
WIDE_TRIES = 4
# A term of at most this many distinct trigrams whose trigrams are all common is matched
# as a phrase (see SearchPlanner.rare_rows).
PHRASE_TRIGRAMS = 6
# A count of a common term without cased letters is read from the index when its phrase
# has at most this many trigrams (see SearchPlanner._count_match).
COUNT_TRIGRAMS = 3
# ... and a 1–2 character one when at most this many distinct trigrams start with it.
COUNT_OR_TRIGRAMS = 16

_BY_TRIGRAM = "SELECT rowid FROM records_search WHERE records_search MATCH ?"
_BY_PREFIX = "SELECT doc FROM records_search_terms WHERE term >= ? AND term <= ?"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _folds_like_like(term: str) -> bool:
    """The trigram tokenizer folds case by Unicode rules, LIKE only ASCII letters: they agree
    on a term without other cased letters (Ä, Ω, ａ), which is nearly every term here."""
    return not any(
        ord(c) > 127 and (c.lower() != c or c.upper() != c or c.casefold() != c) for c in term
    )


def _trigram_tries(term: str) -> list[str]:
    """Distinct trigrams of a 3+ character term, last first: the end of a name or unit (a
    number, a branch) tells rows apart more often than its start."""
    low = term.lower()
    seen: list[str] = []
    for i in range(len(low) - 3, -1, -1):
        tri = low[i : i + 3]
        if tri not in seen:
            seen.append(tri)
    return seen


# Control characters (a NUL pasted from another program) are no part of a name or unit
# (imports clean them), and SQLite's LIKE stops at a NUL where instr and MATCH do not.
_CONTROLS = dict.fromkeys([*range(32), 127], " ")


def search_terms(search: str | None) -> list[str]:
    """The words of a search, control characters taken for spaces."""
    return (search or "").translate(_CONTROLS).split()


class SearchPlanner:
    """The list, count and JSON list queries of ``records`` on one connection.

    Choosing a plan reads the database (how many rows hold a value or a trigram), so the
    planner runs those small queries itself. Not thread-safe, like the Store that owns it.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._vocab_rows = False  # temp.records_search_rows made (see _count_match)

    def select(
        self,
        *,
        year: int | None,
        unit: str | None,
        status: str | None,
        search: str | None,
        order_by: Sequence[tuple[str, bool]],
        limit: int | None,
        offset: int,
        columns: Sequence[str],
    ) -> tuple[str, list[Any]]:
        """The SELECT of Store.list and its parameters."""
        cols = [c for c in columns if c in SORTABLE]
        keys = [(c, desc) for c, desc in order_by if c in SORTABLE]
        where, params = self.where(year, unit, status, search, sort=keys[0][0] if keys else None)
        order = ", ".join(f"{c} {'DESC' if desc else 'ASC'}" for c, desc in keys)
        sql = f"SELECT {', '.join(cols)} FROM records{where}"
        if order:
            # The tie-breaker follows the sort's direction so an index serves it whole.
            descending = all(desc for _c, desc in keys)
            sql += f" ORDER BY {order}, id{' DESC' if descending else ''}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return sql, params

    def select_json(self, year: int | None) -> tuple[str, list[Any]]:
        """The SELECT of Store.list_json: one JSON array text made by SQLite."""
        where, params = self.where(year, None, None, None)
        return (
            "SELECT json_group_array(json_object('id', id, 'year', year, 'unit', unit, "
            "'name', name, 'status', status, 'revision', revision, 'has_evaluation', "
            "json(CASE has_evaluation WHEN 0 THEN 'false' ELSE 'true' END))) FROM "
            "(SELECT id, year, unit, name, status, revision, has_evaluation "
            f"FROM records{where} ORDER BY year DESC, unit, name, id)",
            params,
        )

    def count(
        self, *, year: int | None, unit: str | None, status: str | None, search: str | None
    ) -> int:
        """Store.count: the rows the same filters would list."""
        terms = search_terms(search)
        if year is None and not unit and not status and len(terms) == 1:
            match = self._count_match(terms[0])
            if match is not None:
                (n,) = self.conn.execute(
                    "SELECT count(*) FROM records_search WHERE records_search MATCH ?", [match]
                ).fetchone()
                return int(n)
        where, params = self.where(year, unit, status, search, counting=True)
        return int(self.conn.execute(f"SELECT count(*) FROM records{where}", params).fetchone()[0])

    def where(
        self,
        year: int | None,
        unit: str | None,
        status: str | None,
        search: str | None,
        *,
        sort: str | None = None,
        counting: bool = False,
    ) -> tuple[str, list[Any]]:
        """WHERE (with the index to read, when one is named) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        few = COMMON_MATCHES
        # A year or a status usually holds a large share of the rows: walking the sort's own
        # index and skipping the other rows (every sort index holds both columns) fills a
        # page sooner than sorting all of them, which SQLite picks without statistics
        # (sorting the drafts of a year by 当年预算: ~200 ms); "+" keeps it off their
        # indexes. A value in few rows (no 定稿 yet) is the other way round: its rows are
        # read through its index and sorted, where the walk would cross the whole table.
        # A sort starting with the column has an index starting with it anyway.
        # (records_count would serve the status but sort all its rows.)
        index = ""
        if status and sort is not None:
            if sort == "status" or self._in_few_rows("status", status, few):
                index = " INDEXED BY records_by_status"
            clauses.append("status = ?" if index else "+status = ?")
            params.append(status)
        elif status:
            clauses.append("status = ?")
            params.append(status)
        if year is not None and sort not in (None, "year", "unit", "name"):
            if not index and self._in_few_rows("year", year, few):
                index = " INDEXED BY records_list"
            clauses.append("year = ?" if index == " INDEXED BY records_list" else "+year = ?")
            params.append(year)
        elif year is not None:
            clauses.append("year = ?")
            params.append(year)
        if unit:
            clauses.append("unit = ?")
            params.append(unit)
        # Longest first: a row is dropped by the first term it lacks, and a long term is
        # lacked more often (热 第19 along a table of 热线 projects: 52 ms instead of 61).
        terms = sorted(search_terms(search), key=len, reverse=True)
        if terms and counting:
            (top,) = self.conn.execute("SELECT max(id) FROM records").fetchone()  # ~ rows
            few = max(COMMON_MATCHES, (top or 0) // WIDE_SHARE)
        for term in terms:
            clause, values = self.term_clause(term, few)
            clauses.append(clause)
            params += values
        return index + (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _in_few_rows(self, column: str, value: Any, few: int) -> bool:
        """At most ``few`` rows have ``value`` in ``column`` (counted with a cap)."""
        (n,) = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM records WHERE {column} = ? LIMIT ?)",
            [value, few + 1],
        ).fetchone()
        return bool(n <= few)

    def term_clause(self, term: str, wide: int) -> tuple[str, list[Any]]:
        """Rows whose name or unit contains ``term``, as LIKE means it: any substring, ASCII
        letters in either case (the same rows whichever way they are found).

        A term found in few rows (at most COMMON_MATCHES by records_search, else for a
        count at most ``wide``) gets those rows' ids and LIKE checks only them; a page is
        then a sort of those rows. A common term is filtered with LIKE along the sort index: a page fills
        after a few hundred rows, which costs less than collecting every match.
        """
        if any("a" <= c <= "z" or "A" <= c <= "Z" for c in term):
            like = _like_pattern(term)
            like_clause = "(name LIKE ? ESCAPE '\\' OR unit LIKE ? ESCAPE '\\')"
        else:
            # Without ASCII letters LIKE folds nothing: it means “contains”, which instr
            # tests in 60% of the time (a walk over 45,000 rows: 14 ms instead of 24).
            like = term
            like_clause = "(instr(name, ?) OR instr(unit, ?))"
        ids = self.rare_rows(term)
        if ids is None and wide > COMMON_MATCHES:
            ids = self.rare_rows(term, wide, WIDE_TRIES)
        if ids is None:
            return like_clause, [like, like]
        # The ids as one JSON array: one statement whatever their number.
        listed = "[" + ",".join(map(str, ids)) + "]"
        return (
            f"id IN (SELECT value FROM json_each(?)) AND {like_clause}",
            [listed, like, like],
        )

    def rare_rows(
        self, term: str, few: int | None = None, tries: int = TRIGRAM_TRIES
    ) -> list[int] | None:
        """The ids of at most ``few`` (COMMON_MATCHES) rows among which are all rows
        holding ``term``; None when no such short list is found. Up to ``tries`` trigrams
        of a long term are tried.

        Every position of the padded text starts a trigram: a 1–2 character term's rows are
        those of the trigrams it begins (a range of fts5vocab terms, one row per occurrence);
        a longer term's rows are among those of each of its trigrams, and of the whole
        phrase. One rare trigram is enough and cheapest: matching a phrase costs a seek per
        trigram and row (~30 ms for a pasted unit name whose trigrams are all common but
        one), so a phrase is matched only when it is short and every trigram is common (a
        project number, “（00001”).
        """
        if not _folds_like_like(term):
            # The tokenizer's own folding of the whole phrase: its rows include LIKE's.
            if len(term) >= 3:
                return self._ids_at_most(_BY_TRIGRAM, [_fts_phrase(term)], few)
            return None
        low = term.lower()
        if len(low) < 3:
            return self._ids_at_most(_BY_PREFIX, [low, low + "\U0010ffff" * (3 - len(low))], few)
        trigrams = _trigram_tries(low)
        for tri in trigrams[:tries]:
            ids = self._ids_at_most(_BY_TRIGRAM, [_fts_phrase(tri)], few)
            if ids is not None:
                return ids
        if 1 < len(trigrams) <= PHRASE_TRIGRAMS:
            return self._ids_at_most(_BY_TRIGRAM, [_fts_phrase(low)], few, read=True)
        return None

    def _ids_at_most(
        self, sql: str, params: list[Any], few: int | None, *, read: bool = False
    ) -> list[int] | None:
        """The distinct ids ``sql`` gives if they come from at most ``few`` (COMMON_MATCHES)
        of its rows (with a cap, so it stays cheap), else None. They are counted in SQL
        first, as reading a common trigram's ids costs more, unless ``read``: a phrase
        costs more to match twice."""
        few = COMMON_MATCHES if few is None else few
        if not read:
            (n,) = self.conn.execute(
                f"SELECT count(*) FROM ({sql} LIMIT ?)", [*params, few + 1]
            ).fetchone()
            if n > few:
                return None
        rows = self.conn.execute(f"{sql} LIMIT ?", [*params, few + 1]).fetchall()
        if len(rows) > few:
            return None
        return sorted({r[0] for r in rows})

    def common_term(self, term: str) -> bool:
        """``term`` is filtered with LIKE along the sort order (see term_clause)."""
        return self.rare_rows(term) is None

    def _count_match(self, term: str) -> str | None:
        """A MATCH of records_search that counts the rows holding a common ``term``, when
        that is exact and cheaper than LIKE over every row (~30–80 ms for 100,000).

        Exact for a term without cased letters (digits, Chinese, punctuation): LIKE's and
        the tokenizer's case folding then both leave it and its matches as they are. A
        longer term is its phrase (consecutive trigrams: a substring), cheaper while it has
        few trigrams (one pass each); a 1–2 character term is any of the trigrams it begins
        (the padding gives every position one), cheaper while they are few (热: 1, 第1: 11).
        A term in few rows is counted through its rows anyway (rare_rows).
        """
        if any(c.lower() != c or c.upper() != c or c.casefold() != c for c in term):
            return None
        if len(term) >= 3 and len(_trigram_tries(term)) > COUNT_TRIGRAMS:
            return None
        if self.rare_rows(term) is not None:
            return None
        if len(term) >= 3:
            return _fts_phrase(term)
        if not self._vocab_rows:
            # Per connection, so the schema does not change: one row per distinct trigram.
            self.conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.records_search_rows "
                "USING fts5vocab(main, records_search, 'row')"
            )
            self._vocab_rows = True
        trigrams = self.conn.execute(
            "SELECT term FROM temp.records_search_rows WHERE term >= ? AND term <= ? LIMIT ?",
            [term, term + "\U0010ffff" * (3 - len(term)), COUNT_OR_TRIGRAMS + 1],
        ).fetchall()
        if not trigrams or len(trigrams) > COUNT_OR_TRIGRAMS:
            return None
        return " OR ".join(_fts_phrase(t) for (t,) in trigrams)
