"""How much of the transcribed provinces' forms the import gets right.

    python tests/measure_provinces.py [seen|held_out|all]

For every file of tests/data/excel_in/provinces/: each expected field of
tests/provinces.py is right or wrong (a refused file has every field wrong, except where
refusal is what is expected), each expected indicator counts as one field, and a file is
right when all of its fields are. Prints a table for the README.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfdesk.excel.reader import read_workbook  # noqa: E402
from perfdesk.models.errors import InputError  # noqa: E402
from perfdesk.models.records import Declaration  # noqa: E402
from tests.provinces import FLAT_EXPECT, FORMS  # noqa: E402

DATA = Path(__file__).parent / "data" / "excel_in" / "provinces"
EVAL_KEYS = ("supervisor", "budget_initial", "budget_adjusted", "spent", "budget_weight",
             "goal_expected", "goal_actual")  # fmt: skip


@dataclass
class Score:
    file: str
    right: int
    total: int
    wrong: list[str]

    @property
    def file_right(self) -> bool:
        return self.right == self.total


def got_fields(decl: Declaration, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(decl, k) for k in (
        "name", "unit", "year", "start_date", "end_date", "total_budget", "year_budget",
        "overview", "basis", "necessity", "overall_goal", "annual_goal")}  # fmt: skip
    if kind == "evaluation" and decl.evaluation is not None:
        ev = decl.evaluation
        out.update({k: getattr(ev, k) for k in EVAL_KEYS})
        fr = ev.funds.appropriation if ev.funds and ev.funds.appropriation else None
        out["appropriation"] = (fr.initial, fr.adjusted, fr.spent) if fr else None
        out["indicators"] = [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight)
                             for i in ev.indicators]  # fmt: skip
    else:
        out["indicators"] = [(i.category, i.subcategory, i.name, i.target) for i in decl.indicators]
    return out


def compare(expect: dict[str, Any], got: dict[str, Any] | None) -> tuple[int, int, list[str]]:
    right = total = 0
    wrong: list[str] = []
    for key, want in expect.items():
        if key == "indicators":
            have = got["indicators"] if got else []
            for n, ind in enumerate(want):
                total += 1
                if n < len(have) and have[n] == ind:
                    right += 1
                else:
                    wrong.append(f"indicator {n}: {have[n] if n < len(have) else None}")
            continue
        total += 1
        if got is not None and got.get(key) == want:
            right += 1
        else:
            wrong.append(f"{key}: {got.get(key) if got else None!r}")
    return right, total, wrong


def score_file(path: Path) -> Score:
    key = path.name.split("__")[0]
    data = path.read_bytes()
    if key.startswith("yitihua_list"):
        expects = FLAT_EXPECT
        kind = "declaration"
    else:
        form = next(f for f in FORMS if f.key == key)
        expects = [form.expect]
        kind = form.kind
    try:
        result = read_workbook(data, path.name)
    except InputError as e:
        if expects[0].get("refused"):
            return Score(path.name, 1, 1, [])
        total = sum(compare(x, None)[1] for x in expects)
        return Score(path.name, 0, total, [f"refused: {e}"])
    if expects[0].get("refused"):
        return Score(path.name, 0, 1, ["imported, should be refused"])
    right = total = 0
    wrong: list[str] = []
    for n, expect in enumerate(expects):
        forms = [f for f in result.forms if f.declaration.name == expect["name"]]
        got = got_fields(forms[0].declaration, kind) if forms else None
        if forms and forms[0].kind != kind:
            got = None
            wrong.append(f"read as {forms[0].kind}")
        r, t, w = compare(expect, got)
        right, total, wrong = right + r, total + t, wrong + [f"[{n}] {x}" for x in w]
    return Score(path.name, right, total, wrong)


def measure(part: str) -> list[Score]:
    return [score_file(p) for p in sorted((DATA / part).glob("*.xls*"))]


def main() -> None:
    parts = sys.argv[1:] or ["seen"]
    if parts == ["all"]:
        parts = ["seen", "held_out"]
    print("| set | files | files right | fields | fields right |")
    print("|---|---|---|---|---|")
    details = []
    for part in parts:
        scores = measure(part)
        files_right = sum(s.file_right for s in scores)
        right, total = sum(s.right for s in scores), sum(s.total for s in scores)
        print(f"| {part} | {len(scores)} | {files_right} ({files_right / len(scores):.0%}) "
              f"| {total} | {right} ({right / total:.0%}) |")  # fmt: skip
        details += [s for s in scores if not s.file_right]
    for s in details:
        print(f"\n{s.file}: {s.right}/{s.total}")
        for w in s.wrong[:12]:
            print("   ", w)


if __name__ == "__main__":
    main()
