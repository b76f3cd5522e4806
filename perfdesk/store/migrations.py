"""The schema, in one place, as numbered forward migrations (sqlite-utils Migrations).

The schema version of a file is the number of migrations applied to it. Never edit a
migration that has shipped: add the next one. ``tests/data/schema/vN.sqlite`` holds a file
made by each version, and tests open every one of them with the current program.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from perfdesk.store.schema import MIGRATION_NAMES, MIGRATION_SET

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_records_and_revisions")
def m0001(db: Database) -> None:
    # records: one row per project, mirroring its current revision for fast lists.
    db.execute(
        """
        CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            unit TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
            revision INTEGER NOT NULL,
            framework TEXT NOT NULL,
            project_type TEXT,
            fund_use TEXT,
            total_budget_fen INTEGER,
            year_budget_fen INTEGER,
            indicator_count INTEGER NOT NULL DEFAULT 0,
            has_evaluation INTEGER NOT NULL DEFAULT 0,
            evaluation_status TEXT,
            total_score TEXT,
            grade TEXT,
            created_from TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (year, unit, name)
        )
        """
    )
    db.execute("CREATE INDEX records_year ON records (year, unit, name)")
    # revisions: every revision kept whole as canonical JSON.
    db.execute(
        """
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
            doc TEXT NOT NULL,
            fingerprint_declaration TEXT NOT NULL,
            fingerprint_evaluation TEXT,
            saved_at TEXT NOT NULL,
            UNIQUE (record_id, revision)
        )
        """
    )
    db.execute("CREATE INDEX revisions_fp ON revisions (fingerprint_declaration)")
    db.execute("CREATE INDEX revisions_fpe ON revisions (fingerprint_evaluation)")


@migrations(name="0002_search")
def m0002(db: Database) -> None:
    # Trigram full-text search over unit and name for terms of 3+ characters; shorter
    # terms use LIKE (trigram FTS on SQLite 3.40 silently finds nothing for them).
    db.execute(
        "CREATE VIRTUAL TABLE records_fts USING fts5("
        "unit, name, content='records', content_rowid='id', tokenize='trigram')"
    )
    db.execute(
        "CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN "
        "INSERT INTO records_fts (rowid, unit, name) VALUES (new.id, new.unit, new.name); END"
    )
    db.execute(
        "CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN "
        "INSERT INTO records_fts (records_fts, rowid, unit, name) "
        "VALUES ('delete', old.id, old.unit, old.name); END"
    )
    db.execute(
        "CREATE TRIGGER records_au AFTER UPDATE OF unit, name ON records BEGIN "
        "INSERT INTO records_fts (records_fts, rowid, unit, name) "
        "VALUES ('delete', old.id, old.unit, old.name); "
        "INSERT INTO records_fts (rowid, unit, name) VALUES (new.id, new.unit, new.name); END"
    )
    db.execute("INSERT INTO records_fts (records_fts) VALUES ('rebuild')")


@migrations(name="0003_list_index")
def m0003(db: Database) -> None:
    # Covering index for "list --year": the rows come from the index alone, in list order,
    # without visiting the table pages that lie between the revisions' documents.
    db.execute(
        "CREATE INDEX records_list ON records "
        "(year, unit, name, id, status, revision, has_evaluation)"
    )
    db.execute("DROP INDEX records_year")


@migrations(name="0004_sort_indexes")
def m0004(db: Database) -> None:
    # The window sorts 100,000 rows by name or unit and shows one page: with these indexes
    # SQLite walks them in order instead of sorting every row.
    db.execute("CREATE INDEX records_name ON records (name, id)")
    db.execute("CREATE INDEX records_unit ON records (unit, name, id)")


@migrations(name="0005_year_name_index")
def m0005(db: Database) -> None:
    # A year's list sorted by name (the window's most common view) without sorting the year.
    db.execute("CREATE INDEX records_year_name ON records (year, name, id)")


# Two U+001F after each text: every character of the text then starts a trigram, so a term of
# one or two characters is a range of trigrams in the index (SearchPlanner.rare_rows in
# store_search.py). str.split() treats U+001F as a space, so no search term contains it and
# no match can involve it.
SEARCH_PAD = "char(31, 31)"
# Columns the window sorts on, each then by unit and name like order_for() in the browser.
SORT_COLUMNS = (
    "status",
    "revision",
    "evaluation_status",
    "total_score",
    "grade",
    "year_budget_fen",
)


@migrations(name="0006_search_every_position_and_sorts")
def m0006(db: Database) -> None:
    # records_fts could not find terms of 1–2 characters (trigram FTS on SQLite 3.40 returns
    # nothing for them), so they were LIKE scans of every row: ~30 ms for 100,000 records
    # when the term is rare. records_search indexes the padded text: a short term's rows are
    # the documents of the trigrams that start with it (fts5vocab, a range of terms).
    # Contentless: only rowids are ever read back, so the names are not stored twice.
    for trigger in ("records_ai", "records_ad", "records_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS records_fts")
    db.execute(
        "CREATE VIRTUAL TABLE records_search USING fts5(unit, name, content='', tokenize='trigram')"
    )
    db.execute(
        "CREATE VIRTUAL TABLE records_search_terms USING fts5vocab(records_search, 'instance')"
    )
    insert = (
        "INSERT INTO records_search (rowid, unit, name) "
        f"VALUES (new.id, new.unit || {SEARCH_PAD}, new.name || {SEARCH_PAD});"
    )
    delete = (
        "INSERT INTO records_search (records_search, rowid, unit, name) "
        f"VALUES ('delete', old.id, old.unit || {SEARCH_PAD}, old.name || {SEARCH_PAD});"
    )
    db.execute(f"CREATE TRIGGER records_search_ai AFTER INSERT ON records BEGIN {insert} END")
    db.execute(f"CREATE TRIGGER records_search_ad AFTER DELETE ON records BEGIN {delete} END")
    db.execute(
        "CREATE TRIGGER records_search_au AFTER UPDATE OF unit, name ON records "
        f"BEGIN {delete} {insert} END"
    )
    db.execute(
        "INSERT INTO records_search (rowid, unit, name) "
        f"SELECT id, unit || {SEARCH_PAD}, name || {SEARCH_PAD} FROM records"
    )
    # Every sortable column of the window gets the index its sort walks, then stops after a
    # page; without one, sorting by 当年预算 or 得分 sorted all 100,000 rows (~35 ms). Each
    # holds what the filters test (year, status, unit and name for the search's LIKE), so
    # a walk past rows of other years never reads the table: ~10 ms for all 100,000 entries
    # where reading each row took ~100 ms.
    for col in SORT_COLUMNS:
        db.execute(
            f"CREATE INDEX records_by_{col} ON records ({col}, unit, name, id, year, status)"
        )
    # The name and unit sorts of migrations 4 and 5, now with the filters' columns too.
    db.execute("DROP INDEX records_name")
    db.execute("DROP INDEX records_unit")
    db.execute("DROP INDEX records_year_name")
    db.execute("CREATE INDEX records_by_name ON records (name, id, unit, year, status)")
    db.execute("CREATE INDEX records_by_unit ON records (unit, name, id, year, status)")
    db.execute("CREATE INDEX records_by_year_name ON records (year, name, id, unit, status)")
    db.execute("INSERT INTO records_search (records_search) VALUES ('optimize')")


@migrations(name="0007_count_index")
def m0007(db: Database) -> None:
    # Every other index of records holds unit and name (~13 MB for 100,000 records): the
    # count under the list (共 N 个项目), all or by status, read all of one (~30 ms when not
    # in memory). This one is ~1.5 MB, and SQLite counts with the smallest index.
    db.execute("CREATE INDEX records_count ON records (status, year)")


@migrations(name="0008_score_sorts_as_number")
def m0008(db: Database) -> None:
    # total_score is TEXT, so 得分 sorted as text: "100" before "96.5", "9.5" after "85".
    # Written as 6 characters with 2 decimals from now on ("096.50", "100.00"; the window
    # shows it as a number), text order is number order and records_by_total_score serves it.
    db.execute(
        "UPDATE records SET total_score = printf('%06.2f', CAST(total_score AS REAL)) "
        "WHERE total_score IS NOT NULL"
    )


@migrations(name="0009_hand_in_packages")
def m0009(db: Database) -> None:
    # Hand-in packages (forms.md §6): each package sent or received, once; what each did to
    # which revision (the provenance of every received revision); the 主管部门's comments of a
    # return, kept on the revision they reopened.
    db.execute(
        """
        CREATE TABLE packages (
            id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
            kind TEXT NOT NULL CHECK (kind IN ('submit', 'return')),
            year INTEGER,
            sender_unit TEXT NOT NULL,
            sender_computer TEXT,
            sender_user TEXT,
            created TEXT,
            handled_at TEXT NOT NULL,
            file TEXT,
            check_code TEXT,
            record_count INTEGER NOT NULL,
            final_count INTEGER NOT NULL,
            PRIMARY KEY (id, direction)
        )
        """
    )
    db.execute("CREATE INDEX packages_by_year ON packages (year, sender_unit)")
    db.execute(
        """
        CREATE TABLE package_records (
            package_id TEXT NOT NULL,
            direction TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            fingerprint TEXT,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX package_records_by_record ON package_records (record_id, revision)")
    db.execute("CREATE INDEX package_records_by_package ON package_records (package_id)")
    db.execute(
        """
        CREATE TABLE review_comments (
            id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            package_id TEXT,
            field TEXT,
            text TEXT NOT NULL,
            created TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX review_comments_by_record ON review_comments (record_id, revision)")


# The current revision of a record as rows of indicator_uses: its declaration's indicators,
# each with the actual value and score of the evaluation's first indicator of the same name.
# The year, unit, project and framework are the record's (joined from records when read).
# ``doc`` and ``rid`` are SQL expressions: the trigger's new.doc, the backfill's parameters.
def uses_insert(doc: str, rid: str) -> str:
    return (
        "INSERT INTO indicator_uses (record_id, position, category, subcategory, name, target, "
        f"direction, actual, score) SELECT {rid}, i.key, i.value ->> 'category', "
        "i.value ->> 'subcategory', i.value ->> 'name', i.value ->> 'target', "
        "i.value ->> 'direction', e.actual, e.score "
        f"FROM json_each({doc}, '$.indicators') i LEFT JOIN (SELECT value ->> 'name' AS name, "
        "value ->> 'actual' AS actual, value ->> 'score' AS score, min(key) "
        f"FROM json_each({doc}, '$.evaluation.indicators') GROUP BY 1) e "
        "ON e.name = i.value ->> 'name'"
    )


@migrations(name="0010_indicator_library")
def m0010(db: Database) -> None:
    # The indicator library (forms.md §7). Its history could be read from the revisions'
    # JSON, but that parses every document: ~1 s for 100,000 indicators and 0.4–0.8 s for
    # one search, where the picker has 50 ms per keystroke (bench/bench_library.py).
    # indicator_uses holds each current revision's indicators, kept by triggers on
    # revisions so that no writer has to know about it. The newest revision of a record is
    # its current one: revisions are only ever appended, and only the newest is rewritten.
    db.execute(
        """
        CREATE TABLE indicator_uses (
            record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            category TEXT,
            subcategory TEXT,
            name TEXT,
            target TEXT,
            direction TEXT,
            actual TEXT,
            score REAL,
            PRIMARY KEY (record_id, position)
        ) WITHOUT ROWID
        """
    )
    # json_valid: a damaged document must not make its revision unwritable.
    current = (
        "json_valid(new.doc) AND new.revision >= "
        "(SELECT max(revision) FROM revisions WHERE record_id = new.record_id)"
    )
    refresh = (
        "DELETE FROM indicator_uses WHERE record_id = new.record_id; "
        f"{uses_insert('new.doc', 'new.record_id')};"
    )
    for name, event in (("ai", "INSERT"), ("au", "UPDATE OF doc")):
        db.execute(
            f"CREATE TRIGGER indicator_uses_{name} AFTER {event} ON revisions "
            f"WHEN {current} BEGIN {refresh} END"
        )
    backfill = uses_insert(":doc", ":rid")
    current_docs = db.execute(
        "SELECT v.record_id, v.doc FROM records r JOIN revisions v "
        "ON v.record_id = r.id AND v.revision = r.revision WHERE json_valid(v.doc)"
    ).fetchall()
    for rid, doc in current_docs:
        db.execute(backfill, {"rid": rid, "doc": doc})
    # 结转下一年 links the new year's record to the one it came from, so that a project
    # renamed (or whose unit renamed) in the new year still finds last year's record.
    db.execute(
        """
        CREATE TABLE record_links (
            record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
            previous_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE
        )
        """
    )
    db.execute("CREATE INDEX record_links_previous ON record_links (previous_id)")
    # A bureau's indicator-library workbook (指标库) as imported, each entry with the file,
    # sheet and row it came from.
    db.execute(
        """
        CREATE TABLE library_sources (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE library_entries (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES library_sources (id) ON DELETE CASCADE,
            sheet TEXT NOT NULL,
            row INTEGER NOT NULL,
            framework TEXT,
            category TEXT,
            subcategory TEXT,
            name TEXT NOT NULL,
            explanation TEXT,
            reference TEXT,
            measure_unit TEXT,
            scoring TEXT,
            scope TEXT
        )
        """
    )
    db.execute("CREATE INDEX library_entries_source ON library_entries (source_id)")


# Indexes that served only the search planner of migrations 6–7 (its trigram lookups, the
# sort walks it forced with INDEXED BY and "+year", its thin count index).
PLANNER_INDEXES = (
    *(f"records_by_{col}" for col in SORT_COLUMNS),
    "records_by_name",
    "records_by_unit",
    "records_by_year_name",
    "records_count",
)


@migrations(name="0011_plain_search")
def m0011(db: Database) -> None:
    # The window reads its pages on a reader thread, and a search is plain LIKE over unit
    # and name (perfdesk/store/search.py). Measured at 100,000 records on a busy 2-core
    # machine (bench/bench_store.py, README): 480 page queries (every sort × filter ×
    # search) take 52 ms median, the worst (a sort by one column under a filter that holds
    # every row) ~1.9 s; with these indexes and the trigram table but the same plain SQL,
    # 31 ms median and 0.6 s worst against 40 ms and 0.8 s without, in one exploratory run:
    # no difference a reader of the list sees, so they only cost writes and ~150 MB of
    # pages. Kept: records_list (list --year reads the year's rows from it alone), the
    # UNIQUE index and the fingerprint indexes (verify).
    for trigger in ("records_search_ai", "records_search_ad", "records_search_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS records_search_terms")
    db.execute("DROP TABLE IF EXISTS records_search")
    for index in PLANNER_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {index}")


@migrations(name="0012_monitoring")
def m0012(db: Database) -> None:
    # The mid-year 运行监控表 (forms.md §5) lives in the revision's JSON like the 自评表; its
    # printout carries a fingerprint of its own (verify finds it by this column), and the
    # list shows its state and red mark without reading any JSON.
    from perfdesk.models.errors import PerfdeskError
    from perfdesk.models.serialize import content_of, fingerprint_of, loads
    from perfdesk.store.documents import monitoring_columns

    db.execute("ALTER TABLE revisions ADD COLUMN fingerprint_monitoring TEXT")
    db.execute("CREATE INDEX revisions_fpm ON revisions (fingerprint_monitoring)")
    db.execute(
        "ALTER TABLE records ADD COLUMN monitoring_status TEXT "
        "CHECK (monitoring_status IN ('draft', 'final'))"
    )
    db.execute("ALTER TABLE records ADD COLUMN monitoring_alert INTEGER NOT NULL DEFAULT 0")
    # Documents written since the monitoring model (before this migration) may hold a form.
    # A document that no longer decodes is left without: check and recover name it.
    with_form = db.execute(
        "SELECT v.id, v.doc, v.revision = r.revision, v.record_id FROM revisions v "
        "JOIN records r ON r.id = v.record_id WHERE json_valid(v.doc) "
        "AND json_type(v.doc, '$.monitoring') = 'object'"
    ).fetchall()
    for vid, text, current, rid in with_form:
        try:
            doc = loads(text)
            fp = fingerprint_of(content_of(doc, "monitoring"))
            status, alert = monitoring_columns(doc)
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, PerfdeskError):
            continue
        db.execute("UPDATE revisions SET fingerprint_monitoring = ? WHERE id = ?", [fp, vid])
        if current:
            db.execute(
                "UPDATE records SET monitoring_status = ?, monitoring_alert = ? WHERE id = ?",
                [status, alert, rid],
            )

@migrations(name="0013_soft_delete")
def m0013(db: Database) -> None:
    # 删除 takes a project out of every list, search and count but keeps it and all its
    # revisions, so that it can be brought back (已删除的项目… / perfdesk undelete). The row
    # stays, so (year, unit, name) stays unique: the same project imported again brings the
    # deleted row back as a new revision instead of failing on the key.
    db.execute("ALTER TABLE records ADD COLUMN deleted_at TEXT")
    # list --year reads a year's rows from this index alone (migration 0003). Partial, it
    # holds only the listed rows; deleted_at is in it too, or SQLite reads every row's table
    # page to test the WHERE the list now has.
    db.execute("DROP INDEX IF EXISTS records_list")
    db.execute(
        "CREATE INDEX records_list ON records "
        "(year, unit, name, id, status, revision, has_evaluation, deleted_at) "
        "WHERE deleted_at IS NULL"
    )


@migrations(name="0014_package_form_fingerprints")
def m0014(db: Database) -> None:
    # A submit package brings all three forms, and a local unsent change to any one of them
    # that the next package would overwrite is a conflict (forms.md §6): what each form was
    # when it last arrived is kept beside the declaration's fingerprint. Rows written before
    # get the forms of the revision they brought: exact for a form still final there; a
    # draft changed in place since reads as received, as it did before this migration.
    db.execute("ALTER TABLE package_records ADD COLUMN fingerprint_evaluation TEXT")
    db.execute("ALTER TABLE package_records ADD COLUMN fingerprint_monitoring TEXT")
    for column in ("fingerprint_evaluation", "fingerprint_monitoring"):
        db.execute(
            f"UPDATE package_records SET {column} = (SELECT v.{column} FROM revisions v "
            "WHERE v.record_id = package_records.record_id "
            "AND v.revision = package_records.revision) WHERE direction = 'received'"
        )


if tuple(m.name for m in migrations._migrations) != MIGRATION_NAMES:
    raise RuntimeError("perfdesk.store.schema.MIGRATION_NAMES is out of step with migrations.py")
