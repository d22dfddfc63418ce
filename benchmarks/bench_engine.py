"""Rule engine benchmark, both evaluators side by side: run by hand, prints tables.

    .venv/bin/python benchmarks/bench_engine.py [--reports N] [--memory N]

For durable-rules and for the Python evaluator (the same compiled rulebook, the same facts):

- full revalidation of a complete report: ``engine.check`` (new matcher, every fact built and
  matched, findings rendered, matcher closed) — with the text-feature cache cold (a report never
  seen) and warm (the same report again);
- one changed answer → the complete current findings: ``Validator.update`` on a table cell and
  on a prose field;
- the floor: the same N2–N5 checks written as plain Python over the answers, beside each evaluator
  running a rulebook of only N2–N5;
- memory: RSS before and after N full revalidations (and N one-answer updates); default 10,000;
- with ``--reports N``: N published reports (benchmarks/bench_import.py's folder) checked by
  ``gkassist check FOLDER`` in a fresh process with each engine (issue 15: 5,000 ≤ 10 s).

Targets (README 性能): one change ≤ 5 ms median, full ≤ 15 ms median, memory growth ≤ 5 MB.
Times are wall-clock medians and 95th percentiles; the process CPU time is shown beside the wall
time because a busy machine stretches wall time.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkassist.answers import from_json  # noqa: E402
from gkassist.engine import Validator, check, evaluator  # noqa: E402
from gkassist.facts import build_facts  # noqa: E402
from gkassist.features import FeatureCache  # noqa: E402
from gkassist.form import FORM  # noqa: E402
from gkassist.resources import rules_dir  # noqa: E402
from gkassist.rulebook import default_rulebook, load_rulebook  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "hongjiang-2024.session.json"


def complete_report() -> dict:
    """The sample agency's report with non-zero, balanced tables and all prose (a complete report)."""
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))["answers"]
    answers = {fid: from_json(fid, v) for fid, v in raw.items()}
    answers.update({
        "requests.new.natural": 3, "requests.carried.natural": 1, "requests.granted.natural": 2,
        "requests.partial.natural": 1, "requests.carry_over.natural": 1,
        "requests.new.commercial": 1, "requests.unable.not_held.commercial": 1,
        "review.upheld": 1, "active.normative.issued": 2, "active.normative.repealed": 1,
        "active.normative.in_force": 5, "active.fees": Decimal("26.55"),
        "overview.on_request": "2024年共收到政府信息公开申请4件，上年结转1件，结转下年度继续办理1件。",
        "overview.platform": "依托区政府门户网站信息公开专栏发布信息，全年巡查栏目12次，整改问题3个。",
        "rectification": "针对上年度报告指出的信息更新不及时问题，已建立每周更新机制，整改完成。",
        "meta.published": "2025-01-20",
    })
    return answers


def timed(fn: Callable[[], object], n: int) -> tuple[float, float, float]:
    """(median ms, p95 ms, median CPU ms) of n calls after a few warm-up calls."""
    for _ in range(min(20, n)):
        fn()
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    wall.sort()
    return statistics.median(wall) * 1000, wall[int(len(wall) * 0.95) - 1] * 1000, statistics.median(cpu) * 1000


# --- the floor: N2–N5 in plain Python ---------------------------------------------------------------

_COLS = [c.id for c in FORM.requests_columns]
_PARTS = [c.id for c in FORM.requests_columns if not c.derived]
_ROWS = [r.id for r in FORM.requests_rows]
_RESULTS = [r.id for r in FORM.requests_rows if r.is_result]


def plain_n2_n5(answers: dict) -> list[tuple[str, str, int, int]]:
    v = FORM.value
    out = []
    for row in _ROWS:  # N2
        total = v(f"requests.{row}.total", answers)
        parts = [v(f"requests.{row}.{c}", answers) for c in _PARTS]
        if total is not None and None not in parts and total != sum(parts):
            out.append(("N2", row, total, sum(parts)))
    for col in _COLS:
        total = v(f"requests.total.{col}", answers)
        results = [v(f"requests.{r}.{col}", answers) for r in _RESULTS]
        if total is not None and None not in results and total != sum(results):  # N3
            out.append(("N3", col, total, sum(results)))
        four = [v(f"requests.{r}.{col}", answers) for r in ("new", "carried", "total", "carry_over")]
        if None not in four and four[0] + four[1] != four[2] + four[3]:  # N4
            out.append(("N4", col, four[0] + four[1], four[2] + four[3]))
    for g in FORM.review_groups:  # N5
        total = v(f"{g.id}.total", answers)
        parts = [v(f"{g.id}.{c.id}", answers) for c in FORM.review_columns if not c.derived]
        if total is not None and None not in parts and total != sum(parts):
            out.append(("N5", g.id, total, sum(parts)))
    return out


