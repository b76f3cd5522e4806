"""No two pieces of text on a printed page overlap, whatever the shape of the table: long
二级指标 and category names spanning their rows, many indicators, long spanning
categories, forms over several pages, both forms. Read back with ``pdftotext -bbox``.

A wrapped category cell that spans rows used to leave its rows as tall as their other
cells, so its lines ran over the next rows and over 备注.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from perfdesk.models.records import EvalIndicator, Indicator
from perfdesk.pdf.printout import render_bytes
from tests import pdf_helpers as H

pytestmark = H.needs_poppler

# Boxes may touch (one line's bottom is the next line's top); they must not cross.
TOLERANCE = 0.5

LONG_SUBS = (
    "时效指标(工期指标、形象进度指标)",
    "数量指标（工程量指标、采购数量指标、服务人次指标）",
    "质量指标（验收合格率、服务达标率）",
    "成本指标(经济成本指标、社会成本指标、生态环境成本指标)",
)


def _indicators(shape: str) -> list[Indicator]:
    if shape == "one_per_long_subcategory":
        # The case seen by a new user: each long 二级指标 over a single short indicator.
        return [
            Indicator("产出指标", sub, f"指标{k}", "≥95%") for k, sub in enumerate(LONG_SUBS, 1)
        ] + [Indicator("满意度指标", "服务对象满意度指标（群众、企业）", "满意度", "≥90%")]
    if shape == "many_indicators":
        return [
            Indicator(
                "产出指标" if k < 40 else "效益指标（经济效益、社会效益、生态效益、可持续影响）",
                LONG_SUBS[(k // 3) % len(LONG_SUBS)],
                f"第{k + 1:02d}项指标",
                f"≥{90 + k % 10}%",
            )
            for k in range(70)
        ]
    if shape == "long_spanning_category":
        category = "产出指标：" + "本项目年度产出的数量、质量、时效和成本情况的综合说明" * 3
        return [Indicator(category, LONG_SUBS[k % 2], f"指标{k}", "100%") for k in range(3)] + [
            Indicator("效益指标", LONG_SUBS[2], "短", "1")
        ]
    raise AssertionError(shape)


SHAPES = ("one_per_long_subcategory", "many_indicators", "long_spanning_category")


def _decl(seed_decl, shape: str, long_text: bool):  # type: ignore[no-untyped-def]
    decl = dataclasses.replace(seed_decl, framework="national", status="final")
    decl.id, decl.revision = 7, 1
    decl.indicators = _indicators(shape)
    decl.remarks = "以上指标按国家口径填报。"
    if long_text:  # the form runs over several pages before the indicators start
        decl.overview = "项目实施过程中严格执行预算管理规定，确保资金安全高效使用。" * 120
    return decl


def overlaps(pdf: Path) -> list[str]:
    """Every pair of words on one page whose boxes cross, as readable lines."""
    found = []
    for page in range(1, H.page_count(pdf) + 1):
        boxes = H.word_boxes(pdf, page)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if (
                    a[0] < b[2] - TOLERANCE
                    and b[0] < a[2] - TOLERANCE
                    and a[1] < b[3] - TOLERANCE
                    and b[1] < a[3] - TOLERANCE
                ):
                    found.append(f"page {page}: {a[4]!r} {a[:4]} × {b[4]!r} {b[:4]}")
    return found


@pytest.mark.parametrize("long_text", [False, True], ids=["short", "multipage"])
@pytest.mark.parametrize("shape", SHAPES)
def test_declaration_text_never_overlaps(seed_decl, tmp_path: Path, shape, long_text) -> None:
    decl = _decl(seed_decl, shape, long_text)
    pdf = H.write(tmp_path, render_bytes(decl))
    assert overlaps(pdf) == []
    if long_text:
        assert H.page_count(pdf) >= 3
    # Nothing is lost on the way: every category and indicator is on paper.
    flat = H.squash(H.text(pdf))
    for ind in decl.indicators:
        assert H.squash(ind.name) in flat
    for sub in {i.subcategory for i in decl.indicators}:
        assert H.squash(sub) in flat, sub
    assert "以上指标按国家口径填报" in flat


@pytest.mark.parametrize("long_text", [False, True], ids=["short", "multipage"])
@pytest.mark.parametrize("shape", SHAPES)
def test_evaluation_text_never_overlaps(seed_decl, tmp_path: Path, shape, long_text) -> None:
    decl = _decl(seed_decl, shape, long_text)
    ev = H.evaluation_for(decl)
    ev.status = "final"
    ev.indicators = [
        EvalIndicator(i.category, i.subcategory, i.name, i.target, actual="已完成", deviation="无")
        for i in decl.indicators
    ]
    if long_text:
        ev.goal_actual = "全年完成情况说明。" * 300
    decl.evaluation = ev
    pdf = H.write(tmp_path, render_bytes(decl, "evaluation"))
    assert overlaps(pdf) == []


def test_the_check_sees_an_overlap(tmp_path: Path) -> None:
    """The check itself: two strings drawn over each other are found."""
    from reportlab.pdfgen.canvas import Canvas

    from perfdesk.pdf.fonts import default_fonts

    fonts = default_fonts()
    c = Canvas(str(tmp_path / "x.pdf"), invariant=1, initialFontName=fonts.main)
    c.setFont(fonts.main, 10)
    c.drawString(100, 700, "时效指标")
    c.drawString(100, 695, "工期指标")
    c.drawString(300, 700, "形象进度")
    c.showPage()
    c.save()
    assert len(overlaps(tmp_path / "x.pdf")) == 1


@pytest.mark.parametrize("sentences", [36, 48, 60])
def test_signoff_never_stands_alone_on_a_page(seed_decl, tmp_path: Path, sentences) -> None:
    """Overviews of these lengths leave too little room under the table for the sign-off:
    it goes over with the table's last row (备注) instead of alone."""
    decl = dataclasses.replace(seed_decl, status="final")
    decl.overview = "项目实施过程中严格执行预算管理规定。" * sentences
    pdf = H.write(tmp_path, render_bytes(decl))
    pages = [H.squash(H.text(pdf, p)) for p in range(1, H.page_count(pdf) + 1)]
    signed = [n for n, text in enumerate(pages) if "单位（盖章）" in text]
    assert len(signed) == 1 and signed[0] > 0
    assert "备注" in pages[signed[0]]
    assert "单位负责人（签字）" in pages[signed[0]]
    assert overlaps(pdf) == []
