"""Next year's declaration from this year's (结转/续报): the project carried forward as a draft.

What is carried and what is left for the user:

* carried: unit, name, framework, 项目类型, 资金用途, the long texts (概况, 依据, 必要性, 措施,
  实施计划, 总目标, 年度绩效目标) and the indicators with their targets and direction
  corrections — the user revises them, but most projects keep most of them;
* a target the evaluation's actual value did better than is proposed at that value
  (``≥90%`` reached 96% → ``≥96%``; forms.md §7: next year's target is not below what was
  done), written in the target's own words; other targets are kept as they were;
* 同名项目上年预算额 = this year's 项目当年预算; 同名项目上年预算执行数 = the evaluation's
  全年执行数 when there is an evaluation with one, else empty. These two are only filled when
  ``to_year`` is the next year: for a later year "上年" is not this record's year;
* left empty for the user: 项目总预算, 项目当年预算, 资金构成 and 备注 (they belong to the year
  they were written for), the evaluation, the sign-off date;
* dates: an annual project (the dates do not cover ``to_year``) has both dates moved by the
  number of years (29 February becomes 28 February); a multi-year project whose dates already
  cover ``to_year`` keeps them;
* the sign-off's 单位负责人, 填表人, 联系电话 are carried (they rarely change), its date is not.

The new record is a draft, saved in one transaction with its link to the record it came
from (:mod:`perfdesk.library.links`), so that renaming the project or its unit later still
finds last year's record; a record of (to_year, unit, name) that already exists is never
touched (ConflictError).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from perfdesk.library.links import link_to_previous
from perfdesk.models.errors import ConflictError, InputError
from perfdesk.models.records import STATUS_DRAFT, Declaration, Indicator, Signoff
from perfdesk.models.target_history import last_year_of, proposed_target
from perfdesk.store.database import Store


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _dates(src: Declaration, to_year: int) -> tuple[dt.date | None, dt.date | None]:
    start, end = src.start_date, src.end_date
    if start and end and start.year <= to_year <= end.year:
        return start, end  # a multi-year project still running in to_year
    years = to_year - src.year
    return (
        shift_years(start, years) if start else None,
        shift_years(end, years) if end else None,
    )


def _carried_indicator(src: Declaration, ind: Indicator) -> Indicator:
    if not isinstance(ind, Indicator):
        return ind
    done = last_year_of(src, ind.name)
    actual = done.actual if done is not None else None
    proposal = proposed_target(ind.target, actual, ind.name, ind.direction)
    return replace(ind, target=proposal) if proposal else replace(ind)


def next_year_declaration(src: Declaration, to_year: int) -> Declaration:
    """The carried-forward draft (not saved); see the module docstring for what is carried."""
    start, end = _dates(src, to_year)
    is_next = to_year == src.year + 1
    spent = src.evaluation.spent if src.evaluation is not None else None
    signoff = None
    if src.signoff is not None and (src.signoff.head or src.signoff.preparer or src.signoff.phone):
        signoff = Signoff(
            head=src.signoff.head, preparer=src.signoff.preparer, phone=src.signoff.phone
        )
    return Declaration(
        year=to_year,
        unit=src.unit,
        name=src.name,
        project_type=src.project_type,
        fund_use=src.fund_use,
        start_date=start,
        end_date=end,
        overview=src.overview,
        basis=src.basis,
        necessity=src.necessity,
        measures=src.measures,
        total_budget=None,
        year_budget=None,
        prev_year_budget=src.year_budget if is_next else None,
        prev_year_spent=spent if is_next else None,
        budget_items=[],
        plan=src.plan,
        overall_goal=src.overall_goal,
        annual_goal=src.annual_goal,
        indicators=[_carried_indicator(src, i) for i in src.indicators],
        remarks=None,
        signoff=signoff,
        framework=src.framework,
        evaluation=None,
        created_from=None,
        id=None,
        status=STATUS_DRAFT,
        revision=1,
    )


def carry_forward(store: Store, record_id: int, to_year: int) -> Declaration:
    """Create ``to_year``'s draft declaration from record ``record_id`` and return it saved.

    Raises NotFoundError when the record does not exist, InputError for a year that is not
    after the record's, ConflictError when (to_year, unit, name) is already stored, and
    DamagedError when the record's stored revision no longer matches its fingerprint.
    """
    with store.transaction():
        # Content edited behind the program's back would get a fingerprint of its own in
        # the new record: refused, like a 定稿 of it.
        store.refuse_if_altered(record_id)
        src = store.get(record_id)
        if isinstance(to_year, bool) or not isinstance(to_year, int) or to_year > 2200:
            raise InputError(f"年度“{to_year}”不正确。")
        if to_year <= src.year:
            raise InputError(f"只能结转到 {src.year} 年以后的年度，给出的是 {to_year} 年。")
        assert src.unit is not None and src.name is not None  # the store requires both
        existing = store.find_id(to_year, src.unit, src.name)
        # A deleted project of that year is no obstacle: saving brings it back (a new revision).
        if existing is not None and not store.is_deleted(existing):
            raise ConflictError(
                f"{to_year}年“{src.unit}”已有名为“{src.name}”的项目（编号 {existing}），"
                "未重复结转；请直接打开该项目修改。"
            )
        saved = store.save(next_year_declaration(src, to_year)).record
        assert saved.id is not None and src.id is not None
        link_to_previous(store, saved.id, src.id)
        return saved
