"""Excel in: the committed corpus (tests/make_corpus.py) read back field by field."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.models.errors import InputError
from perfdesk.models.serialize import STATED_SCORE_REASON, declaration_to_dict
from tests.make_corpus import (
    EVAL_NATIONAL,
    EVAL_SHANGHAI,
    LIST_EVAL,
    LIST_PROJECTS,
    NATIONAL,
    SECOND,
)

CORPUS = Path(__file__).parent / "data" / "excel_in"


def read(name: str, **kw: Any):
    path = CORPUS / name
    return read_workbook(path.read_bytes(), path.name, **kw)


def as_dict(decl) -> dict[str, Any]:
    return declaration_to_dict(decl, with_store_keys=False)


SEED_FILES = [
    "seed.xlsx",
    "seed.xls",
    "seed_offset_blank_rows.xlsx",
    "seed_spaced_labels.xlsx",
    "seed_colon_labels.xlsx",
    "seed_ascii_brackets.xlsx",
    "seed_wan.xlsx",
    "seed_text_amounts.xlsx",
    "seed_fullwidth_amounts.xlsx",
    "seed_suffix_amounts.xlsx",
    "seed_excel_dates.xlsx",
    "seed_choice_names.xlsx",
    "seed_year_du.xlsx",
    "seed_year_in_sheet_name.xlsx",
    "申报表_2019.xlsx",
    "seed_formula_nocache.xlsx",
    "seed_formula_cached_libreoffice.xlsx",
]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_variants_read_as_the_seed(name: str, seed_dict: dict[str, Any]) -> None:
    result = read(name)
    assert len(result.forms) == 1
    form = result.forms[0]
    assert form.kind == "declaration"
    got = as_dict(form.declaration)
    for key, want in seed_dict.items():
        assert got[key] == want, f"{name}: {key}"
    # The seed leaves its 备注 blank: the report names it, and nothing else.
    assert form.empty_fields == ["备注"]
    assert len(form.warnings) == 1 and "“备注”（" in form.warnings[0], form.warnings


def test_seed_without_year_needs_the_year_argument(seed_dict: dict[str, Any]) -> None:
    with pytest.raises(InputError) as err:
        read("seed_no_year.xlsx")
    assert "--year" in err.value.message and err.value.sheet == "申报表"
    got = as_dict(read("seed_no_year.xlsx", year=2019).forms[0].declaration)
    assert got == {**seed_dict, **{k: got[k] for k in got.keys() - seed_dict.keys()}}


def test_year_argument_does_not_override_the_sheet() -> None:
    assert read("seed.xlsx", year=2031).forms[0].declaration.year == 2019


@pytest.mark.parametrize("name", ["multi_forms.xlsx", "multi_forms.xls"])
def test_several_forms_in_one_workbook(name: str, seed_dict: dict[str, Any]) -> None:
    result = read(name)
    assert [f.sheet for f in result.forms] == ["热线外包", "知识库"]
    first, second = (as_dict(f.declaration) for f in result.forms)
    assert {k: first[k] for k in seed_dict} == seed_dict
    assert {k: second[k] for k in SECOND} == SECOND
    assert second["signoff"] == {
        "head": "王五",
        "preparer": "赵六",
        "phone": "021-12345678",
        "date": "2019-03-15",
    }
    # The blank Sheet3 is passed over in silence, the notes sheet with a word.
    assert result.warnings == ["第4张表“填表说明”没有可识别的表单，已跳过。"]


@pytest.mark.parametrize("name", ["national_split.xlsx", "national_joined.xlsx"])
def test_national_framework_with_split_and_joined_targets(name: str) -> None:
    (form,) = read(name).forms
    d = form.declaration
    assert form.kind == "declaration"
    assert (d.year, d.unit, d.name, d.framework) == (
        2023,
        "某市数据局",
        "政务数据共享平台运维",
        "national",
    )
    assert d.year_budget == Decimal(1250000)  # 年度资金总额（万元） 125
    assert d.overall_goal == NATIONAL["overall_goal"]
    assert d.annual_goal == NATIONAL["annual_goal"]
    got = [(i.category, i.subcategory, i.name, i.target) for i in d.indicators]
    assert got == [(a, b, c, joined) for a, b, c, _, joined in NATIONAL["indicators"]]


@pytest.mark.parametrize("name", ["eval_national_wan.xlsx", "eval_national_wan.xls"])
def test_national_self_evaluation_in_wan(name: str) -> None:
    (form,) = read(name).forms
    assert form.kind == "evaluation"
    d = form.declaration
    assert (d.year, d.unit, d.name) == (2023, "某市数据局", "政务数据共享平台运维")
    assert d.created_from == "evaluation"
    ev = d.evaluation
    assert ev is not None
    assert ev.layout == "national"
    assert ev.supervisor == "某市人民政府办公厅"
    assert (ev.budget_initial, ev.budget_adjusted, ev.spent) == (
        Decimal(1250000),
        Decimal(1300000),
        Decimal(1235000),
    )
    assert ev.budget_weight == 10
    assert ev.funds is not None and ev.funds.other is None
    assert ev.funds.appropriation is not None and ev.funds.appropriation.spent == Decimal(1135000)
    assert ev.funds.carried_over is not None and ev.funds.carried_over.adjusted == Decimal(100000)
    assert ev.goal_expected == EVAL_NATIONAL["goal_expected"]
    assert ev.goal_actual == EVAL_NATIONAL["goal_actual"]
    rows = EVAL_NATIONAL["indicators"]
    assert [
        (i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.deviation)
        for i in ev.indicators
    ] == [(a, b, c, t, act, Decimal(w), dev) for a, b, c, t, act, w, _, dev in rows]
    # The declaration created from it carries the same indicators and the expected goal.
    assert [(i.category, i.name, i.target) for i in d.indicators] == [
        (r[0], r[2], r[3]) for r in rows
    ]
    assert d.annual_goal == EVAL_NATIONAL["goal_expected"]
    by_name = {i.name: i for i in ev.indicators}
    # Stated scores equal to the rules' are not overrides ...
    assert by_name["共享接口数量"].score_override is None
    # ... a qualitative one is the pick inside the tier its 实际完成值 names ...
    q = by_name["平台持续运行"]
    assert (q.tier, q.tier_score, q.score_override) == ("达成", Decimal(9), None)
    # ... and one that differs is kept beside the rules' score, with a warning.
    s = by_name["使用部门满意度"]
    assert (s.score_override, s.override_reason) == (Decimal(8), STATED_SCORE_REASON)
    assert any("使用部门满意度" in w and "8" in w for w in form.warnings)
    out = as_dict(d)["evaluation"]
    assert out["total_score"] == 96.5  # 15+15+10+10+20+9+8 + budget 9.5
    assert out["budget_score"] == 9.5


def test_shanghai_self_evaluation_in_yuan_without_scores() -> None:
    (form,) = read("eval_shanghai_yuan.xlsx").forms
    d = form.declaration
    ev = d.evaluation
    assert ev is not None and form.kind == "evaluation"
    assert ev.layout == "shanghai"
    assert (d.year, d.unit, d.name) == (2019, EVAL_SHANGHAI["unit"], EVAL_SHANGHAI["name"])
    assert (ev.budget_initial, ev.budget_adjusted, ev.spent) == (
        Decimal(133340000),
        Decimal(133340000),
        Decimal("130673200.00"),
    )
    assert all(i.score_override is None for i in ev.indicators)
    assert [i.actual for i in ev.indicators] == [r[4] for r in EVAL_SHANGHAI["indicators"]]
    out = as_dict(d)["evaluation"]
    assert all(i["score"] is not None for i in out["indicators"])  # scored by the rules
    assert form.warnings == []


@pytest.mark.parametrize("name", ["flat_list.xlsx", "flat_list_xlwt.xls"])
def test_flat_list_with_several_projects(name: str) -> None:
    forms = read(name).forms
    assert [(f.declaration.unit, f.declaration.name) for f in forms] == [
        (u, n) for u, n, _ in LIST_PROJECTS
    ]
    for form, (_, _, rows) in zip(forms, LIST_PROJECTS, strict=True):
        d = form.declaration
        assert form.kind == "declaration" and d.year == 2024 and d.framework == "national"
        assert [(i.category, i.subcategory, i.name, i.target) for i in d.indicators] == rows


def test_flat_evaluation_list() -> None:
    forms = read("flat_eval_list.xlsx").forms
    assert [(f.kind, f.declaration.year, f.declaration.name) for f in forms] == [
        ("evaluation", 2024, n) for _, n, _ in LIST_EVAL
    ]
    first = forms[0].declaration.evaluation
    assert first is not None
    assert [(i.name, i.actual, i.weight) for i in first.indicators] == [
        (r[2], r[4], Decimal(r[5])) for r in LIST_EVAL[0][2]
    ]
    assert all(i.score_override is None for i in first.indicators)  # stated = computed
    second = forms[1].declaration.evaluation
    assert second is not None and all(i.score_override is None for i in second.indicators)


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("name", "sheet", "cell", "words"),
    [
        ("not_a_spreadsheet.xlsx", None, None, "不是 Excel"),
        ("html_saved_as.xls", None, None, "网页"),
        ("empty.xlsx", None, None, "空的"),
        ("truncated.xlsx", None, None, "损坏"),
        ("encrypted.xlsx", None, None, "加密"),
        ("zip_bomb.xlsx", None, None, "压缩炸弹"),
        ("zip_ratio_bomb.xlsx", None, None, "压缩炸弹"),
        ("xml_entity_bomb.xlsx", None, None, "实体"),
        ("no_form.xlsx", "统计", None, "没有找到可识别"),
        ("bad_amount.xlsx", "申报表", "D13", "“项目当年预算”不是金额：“一亿”"),
        ("bad_date.xlsx", "申报表", "B8", "“开始时间”不是日期"),
        ("no_project_name.xlsx", "申报表", "A4", "项目名称"),
        ("formula_not_sum.xlsx", "申报表", "D13", "ROUND"),
        ("list_missing_name.xlsx", "申报表", "C3", "没有项目名称"),
    ],
)
def test_bad_files_are_rejected_naming_file_sheet_and_cell(
    name: str, sheet: str | None, cell: str | None, words: str
) -> None:
    with pytest.raises(InputError) as err:
        read(f"bad/{name}")
    e = err.value
    assert e.file == name
    assert (e.sheet, e.cell) == (sheet, cell)
    assert words in e.message
    assert name in e.message
    if cell:
        assert f"{cell}：" in e.message


def _xlsx(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_far_away_cell_is_refused_before_the_sheet_is_loaded() -> None:
    def build(ws):
        ws["A1"] = "项目名称"
        ws["XFD1048576"] = "x"

    with pytest.raises(InputError, match="范围过大"):
        read_workbook(_xlsx(build), "far.xlsx")


def test_cell_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfdesk.excel.cells as er

    monkeypatch.setattr(er, "MAX_CELLS", 50)

    def build(ws):
        for r in range(1, 12):
            for c in range(1, 6):
                ws.cell(r, c, "x")

    with pytest.raises(InputError, match="单元格"):
        read_workbook(_xlsx(build), "many.xlsx")


def test_same_project_twice_in_one_file_is_refused(seed_dict: dict[str, Any]) -> None:
    from tests.make_corpus import seed_sheet

    wb = openpyxl.Workbook()
    seed_sheet(wb.active, seed_dict)
    seed_sheet(wb.create_sheet("副本"), seed_dict)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InputError, match="出现两次"):
        read_workbook(buf.getvalue(), "twice.xlsx")


def test_stated_budget_score_that_differs_is_a_warning() -> None:
    wb = openpyxl.load_workbook(CORPUS / "eval_national_wan.xlsx")
    wb.active["H6"] = 7
    buf = io.BytesIO()
    wb.save(buf)
    (form,) = read_workbook(buf.getvalue(), "e.xlsx").forms
    assert any("H6" in w and "预算执行率得分 7" in w for w in form.warnings)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("seed.xlsx", "declaration"),
        ("national_split.xlsx", "declaration"),
        ("multi_forms.xlsx", "declaration"),
        ("eval_national_wan.xlsx", "evaluation"),
        ("eval_shanghai_yuan.xlsx", "evaluation"),
        ("flat_eval_list.xlsx", "evaluation"),
    ],
)
def test_exported_forms_read_back_the_same(name: str, form: str) -> None:
    from perfdesk.excel.writer import write_declaration, write_evaluation

    for imported in read(name).forms:
        decl = imported.declaration
        buf = io.BytesIO()
        (write_declaration if form == "declaration" else write_evaluation)(decl, buf)
        (again,) = read_workbook(buf.getvalue(), "exported.xlsx").forms
        a, b = as_dict(again.declaration), as_dict(decl)
        if form == "evaluation":
            a, b = a["evaluation"], b["evaluation"]
        else:
            a.pop("created_from"), b.pop("created_from")
            a.pop("evaluation"), b.pop("evaluation")
        assert a == b


def test_stated_rate_total_and_grade_that_differ_are_warnings() -> None:
    wb = openpyxl.load_workbook(CORPUS / "eval_national_wan.xlsx")
    ws = wb.active
    ws["G6"] = "90%"  # 执行率: 123.5 / 130 = 95%
    ws["H20"] = 99  # 总分
    ws["B21"] = "良"  # 自评等级: 96.5 is 优
    buf = io.BytesIO()
    wb.save(buf)
    (form,) = read_workbook(buf.getvalue(), "e.xlsx").forms
    text = "\n".join(form.warnings)
    assert "G6" in text and "90.00%" in text and "95.00%" in text
    assert "H20" in text and "总分 99" in text and "96.5" in text
    assert "B21" in text and "“良”" in text and "“优”" in text
    assert form.declaration.evaluation is not None
