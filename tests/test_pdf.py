"""Printing to PDF: read the PDFs back with poppler and check what a clerk would see."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from perfdesk.models.errors import InputError, NotFoundError
from perfdesk.models.money import format_money
from perfdesk.models.records import FUND_USES, PROJECT_TYPES, Signoff
from perfdesk.models.serialize import fingerprint
from perfdesk.pdf import layouts as L
from perfdesk.pdf import printout as pdf_out
from perfdesk.pdf.flow import QR_BORDER, QR_SIZE, CheckboxGroup
from perfdesk.pdf.fonts import MissingGlyphError
from perfdesk.pdf.printout import render_bytes, render_declaration
from perfdesk.pdf.text import break_lines
from tests import pdf_helpers as H
from tests.strategies import declarations

pytestmark = H.needs_poppler

LONG_FIELDS = ("overview", "basis", "necessity", "measures", "plan", "overall_goal", "annual_goal")


def _stored(decl, rid=41, revision=3):  # type: ignore[no-untyped-def]
    decl.id, decl.revision = rid, revision
    return decl


def test_seed_prints_every_field_in_form_order(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    pdf = H.write(tmp_path, render_bytes(decl))
    flat = H.squash(H.text(pdf))

    expected_in_order = [
        "上海市财政支出项目绩效目标申报表", "（2019年）", "申报单位名称", decl.unit,
        "项目名称", decl.name, "项目类型", *PROJECT_TYPES, "资金用途", *FUND_USES,
        "开始时间", "2019-01-01", "结束时间", "2019-12-31",
        "项目概况", decl.overview, "立项依据", decl.basis, "项目设立的必要性", decl.necessity,
        "保证项目实施的制度、措施", decl.measures,
        "项目总预算（元）", "133,340,000.00", "项目当年预算（元）", "133,340,000.00",
        "同名项目上年预算额（元）", "136,990,000.00", "同名项目上年预算执行数（元）",
        "项目当年投入资金构成", "子项目名称", "预算金额（元）",
    ]  # fmt: skip
    for item in decl.budget_items:
        expected_in_order += [item.name, format_money(item.amount)]
    expected_in_order += [
        "项目实施计划", decl.plan, "项目总目标", decl.overall_goal,
        "年度绩效目标", decl.annual_goal, "分解目标", "分解目标内容", "绩效指标", "指标目标值",
    ]  # fmt: skip
    for ind in decl.indicators:
        if ind.category not in expected_in_order[-3:]:
            expected_in_order.append(ind.category)
        expected_in_order += [ind.name, ind.target]
    expected_in_order += [
        "备注",
        "单位负责人（签字）",
        "填表人",
        "联系电话",
        "单位（盖章）",
        "日期",
    ]

    pos = 0
    for item in expected_in_order:
        found = flat.find(H.squash(item), pos)
        assert found >= 0, f"{item!r} missing or out of order"
        pos = found + len(H.squash(item))


def test_seed_is_a4_with_embedded_subset_fonts_only(seed_decl, tmp_path: Path) -> None:
    pdf = H.write(tmp_path, render_bytes(seed_decl))
    info = H.info(pdf)
    assert "595.276 x 841.89 pts (A4)" in info["Page size"]
    rows = H.fonts(pdf)
    assert rows, "no fonts listed"
    for row in rows:
        assert row.emb and row.sub, f"font {row.name} not embedded as a subset"
        assert "TrueType" in row.type
        assert re.match(r"[A-Z]{6}\+", row.name)
        assert "WenQuanYi" in row.name


def test_signoff_is_filled_when_present(seed_decl, tmp_path: Path) -> None:
    seed_decl.signoff = Signoff("张三", "李四", "021-12345678", dt.date(2019, 1, 15))
    flat = H.squash(H.text(H.write(tmp_path, render_bytes(seed_decl))))
    for part in ("单位负责人（签字）：张三", "填表人：李四", "联系电话：021-12345678"):
        assert part in flat
    assert "日期：2019年1月15日" in flat


def test_draft_has_watermark_and_final_has_none(seed_decl, tmp_path: Path) -> None:
    seed_decl.status = "draft"
    draft = H.write(tmp_path, render_bytes(seed_decl), "draft.pdf")
    for page in range(1, H.page_count(draft) + 1):
        assert "草稿" in H.squash(H.text(draft, page))
    seed_decl.status = "final"
    final = H.write(tmp_path, render_bytes(seed_decl), "final.pdf")
    assert "草稿" not in H.squash(H.text(final))


def test_every_page_carries_id_revision_fingerprint(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl, rid=41, revision=3)
    fp = fingerprint(decl, "declaration")
    pdf = H.write(tmp_path, render_bytes(decl))
    pages = H.page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        flat = H.squash(H.text(pdf, page))
        assert f"记录号41第3版指纹{fp}" in flat
        assert f"perfdesk:41:3:declaration:{fp}" in flat
        assert f"第{page}页共{pages}页" in flat
    assert H.info(pdf)["Keywords"] == f"perfdesk:41:3:declaration:{fp}"


def test_revision_note_printed_on_every_page(seed_decl, tmp_path: Path) -> None:
    note = "此为第 2 版的重印件，当前为第 4 版"
    pdf = H.write(tmp_path, render_bytes(seed_decl, revision_note=note))
    for page in range(1, H.page_count(pdf) + 1):
        assert H.squash(note) in H.squash(H.text(pdf, page))


def test_qr_code_encodes_the_marker(seed_decl, tmp_path: Path) -> None:
    """Sample the printed QR modules from a 300 dpi rendering and compare them with the
    QR encoding of the marker: position, orientation and content all have to be right."""
    from PIL import Image
    from reportlab.graphics.barcode import qrencoder

    decl = _stored(seed_decl, rid=7, revision=2)
    mark = pdf_out.marker(decl, "declaration")
    pdf = H.write(tmp_path, render_bytes(decl))
    png = H.render_png(pdf, tmp_path / "p1", 300)
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(mark)
    qr.make()
    n = qr.getModuleCount()
    size, border = QR_SIZE, QR_BORDER
    scale = 300 / 72
    img = Image.open(png).convert("L")
    page_w, page_h = 595.2756, 841.8898
    x0 = page_w - L.PAGE_MARGIN_X - size
    y_top = page_h - (6 * L.MM + size)  # from the top of the page
    box = size / (n + 2 * border)
    wrong = 0
    for r in range(n):
        for c in range(n):
            px = (x0 + (c + border + 0.5) * box) * scale
            py = (y_top + (r + border + 0.5) * box) * scale
            dark = img.getpixel((int(px), int(py))) < 128
            wrong += dark != bool(qr.modules[r][c])
    assert wrong == 0


def test_checkbox_groups_tick_the_choice(seed_decl) -> None:
    from perfdesk.pdf.fonts import default_fonts

    group = CheckboxGroup(PROJECT_TYPES, seed_decl.project_type, default_fonts(), "项目类型")
    assert group.ticked == ("经常性专项业务费",)
    none = CheckboxGroup(FUND_USES, None, default_fonts(), "资金用途")
    assert none.ticked == ()


def test_seed_first_page_matches_the_reviewed_rendering(seed_decl, tmp_path: Path) -> None:
    """docs/seed-page1.png was looked at and approved; the first page must still look so."""
    from PIL import Image, ImageChops

    golden = Path(__file__).parent.parent / "docs" / "seed-page1.png"
    decl = _stored(seed_decl, rid=1, revision=1)
    png = H.render_png(H.write(tmp_path, render_bytes(decl)), tmp_path / "now", 80)
    a = Image.open(golden).convert("L")
    b = Image.open(png).convert("L")
    assert a.size == b.size
    diff = ImageChops.difference(a, b)
    changed = sum(diff.histogram()[65:])
    assert changed < a.size[0] * a.size[1] * 0.002, f"{changed} pixels differ"


def _long_text(length: int) -> str:
    parts, n = [], 1
    while sum(map(len, parts)) < length:
        parts.append(f"第{n}句：项目实施过程中严格执行预算管理规定，确保资金安全高效使用。")
        if n % 7 == 0:
            parts.append("\n")
        n += 1
    return "".join(parts)[:length]


def test_long_overview_and_60_indicators_split_cleanly(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl)
    decl.framework = "national"
    decl.overview = _long_text(10_000)
    decl.indicators = H.national_indicators(60)
    pdf = H.write(tmp_path, render_bytes(decl))
    pages = H.page_count(pdf)
    assert pages >= 6
    whole = H.squash(H.text(pdf))
    assert "项目支出绩效目标申报表" in whole
    # Not a character lost: the page furniture between two pages is cut out first.
    body = re.sub(
        r"第\d+页共\d+页|记录号41第3版指纹[0-9a-f]{12}|perfdesk:[^\s]*?[0-9a-f]{12}", "", whole
    )
    body = body.replace("草稿", "")
    assert H.squash(decl.overview) in body
    for ind in decl.indicators:
        assert H.squash(ind.name + ind.target) in body
    for cat in H.NATIONAL_TREE:
        assert cat in body
    # Lines of the pieces are set as measured: no gaps spread between characters.
    overview_lines = [line for line in H.text(pdf).splitlines() if "句" in line]
    assert len(overview_lines) > 100
    for line in overview_lines:
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", line), line
    header = "一级指标二级指标三级指标指标值"
    pages_with_rows = 0
    for page in range(1, pages + 1):
        flat = H.squash(H.text(pdf, page))
        assert f"第{page}页共{pages}页" in flat
        if "项指标名称较长" in flat:
            pages_with_rows += 1
            assert header in flat, f"table header not repeated on page {page}"
    assert pages_with_rows >= 2


def test_one_category_over_many_pages(seed_decl, tmp_path: Path) -> None:
    decl = seed_decl
    decl.indicators = [
        dataclasses.replace(i, category="产出目标") for i in H.national_indicators(90)
    ]
    for i in decl.indicators:
        i.subcategory = None
    pdf = H.write(tmp_path, render_bytes(decl))
    assert H.page_count(pdf) >= 3
    for ind in decl.indicators:
        assert H.squash(ind.name) in H.squash(H.text(pdf))


def test_very_long_single_indicator_and_budget_item(seed_decl, tmp_path: Path) -> None:
    decl = seed_decl
    decl.indicators[0].target = _long_text(4000)
    decl.budget_items[0].name = _long_text(3000).replace("项目实施", "资金拨付")
    pdf = H.write(tmp_path, render_bytes(decl))
    flat = H.squash(H.text(pdf))
    # Rows are read in drawing order: cut what other cells of the same rows (repeated
    # category labels, the amount), repeated headers and the page furniture put between
    # the pieces.
    body = re.sub(
        r"第\d+页共\d+页|记录号.*?指纹[0-9a-f]{12}|perfdesk:\S*?[0-9a-f]{12}|草稿"
        r"|投入和管理目标|项目当年投入资金构成|19,030,000.00|热线工作的规范性和安全性"
        r"|分解目标分解目标内容绩效指标指标目标值",
        "",
        flat,
    )
    assert H.squash(decl.indicators[0].target) in body
    assert H.squash(decl.budget_items[0].name) in body


def test_missing_glyph_names_field_and_character(seed_decl) -> None:
    seed_decl.measures = "制度措施：见附件\U00020000号文件"
    out = io.BytesIO()
    with pytest.raises(MissingGlyphError) as err:
        render_declaration(seed_decl, out)
    assert isinstance(err.value, InputError)
    assert "保证项目实施的制度、措施" in err.value.message
    assert "\U00020000" in err.value.message and "U+20000" in err.value.message
    assert out.getvalue() == b""


def test_missing_glyph_in_an_indicator_is_located(seed_decl) -> None:
    seed_decl.indicators[2].target = "≥90% \U0001f600"
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(seed_decl)
    assert "分解目标第3行" in err.value.message


def test_fallback_font_serves_characters_the_main_font_lacks(seed_decl, tmp_path: Path) -> None:
    """Droid Sans Fallback has no Latin letters or digits: with it as the main font, those
    come from the bundled font, and the PDF embeds both."""
    from perfdesk.pdf.fonts import BUNDLED_FONT, SYSTEM_FALLBACKS, FontSpec, load_fonts
    from perfdesk.resources import resource_path

    if not SYSTEM_FALLBACKS[0].exists():
        pytest.skip("Droid Sans Fallback not installed")
    fonts = load_fonts([FontSpec(SYSTEM_FALLBACKS[0]), FontSpec(resource_path(*BUNDLED_FONT))])
    assert fonts.font_for("A") == fonts.names[1]
    assert fonts.font_for("申") == fonts.names[0]
    pdf = H.write(tmp_path, render_bytes(seed_decl, fonts=fonts))
    names = {re.sub(r"^[A-Z]{6}\+", "", row.name) for row in H.fonts(pdf)}
    assert any("Droid" in n for n in names) and any("WenQuanYi" in n for n in names)
    assert "133,340,000.00" in H.text(pdf)


def test_same_record_same_bytes(seed_decl) -> None:
    assert render_bytes(seed_decl) == render_bytes(seed_decl)


# ---------------------------------------------------------------- self-evaluation


def test_national_evaluation(seed_decl, tmp_path: Path) -> None:
    from perfdesk.models.scoring import score_evaluation

    decl = _stored(seed_decl)
    decl.evaluation = H.evaluation_for(decl, "national")
    sheet = score_evaluation(decl.evaluation)
    pdf = H.write(tmp_path, render_bytes(decl, "evaluation"))
    flat = H.squash(H.text(pdf))
    for part in (
        "项目支出绩效自评表", "（2019年度）", "项目名称", decl.name, "主管部门",
        "上海市人民政府办公厅", "实施单位", decl.unit, "项目资金（万元）", "年初预算数",
        "全年预算数", "全年执行数", "分值",
        "执行率", "得分", "年度资金总额", "13,334.00", "13,100.00", "其中：当年财政拨款",
        "上年结转资金", "其他资金", "98.25%", "年度总体目标", "预期目标", "实际完成情况",
        "全年受理来电380万个", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
        "偏差原因分析及改进措施", "总分", "自评等级",
    ):  # fmt: skip
        assert H.squash(part) in flat, part
    assert H.squash(decl.annual_goal) in flat  # 预期目标 defaults to the annual goal
    for ind in decl.indicators:
        assert H.squash(ind.name) in flat
    assert sheet.budget_score is not None
    assert f"10{sheet.budget_score}" in flat or str(sheet.budget_score) in flat
    if sheet.total is not None:
        assert f"{sheet.total:.2f}" in flat
    assert "财政项目支出绩效自评表" not in flat
    fp = fingerprint(decl, "evaluation")
    assert H.info(pdf)["Keywords"] == f"perfdesk:41:3:evaluation:{fp}"


def test_shanghai_evaluation_in_yuan(seed_decl, tmp_path: Path) -> None:
    decl = seed_decl
    decl.evaluation = H.evaluation_for(decl, "shanghai")
    flat = H.squash(H.text(H.write(tmp_path, render_bytes(decl, "evaluation"))))
    assert "财政项目支出绩效自评表" in flat
    assert "项目资金（元）" in flat
    assert "133,340,000.00" in flat and "131,000,000.00" in flat


def test_evaluation_watermark_follows_its_own_status(seed_decl, tmp_path: Path) -> None:
    seed_decl.status = "final"
    seed_decl.evaluation = H.evaluation_for(seed_decl)
    assert "草稿" in H.squash(
        H.text(H.write(tmp_path, render_bytes(seed_decl, "evaluation"), "a.pdf"))
    )
    seed_decl.evaluation.status = "final"
    assert "草稿" not in H.squash(
        H.text(H.write(tmp_path, render_bytes(seed_decl, "evaluation"), "b.pdf"))
    )


def test_evaluation_with_many_indicators_repeats_header(seed_decl, tmp_path: Path) -> None:
    from perfdesk.models.records import EvalIndicator

    decl = seed_decl
    decl.evaluation = H.evaluation_for(decl)
    decl.evaluation.goal_actual = _long_text(3000)
    decl.evaluation.indicators = [
        EvalIndicator(i.category, i.subcategory, i.name, i.target, actual="91%", deviation="无")
        for i in H.national_indicators(60)
    ]
    pdf = H.write(tmp_path, render_bytes(decl, "evaluation"))
    pages = H.page_count(pdf)
    assert pages >= 3
    for page in range(2, pages + 1):
        flat = H.squash(H.text(pdf, page))
        if "项指标名称较长" in flat:
            assert "一级指标二级指标三级指标年度指标值实际完成值" in flat


def test_evaluation_missing_is_reported(seed_decl) -> None:
    seed_decl.evaluation = None
    with pytest.raises(NotFoundError):
        render_bytes(seed_decl, "evaluation")


def test_write_pdf_and_file_name(seed_decl, tmp_path: Path) -> None:
    decl = _stored(seed_decl, rid=5)
    name = pdf_out.pdf_file_name(decl, "declaration")
    assert name.startswith("5_2019_") and name.endswith("_绩效目标申报表.pdf")
    assert "/" not in name and ":" not in name
    path = pdf_out.write_pdf(decl, tmp_path / name)
    assert path.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.part"))


def test_resource_path_in_checkout_and_frozen_build(tmp_path: Path, monkeypatch) -> None:
    import sys

    from perfdesk.resources import resource_path

    assert resource_path("fonts", "wqy-microhei.ttc").is_file()
    bundle = tmp_path / "bundle"
    (bundle / "resources" / "fonts").mkdir(parents=True)
    (bundle / "resources" / "fonts" / "wqy-microhei.ttc").write_bytes(b"x")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resource_path("fonts", "wqy-microhei.ttc") == bundle / "resources/fonts/wqy-microhei.ttc"


def test_unusable_fonts_are_skipped(tmp_path: Path, monkeypatch) -> None:
    """A CFF .otf (reportlab cannot embed it) or a broken file is passed over."""
    from perfdesk.pdf.fonts import BUNDLED_FONT, FONT_ENV, FontSpec, candidate_fonts, load_fonts
    from perfdesk.resources import resource_path

    bad = tmp_path / "NotoSansCJK-Regular.otf"
    bad.write_bytes(b"OTTO" + b"\0" * 200)
    fonts = load_fonts([FontSpec(bad), FontSpec(resource_path(*BUNDLED_FONT))])
    assert len(fonts.names) == 1 and "WenQuanYi" in fonts.labels[0]
    monkeypatch.setenv(FONT_ENV, f"{bad}#0")
    assert candidate_fonts()[0] == FontSpec(bad, 0)


@pytest.mark.parametrize("form", ["declaration", "evaluation"])
def test_very_long_category_label(seed_decl, tmp_path: Path, form: str) -> None:
    """A category label too tall for a merged cell is set in its rows, never lost."""
    decl = seed_decl
    long_label = _long_text(1500).replace("项目实施", "类别说明")
    decl.indicators[0].category = decl.indicators[1].category = long_label
    if form == "evaluation":
        decl.evaluation = H.evaluation_for(decl)
    pdf = H.write(tmp_path, render_bytes(decl, form))
    body = re.sub(
        r"第\d+页共\d+页|记录号.*?指纹[0-9a-f]{12}|perfdesk:\S*?[0-9a-f]{12}|草稿",
        "",
        H.squash(H.text(pdf)),
    )
    # In drawing order the label's rows interleave with the other cells of those rows:
    # check it line by line (the lines cover the whole label).
    from perfdesk.pdf.fonts import default_fonts

    widths = (
        L.INDICATOR_TABLES["sh2019"].widths if form == "declaration" else L.EVAL_INDICATOR_COLUMNS
    )
    size = L.BODY_SIZE if form == "declaration" else L.EVAL_SIZE
    lines = break_lines(long_label, default_fonts(), size, widths[0] - 8, "x")
    assert H.squash("".join(lines)) == H.squash(long_label)
    for line in lines:
        assert H.squash(line) in body


def test_long_text_fills_each_page_before_going_over(seed_decl, tmp_path: Path) -> None:
    """A long text is cut at a line where the page ends, not where a row of the table
    happens to end: the body of every page it runs through reaches the bottom margin."""
    decl = seed_decl
    decl.overview = _long_text(10_000)
    pdf = H.write(tmp_path, render_bytes(decl))
    body_bottom = 841.89 - L.PAGE_MARGIN_BOTTOM
    leading = L.BODY_SIZE * L.LEADING
    pages_through = 0
    for page in range(1, H.page_count(pdf) + 1):
        words = [b for b in H.word_boxes(pdf, page) if b[3] < body_bottom + 1]
        if not any("句" in w[4] for w in words):
            continue
        pages_through += 1
        if page < H.page_count(pdf) and "句" in max(words, key=lambda b: b[3])[4]:
            assert max(b[3] for b in words) > body_bottom - 2 * leading, f"page {page}"
    assert pages_through >= 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decl=declarations())
def test_generated_records_print_whole(decl, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Any plausible record prints, both forms, every field's text in the PDF (or the
    missing character is named)."""
    tmp = tmp_path_factory.mktemp("gen")
    for form in ("declaration", "evaluation"):
        if form == "evaluation" and decl.evaluation is None:
            continue
        try:
            data = render_bytes(decl, form)
        except MissingGlyphError as err:
            assert err.char in "".join(str(v) for v in vars(decl).values())
            continue
        flat = H.squash(H.text(H.write(tmp, data, f"{form}.pdf")))
        fields = [decl.name, decl.unit]
        if form == "declaration":
            fields += [decl.overview, decl.plan, *(i.name for i in decl.indicators)]
        else:
            fields += [i.name for i in decl.evaluation.indicators]
        for value in fields:
            if value:
                assert H.squash(value) in flat, value


