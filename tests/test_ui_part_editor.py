"""What the 自评表 and 运行监控表 editors share (ui/part_editor.py), driven on both: the
资金 grid and the indicator table read from and written back into a real record."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal as D

import pytest

pytest.importorskip("PySide6")

from perfdesk.models.monitoring import make_monitoring  # noqa: E402
from perfdesk.models.records import (  # noqa: E402
    FundRow,
    Funds,
    MonitorFundRow,
    MonitorFunds,
)
from perfdesk.ui.evaluation_editor import EvaluationEditor, new_evaluation  # noqa: E402
from perfdesk.ui.monitoring_editor import MonitoringEditor  # noqa: E402
from tests.test_ui import demo_decl  # noqa: E402


def _record(form: str):
    decl = demo_decl()
    decl.id = 1
    if form == "evaluation":
        decl.evaluation = new_evaluation(decl)
        decl.evaluation.funds = Funds(
            appropriation=FundRow(D("1000"), D("1200"), D("1100")), other=FundRow(None, D("5"))
        )
        return decl, decl.evaluation, EvaluationEditor()
    decl.monitoring = make_monitoring(decl, dt.date(decl.year, 7, 3))
    decl.monitoring.funds = MonitorFunds(
        carried_over=MonitorFundRow(D("300"), None, D("120"), D("290"))
    )
    return decl, decl.monitoring, MonitoringEditor()


@pytest.mark.parametrize("form", ["evaluation", "monitoring"])
def test_funds_grid_and_indicators_go_back_into_the_record_unchanged(qtbot, form) -> None:
    decl, part, ed = _record(form)
    qtbot.addWidget(ed)
    ed.show_record(decl)
    assert ed.pages.currentIndex() == 1 and ed.funds_check.isChecked()
    assert ed.funds_box.isEnabled()
    assert ed.indicators.table.rowCount() == len(part.indicators)
    assert ed.detail.row == 0  # the pane shows the first row rather than nothing

    again = copy.deepcopy(decl)
    ed.collect_into(again)
    assert getattr(again, form).funds == part.funds
    assert getattr(again, form).indicators == part.indicators

    # One row emptied: it goes as None; the grid off: no 资金 rows at all.
    filled = next(k for k in ("appropriation", "carried_over") if getattr(part.funds, k))
    for col in ed.fund_cols:
        ed.fields[f"funds.{filled}.{col}"].set_value(None)
    ed.collect_into(again)
    assert getattr(getattr(again, form).funds, filled) is None
    ed.funds_check.setChecked(False)
    assert not ed.funds_box.isEnabled()
    ed.collect_into(again)
    assert getattr(again, form).funds is None

    # A record without rows clears what the previous one showed.
    getattr(decl, form).funds = None
    ed.show_record(decl)
    assert not ed.funds_check.isChecked()
    assert all(ed.fields[f"funds.{filled}.{col}"].value() is None for col in ed.fund_cols)
