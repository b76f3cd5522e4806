"""Printing the mid-year monitoring form (项目支出绩效运行监控表, forms.md §5) and the 自评表's
年中预计 column: real PDFs read back with poppler (pdftotext, pdfinfo) and pypdf."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from perfdesk.models.errors import NotFoundError
from perfdesk.models.monitoring import make_monitoring
from perfdesk.models.records import MonitorIndicator
from perfdesk.models.serialize import fingerprint
from perfdesk.pdf import printout as pdf_out
from perfdesk.pdf.flow import QR_FORM
from perfdesk.pdf.printout import render_bytes
from tests import pdf_helpers as H
from tests.test_pdf_overlap import overlaps

pytestmark = H.needs_poppler


def _stored(decl, rid=41, revision=3, month=6):  # type: ignore[no-untyped-def]
    decl.id, decl.revision = rid, revision
    decl.monitoring = H.monitoring_for(decl, month)
    return decl


def _body(pdf: Path, header: str = "") -> str:
    """The squashed text of the pages without their footers, and without ``header`` (a
    table's repeated header rows) where a page starts with it: a text split over pages
    reads as one again."""
    pages = H.page_count(pdf)
    out = []
    for n in range(1, pages + 1):
        text = H.squash(H.text(pdf, n)).split(f"第{n}页共{pages}页")[0]
        if n > 1 and header:
            text = text.removeprefix(H.squash(header))
        out.append(text.removeprefix("草稿"))
    return "".join(out)


MON_HEADER = (
    "绩效指标{cats}年度指标值截至6月底完成情况全年预计完成情况完成目标可能性原因类型"
    "偏差原因分析及改进措施"
)
SH_HEADER = MON_HEADER.format(cats="分解目标内容绩效指标")
NATIONAL_HEADER = MON_HEADER.format(cats="一级指标二级指标三级指标")


def _pieces(flat: str, item: str, pos: int) -> list[tuple[int, int]]:
    """Where ``item`` is in ``flat`` from ``pos`` on, as few pieces in order as it takes
    (each the longest prefix of the rest found after the piece before); [] when a
    character is missing."""
    found = []
    while item:
        lo, hi = 0, len(item)  # the longest prefix found after pos (shorter ones are too)
        while lo < hi:
            k = (lo + hi + 1) // 2
            lo, hi = (k, hi) if flat.find(item[:k], pos) >= 0 else (lo, k - 1)
        if lo == 0:
            return []
        start = flat.find(item[:lo], pos)
        found.append((start, start + lo))
        pos, item = start + lo, item[lo:]
    return found


def _in_order(flat: str, items: list[str | None], pieces: int = 1) -> None:
    """Each item is in ``flat`` after the one before, whole, or in at most ``pieces``
    pieces where a table row runs over pages or over MAX_ROW_HEIGHT: the other cells of
    its row, a category label repeated, come between them. The next item is looked for
    after the first piece (it may be a cell beside this one)."""
    pos = 0
    for item in items:
        if not item:
            continue
        found = _pieces(flat, H.squash(item), pos)
        assert found, f"{item!r} missing or out of order (after {flat[max(0, pos - 30):pos]!r})"
        assert len(found) <= pieces, f"{item!r} cut in {len(found)} pieces"
        pos = found[0][1]


def test_seed_monitoring_prints_every_field_in_form_order(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    m = decl.monitoring
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"))
    flat = _body(pdf, SH_HEADER)
    expected = [
        "项目支出绩效运行监控表", "（2019年度　截至6月底）",
        "项目名称", decl.name, "主管部门", "上海市人民政府办公厅", "实施单位", decl.unit,
        "项目资金（元）", "年初预算数", "调整后预算数", "1–6月执行数", "执行率", "序时进度",
        "全年预计执行数",
        # 52,002,600.00 is 39% of 133,340,000.00; 序时进度 6/12.
        "年度资金总额", "133,340,000.00", "133,340,000.00", "52,002,600.00", "39.00%", "50.00%",
        "130,673,200.00",
        "其中：财政拨款", "133,340,000.00", "133,340,000.00", "52,002,600.00", "—", "—",
        "130,673,200.00", "上年结转", "其他资金",
        "年度总体目标", "年度目标", "截至6月底完成情况", decl.annual_goal, m.goal_progress,
        "绩效指标", "分解目标内容", "绩效指标", "年度指标值", "截至6月底完成情况",
        "全年预计完成情况", "完成目标可能性", "原因类型", "偏差原因分析及改进措施",
    ]  # fmt: skip
    previous = None
    for ind in m.indicators:
        if ind.category != previous:  # a category is printed once over its indicators
            expected.append(ind.category)
            previous = ind.category
        expected += [ind.name, ind.target, ind.progress, ind.forecast, ind.likelihood]
        if ind.cause:
            expected += [ind.cause, f"偏差原因：{ind.deviation}", f"改进措施：{ind.remedy}"]
    expected += [
        "偏差或不能完成目标原因分析", m.deviation_analysis, "相关建议或举措", m.measures,
        "是否需要调整绩效目标", "是", "否", "调整内容",
        "单位负责人（签字）", "填表人", "联系电话", "单位（盖章）", "日期",
    ]  # fmt: skip
    _in_order(flat, expected, pieces=2)  # the last indicator's row runs over the page
    # Signed by hand: the declaration's sign-off (its persons and 填报日期) is not printed.
    assert decl.signoff is None or "2019年" not in flat.split("单位负责人")[-1]


# 黄石市项目支出绩效监控表 (2019年度), published by 黄石市文化和旅游局 with its form filled in:
# http://hsgyyc.com/xwdt_10201/gsgg_10206/201908/t20190821_663302.html — its rows, top to
# bottom, by the label each has on perfdesk's form (项目执行单位 is 实施单位, 半年度指标执行情况
# 截至X月底完成情况, 指标名称 the 三级指标).
HUANGSHI_ROWS = (
    ("项目名称", "项目名称"), ("主管部门", "主管部门"), ("项目执行单位", "实施单位"),
    ("项目资金（万元）", "项目资金（万元）"), ("年初预算数", "年初预算数"),
    ("1-6月执行数", "1–6月执行数"), ("全年预计执行数", "全年预计执行数"),
    ("年度资金总额", "年度资金总额"), ("绩效指标", "绩效指标"), ("一级指标", "一级指标"),
    ("指标名称", "三级指标"), ("指标值", "年度指标值"),
    ("半年度指标执行情况", "截至6月底完成情况"), ("完成目标可能性", "完成目标可能性"),
    ("偏差或不能完成目标原因分析", "偏差或不能完成目标原因分析"),
    ("相关建议或举措", "相关建议或举措"),
)  # fmt: skip


def test_rows_follow_a_published_provincial_form(seed_decl, tmp_path: Path) -> None:
    decl = dataclasses.replace(seed_decl, framework="national")
    decl.indicators = H.national_indicators(9)
    decl = _stored(decl)
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"))
    _in_order(H.squash(H.text(pdf)), [ours for _theirs, ours in HUANGSHI_ROWS])


def test_national_record_prints_money_in_wan_yuan_and_two_category_levels(
    seed_decl, tmp_path: Path
) -> None:
    decl = dataclasses.replace(seed_decl, framework="national")
    decl.indicators = H.national_indicators(9)
    decl = _stored(decl, month=7)
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"))
    flat = H.squash(H.text(pdf))
    _in_order(flat, [
        "（2019年度　截至7月底）", "项目资金（万元）", "1–7月执行数", "13,334.00", "13,334.00",
        "5,200.26", "39.00%", "58.33%", "13,067.32",
        "一级指标", "二级指标", "三级指标", "年度指标值", "截至7月底完成情况",
        "产出指标", "数量指标", decl.indicators[0].name, "效益指标",
    ])  # fmt: skip
    assert "133,340,000.00" not in flat


def test_every_page_carries_the_monitoring_mark_and_qr(seed_decl, tmp_path: Path) -> None:
    from pypdf import PdfReader

    decl = dataclasses.replace(seed_decl, framework="national", status="final")
    decl.indicators = H.national_indicators(30)
    decl = _stored(decl, rid=7, revision=2)
    data = render_bytes(decl, "monitoring")
    pdf = H.write(tmp_path, data)
    fp = fingerprint(decl, "monitoring")
    mark = f"perfdesk:7:2:monitoring:{fp}"
    assert pdf_out.marker(decl, "monitoring") == mark
    assert H.info(pdf)["Keywords"] == mark
    pages = H.page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = H.squash(H.text(pdf, page))
        assert f"记录号7第2版指纹{fp}" in text and mark in text
        assert f"第{page}页共{pages}页" in text
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:  # the code is drawn once, as a form used on every page
        assert [k for k in page["/Resources"]["/XObject"] if k.endswith(QR_FORM)]


def test_the_mark_follows_the_monitoring_content_only(seed_decl) -> None:
    decl = _stored(seed_decl)
    before = pdf_out.marker(decl, "monitoring")
    decl.remarks = "申报表的备注改了"
    decl.overview = "申报表的概况改了"
    assert pdf_out.marker(decl, "monitoring") == before
    assert decl.monitoring is not None
    decl.monitoring.indicators[0].progress = "完成全年目标的51%"
    assert pdf_out.marker(decl, "monitoring") != before


def test_watermark_follows_the_monitoring_forms_own_status(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    decl.status = "final"
    assert decl.monitoring is not None
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"))
    assert "草稿" in H.squash(H.text(pdf))
    decl.monitoring.status = "final"
    decl.status = "draft"
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"), "final.pdf")
    assert "草稿" not in H.squash(H.text(pdf))


def test_missing_monitoring_is_reported(seed_decl) -> None:
    seed_decl.monitoring = None
    with pytest.raises(NotFoundError, match="还没有运行监控表"):
        render_bytes(seed_decl, "monitoring")


def test_a_fresh_form_made_from_the_declaration_prints(seed_decl, tmp_path: Path) -> None:
    """按申报表生成: nothing reported yet, no month (a year not begun): blanks, not 0 or None."""
    import datetime as dt

    seed_decl.monitoring = make_monitoring(seed_decl, dt.date(2018, 12, 1))
    assert seed_decl.monitoring.as_of_month is None
    seed_decl.monitoring.status = "final"  # no watermark under the words
    pdf = H.write(tmp_path, render_bytes(seed_decl, "monitoring"))
    flat = H.squash(H.text(pdf))
    assert "截至　月底" in H.text(pdf) or "截至月底" in flat
    assert "None" not in flat and "0.00%" not in flat
    for ind in seed_decl.indicators:
        assert H.squash(ind.target) in flat
    assert overlaps(pdf) == []


@pytest.mark.parametrize("long_goal", ["annual_goal", "goal_progress"])
def test_30_indicators_and_long_texts_split_cleanly(seed_decl, tmp_path: Path, long_goal) -> None:
    """Long texts and 30 indicators: every word on paper in order, the indicator header
    on each page the table is on, the sign-off with the end of the table, no overlaps.
    (The two goals stand side by side, their lines interleaved in the page text: one is
    long, the other fits the first row.)"""
    decl = dataclasses.replace(seed_decl, framework="national", status="final")
    decl.indicators = H.national_indicators(30)
    decl = _stored(decl)
    m = decl.monitoring
    assert m is not None
    m.status = "final"
    long = "保障热线平稳运行，受理来电和网站诉求，按时办结，回访群众。" * 40
    decl.annual_goal = "年度目标：" + long if long_goal == "annual_goal" else "年度目标：接通率≥88%"
    m.goal_progress = "截至6月底：" + long if long_goal == "goal_progress" else "接通率87.5%"
    m.deviation_analysis = "偏差分析：" + "话务员流失率上升，新人培训周期较长，影响接通率。" * 45
    m.measures = "举措：" + "增补话务员，优化排班，加强岗前培训和质量抽检。" * 30
    m.adjust_goals = True
    m.adjustment = "将“接通率”目标由≥90%调整为≥88%。"
    m.indicators[4].deviation = "原因很长：" + "受疫情和人员流动影响，话务量峰值超出预期。" * 12
    pdf = H.write(tmp_path, render_bytes(decl, "monitoring"))
    pages = H.page_count(pdf)
    assert pages >= 4
    texts = [H.squash(H.text(pdf, p)) for p in range(1, pages + 1)]
    short = m.goal_progress if long_goal == "annual_goal" else decl.annual_goal
    flat = _body(pdf, NATIONAL_HEADER).replace(H.squash(short), "", 1)
    expected = [getattr(decl if long_goal == "annual_goal" else m, long_goal)]
    for ind in m.indicators:
        expected += [ind.name, ind.target, ind.progress, ind.forecast]
        if ind.deviation:
            expected.append(f"偏差原因：{ind.deviation}")
    expected += [m.deviation_analysis, m.measures, m.adjustment]
    _in_order(flat, expected, pieces=4)
    with_rows = [t for t in texts if any(H.squash(i.name) in t for i in m.indicators)]
    assert len(with_rows) >= 2
    assert all("完成目标可能性" in t for t in with_rows)
    signed = [n for n, t in enumerate(texts) if "单位（盖章）" in t]
    assert signed == [pages - 1]
    assert "调整内容" in texts[-1]
    assert overlaps(pdf) == []


def test_first_page_matches_the_reviewed_rendering(seed_decl, tmp_path: Path) -> None:
    """docs/monitoring-page1.png was looked at and approved; the first page must still look so."""
    from PIL import Image, ImageChops

    golden = Path(__file__).parent.parent / "docs" / "monitoring-page1.png"
    decl = _stored(seed_decl, rid=1, revision=1)
    assert decl.monitoring is not None
    decl.monitoring.status = "final"
    png = H.render_png(H.write(tmp_path, render_bytes(decl, "monitoring")), tmp_path / "now", 80)
    a = Image.open(golden).convert("L")
    b = Image.open(png).convert("L")
    assert a.size == b.size
    changed = sum(ImageChops.difference(a, b).histogram()[65:])
    assert changed < a.size[0] * a.size[1] * 0.002, f"{changed} pixels differ"


def test_same_monitoring_same_bytes(seed_decl) -> None:
    decl = _stored(seed_decl)
    assert render_bytes(decl, "monitoring") == render_bytes(decl, "monitoring")


# ---------------------------------------------------------------- the 自评表 at year end


def test_evaluation_shows_the_mid_year_forecast_beside_the_actual(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    decl.evaluation = H.evaluation_for(decl)
    decl.evaluation.status = "final"  # no watermark under the words
    m = decl.monitoring
    assert m is not None
    pdf = H.write(tmp_path, render_bytes(decl, "evaluation"))
    flat = H.squash(H.text(pdf))
    _in_order(flat, ["实际完成值", "年中预计（完成可能性）", "分值", "得分"])
    expected = []
    for ev_ind, mon in zip(decl.evaluation.indicators, m.indicators, strict=True):
        expected += [ev_ind.name, ev_ind.target, "已完成", f"{mon.forecast}（{mon.likelihood}）"]
    _in_order(flat, [*expected, "总分"])
    assert overlaps(pdf) == []


def test_evaluation_forecast_is_matched_by_indicator_not_by_position(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    decl.evaluation = H.evaluation_for(decl)
    m = decl.monitoring
    assert m is not None
    m.indicators.reverse()
    m.indicators.append(MonitorIndicator("产出目标", None, "监控表独有的指标", "100%",
                                         forecast="独有指标的预计", likelihood="确定能"))
    del m.indicators[0]  # the evaluation's last indicator has no mid-year row
    pdf = H.write(tmp_path, render_bytes(decl, "evaluation"))
    flat = H.squash(H.text(pdf))
    assert "独有指标的预计" not in flat
    by_name = {i.name: i for i in m.indicators}
    expected = []
    for ev_ind in decl.evaluation.indicators[:-1]:
        mon = by_name[ev_ind.name]
        expected += [ev_ind.name, "已完成", f"{mon.forecast}（{mon.likelihood}）"]
    _in_order(flat, expected)


def test_evaluation_without_monitoring_keeps_its_columns(seed_decl, tmp_path: Path) -> None:
    seed_decl.evaluation = H.evaluation_for(seed_decl)
    pdf = H.write(tmp_path, render_bytes(seed_decl, "evaluation"))
    assert "年中预计" not in H.squash(H.text(pdf))


def test_print_year_prints_the_monitoring_forms_there_are(store, seed_decl, tmp_path: Path) -> None:
    from perfdesk.pdf.year import print_year

    with_form = store.save(_stored(dataclasses.replace(seed_decl), rid=None)).record
    other = dataclasses.replace(seed_decl, name="没有监控表的项目", monitoring=None)
    other.id = None
    store.save(other)
    seen: list[tuple[int, int]] = []
    paths = print_year(store, 2019, tmp_path / "out", "monitoring",
                       progress=lambda done, total, _msg: seen.append((done, total)))
    assert [p.name for p in paths] == [pdf_out.pdf_file_name(with_form, "monitoring")]
    assert "绩效运行监控表" in paths[0].name
    assert seen[-1] == (1, 1)  # only the project with a monitoring form is counted
    assert f"perfdesk:{with_form.id}:1:monitoring:" in H.text(paths[0])
    # The year's other forms print as before.
    assert len(print_year(store, 2019, tmp_path / "decl", "declaration")) == 2


def test_missing_glyph_in_a_monitoring_cell_is_located(seed_decl) -> None:
    from perfdesk.pdf.fonts import MissingGlyphError

    decl = _stored(seed_decl)
    assert decl.monitoring is not None
    decl.monitoring.indicators[1].forecast = "全年可达到 \U0001f600"
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(decl, "monitoring")
    assert "绩效指标第2行" in err.value.message
    decl.monitoring.indicators[1].forecast = None
    decl.monitoring.measures = "举措\U0001f600"
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(decl, "monitoring")
    assert "相关建议或举措" in err.value.message
