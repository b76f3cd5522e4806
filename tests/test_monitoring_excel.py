"""The mid-year monitoring form (运行监控表, forms.md §5) in and out of Excel: the bureaus'
layouts (tests/monitoring_provinces.py, built by tests/make_monitoring_provinces.py), the
attachment to the stored declaration, flat monitoring lists, the export's exact round trip
(also through LibreOffice), the summary's 运行监控 sheet, and hostile variants refused in one
sentence with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfdesk.excel.batch import import_paths, read_bytes
from perfdesk.excel.monitoring_form import month_in
from perfdesk.excel.reader import KIND_MONITORING, read_workbook
from perfdesk.excel.sheet import ALL_LABELS, ROLE_INDEX, label_base
from perfdesk.excel.values import norm
from perfdesk.excel.writer import export_file, write_form, write_summary
from perfdesk.models.errors import InputError
from perfdesk.models.monitoring import make_monitoring
from perfdesk.models.records import Declaration, Indicator, MonitorFundRow, MonitorFunds
from perfdesk.models.serialize import content_of, declaration_to_dict, fingerprint
from tests.cli_helpers import run_cli
from tests.monitoring_provinces import FORMS, monitoring_list_rows

DATA = Path(__file__).parent / "data" / "excel_in" / "monitoring"
FORM_FILES = sorted(p for p in DATA.glob("*.xls*") if not p.name.startswith("monitoring_list"))
LIST_FILES = sorted(DATA.glob("monitoring_list*"))


def _expected(path: Path) -> dict[str, object]:
    return next(f.expect for f in FORMS if f.key == path.name.split("__")[0])


def _got(decl: Declaration, key: str) -> object:
    m = decl.monitoring
    assert m is not None
    if key in ("name", "unit", "year"):
        return getattr(decl, key)
    if key == "appropriation":
        a = m.funds.appropriation if m.funds else None
        return None if a is None else (a.initial, a.adjusted, a.spent_to_date, a.forecast)
    if key == "indicators":
        return [
            (i.category, i.subcategory, i.name, i.target, i.progress, i.likelihood, i.cause)
            for i in m.indicators
        ]
    return getattr(m, key)


# ---------------------------------------------------------------- the bureaus' layouts


def test_the_corpus_is_there() -> None:
    """Three layouts × (plain, WPS-style, LibreOffice .xlsx, .xls), and the list thrice."""
    assert len(FORM_FILES) == 12
    assert len(LIST_FILES) == 3


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.name)
def test_each_layout_reads_as_published(path: Path) -> None:
    forms = read_workbook(path.read_bytes(), path.name).forms
    assert [f.kind for f in forms] == [KIND_MONITORING]
    decl = forms[0].declaration
    for key, want in _expected(path).items():
        assert _got(decl, key) == want, key


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.name)
def test_no_label_is_stored_as_a_value(path: Path) -> None:
    m = read_workbook(path.read_bytes(), path.name).forms[0].declaration.monitoring
    assert m is not None
    texts = [m.supervisor, m.goal_progress, m.deviation_analysis, m.measures, m.adjustment]
    for i in m.indicators:
        texts += [i.category, i.subcategory, i.name, i.target, i.progress, i.forecast,
                  i.deviation, i.remedy, i.remarks]  # fmt: skip
    for text in filter(None, texts):
        base = label_base(norm(text))[0]
        assert base not in ALL_LABELS and base not in ROLE_INDEX, text


def test_the_month_comes_from_title_header_or_cell() -> None:
    assert month_in("（2019年度 截至6月底）") == 6
    assert month_in("1-7月执行数") == 7
    assert month_in("1—8月执行情况") == 8
    assert month_in("截止2024年9月30日") == 9
    assert month_in("2024年上半年绩效监控表") == 6
    assert month_in("全年预计执行数") is None
    assert month_in("1-13月执行数") is None


# ---------------------------------------------------------------- onto the stored project


def test_a_form_is_attached_to_the_declaration_it_names(store, seed_decl, tmp_path) -> None:  # noqa: ANN001
    """Same (year, unit, name): the monitoring form joins the stored project; the declaration
    itself (its fingerprint) does not change, and nothing is duplicated."""
    rid = store.save(seed_decl).record.id
    before = fingerprint(store.get(rid))
    source = store.get(rid)
    source.monitoring = _filled(source)
    path = tmp_path / "监控.xlsx"
    export_file(source, path, "monitoring")
    report = import_paths(store, [path])
    assert report.ok, report.files[0].error
    assert report.ids == [rid]
    stored = store.get(rid)
    assert stored.created_from is None
    assert fingerprint(stored) == before
    assert content_of(declaration_to_dict(stored), "monitoring") == content_of(
        declaration_to_dict(source), "monitoring"
    )
    assert store.count() == 1


def test_a_form_without_its_declaration_creates_the_project(store) -> None:  # noqa: ANN001
    path = DATA / "national_136_2020_mon__plain.xlsx"
    report = import_paths(store, [path])
    assert report.ok, report.files[0].error
    decl = store.get(report.ids[0])
    assert decl.created_from == "monitoring"
    assert (decl.year, decl.unit, decl.name) == (2020, "某县公路事务中心", "农村公路养护")
    assert [i.name for i in decl.indicators] == [
        "养护里程", "优良路率", "养护完成时间", "群众出行条件", "沿线群众满意度"
    ]  # fmt: skip
    assert decl.framework == "national"
    assert decl.monitoring is not None and decl.monitoring.as_of_month == 7


# ---------------------------------------------------------------- export and round trip


def _filled(decl: Declaration) -> object:
    m = make_monitoring(decl, dt.date(decl.year, 8, 3))
    m.supervisor = "上海市经济和信息化委员会"
    m.budget_adjusted = Decimal("3100000.50")
    m.spent_to_date = Decimal("1234567.89")
    m.forecast_spent = Decimal("3000000.00")
    m.funds = MonitorFunds(
        appropriation=MonitorFundRow(Decimal("3000000"), Decimal("3000000"),
                                     Decimal("1200000"), Decimal("2900000")),
        other=MonitorFundRow(Decimal("0.01"), None, None, None),
    )  # fmt: skip
    m.goal_progress = "上半年受理来电180万个，满意度93%"
    for n, i in enumerate(m.indicators):
        i.progress = f"截至7月底完成{n + 1}成"
        i.forecast = "可完成" if n % 2 else None
        i.likelihood = ("确定能", "有可能", "完全不可能")[n % 3]
        if i.likelihood != "确定能":
            i.cause = ("人员保障", "其他")[n % 2]
            i.deviation = "=话务员流失"  # a formula-like text stays text
            i.remedy = "补充招聘"
        i.remarks = "备注" if n == 0 else None
    m.indicators[0].direction = "≥"
    m.deviation_analysis = "话务员流失较多，接通率低于目标"
    m.measures = "加强培训，增加夜班"
    m.adjust_goals = True
    m.adjustment = "接通率目标由90%调为88%"
    return m


def test_export_shows_the_bureaus_form(seed_decl, tmp_path) -> None:  # noqa: ANN001
    seed_decl.monitoring = _filled(seed_decl)
    buf = io.BytesIO()
    write_form(seed_decl, buf, "monitoring")
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws.title == "运行监控表"
    assert ws["A1"].value == "项目支出绩效运行监控表"
    assert ws["A2"].value == "（2019年度 截至7月底）"
    assert ws["A5"].value == "项目资金（元）"
    assert ws["F5"].value == "1-7月执行数"
    assert ws["F6"].value == Decimal("1234567.89") or ws["F6"].value == pytest.approx(1234567.89)
    assert ws["G6"].number_format == "0.00%"
    assert ws["H6"].value == pytest.approx(0.5833)  # 序时进度 7/12
    assert "A5:A9" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "landscape"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "偏差或不能完成目标原因分析" in texts and "是☑  否□" in texts
    assert "截至7月底完成情况" in texts


def test_export_then_import_gives_the_same_record(store, seed_decl, tmp_path) -> None:  # noqa: ANN001
    """Through the command line: export --form monitoring, then import into an empty
    database; the monitoring form (direction included, from the stamp) is the same."""
    seed_decl.monitoring = _filled(seed_decl)
    rid = store.save(seed_decl).record.id
    db = store.path if hasattr(store, "path") else None
    store.close()
    out = tmp_path / "out.xlsx"
    r = run_cli("export", str(rid), "-o", str(out), "--form", "monitoring", db=db)
    assert r.returncode == 0, r.stderr
    other = tmp_path / "other.sqlite"
    r = run_cli("import", str(out), "--json", db=other)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_cli("show", "1", "--json", db=other)
    import json

    shown = json.loads(r.stdout)
    want = declaration_to_dict(seed_decl)["monitoring"]
    assert shown["monitoring"] == want
    assert shown["created_from"] == "monitoring"


def _soffice(src: Path, fmt: str, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{outdir}/profile", "--headless", "--convert-to",
         fmt, "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return outdir / f"{src.stem}.{fmt}"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_libreoffice_resave_reads_back_the_same(seed_decl, tmp_path, fmt) -> None:  # noqa: ANN001
    """What a clerk does: the export opened and saved again by LibreOffice (xlsx, or the old
    xls the bureau's system wants) still reads as the same form."""
    seed_decl.monitoring = _filled(seed_decl)
    src = tmp_path / "监控表.xlsx"
    export_file(seed_decl, src, "monitoring")
    resaved = _soffice(src, fmt, tmp_path / "lo")
    forms = read_bytes(resaved.read_bytes(), resaved.name)
    assert [f.kind for f in forms] == [KIND_MONITORING]
    got = declaration_to_dict(forms[0].declaration)["monitoring"]
    want = declaration_to_dict(seed_decl)["monitoring"]
    # The sheet does not show a corrected direction; an .xls carries no stamp to restore it.
    for ind in (got, want):
        for i in ind["indicators"]:
            i.pop("direction")
    assert got == want
    assert forms[0].warnings == []


def test_export_of_a_project_without_monitoring_says_so(store, seed_decl, tmp_path) -> None:  # noqa: ANN001
    rid = store.save(seed_decl).record.id
    with pytest.raises(InputError, match="还没有运行监控表"):
        export_file(store.get(rid), tmp_path / "x.xlsx", "monitoring")
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------- flat lists


def _list_projects(store) -> tuple[int, int, int]:  # noqa: ANN001
    sport = Declaration(year=2024, unit="某区文化和旅游局", name="全民健身活动经费",
                        indicators=[Indicator("产出指标", "数量指标", "活动场次", "≥12场")])  # fmt: skip
    road = Declaration(year=2024, unit="某区公路事务中心",
                       name="51000024R000000012345-农村公路养护")  # fmt: skip
    other_year = Declaration(year=2023, unit="某区档案馆", name="档案数字化")
    return tuple(store.save(d).record.id for d in (sport, road, other_year))  # type: ignore[return-value]


@pytest.mark.parametrize("path", LIST_FILES, ids=lambda p: p.name)
def test_a_flat_list_goes_onto_the_matching_projects(store, path) -> None:  # noqa: ANN001
    sport, road, archive = _list_projects(store)
    report = import_paths(store, [path])
    result = report.files[0]
    assert result.status == "imported", result.error
    assert sorted(result.ids) == sorted([sport, road])
    # 档案数字化 is stored for 2023 only: its 2024 row matches nothing, and says which row.
    assert any("第5行“档案数字化”" in w for w in result.warnings), result.warnings
    m = store.get(sport).monitoring
    assert m.as_of_month == 6
    assert m.budget_initial == Decimal("1200000.00")
    # 追加 10 and 追减 30 (万元) give 调整预算数 when the list leaves it empty.
    assert m.budget_adjusted == Decimal("1000000.00")
    assert m.spent_to_date == Decimal("300000.00")
    assert m.goal_progress == "已举办4场"
    assert m.deviation_analysis == "原因类型：其他。疫情影响活动推迟"
    assert m.adjust_goals is False and m.adjustment is None
    # The form made from the declaration keeps its indicators.
    assert [i.name for i in m.indicators] == ["活动场次"]
    # 项目编码 matched the project whose name starts with it.
    r = store.get(road).monitoring
    assert (r.spent_to_date, r.budget_initial) == (Decimal("2600000.00"), Decimal("5000000.00"))
    assert store.get(archive).monitoring is None


def test_a_list_matching_no_project_is_refused_whole(store) -> None:  # noqa: ANN001
    store.save(Declaration(year=2024, unit="别的单位", name="别的项目"))
    report = import_paths(store, [LIST_FILES[0]])
    result = report.files[0]
    assert result.status == "rejected"
    assert "没有一行能对应" in result.error and "第3行“全民健身活动经费”" in result.error
    assert result.error.startswith(f"文件“{LIST_FILES[0].name}”工作表“监控汇总”")
    assert store.get(1).monitoring is None


def test_a_stated_rate_that_disagrees_is_reported(store, tmp_path) -> None:  # noqa: ANN001
    _list_projects(store)
    rows = monitoring_list_rows()
    rows[2][12] = "45%"  # 30 / 100 万元 is 30%
    path = tmp_path / "清单.xlsx"
    _book(rows, path)
    result = import_paths(store, [path]).files[0]
    assert result.status == "imported", result.error
    assert any("M3" in w and "45.00%" in w and "30.00%" in w for w in result.warnings)


# ---------------------------------------------------------------- hostile variants


def _book(rows: list[list[object]], path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v not in ("", None):
                ws.cell(r, c).value = v
    wb.save(path)


def _form_rows() -> list[list[object]]:
    return [list(r) for r in next(f for f in FORMS if f.key.startswith("boxes")).rows]


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ((8, 5, "基本能"), "工作表“Sheet” F9：“完成目标可能性”应为 确定能、有可能、完全不可能 之一：“基本能”"),
        ((5, 4, "三十五万"), "工作表“Sheet” E6：“执行数”不是金额：“三十五万”"),
        ((2, 5, "13月"), "工作表“Sheet” F3：“截至月份”不是 1 到 12 的月份：“13月”"),
        ((13, 1, "也许"), "工作表“Sheet” B14：“是否需要调整绩效目标”应为 是 或 否：“也许”"),
    ],
)
def test_hostile_values_are_refused_in_one_sentence(store, tmp_path, change, sentence) -> None:  # noqa: ANN001
    rows = _form_rows()
    r, c, value = change
    rows[r][c] = value
    path = tmp_path / "坏表.xlsx"
    _book(rows, path)
    result = import_paths(store, [path]).files[0]
    assert result.status == "rejected"
    assert sentence in result.error
    assert result.error.count("。") <= 1 and "\n" not in result.error
    assert "坏表.xlsx" in result.error
    assert store.count() == 0


