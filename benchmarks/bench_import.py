"""How fast published reports are read and checked, with each rule engine (targets: ≤ 10 ms per
report in-process; 1,000 reports in one `gkassist check` run ≤ 15 s; issue 15: 5,000 ≤ 10 s).

Run: .venv/bin/python benchmarks/bench_import.py [number_of_reports] [--batch N]

* read: the importer alone (decode, layout, sections, tables, prose, facts), median of 200;
* check one: what `gkassist check FILE` does per file once the program is loaded — read the
  file, build facts, run the engine, collect findings — median of 200, per engine;
* where the time goes: ``--batch`` reports (default 500) of the folder taken through the same
  steps one by one in this process, each step timed (the faster of two rounds) — reading, building facts, the engine (facts
  in, firings out), rendering findings, writing the output — per engine, beside the start-up of a
  fresh process (imports, rules loaded);
* N reports (default 1,000): a reviewer's folder (see ``make_folder``) checked in one
  ``run_check`` call (wall; ``checking`` uses a process per core from 16 files on), then by the
  real command line in a fresh process, start-up included, once per engine (GKASSIST_ENGINE).
Engines: both where durable-rules imports, else the Python evaluator only.
"""

from __future__ import annotations

import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
PAGE = FIXTURES / "qinglin-jtj-2023.html"


def median_ms(fn, repeats: int = 200) -> tuple[float, float, float]:
    """(median, p95, fastest) wall time in ms. The fastest run is shown because this machine is
    shared: its speed swings by up to 2× within seconds (see ``machine_ms``), which moves the
    median; the fastest run is what the program itself costs."""
    walls = []
    for _ in range(repeats):
        w = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - w)
    walls.sort()
    return statistics.median(walls) * 1000, walls[int(len(walls) * 0.95)] * 1000, walls[0] * 1000


def machine_ms() -> float:
    """Median ms of a fixed pure-Python workload (dict of 20,000 str keys): printed before and
    after, so that a reader sees whether the machine was slow while the figures were taken."""

    def work() -> int:
        d = {str(i): i for i in range(20000)}
        return sum(d.values())

    walls = []
    for _ in range(30):
        w = time.perf_counter()
        work()
        walls.append(time.perf_counter() - w)
    return statistics.median(walls) * 1000


def random_answers(rng: random.Random) -> dict:
    """A consistent report: every identity of the format holds, numbers small and mostly 0."""
    from decimal import Decimal

    from gkassist.form import FORM

    a: dict = {}
    cols = [c.id for c in FORM.requests_columns if not c.derived]
    for row in FORM.requests_rows:
        if row.is_result:
            for c in cols:
                a[f"requests.{row.id}.{c}"] = rng.choice((0,) * 9 + (1, 2, 5))
    for c in cols:
        handled = sum(a[f"requests.{r.id}.{c}"] for r in FORM.requests_rows if r.is_result)
        carry_over = rng.choice((0, 0, 0, 1))
        carried = min(rng.choice((0, 0, 1)), handled + carry_over)
        a[f"requests.carry_over.{c}"] = carry_over
        a[f"requests.carried.{c}"] = carried
        a[f"requests.new.{c}"] = handled + carry_over - carried
    issued = rng.randint(0, 5)
    a.update({"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
              "active.normative.issued": issued, "active.normative.repealed": rng.randint(0, 3),
              "active.normative.in_force": issued + rng.randint(0, 30), "active.licensing": rng.randint(0, 400),
              "active.penalty": rng.randint(0, 80), "active.coercion": rng.randint(0, 5),
              "active.fees": Decimal(rng.randint(0, 5000)) / 100})
    for group in FORM.review_groups:
        parts = [rng.choice((0, 0, 0, 1)) for _ in range(4)]
        for col, value in zip(FORM.review_columns, [*parts, sum(parts)], strict=True):
            a[f"{group.id}.{col.id}"] = value
    return a


def printed(answers: dict, fid: str) -> str:
    from gkassist.form import FORM

    return format(FORM.value(fid, answers), "f") if FORM.field(fid).kind == "money" else str(FORM.value(fid, answers))


