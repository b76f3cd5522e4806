"""The library as the picker sees it: one entry per indicator, searched in memory.

Pure (no SQL, no Qt): :mod:`perfdesk.library.history` loads the entries once, and every
keystroke of the picker filters them here. A keystroke never waits for the database: the
filter is a substring test over a few tens of thousands of prepared strings
(bench/bench_library.py), and one- and two-character Chinese terms need no index.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from perfdesk.models.frameworks import FRAMEWORKS
from perfdesk.models.records import Declaration
from perfdesk.models.target_history import last_year_of, proposed_target


@dataclass(frozen=True)
class CatalogueEntry:
    """An indicator of the library: its place in a framework and what is known of it."""

    framework: str | None
    category: str | None
    subcategory: str | None
    name: str
    uses: int = 0  # how many stored records list it
    last_year: int | None = None  # the latest use's year, target and actual value
    last_target: str | None = None
    last_actual: str | None = None
    # From an imported library workbook (指标库), where it has this indicator.
    reference: str | None = None  # 指标值 / 参考值
    measure_unit: str | None = None  # 计量单位 / 度量单位
    explanation: str | None = None  # 指标解释
    source: str | None = None  # the workbook's file name
    haystack: str = field(default="", compare=False, repr=False)

    def with_haystack(self) -> CatalogueEntry:
        """The entry with its search text, folded once: name, category, subcategory, and
        the unit of measure as written in the latest target (≥81万件) or the workbook's
        计量单位 — with the reference value and 指标解释 that carry it."""
        parts = (
            self.name, self.category, self.subcategory, self.measure_unit, self.last_target,
            self.reference, self.explanation,
        )  # fmt: skip
        text = fold("\x1f".join(p for p in parts if p))
        return replace(self, haystack=text)

    @property
    def reference_target(self) -> str | None:
        """The workbook's 指标值 with its 计量单位 as one target (``≥95`` + ``%``)."""
        if not self.reference:
            return None
        unit = self.measure_unit or ""
        if unit and not self.reference.rstrip().endswith(unit):
            return f"{self.reference}{unit}"
        return self.reference


def fold(text: str) -> str:
    """Text as searched: full-width folded (NFKC), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_terms(text: str | None) -> list[str]:
    """The terms of a search box: split on spaces; each must match (any field)."""
    return fold(text or "").split()


def order_for(entries: Iterable[CatalogueEntry], framework: str | None) -> list[CatalogueEntry]:
    """The picker's order: the record's framework's categories first, in the form's order
    (and their subcategories in theirs); then the rest; within a (sub)category the most
    used first, then by name."""
    fw = FRAMEWORKS.get(framework or "")
    cats = fw.categories if fw is not None else ()

    def key(e: CatalogueEntry) -> tuple[int, int, int, str, int, str]:
        canonical = fw.match_category(e.category) if fw is not None else None
        if fw is not None and canonical is not None and e.framework in (framework, None):
            subs = fw.subcategories(canonical)
            sub = fw.match_subcategory(e.subcategory)
            rank = subs.index(sub) if sub in subs else len(subs)
            return (0, cats.index(canonical), rank, e.subcategory or "", -e.uses, e.name)
        return (1, 0, 0, f"{e.category or ''}\x1f{e.subcategory or ''}", -e.uses, e.name)

    return sorted(entries, key=key)


def filter_entries(
    entries: Sequence[CatalogueEntry], text: str | None, limit: int | None = None
) -> list[CatalogueEntry]:
    """The entries (in their order) that every term of ``text`` matches; at most ``limit``."""
    terms = search_terms(text)
    if not terms:
        found = list(entries)
    else:
        first, *rest = terms
        found = [e for e in entries if first in e.haystack]
        for t in rest:
            found = [e for e in found if t in e.haystack]
    return found[:limit] if limit is not None else found


def proposed_for(entry: CatalogueEntry, previous: Declaration | None) -> str | None:
    """The target the picker writes for ``entry``: where the project had this indicator
    last year, last year's target — raised to the actual where that did better; else the
    latest use's target, raised the same way; else the workbook's 指标值 and 计量单位."""
    last = last_year_of(previous, entry.name)
    if last is not None and last.target:
        return proposed_target(last.target, last.actual, entry.name, last.direction) or (
            last.target
        )
    if entry.last_target:
        return proposed_target(entry.last_target, entry.last_actual, entry.name) or (
            entry.last_target
        )
    return entry.reference_target
