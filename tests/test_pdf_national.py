"""The national 项目支出绩效目标申报表 on paper, and the money blocks' 合计 and 大写: printed
PDFs read back with poppler (pdftotext), matched by verify against a real Store."""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.models.money import amount_in_words, format_money
from perfdesk.models.records import FUND_USES, PROJECT_TYPES, BudgetItem, DeclarationFunds
from perfdesk.models.serialize import content_dict, declaration_from_dict, declaration_to_dict
from perfdesk.pdf.printout import render_bytes
from perfdesk.pdf.verify import STATUS_ALTERED, STATUS_CURRENT, verify_pdf
from tests import pdf_helpers as H
from tests.test_verify import _forged

pytestmark = H.needs_poppler
TOTAL = "项目当年投入资金构成“合计”"


def national(decl):  # type: ignore[no-untyped-def]
    """The seed as a national record: 主管部门, the 项目资金 rows, no 项目类型/资金用途."""
    n = copy.deepcopy(decl)
    n.id, n.revision = 41, 3
    n.framework = "national"
    n.supervisor = "上海市人民政府办公厅"
    n.project_type = n.fund_use = None
    n.funds = DeclarationFunds(Decimal("133000000"), Decimal("340000"))
    n.indicators = H.national_indicators(9)
    return n