def test_a_list_row_without_unit_or_code_is_refused(store, tmp_path) -> None:  # noqa: ANN001
    rows = monitoring_list_rows()
    rows[3][2] = ""
    rows[3][4] = ""
    path = tmp_path / "清单.xlsx"
    _book(rows, path)
    _list_projects(store)
    result = import_paths(store, [path]).files[0]
    assert result.status == "rejected"
    assert "C4" in result.error and "既没有单位也没有项目编码" in result.error
    assert all(store.get(i).monitoring is None for i in (1, 2, 3))


# ---------------------------------------------------------------- the year's summary


def test_the_summary_has_a_monitoring_sheet(store, seed_decl) -> None:  # noqa: ANN001
    seed_decl.monitoring = _filled(seed_decl)
    with_form = store.save(seed_decl).record.id
    bare = store.save(Declaration(year=2019, unit="另一单位", name="没有监控表的项目")).record.id
    buf = io.BytesIO()
    assert write_summary(store, 2019, buf) == 2
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == ["项目汇总", "绩效指标", "运行监控"]
    ws = wb["运行监控"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["编号", "申报单位", "项目名称", "监控表"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    row = dict(zip(header, rows[with_form], strict=True))
    assert row["截至月份"] == 7
    assert row["执行数（元）"] == pytest.approx(1234567.89)
    assert row["执行率"] == pytest.approx(0.3982)
    assert row["序时进度"] == pytest.approx(0.5833)
    assert row["是否达到序时进度"] == "否"
    risky = [i for i in seed_decl.monitoring.indicators if i.likelihood != "确定能"]
    assert row["风险指标数"] == len(risky)
    assert f"{risky[0].name}（{risky[0].likelihood}）" in row["未确定能完成的指标"]
    assert row["原因类型"] == "其他、人员保障"  # in form order, each once
    assert row["监控表"] == "草稿"
    assert dict(zip(header, rows[bare], strict=True))["监控表"] == "未填报"