def n2_n5_rulebook(folder: Path):
    numbers = yaml.safe_load((rules_dir() / "numbers.yaml").read_text(encoding="utf-8"))
    numbers["rules"] = [r for r in numbers["rules"] if r["code"] in ("N2", "N3", "N4", "N5")]
    path = folder / "n2_n5.yaml"
    path.write_text(yaml.safe_dump(numbers, allow_unicode=True), encoding="utf-8")
    return load_rulebook([path])


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 1024 / 1024


def engine_rows(name: str, answers: dict, small) -> list[tuple[str, tuple[float, float, float]]]:
    book = default_rulebook()
    rows: list[tuple[str, tuple[float, float, float]]] = []

    def full_cold() -> None:
        matcher = evaluator(name).matcher(book)
        matcher.sync(build_facts(answers, None, book=book, cache=FeatureCache()))
        matcher.findings()
        matcher.close()

    rows.append(("full revalidation, text features cold", timed(full_cold, 500)))
    rows.append(("full revalidation, `check()` (features cached)", timed(lambda: check(answers, engine=name), 500)))

    state = {"i": 0}
    with Validator(answers, engine=name) as v:
        v.findings()

        def change_cell() -> None:
            state["i"] += 1
            v.update({"requests.new.natural": 3 + state["i"] % 2})  # alternates: N4 appears, disappears

        def change_prose() -> None:  # a new text each time: its features are computed afresh
            state["i"] += 1
            v.update({"measures": f"下一步，将每季度开展一次业务培训，全年不少于{state['i']}次。"})

        rows.append(("one changed table cell → findings (Validator)", timed(change_cell, 2000)))
        rows.append(("one changed prose field → findings (Validator)", timed(change_prose, 2000)))

    rows.append(("N2–N5 only: full revalidation", timed(lambda: check(answers, rulebook=small, engine=name), 1000)))
    with Validator(answers, rulebook=small, engine=name) as vs:
        vs.findings()

        def change_small() -> None:
            state["i"] += 1
            vs.update({"requests.new.natural": 3 + state["i"] % 2})

        rows.append(("N2–N5 only: one changed cell", timed(change_small, 2000)))
    return rows


def memory(name: str, answers: dict, n: int) -> str:
    before = rss_mb()
    t0 = time.perf_counter()
    for i in range(n):
        check({**answers, "requests.new.natural": 3 + i % 3}, engine=name)
    wall = time.perf_counter() - t0
    after = rss_mb()
    with Validator(answers, engine=name) as v:
        for i in range(n):
            v.update({"requests.new.natural": 3 + i % 3})
        after_updates = rss_mb()
    return (f"{name}: RSS {before:.1f} MB → {after:.1f} MB after {n:,} full revalidations "
            f"({after - before:+.1f} MB, {wall:.1f} s); → {after_updates:.1f} MB after {n:,} more "
            f"one-answer updates ({after_updates - after:+.1f} MB); live engine sessions: "
            f"{evaluator(name).live_sessions()}")


def folder_run(n: int) -> None:
    """``gkassist check FOLDER`` over n published reports, in a fresh process per engine."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import check_folder, engines, make_folder

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        make_folder(folder, n)
        print()
        check_folder(folder, n, engines(), Path(tmp) / "home")


def main() -> None:
    args = sys.argv[1:]
    reports = int(args[args.index("--reports") + 1]) if "--reports" in args else 0
    runs = int(args[args.index("--memory") + 1]) if "--memory" in args else 10_000
    answers = complete_report()
    book = default_rulebook()
    facts = build_facts(answers, None, book=book)
    print(f"complete report: {len(facts)} facts, {len(book.rules)} rules "
          f"({sum(len(r.cases) for r in book.rules)} rule cases), {len(check(answers))} findings")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import engines

    names = engines()  # durable-rules only where it imports (Python < 3.13, not Windows)
    results: dict[str, list[tuple[str, tuple[float, float, float]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        small = n2_n5_rulebook(Path(tmp))
        for name in names:
            results[name] = engine_rows(name, answers, small)
    floor = timed(lambda: plain_n2_n5(answers), 2000)

    print()
    print(f"| {'operation':<48} | " + " | ".join(f"{n + ' ms (p95)':>18}" for n in names) + " |")
    print(f"|{'-' * 50}|" + "".join(f"{'-' * 19}:|" for _ in names))
    for i, (label, _) in enumerate(results[names[0]]):
        cells = [f"{results[n][i][1][0]:7.2f} ({results[n][i][1][1]:6.2f})" for n in names]
        print(f"| {label:<48} | " + " | ".join(f"{c:>18}" for c in cells) + " |")
    print(f"| {'N2–N5 as plain Python (the floor)':<48} | {floor[0]:7.2f} ({floor[1]:6.2f})".ljust(73) + "|")
    print()
    print("median CPU ms: " + "; ".join(
        f"{n}: " + ", ".join(f"{row[1][2]:.2f}" for row in results[n]) for n in names))

    if runs:
        print()
        for name in names:
            print("memory, " + memory(name, answers, runs))
    if reports:
        folder_run(reports)


if __name__ == "__main__":
    main()
