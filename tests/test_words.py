"""The words a clerk reads: no ``None``, no Python repr, no JSON key, no English.

Awkward files and JSON records are imported for real (a real database file, the reader
process) and every message of the report is read; then each message fixed for issue 15 is
checked on its own, in the library, on the command line and on paper.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfdesk.excel.batch import FileResult, import_paths
from perfdesk.models.errors import InputError
from perfdesk.models.records import EvalIndicator, Evaluation
from perfdesk.models.serialize import (
    apply_stated_scores,
    declaration_from_dict,
    declaration_to_dict,
    loads,
)
from perfdesk.models.words import number_text, value_text
from perfdesk.store.database import Store
from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "excel_in"

# Words a clerk may meet in a message: the programs and formats of their day.
ALLOWED_LATIN = {"Excel", "WPS", "JSON", "XML", "DTD", "xlsx", "xls", "MB"}
# Cell addresses (D13), code points (U+202E), quoted names and values are the clerk's own;
# a command-line option (--year) is named for those who use the command line.
_OWN_WORDS = re.compile(r"\b[A-Z]{1,3}\d+\b|U\+[0-9A-F]{4,6}|“[^”]*”|--[a-z]+")


def _seed() -> dict[str, Any]:
    return json.loads((DATA / "seed.json").read_text(encoding="utf-8"))


def _json_keys(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _json_keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _json_keys(v, out)
    return out


def _every_key() -> set[str]:
    """Every key a record's JSON has (show --json with an evaluation)."""
    seed = _seed()
    seed["evaluation"] = {
        "indicators": [{"name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10}],
        "funds": {"appropriation": {"initial": 1}, "carried_over": None, "other": None},
    }
    return _json_keys(declaration_to_dict(declaration_from_dict(loads(json.dumps(seed)))), set())


def program_words(message: str) -> list[str]:
    """What in ``message`` is the program's language rather than the clerk's."""
    found = []
    for pattern in (r"\bNone\b", r"Decimal\(", r"'[^']*'", r"[\[{]['\d]", r"\w+\[\d+\]"):
        found += re.findall(pattern, message)
    # A JSON key is looked for in quotes too (old messages quoted them: “year_budget”), but
    # not in file and sheet names, which are the clerk's own whatever they hold.
    names = re.sub(r"(文件|表)“[^”]*”|--[a-z]+", " ", message)
    for key in _every_key():
        if len(key) > 2 and re.search(rf"(?<![A-Za-z_]){re.escape(key)}(?![A-Za-z_])", names):
            found.append(key)
    own = _OWN_WORDS.sub(" ", message)
    found += [w for w in re.findall(r"[A-Za-z_]{3,}", own) if w not in ALLOWED_LATIN]
    return list(dict.fromkeys(found))


def test_the_program_words_detector_finds_what_it_must() -> None:
    assert program_words("与按规则计算的 None 不同") == ["None"]
    assert "year_budget" in program_words("“year_budget”不是金额：'一亿'")
    assert "'一亿'" in program_words("“year_budget”不是金额：'一亿'")
    assert "indicators[0]" in program_words("indicators[0].target 应为文字")
    assert "evaluation" in program_words("evaluation.funds 应为对象")
    assert program_words("应为文字，实际是 {'a': 1}")
    assert program_words("Expecting property name enclosed in double quotes")
    assert (
        program_words("文件“a_year.xlsx”工作表“Sheet1” D13：“项目当年预算”不是金额：“一亿”。") == []
    )


def _awkward_records() -> dict[str, Any]:
    """JSON records as they come from other programs and hands, one fault each."""
    seed = _seed()

    def variant(change: Any) -> dict[str, Any]:
        doc = copy.deepcopy(seed)
        change(doc)
        return doc

    def evaluation(doc: dict[str, Any], **extra: Any) -> None:
        doc["evaluation"] = {
            "indicators": [{"name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10}],
            **extra,
        }

    return {
        "年度为空.json": variant(lambda d: d.update(year=None)),
        "年度是文字.json": variant(lambda d: d.update(year="明年")),
        "单位是列表.json": variant(lambda d: d.update(unit=["甲单位"])),
        "金额是汉字.json": variant(lambda d: d.update(year_budget="一亿")),
        "日期不存在.json": variant(lambda d: d.update(start_date="2019-13-01")),
        "目标是对象.json": variant(lambda d: d["indicators"][0].update(target={"值": 1})),
        "方向有误.json": variant(lambda d: d["indicators"][1].update(direction="up")),
        "体系有误.json": variant(lambda d: d.update(framework="province")),
        "指标不是对象.json": variant(lambda d: d.update(indicators=[1])),
        "构成不是列表.json": variant(lambda d: d.update(budget_items="见附件")),
        "签署日期.json": variant(lambda d: d.update(signoff={"date": "昨天"})),
        "金额太大.json": variant(lambda d: d.update(year_budget=10**20)),
        "档次有误.json": variant(
            lambda d: (evaluation(d), d["evaluation"]["indicators"][0].update(tier="优"))
        ),
        "分值是汉字.json": variant(
            lambda d: (evaluation(d), d["evaluation"]["indicators"][0].update(weight="十"))
        ),
        "资金有误.json": variant(
            lambda d: evaluation(d, funds={"appropriation": {"initial": "不详"}})
        ),
        "资金是列表.json": variant(lambda d: evaluation(d, funds=[1])),
        "样式有误.json": variant(lambda d: evaluation(d, layout="province")),
        "状态有误.json": variant(lambda d: evaluation(d, status="done")),
        "控制字符.json": variant(lambda d: d.update(name="12345\u202e市民服务热线外包服务")),
        "超预算.json": variant(lambda d: d.update(year_budget=5_000_000, total_budget=1_000_000)),
        "空记录.json": variant(lambda d: [d.pop(k) for k in list(d) if k != "year"]),
    }


AWKWARD_WORKBOOKS = [
    *sorted((CORPUS / "bad").iterdir()),
    CORPUS / "seed_no_year.xlsx",
    CORPUS / "multi_forms.xlsx",
    CORPUS / "flat_list.xlsx",
    CORPUS / "flat_eval_list.xlsx",
    CORPUS / "eval_national_wan.xlsx",
    CORPUS / "eval_shanghai_yuan.xlsx",
    CORPUS / "variety" / "clinic_eval_merged.xlsx",
    CORPUS / "variety" / "clinic_with_instructions.xlsx",
]


def test_no_import_message_holds_program_words(tmp_path: Path) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    for name, doc in _awkward_records().items():
        (folder / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (folder / "语法错误.json").write_text('{"year": 2019,', encoding="utf-8")
    (folder / "两条.json").write_text(
        json.dumps([_seed(), dict(_seed(), year=None)], ensure_ascii=False), encoding="utf-8"
    )
    for path in AWKWARD_WORKBOOKS:
        shutil.copyfile(path, folder / path.name)
    with Store(tmp_path / "perfdesk.sqlite") as store:
        report = import_paths(store, [folder])
    assert len(report.files) == len(_awkward_records()) + 2 + len(AWKWARD_WORKBOOKS)
    assert len(report.rejected) >= 30 and len(report.imported) >= 8
    messages = [
        m for f in report.files for m in [*(f.errors), *f.warnings]
    ]  # fmt: skip
    assert len(messages) > 60
    leaks = {m: program_words(m) for m in messages if program_words(m)}
    assert leaks == {}


# ---------------------------------------------------------------- each message fixed


def _reason(doc: Any) -> str:
    with pytest.raises(InputError) as err:
        declaration_from_dict(loads(json.dumps(doc, ensure_ascii=False)))
    return err.value.message


def test_a_missing_year_is_said_in_words() -> None:
    assert _reason(dict(_seed(), year=None)) == "没有填写“年度”（应为年份，如 2019）。"
    assert _reason(dict(_seed(), year="明年")) == "“年度”应为年份（如 2019），实际是“明年”。"


def test_fields_are_named_by_their_form_labels_with_rows_from_one() -> None:
    doc = _seed()
    doc["indicators"][0]["target"] = {"值": 1}
    assert _reason(doc) == "分解目标第1行“指标目标值”应为文字，实际是一组字段。"
    doc = _seed()
    doc["budget_items"][1]["amount"] = "一亿"
    assert _reason(doc) == "项目当年投入资金构成第2行“预算金额（元）”不是金额：“一亿”。"
    national = dict(_seed(), framework="national")
    national["indicators"][2]["target"] = ["≥90%"]
    assert _reason(national) == "绩效指标第3行“指标值”应为文字，实际是一组数据（1 项）。"


def test_evaluation_fields_are_named_as_on_the_self_evaluation() -> None:
    doc = dict(_seed(), evaluation={"funds": {"appropriation": {"spent": "不详"}}})
    assert _reason(doc) == "“其中：当年财政拨款”的“全年执行数”不是金额：“不详”。"
    doc = dict(_seed(), evaluation={"indicators": [{"name": "a"}, {"weight": "十"}]})
    assert _reason(doc) == "绩效指标第2行“分值”不是数字：“十”。"


def test_a_choice_lists_its_options_as_the_clerk_knows_them() -> None:
    message = _reason(dict(_seed(), framework="province"))
    assert message.startswith("“指标体系”应为“上海市2019版（分解目标）”、“财政部通用指标体系")
    assert "national" not in message and "sh2019" not in message
    message = _reason(dict(_seed(), evaluation={"layout": "x"}))
    assert message == (
        "“自评表样式”应为“全国样式（金额单位万元）”、“上海样式（金额单位元）”之一，实际是“x”。"
    )


def test_a_stated_score_the_rules_cannot_compute_is_not_called_none() -> None:
    ev = Evaluation(
        indicators=[
            EvalIndicator(None, None, name="满意度", target=None, actual=None, weight=Decimal(10)),
            EvalIndicator(None, None, name=None, target="≥90%", actual="95%", weight=Decimal(10)),
        ]
    )
    ev.indicators[0].score_override = Decimal("5.50")
    ev.indicators[1].score_override = Decimal("3")
    assert apply_stated_scores(ev) == [
        "指标“满意度”表中得分 5.5，按规则无法计算得分（实际完成值或指标值未填写或无法比较），"
        "已保留表中得分。",
        "未填名称的指标表中得分 3 与按规则计算的 10 不同，已保留表中得分。",
    ]


def test_values_are_quoted_as_written() -> None:
    assert value_text(None) == "空"
    assert value_text("abc") == "“abc”"
    assert value_text(Decimal("1.50")) == "数字 1.5"
    assert value_text({"a": 1}) == "一组字段" and value_text([1, 2]) == "一组数据（2 项）"
    assert value_text(True) == "“是”"
    assert number_text(Decimal("1E+3")) == "1000" and number_text(Decimal("-0.0")) == "0"


def test_a_broken_json_file_is_located_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "记录.json"
    bad.write_text('{\n  "year": 2019,\n  "name": }', encoding="utf-8")
    with Store(tmp_path / "db.sqlite") as store:
        (result,) = import_paths(store, [bad]).files
    assert result.error == "文件“记录.json”：不是有效的 JSON 文件：第3行第11个字符处格式有误。"


def test_one_record_twice_in_a_file_is_one_number_on_the_command_line(tmp_path: Path) -> None:
    twice = tmp_path / "两次.json"
    twice.write_text(json.dumps([_seed(), _seed()], ensure_ascii=False), encoding="utf-8")
    r = run_cli("import", str(twice), db=tmp_path / "db.sqlite")
    assert r.returncode == 0, r.stderr
    assert f"已导入 {twice}：编号 1\n" in r.stdout
    assert "提醒：" in r.stdout  # the seed's vague targets
    result = FileResult(str(twice), "imported", ids=[1, 1])
    assert result.records == [1]


def test_errors_and_warnings_stay_apart(tmp_path: Path) -> None:
    """A record breaking a rule is imported, its error is an error (定稿前须改正), never a
    提醒; ``--json`` keeps the interface's one ``warnings`` list, marked."""
    over = tmp_path / "超预算.json"
    doc = dict(_seed(), year_budget=5_000_000, total_budget=1_000_000)
    over.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run_cli("import", str(over), db=tmp_path / "db.sqlite")
    assert r.returncode == 0, r.stderr
    lines = [line.strip() for line in r.stdout.splitlines() if "大于" in line]
    assert lines and all(line.startswith("错误（定稿前须改正）：") for line in lines)
    assert "提醒：" in r.stdout  # the warnings are still there, labelled as such
    with Store(tmp_path / "db2.sqlite") as store:
        (result,) = import_paths(store, [over]).files
    assert any("大于" in m for m in result.must_fix)
    assert not any("大于" in w for w in result.warnings)
    assert any("大于" in w and w.endswith("（定稿前须改正）") for w in result.to_json()["warnings"])


def test_a_rejected_json_record_is_one_chinese_sentence_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "金额.json"
    bad.write_text(json.dumps(dict(_seed(), year_budget="一亿"), ensure_ascii=False), "utf-8")
    r = run_cli("import", str(bad), db=tmp_path / "db.sqlite")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"已拒绝 {bad}：文件“金额.json”：“项目当年预算（元）”不是金额：“一亿”。"
    ]


def test_a_workbook_without_a_year_says_what_a_window_user_can_do(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        (result,) = import_paths(store, [CORPUS / "seed_no_year.xlsx"]).files
    assert "请在标题或文件名中写上年份" in (result.error or "")


def test_the_rare_character_message_names_character_field_and_remedy(seed_decl) -> None:
    from perfdesk.pdf.fonts import MissingGlyphError
    from perfdesk.pdf.printout import render_bytes

    seed_decl.indicators[1].target = "≥90%\U00020000"
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(seed_decl)
    message = err.value.message
    assert message.startswith("分解目标第2行“指标目标值”中的字“\U00020000”（U+20000）")
    assert "换成常用字" in message and "安装含有此字的字体" in message
    assert "环境变量" not in message and "PERFDESK" not in message
    seed_decl.indicators[1].target = "≥90%"
    seed_decl.evaluation = Evaluation(
        indicators=[
            EvalIndicator("产出指标", "数量指标", "受理量", "≥1", "\U0002a6a5", Decimal(10))
        ]
    )
    with pytest.raises(MissingGlyphError) as err:
        render_bytes(seed_decl, "evaluation")
    assert err.value.message.startswith("绩效指标第1行“实际完成值”中的字“\U0002a6a5”（U+2A6A5）")


def test_a_damaged_pdf_is_refused_without_the_library_s_words(store) -> None:  # noqa: ANN001
    from perfdesk.pdf.verify import verify_pdf

    with pytest.raises(InputError) as err:
        verify_pdf(store, b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer garbage")
    assert err.value.message in (
        "这份 PDF 已损坏或不完整，无法读取，无法核对。",
        "这份 PDF 的文字无法读出（可能已损坏，或是扫描件、图片），无法核对。",
    )


def test_a_package_with_an_unknown_compression_is_refused_in_chinese(tmp_path: Path) -> None:
    """Method 99 (WinZip's AES) makes zipfile raise its own English sentence."""
    import zipfile

    from perfdesk.exchange.package import PackageError, read_package

    path = tmp_path / "加密.pdpack"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", "{}")
    data = bytearray(path.read_bytes())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 8 : local + 10] = (99).to_bytes(2, "little")
    data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(PackageError) as err:
        read_package(path)
    assert "无法读取（文件已损坏，或用了不支持的压缩方式）" in err.value.message
    assert program_words(err.value.message) == []


def test_a_bad_number_on_the_command_line_is_one_chinese_sentence(tmp_path: Path) -> None:
    r = run_cli("show", "abc", db=tmp_path / "db.sqlite")
    assert r.returncode == 2
    assert (
        r.stderr.strip().splitlines()[-1] == "perfdesk show：参数 编号 应为正整数，给出的是“abc”。"
    )
    assert "argument" not in r.stderr


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_backup_that_cannot_be_written_says_why_in_chinese(tmp_path: Path) -> None:
    """/proc takes no new files, whoever asks (root included)."""
    db = tmp_path / "db.sqlite"
    run_cli("list", db=db)
    r = run_cli("backup", "-o", "/proc/perfdesk-备份.sqlite", db=db)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "无法写出备份“/proc/perfdesk-备份.sqlite”（文件或文件夹不存在），未留下不完整的文件。"
    )