def layout_lines(pdf: Path) -> list[str]:
    """Page text as laid out: one printed line per line, cells apart by spaces."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    return [line for line in out.splitlines() if line.strip()]


def cells(line: str) -> list[str]:
    return [c for c in re.split(r"\s{2,}", line.strip()) if c]


def test_national_record_prints_the_national_rows_in_order(seed_decl, tmp_path: Path) -> None:
    decl = national(seed_decl)
    pdf = H.write(tmp_path, render_bytes(decl))
    flat = H.squash(H.text(pdf))
    expected_in_order = [
        "项目支出绩效目标申报表", "（2019年）", "项目名称", decl.name,
        "主管部门", decl.supervisor, "实施单位", "开始时间", "结束时间",
        "年度资金总额", "133,340,000.00", "其中：财政拨款", "133,000,000.00",
        "其他资金", "340,000.00", "项目总预算（元）", "项目概况", "项目当年投入资金构成",
        "合计", "项目实施计划", "中长期目标", H.squash(decl.overall_goal), "年度目标",
        H.squash(decl.annual_goal), "绩效指标", "一级指标", "二级指标", "三级指标", "指标值",
        "产出指标", "数量指标", "备注", "单位负责人（签字）",
    ]  # fmt: skip
    at = 0
    for text in expected_in_order:
        found = flat.find(H.squash(text), at)
        assert found >= 0, f"{text!r} missing or out of order"
        at = found + len(H.squash(text))
    # Shanghai's option sets and words are not on the national form.
    assert "项目类型" not in flat and "资金用途" not in flat
    assert not any(option in flat for option in (*PROJECT_TYPES, *FUND_USES))
    assert "分解目标" not in flat and "项目总目标" not in flat
    # The 项目资金 block: its label down the side, each row its name and amount.
    lines = layout_lines(pdf)
    rows = {c[-2]: c[-1] for c in map(cells, lines) if len(c) >= 2}
    assert rows["年度资金总额"] == "133,340,000.00"
    assert rows["其中：财政拨款"] == "133,000,000.00"
    assert rows["其他资金"] == "340,000.00"
    assert any("项目资金（元）" in line for line in lines)


def test_national_record_with_a_project_type_prints_it_as_a_value(
    seed_decl, tmp_path: Path
) -> None:
    decl = national(seed_decl)
    decl.project_type = "经常性专项业务费"
    pdf = H.write(tmp_path, render_bytes(decl))
    row = next(cells(line) for line in layout_lines(pdf) if "项目类型" in line)
    assert row == ["项目类型", "经常性专项业务费"]
    flat = H.squash(H.text(pdf))
    assert "结转项目" not in flat and "资金用途" not in flat  # no list of options


def test_budget_items_end_in_a_total_with_the_amount_in_words(seed_decl, tmp_path: Path) -> None:
    """Both forms: 合计 is the sum of the amounts, and beside it the sum in 大写."""
    for decl in (seed_decl, national(seed_decl)):
        decl.budget_items = [
            BudgetItem("热线运行经费", Decimal("1234567.89")),
            BudgetItem("话务平台", Decimal("100000.10")),
            BudgetItem("尚未定价", None),
        ]
        pdf = H.write(tmp_path, render_bytes(decl), f"{decl.framework}.pdf")
        line = next(line for line in layout_lines(pdf) if "合计" in line)
        assert cells(line) == ["合计", "1,334,567.99"]
        flat = H.squash(H.text(pdf))
        assert "合计1,334,567.99大写：壹佰叁拾叁万肆仟伍佰陆拾柒元玖角玖分" in flat
        # The total row comes after the last item and before the next row of the form.
        assert flat.index("话务平台") < flat.index("合计") < flat.index("项目实施计划")


def test_an_empty_budget_block_prints_a_blank_total(seed_decl, tmp_path: Path) -> None:
    seed_decl.budget_items = []
    pdf = H.write(tmp_path, render_bytes(seed_decl))
    line = next(line for line in layout_lines(pdf) if "合计" in line)
    assert cells(line) == ["合计"]  # no amount, and no 大写 row: blank for the pen
    assert "大写" not in H.squash(H.text(pdf))


@pytest.mark.parametrize("sentences", [0, 36, 48, 60])
def test_national_signoff_never_stands_alone_on_a_page(
    seed_decl, tmp_path: Path, sentences: int
) -> None:
    """Short and long national forms: the signatures share their page with the table's
    last row (备注)."""
    decl = national(seed_decl)
    decl.status = "final"
    decl.overview = "项目实施过程中严格执行预算管理规定。" * max(sentences, 1)
    pdf = H.write(tmp_path, render_bytes(decl))
    pages = [H.squash(H.text(pdf, p)) for p in range(1, H.page_count(pdf) + 1)]
    signed = [n for n, text in enumerate(pages) if "单位（盖章）" in text]
    assert len(signed) == 1
    assert "备注" in pages[signed[0]] and "单位负责人（签字）" in pages[signed[0]]


@pytest.mark.parametrize("indicators", [4, 60])
def test_sh2019_short_and_long_signoff_goes_with_the_table(
    seed_decl, tmp_path: Path, indicators: int
) -> None:
    decl = dataclasses.replace(seed_decl, status="final")
    decl.indicators = [
        dataclasses.replace(i, category="产出目标", subcategory=None)
        for i in H.national_indicators(indicators)
    ]
    pdf = H.write(tmp_path, render_bytes(decl))
    pages = [H.squash(H.text(pdf, p)) for p in range(1, H.page_count(pdf) + 1)]
    signed = [n for n, text in enumerate(pages) if "单位（盖章）" in text]
    assert len(signed) == 1 and "备注" in pages[signed[0]]


def test_verify_matches_a_national_printout_and_names_the_new_rows(
    store, seed_decl, monkeypatch
) -> None:
    decl = national(seed_decl)
    decl.id = None
    rec = store.save(decl).record
    assert verify_pdf(store, render_bytes(rec)).status == STATUS_CURRENT

    def appropriation(d):  # type: ignore[no-untyped-def]
        d.funds.appropriation += Decimal(1000)

    result = verify_pdf(store, _forged(rec, "declaration", appropriation, monkeypatch))
    assert result.status == STATUS_ALTERED
    assert ("其中：财政拨款", "133,001,000.00", "133,000,000.00") in result.differences

    def first_item(d):  # type: ignore[no-untyped-def]
        d.budget_items[0].amount += Decimal(1000)

    result = verify_pdf(store, _forged(rec, "declaration", first_item, monkeypatch))
    assert result.status == STATUS_ALTERED
    total = sum((b.amount for b in rec.budget_items), Decimal(0))
    named = [(was, now) for label, was, now in result.differences if label == TOTAL]
    assert named == [
        (f"{format_money(total + 1000)} 大写：{amount_in_words(total + 1000)}",
         f"{format_money(total)} 大写：{amount_in_words(total)}"),
    ]  # fmt: skip
    assert f"{TOTAL}打印为" in result.message


def test_supervisor_and_funds_are_optional_keys(seed_decl) -> None:
    """A record without them has the JSON (and so the fingerprint) it always had; one with
    them reads back the same."""
    plain = declaration_to_dict(seed_decl)
    assert "supervisor" not in plain and "funds" not in plain
    assert "supervisor" not in content_dict(seed_decl)
    decl = national(seed_decl)
    back = declaration_from_dict(declaration_to_dict(decl))
    assert back.supervisor == "上海市人民政府办公厅"
    assert back.funds == DeclarationFunds(Decimal("133000000"), Decimal("340000"))


def test_national_checks_want_the_fund_rows_to_add_up_and_no_shanghai_options(seed_decl) -> None:
    from perfdesk.models.checks import check_declaration

    decl = national(seed_decl)
    codes = {f.code for f in check_declaration(decl)}
    assert "choice_none" not in codes and "funds_sum" not in codes
    decl.funds.other = Decimal("300000")
    (f,) = [f for f in check_declaration(decl) if f.code == "funds_sum"]
    assert f.level == "error" and f.field == "funds"
    assert "133,300,000.00" in f.message and "相差 40,000.00" in f.message
    # A Shanghai record still must tick its boxes.
    seed_decl.project_type = None
    assert "choice_none" in {f.code for f in check_declaration(seed_decl)}


def _budget_rows_before_totals(grid, decl, label) -> None:  # type: ignore[no-untyped-def]
    """The 投入资金构成 block as perfdesk drew it before it had 合计 and 大写 rows."""
    from perfdesk.models.money import format_money as money
    from perfdesk.pdf import layouts as L
    from perfdesk.pdf.grid import Cell, merge_categories

    name_h, amount_h = L.BUDGET_ITEM_HEADERS
    first, _ = grid.add([Cell(None), Cell(name_h, "label", span=2), Cell(amount_h, "label")])
    spans = [(first, first)]
    for n, item in enumerate(decl.budget_items, 1):
        where = f"{label}第{n}项"
        spans.append(grid.add([
            Cell(None), Cell(item.name, span=2, field=where),
            Cell(money(item.amount), "money", field=where),
        ]))  # fmt: skip
    merge_categories(grid, spans, [(label,)] * len(spans), [0], label)


def test_a_form_printed_before_the_total_rows_still_verifies(
    store, seed_decl, monkeypatch, tmp_path: Path
) -> None:
    """Sealed paper from before 合计/大写: the same content, though today's drawing breaks
    its pages elsewhere (the seed's 投入资金构成 block moved to page 2)."""
    import perfdesk.pdf.declaration as declaration
    import perfdesk.pdf.printout as printout

    rec = store.save(seed_decl).record
    genuine = printout.marker(rec, "declaration")
    with monkeypatch.context() as m:
        m.setattr(declaration, "_budget_rows", _budget_rows_before_totals)
        old = render_bytes(rec)
        forged = copy.deepcopy(rec)
        forged.budget_items[3].amount += Decimal(1000)
        m.setattr(printout, "marker", lambda decl, form: genuine)
        old_forged = render_bytes(forged)
    first_page = H.squash(H.text(H.write(tmp_path, old), 1))
    assert "应交税费" in first_page and "合计" not in first_page
    assert "应交税费" not in H.squash(H.text(H.write(tmp_path, render_bytes(rec)), 1))
    result = verify_pdf(store, old)
    assert result.status == STATUS_CURRENT, result.message
    result = verify_pdf(store, old_forged)
    assert result.status == STATUS_ALTERED
    assert any(was.endswith("8,941,000.00") for _l, was, _now in result.differences)