def scraped(sample: str, answers: dict) -> str:
    """The scraped sample with every table cell replaced: one cell per line after its label."""
    from gkassist.form import FORM

    lines = sample.split("\n")

    def put(label: str, fids: list[str]) -> None:
        i = lines.index(f"{label} |")
        for k, fid in enumerate(fids):
            lines[i + 1 + k] = f"{printed(answers, fid)} |"

    for block in FORM.active_blocks:
        for r, row in enumerate(block.rows):
            put(row.label.replace("（", "(").replace("）", ")"), list(block.field_ids[r]))
    for row in FORM.requests_rows:
        put(row.label.replace("（", "(").replace("）", ")").replace("，", ","),
            [f"requests.{row.id}.{c.id}" for c in FORM.requests_columns])
    end = lines.index("五、存在的主要问题及改进情况")
    review = [f"{g.id}.{c.id}" for g in FORM.review_groups for c in FORM.review_columns]
    for k, fid in enumerate(review):
        lines[end - 15 + k] = f"{printed(answers, fid)} |"
    return "\n".join(lines)


def make_folder(folder: Path, n: int) -> list[Path]:
    """``n`` reports of made-up agencies, as a reviewer receives them: a third scraped text like
    the sample, a third portal pages like the HTML fixture, a third gkassist-made HTML; numbers
    random but consistent, and every fifth report with one 勾稽 error."""
    from gkassist.render import render

    rng = random.Random(2024)
    sample = SAMPLE.read_text(encoding="utf-8")
    page = PAGE.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        answers = random_answers(rng)
        if i % 5 == 4:
            answers["requests.new.natural"] += 1
        agency = f"示范市第{i}区科技和工业信息化局"
        if i % 3 == 0:
            text = scraped(sample, answers).replace("怀化市洪江区科技和工业信息化局", agency)
            path = folder / f"report-{i:04d}.txt"
        elif i % 3 == 1:
            text = page.replace("示范市青林区交通运输局", agency)
            if i % 5 == 4:
                text = text.replace(">10</span>", ">11</span>", 1)  # 一、本年新收 自然人
            path = folder / f"report-{i:04d}.html"
        else:
            answers.update({"meta.agency": agency, "meta.year": 2024, "overview.intro": "全年工作平稳有序。",
                            "problems": "一是公开不够及时。", "measures": "一是加强审核。",
                            "other_matters": "本年度未收取信息处理费。"})
            text = render(answers, "html")
            path = folder / f"report-{i:04d}-gkassist.html"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def engines() -> list[str]:
    """The engines this Python can run: durable-rules where it imports, and the Python evaluator."""
    from gkassist.engine import evaluator

    try:
        evaluator("durable")
    except ImportError:
        return ["python"]
    return ["durable", "python"]


def check_one(path: Path, engine: str) -> list:
    """``checking.check_file`` with the engine named: read, then check."""
    from gkassist.checking import load_input
    from gkassist.engine import check

    inp = load_input(path)
    return check(inp.answers, previous=inp.previous, extra_facts=inp.extra_facts, notes=inp.notes, engine=engine)


def breakdown(paths: list[Path], engine: str) -> dict[str, float]:
    """Seconds spent in each step of checking ``paths`` one by one (what each worker process does)."""
    from gkassist.checking import FileResult, load_input, write_json, write_text
    from gkassist.engine import evaluator
    from gkassist.facts import build_facts
    from gkassist.features import FeatureCache
    from gkassist.rulebook import default_rulebook

    book, cache = default_rulebook(), FeatureCache()
    spent = dict.fromkeys(("reading", "building facts", "engine", "rendering findings", "output (text)",
                           "output (--json)"), 0.0)
    results = []
    clock = time.perf_counter
    for path in paths:
        t0 = clock()
        inp = load_input(path)
        t1 = clock()
        facts = build_facts(inp.answers, inp.previous, book=book, notes=inp.notes, extra_facts=inp.extra_facts,
                            cache=cache)
        t2 = clock()
        matcher = evaluator(engine).matcher(book)
        matcher.sync(facts)
        t3 = clock()
        findings = matcher.findings()
        matcher.close()
        t4 = clock()
        spent["reading"] += t1 - t0
        spent["building facts"] += t2 - t1
        spent["engine"] += t3 - t2
        spent["rendering findings"] += t4 - t3
        results.append(FileResult(str(path), inp, findings))
    for key, write in (("output (text)", write_text), ("output (--json)", write_json)):
        t0 = clock()
        write(results, io.StringIO())
        spent[key] = clock() - t0
    return spent