def test_reportlab_runs_with_its_c_accelerator() -> None:
    """rl-accel is a dependency: reportlab's number formatting and string widths come from
    the C extension, not its pure-Python fallback."""
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str.__module__ == "_rl_accel"
    assert rl_accel.instanceStringWidthTTF.__module__ == "_rl_accel"


def test_chinese_line_breaking_rules() -> None:
    """Closing punctuation never starts a line, an opening bracket never ends one, a
    number is not cut, and no character is lost."""
    from perfdesk.pdf.fonts import default_fonts

    fonts = default_fonts()
    text = "数量指标（工程量指标、采购数量指标），完成率≥95.5%，共12345件。" * 3
    for width in range(30, 200, 7):
        lines = break_lines(text, fonts, 10, width, "x")
        assert "".join(lines) == text
        for line in lines:
            assert fonts.width(line, 10) <= width + 1e-6 or len(line) == 1
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in "，。、）%", (before, after)
            assert before[-1] != "（", (before, after)
            assert not (before[-1].isdigit() and after[0].isdigit()), (before, after)


@pytest.mark.parametrize("char", ["\u202e", "\u0085"])
def test_invisible_character_is_named_by_its_code(seed_decl, char: str) -> None:
    """A bidi override or NEL no font draws is refused like any missing glyph, named by
    its code only: shown raw it would reverse or break the message itself."""
    seed_decl.indicators[1].name = f"指标{char}名称"
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(seed_decl)
    assert char not in err.value.message
    assert f"U+{ord(char):04X}" in err.value.message and "分解目标第2行" in err.value.message
