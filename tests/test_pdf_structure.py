"""The PDFs perfdesk writes itself pass an independent structural check (qpdf), for a short
and a long form, all three forms, draft and final."""

from __future__ import annotations

import subprocess

import pytest

from perfdesk.models.records import EvalIndicator, Evaluation, Indicator
from perfdesk.pdf.printout import render_bytes
from tests.pdf_helpers import monitoring_for


@pytest.mark.parametrize("long", [False, True])
@pytest.mark.parametrize("form", ["declaration", "monitoring", "evaluation"])
def test_qpdf_finds_no_errors(tmp_path, seed_decl, form, long):
    decl = seed_decl
    if long:
        decl.overview = "项目概况很长。" * 1500
        decl.indicators = [
            Indicator("产出目标", None, f"指标{i}", f"≥{i}%") for i in range(60)
        ]
    decl.evaluation = Evaluation(
        supervisor="市财政局",
        indicators=[
            EvalIndicator(i.category, i.subcategory, i.name, i.target, actual="90%")
            for i in decl.indicators
        ],
    )
    decl.monitoring = monitoring_for(decl)
    decl.status = decl.monitoring.status = "final" if long else "draft"
    path = tmp_path / "form.pdf"
    path.write_bytes(render_bytes(decl, form))
    r = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No syntax or stream encoding errors found" in r.stdout