def startup_s(engine: str) -> float:
    """A fresh process up to the point of checking the first file: imports, rules, the engine."""
    code = ("from gkassist.checking import run_check; from gkassist.engine import evaluator; "
            "from gkassist.rulebook import default_rulebook; default_rulebook(); evaluator()")
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "GKASSIST_ENGINE": engine})
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def check_folder(folder: Path, n: int, names: list[str], home: Path) -> None:
    """``gkassist check FOLDER`` (n reports) in a fresh process, start-up included, once per engine:
    wall time, and the CPU time of the process and its workers (steadier on a shared machine)."""
    for engine in names:
        t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-m", "gkassist", "check", str(folder)], capture_output=True, text=True,
            env={**os.environ, "GKASSIST_HOME": str(home), "GKASSIST_ENGINE": engine}, check=False,
        )
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        print(f"{n:,} reports, `gkassist check FOLDER` in a fresh process, {engine}: {wall:.1f} s wall, "
              f"{used:.1f} s CPU (all processes), exit {proc.returncode}")
        print(f"  {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-300:]}")


def main() -> None:
    args = sys.argv[1:]
    batch = int(args.pop(args.index("--batch") + 1)) if "--batch" in args else 500
    args = [a for a in args if a != "--batch"]
    n = int(args[0]) if args else 1000
    from gkassist.checking import check_file, run_check
    from gkassist.importer import read_report

    names = engines()

    print(f"CPU cores: {os.cpu_count()}, Python {sys.version.split()[0]}, engines: {', '.join(names)}")
    print()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"fixed workload: {machine_ms():.1f} ms")
    print()
    print("| measurement | median (wall) | p95 (wall) | fastest (wall) |")
    print("|---|---|---|---|")
    for name, path in (("scraped text (sample)", SAMPLE), ("HTML page", PAGE)):
        read_report(path)
        check_file(str(path))  # warm: the engine registers its rules once per process
        med, p95, best = median_ms(lambda p=path: read_report(p))
        print(f"| read only, {name} | {med:.1f} ms | {p95:.1f} ms | {best:.1f} ms |")
        for engine in names:
            check_one(path, engine)
            med, p95, best = median_ms(lambda p=path, e=engine: check_one(p, e))
            print(f"| read + check one report, {name}, {engine} | {med:.1f} ms | {p95:.1f} ms | {best:.1f} ms |")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        paths = make_folder(folder, max(n, batch))
        files = [str(p) for p in paths[:n]]
        out = io.StringIO()
        t = time.perf_counter()
        code = run_check(files, out=out)  # before the breakdown: the workers it forks inherit a fresh parent
        wall = time.perf_counter() - t
        total = out.getvalue().strip().splitlines()[-1]
        print()
        print(f"{n} reports, one run_check call: {wall:.1f} s wall ({wall / n * 1000:.1f} ms per report), exit {code}")
        print(f"  {total}")
        extra = paths[n:]
        for p in extra:  # the folder holds the n reports alone while the command line checks it
            p.rename(Path(tmp) / p.name)
        check_folder(folder, n, names, Path(tmp) / "home")
        for p in extra:
            (Path(tmp) / p.name).rename(p)
        print()
        print(f"Where the time goes: {batch} reports of the folder checked one by one in this process "
              f"(the work of one worker), seconds and ms per report:")
        print()
        print("| step | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        spent: dict[str, dict[str, float]] = {}
        for engine in names:
            breakdown(paths[:20], engine)  # warm: rules registered, caches filled
        for _round in range(2):  # engines in turn, twice; each step's faster round (the machine's speed swings)
            for engine in names:
                got = breakdown(paths[:batch], engine)
                spent[engine] = {k: min(v, spent.get(engine, got)[k]) for k, v in got.items()}
        for step in spent[names[0]]:
            cells = [f"{spent[e][step]:.2f} s ({spent[e][step] / batch * 1000:.2f} ms)" for e in names]
            print(f"| {step} | " + " | ".join(cells) + " |")
        totals = [sum(v for k, v in spent[e].items() if k != "output (--json)") for e in names]
        print("| total (text output) | " + " | ".join(f"{s:.2f} s ({s / batch * 1000:.2f} ms)" for s in totals) + " |")
        print("| start-up of a fresh process | " + " | ".join(f"{startup_s(e):.2f} s" for e in names) + " |")

    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; fixed workload: {machine_ms():.1f} ms")


if __name__ == "__main__":
    main()
