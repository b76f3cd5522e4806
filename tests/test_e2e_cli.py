"""Whole workflows through the real command line, as outside testers drive it: exit
statuses, Chinese messages without tracebacks, and the JSON of interfaces.md / forms.md."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data" / "excel_in"
SEED = DATA / "seed.xlsx"
EVAL_SH = DATA / "eval_shanghai_yuan.xlsx"  # 自评表 of the seed project (2019, 元)
DECL_SH = DATA / "申报表_2019.xlsx"

ENGLISH = re.compile(r"usage:|error:|required|invalid|No such|Is a directory|Traceback|not a database")


def ok(proc) -> str:  # noqa: ANN001 - CompletedProcess
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def fails(proc, status: int, *words: str) -> str:  # noqa: ANN001
    """The command failed with ``status`` and one Chinese sentence naming ``words``."""
    assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr
    assert not ENGLISH.search(err), err
    assert re.search(r"[\u4e00-\u9fff]", err), err
    for w in words:
        assert w in err, (w, err)
    return err


def show(db: Path, rid: int, *extra: str) -> dict:
    return json.loads(ok(run_cli("show", str(rid), "--json", *extra, db=db)))


def imported_ids(db: Path, *paths: Path) -> list[int]:
    out = ok(run_cli("import", *map(str, paths), "--json", db=db))
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(r["status"] == "imported" for r in rows), rows
    return [i for r in rows for i in r["ids"]]


def strings(obj: object):  # noqa: ANN201 - generator of every text value
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def is_money(v: object) -> bool:
    if v is None:
        return True
    return isinstance(v, (int, float)) and not isinstance(v, bool) and (
        Decimal(str(v)).as_tuple().exponent >= -2
    )


def test_show_json_has_every_forms_key_with_its_type(tmp_path: Path) -> None:
    db = tmp_path / "新 目录" / "perfdesk.db"  # a folder that does not exist yet
    (rid,) = imported_ids(db, EVAL_SH)
    imported_ids(db, DECL_SH)
    d = show(db, rid)
    for key in ("id", "status", "revision", "framework", "evaluation", "year", "unit", "name",
                "project_type", "fund_use", "start_date", "end_date", "overview", "basis",
                "necessity", "measures", "total_budget", "year_budget", "prev_year_budget",
                "prev_year_spent", "budget_items", "plan", "overall_goal", "annual_goal",
                "indicators", "remarks", "signoff"):
        assert key in d, key
    assert isinstance(d["year"], int) and d["start_date"] == "2019-01-01"
    assert all(is_money(d[k]) for k in ("total_budget", "year_budget", "prev_year_budget"))
    assert d["remarks"] is None  # empty text is null
    assert all(set(i) >= {"category", "subcategory", "name", "target"} for i in d["indicators"])
    e = d["evaluation"]
    for key in ("supervisor", "budget_initial", "budget_adjusted", "spent", "execution_rate",
                "budget_weight", "budget_score", "goal_expected", "goal_actual", "indicators",
                "total_score", "grade"):
        assert key in e, key
    assert all(is_money(e[k]) for k in ("budget_initial", "budget_adjusted", "spent"))
    assert 0 < e["execution_rate"] <= 1  # a fraction, not a percentage
    for ind in e["indicators"]:
        assert set(ind) >= {"category", "subcategory", "name", "target", "actual", "weight",
                            "score", "deviation", "tier"}
    assert "" not in list(strings(d))  # empty text is null, never ""


def test_evaluation_first_then_declaration_attaches_and_export_round_trips(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    (rid,) = imported_ids(db, EVAL_SH)
    first = show(db, rid)
    assert first["created_from"] == "evaluation" and first["total_budget"] is None
    text = ok(run_cli("show", str(rid), db=db))
    assert "项目总预算：—" in text and "： 元" not in text  # no bare unit for a missing budget

    assert imported_ids(db, DECL_SH) == [rid]  # attaches, no second project
    listed = json.loads(ok(run_cli("list", "--json", db=db)))
    assert [(r["id"], r["has_evaluation"]) for r in listed] == [(rid, True)]
    revision = show(db, rid)["revision"]

    out = tmp_path / "导出 文件"
    ok(run_cli("export", str(rid), "--form", "evaluation", "-o", str(out / "自评.xlsx"), db=db))
    ok(run_cli("export", str(rid), "-o", str(out / "申报.xlsx"), db=db))
    ok(run_cli("print", str(rid), "--form", "evaluation", "-o", str(out / "自评.pdf"), db=db))
    assert (out / "自评.pdf").read_bytes().startswith(b"%PDF")
    assert imported_ids(db, out / "自评.xlsx", out / "申报.xlsx") == [rid, rid]
    assert show(db, rid)["revision"] == revision  # re-importing the export changes nothing


def test_finalize_change_reimport_and_verify_old_and_new_printouts(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    (rid,) = imported_ids(db, SEED)
    ok(run_cli("finalize", str(rid), db=db))
    old_pdf, new_pdf, xlsx = tmp_path / "旧.pdf", tmp_path / "新.pdf", tmp_path / "改.xlsx"
    ok(run_cli("print", str(rid), "-o", str(old_pdf), db=db))
    ok(run_cli("export", str(rid), "-o", str(xlsx), db=db))
    wb = openpyxl.load_workbook(xlsx)
    changed = 0
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("根据市政府对热线"):
                cell.value, changed = "全年分四个季度推进。", changed + 1
    assert changed == 1
    wb.save(xlsx)
    imported_ids(db, xlsx)
    d = show(db, rid)
    assert d["revision"] == 2 and d["plan"] == "全年分四个季度推进。"

    proc = run_cli("verify", str(old_pdf), db=db)
    assert proc.returncode == 1 and "第 1 版" in proc.stdout and "项目实施计划" in proc.stdout
    ok(run_cli("print", str(rid), "-o", str(new_pdf), db=db))
    assert "一致" in ok(run_cli("verify", str(new_pdf), db=db))
    again = tmp_path / "第1版.pdf"
    ok(run_cli("print", str(rid), "--revision", "1", "-o", str(again), db=db))
    assert run_cli("verify", str(again), db=db).returncode == 1
    fails(run_cli("verify", str(tmp_path / "无此文件.pdf"), db=db), 1, "无此文件.pdf", "不存在")
    fails(run_cli("verify", str(tmp_path), db=db), 1, "文件夹")


@pytest.mark.parametrize(
    "args",
    [
        ("print", "1"),  # missing -o
        ("export", "1", "--form", "foo", "-o", "x.xlsx"),
        ("print", "-o", "x.pdf"),  # neither ID nor --year
        ("print", "1", "--year", "2019", "-o", "x"),
        ("show", "abc"),
        ("summary", "--year", "2019"),
        ("import",),
        ("nosuchcommand",),
    ],
)
def test_bad_usage_exits_2_in_chinese(tmp_path: Path, args: tuple[str, ...]) -> None:
    fails(run_cli(*args, db=tmp_path / "a.db", cwd=tmp_path), 2)


def test_missing_id_for_every_command_taking_one(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    imported_ids(db, SEED)
    for args in (("show", "99"), ("show", "99", "--json"), ("show", "1", "--revision", "9"),
                 ("export", "99", "-o", str(tmp_path / "x.xlsx")),
                 ("print", "99", "-o", str(tmp_path / "x.pdf")),
                 ("carry", "99", "--to-year", "2020"), ("finalize", "99"),
                 ("finalize", "99", "--form", "evaluation")):
        fails(run_cli(*args, db=db), 1, "99" if "99" in args else "9")
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.pdf").exists()
    # a project without a 自评表
    for args in (("export", "1", "--form", "evaluation", "-o", str(tmp_path / "e.xlsx")),
                 ("print", "1", "--form", "evaluation", "-o", str(tmp_path / "e.pdf")),
                 ("finalize", "1", "--form", "evaluation")):
        fails(run_cli(*args, db=db), 1, "还没有自评表")


def test_output_path_that_is_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    imported_ids(db, SEED)
    folder = tmp_path / "输出 目录"
    folder.mkdir()
    for args in (("export", "1", "-o", str(folder)), ("print", "1", "-o", str(folder)),
                 ("summary", "--year", "2019", "-o", str(folder)), ("backup", "-o", str(folder))):
        fails(run_cli(*args, db=db), 2, str(folder), "文件夹")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "输出 目录"]  # no temp left
    a_file = tmp_path / "a.db"
    fails(run_cli("print", "--year", "2019", "-o", str(a_file), db=db), 2, "文件夹")
    fails(run_cli("print", "1", "-o", str(a_file / "x.pdf"), db=db), 1, "不是文件夹")
    fails(run_cli("list", db=tmp_path), 2, "文件夹")  # --db naming a folder


def test_outputs_go_into_new_folders_with_chinese_and_spaces(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    imported_ids(db, SEED)
    base = tmp_path / "财政 局" / "2019 年度"
    ok(run_cli("export", "1", "-o", str(base / "申报 表.xlsx"), db=db))
    ok(run_cli("print", "1", "-o", str(base / "申报 表.pdf"), db=db))
    ok(run_cli("summary", "--year", "2019", "-o", str(base / "汇总 表.xlsx"), db=db))
    ok(run_cli("print", "--year", "2019", "-o", str(base / "全年 打印"), db=db))
    assert len(list((base / "全年 打印").glob("*.pdf"))) == 1
    assert "没有项目" in ok(run_cli("print", "--year", "2031", "-o", str(base / "空"), db=db))
    assert (base / "申报 表.xlsx").stat().st_size and (base / "汇总 表.xlsx").stat().st_size


def test_carry_backup_restore_check_and_environment_db(tmp_path: Path) -> None:
    db = tmp_path / "环境 变量" / "perfdesk.db"
    env = {"PERFDESK_DB": str(db)}
    ok(run_cli("import", str(SEED), env=env))
    assert "编号 2" in ok(run_cli("carry", "1", "--to-year", "2020", env=env))
    fails(run_cli("carry", "1", "--to-year", "2019", env=env), 1, "2019")
    copy = tmp_path / "备份 文件夹" / "b.db"
    ok(run_cli("backup", "-o", str(copy), env=env))
    assert "2 个项目" in ok(run_cli("check", db=copy))
    other = tmp_path / "新库" / "r.db"
    ok(run_cli("restore", str(copy), db=other))
    assert len(json.loads(ok(run_cli("list", "--json", db=other)))) == 2
    not_db = tmp_path / "不是库.xlsx"
    not_db.write_bytes(SEED.read_bytes())
    fails(run_cli("restore", str(not_db), db=other), 1, "不是库.xlsx")
    fails(run_cli("restore", str(tmp_path / "无.db"), db=other), 1, "不存在")
    assert len(json.loads(ok(run_cli("list", "--json", db=other)))) == 2


def test_output_named_as_another_kind_of_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    imported_ids(db, SEED)
    for args in (("export", "1", "-o", str(tmp_path / "表.xls")),
                 ("export", "1", "-o", str(tmp_path / "表.pdf")),
                 ("summary", "--year", "2019", "-o", str(tmp_path / "汇总.csv")),
                 ("print", "1", "-o", str(tmp_path / "表.xlsx"))):
        fails(run_cli(*args, db=db), 2, args[-1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]
    ok(run_cli("export", "1", "-o", str(tmp_path / "申报表 v2.1"), db=db))  # not a file kind


def test_exports_are_readable_by_others_like_any_new_file(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    imported_ids(db, SEED)
    ok(run_cli("export", "1", "-o", str(tmp_path / "e.xlsx"), db=db))
    ok(run_cli("summary", "--year", "2019", "-o", str(tmp_path / "s.xlsx"), db=db))
    ok(run_cli("print", "1", "-o", str(tmp_path / "p.pdf"), db=db))
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes["e.xlsx"] == modes["s.xlsx"] == modes["p.pdf"], modes  # not private 0600


@pytest.mark.parametrize("args", [("show", "0"), ("show", "--", "-1"), ("show", "1", "--revision", "0"),
                                  ("print", "0", "-o", "x.pdf")])
def test_ids_and_revisions_must_be_positive(tmp_path: Path, args: tuple[str, ...]) -> None:
    fails(run_cli(*args, db=tmp_path / "a.db", cwd=tmp_path), 2, "正整数")


def test_finalize_refusal_reads_as_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    (rid,) = imported_ids(db, EVAL_SH)  # made from a 自评表: the declaration is still empty
    err = fails(run_cli("finalize", str(rid), db=db), 1, "不能定稿", "“项目概况”未填写")
    assert "。；" not in err
    fails(run_cli("print", "--year", "2019", "--revision", "1", "-o", str(tmp_path / "y"), db=db),
          2, "--revision")
