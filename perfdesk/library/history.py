"""The library read from the store: every indicator of the records' current revisions with
each use (year, unit, project, target, actual value, score), and the imported workbooks'
entries beside them.

The uses come from ``indicator_uses`` (schema migration 0010), which triggers keep equal to the current
revisions' indicators; the year, unit, project and framework are the record's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfdesk.library.catalogue import CatalogueEntry, filter_entries, order_for, search_terms
from perfdesk.models.frameworks import FRAMEWORKS
from perfdesk.store.database import Store

Key = tuple[str | None, str | None, str | None, str]


@dataclass(frozen=True)
class Use:
    record_id: int
    year: int
    unit: str
    project: str
    target: str | None
    actual: str | None
    score: Decimal | None

    def to_json(self) -> dict[str, Any]:
        score = None if self.score is None else float(self.score)
        return {
            "record_id": self.record_id,
            "year": self.year,
            "unit": self.unit,
            "project": self.project,
            "target": self.target,
            "actual": self.actual,
            "score": int(score) if score is not None and score.is_integer() else score,
        }


@dataclass(frozen=True)
class Reference:
    """An entry of an imported library workbook, with the place it came from."""

    source: str
    sheet: str
    row: int
    explanation: str | None
    reference: str | None
    measure_unit: str | None
    scoring: str | None
    scope: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "row": self.row,
            "explanation": self.explanation,
            "reference": self.reference,
            "measure_unit": self.measure_unit,
            "scoring": self.scoring,
            "scope": self.scope,
        }


@dataclass
class LibraryIndicator:
    framework: str | None
    category: str | None
    subcategory: str | None
    name: str
    uses: list[Use] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "category": self.category,
            "subcategory": self.subcategory,
            "name": self.name,
            "uses": [u.to_json() for u in self.uses],
            "library": [r.to_json() for r in self.references],
        }


_USES = (
    "SELECT r.framework, u.category, u.subcategory, u.name, r.id, r.year, r.unit, r.name, "
    "u.target, u.actual, u.score FROM indicator_uses u JOIN records r ON r.id = u.record_id "
    "WHERE u.name IS NOT NULL AND trim(u.name) != '' AND r.deleted_at IS NULL"
)
_REFERENCES = (
    "SELECT e.framework, e.category, e.subcategory, e.name, s.file_name, e.sheet, e.row, "
    "e.explanation, e.reference, e.measure_unit, e.scoring, e.scope "
    "FROM library_entries e JOIN library_sources s ON s.id = e.source_id ORDER BY e.id"
)


def _score(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def indicator_library(store: Store, search: str | None = None) -> list[LibraryIndicator]:
    """Every indicator, grouped by framework, category, subcategory and name (the form's
    category order first), with its uses (latest year first) and workbook entries; only
    those every term of ``search`` matches (as the picker does)."""
    uses_sql, refs_sql, params = _USES, _REFERENCES, []
    matched: set[Key] | None = None
    if search_terms(search):
        # The picker's entries decide what matches (one search, both front doors); only
        # their uses are then read, not all 100,000.
        matched = {_key_of(e) for e in filter_entries(load_catalogue(store), search)}
        names = json.dumps(sorted({k[3] for k in matched}), ensure_ascii=False)
        uses_sql += " AND u.name IN (SELECT value FROM json_each(?))"
        refs_sql = refs_sql.replace(
            " ORDER BY", " WHERE e.name IN (SELECT value FROM json_each(?)) ORDER BY"
        )
        params = [names]
    groups: dict[Key, LibraryIndicator] = {}
    for fw, cat, sub, name, rid, year, unit, project, target, actual, score in store.conn.execute(
        uses_sql, params
    ):
        key = (fw, cat, sub, name)
        item = groups.get(key)
        if item is None:
            item = groups[key] = LibraryIndicator(fw, cat, sub, name)
        item.uses.append(Use(rid, year, unit, project, target, actual, _score(score)))
    for fw, cat, sub, name, *ref in store.conn.execute(refs_sql, params):
        key = (fw, cat, sub, name)
        item = groups.get(key)
        if item is None:
            item = groups[key] = LibraryIndicator(fw, cat, sub, name)
        item.references.append(Reference(*ref))
    for item in groups.values():
        item.uses.sort(key=lambda u: (-u.year, u.unit, u.project))
    wanted = [e for e in _entries(groups.values()) if matched is None or _key_of(e) in matched]
    by_framework: dict[str | None, list[CatalogueEntry]] = {}
    for e in wanted:
        by_framework.setdefault(e.framework, []).append(e)
    rank = {k: n for n, k in enumerate(FRAMEWORKS)}
    ordered: list[LibraryIndicator] = []
    for fw in sorted(by_framework, key=lambda f: (rank.get(f or "", len(rank)), f or "")):
        ordered += [groups[_key_of(e)] for e in order_for(by_framework[fw], fw)]
    return ordered


def _key_of(e: CatalogueEntry) -> Key:
    return (e.framework, e.category, e.subcategory, e.name)


def _entries(items: Iterable[LibraryIndicator]) -> list[CatalogueEntry]:
    out = []
    for item in items:
        latest = item.uses[0] if item.uses else None
        ref = item.references[0] if item.references else None
        out.append(
            CatalogueEntry(
                framework=item.framework,
                category=item.category,
                subcategory=item.subcategory,
                name=item.name,
                uses=len(item.uses),
                last_year=latest.year if latest else None,
                last_target=latest.target if latest else None,
                last_actual=latest.actual if latest else None,
                reference=ref.reference if ref else None,
                measure_unit=ref.measure_unit if ref else None,
                explanation=ref.explanation if ref else None,
                source=ref.source if ref else None,
            ).with_haystack()
        )
    return out


# One row per indicator: SQLite takes the bare columns (target, actual) from the row of
# max(year), i.e. the latest use.
_CATALOGUE = (
    "SELECT r.framework, u.category, u.subcategory, u.name, count(*), max(r.year), u.target, "
    "u.actual FROM indicator_uses u "
    "JOIN records r ON r.id = u.record_id WHERE u.name IS NOT NULL AND trim(u.name) != '' "
    "AND r.deleted_at IS NULL "
    "GROUP BY r.framework, u.category, u.subcategory, u.name"
)
_CATALOGUE_REFERENCES = (
    "SELECT e.framework, e.category, e.subcategory, e.name, e.reference, e.measure_unit, "
    "e.explanation, s.file_name FROM library_entries e "
    "JOIN library_sources s ON s.id = e.source_id ORDER BY e.id"
)


def load_catalogue(store: Store) -> list[CatalogueEntry]:
    """The picker's entries: one per indicator, with its latest use and its workbook entry
    (the first imported), search text prepared. Run off the GUI thread: 0.4–1.5 s for
    100,000 stored indicators (bench/bench_library.py)."""
    found: dict[Key, CatalogueEntry] = {}
    for fw, cat, sub, name, uses, year, target, actual in store.conn.execute(_CATALOGUE):
        found[(fw, cat, sub, name)] = CatalogueEntry(fw, cat, sub, name, uses, year, target, actual)
    for fw, cat, sub, name, reference, measure_unit, explanation, source in store.conn.execute(
        _CATALOGUE_REFERENCES
    ):
        key = (fw, cat, sub, name)
        known = found.get(key)
        if known is None:
            found[key] = CatalogueEntry(
                fw, cat, sub, name, reference=reference, measure_unit=measure_unit,
                explanation=explanation, source=source,
            )  # fmt: skip
        elif known.source is None:
            found[key] = CatalogueEntry(
                fw, cat, sub, name, known.uses, known.last_year, known.last_target,
                known.last_actual, reference, measure_unit, explanation, source,
            )  # fmt: skip
    return [e.with_haystack() for e in found.values()]


def _score_text(score: Decimal | None) -> str:
    if score is None:
        return ""
    return f"  得分 {score.normalize():f}"


def library_text(items: list[LibraryIndicator]) -> str:
    """``indicators`` for a reader: grouped by framework and category, each indicator with
    its uses (latest first) and the workbooks' entries."""
    lines: list[str] = []
    group: tuple[str | None, str | None, str | None] | None = None
    for item in items:
        here = (item.framework, item.category, item.subcategory)
        if here != group:
            group = here
            fw = FRAMEWORKS.get(item.framework or "")
            place = " / ".join(p for p in (item.category, item.subcategory) if p) or "（未分类）"
            lines.append(f"【{fw.label if fw else '其他'}】{place}")
        lines.append(f"  {item.name}（{len(item.uses)} 次使用）")
        for u in item.uses:
            actual = f"  实际 {u.actual}" if u.actual else ""
            lines.append(
                f"    {u.year}  {u.unit} / {u.project}  目标 {u.target or '（空）'}"
                f"{actual}{_score_text(u.score)}"
            )
        for r in item.references:
            parts = [f"指标库“{r.source}”{r.sheet} 第{r.row}行"]
            parts += [
                f"{label} {value}"
                for label, value in (
                    ("指标值", r.reference),
                    ("计量单位", r.measure_unit),
                    ("指标解释", r.explanation),
                    ("评分标准", r.scoring),
                    ("适用范围", r.scope),
                )  # fmt: skip
                if value
            ]
            lines.append("    " + "；".join(parts))
    lines.append(f"共 {len(items)} 个指标")
    return "\n".join(lines)
