"""Shared helpers for the benches: realistic records and a timer for whole commands."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfdesk.models.records import Declaration, Indicator  # noqa: E402
from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402

SEED = ROOT / "tests" / "data" / "seed.json"


def seed_sized(i: int, year: int = 2024, n_indicators: int = 20) -> Declaration:
    """The seed with a distinct name and 20 indicators (national framework)."""
    decl = declaration_from_dict(loads(SEED.read_text(encoding="utf-8")))
    decl.year = year
    decl.name = f"{decl.name}（{i:06d}）"
    decl.unit = f"{decl.unit}第{i % 200}分中心"
    cats = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
            ("产出指标", "成本指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]
    decl.framework = "national"
    decl.indicators = [
        Indicator(cats[k % len(cats)][0], cats[k % len(cats)][1], f"指标{k + 1}：热线接通率",
                  f"≥{80 + k % 20}%")
        for k in range(n_indicators)
    ]
    return decl


def compile_bytecode() -> None:
    """An installed perfdesk runs from .pyc files; a checkout under PYTHONDONTWRITEBYTECODE
    would recompile every module at every start, so compile once before timing."""
    import compileall

    compileall.compile_dir(str(ROOT / "perfdesk"), quiet=1)


def time_command(cmd: list[str], repeat: int = 5, env: dict[str, str] | None = None) -> float:
    """Median wall time of a whole command (seconds); output discarded."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def emit(title: str, rows: list[tuple[str, str]], out: Path | None = None) -> None:
    text = f"### {title}\n\n| measure | value |\n|---|---|\n" + "".join(
        f"| {k} | {v} |\n" for k, v in rows
    )
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def dump_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)
