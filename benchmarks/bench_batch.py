"""A reviewer's batch (issue 17 item 7): how long `gkassist check FOLDER` takes for thousands of
mixed reports on this machine's cores, per engine, and how much memory the main process uses as
the folder grows (it must stay flat: results are streamed).

Run: .venv/bin/python benchmarks/bench_batch.py [--sizes 1000,5000,10000] [--time 5000] [--pdf 200]

* the folder: a third scraped text like the sample, a third portal pages like the HTML fixture,
  a third Word files (``.docx``) and gkassist-made HTML; every report a made-up agency with its
  own numbers (consistent, every fifth with a 勾稽 error) and its own sentence in 一 (so that no
  report's text is another's: caches keyed by text do not make it faster than a real folder);
* time: ``gkassist check FOLDER`` in a fresh process (start-up included), text output to a file,
  for each engine (GKASSIST_ENGINE=python, durable); then with ``--html`` and ``--xlsx`` too;
* memory: the main process's peak RSS (``ru_maxrss``, the workers not included) for each size,
  with ``--html`` and ``--xlsx`` (the outputs that summarise the whole folder);
* stages: ``--stages N`` reports of the folder (every kind in its share) taken one by one through
  what a worker does — read, build facts, the engine, render findings, the outcome sent back (C1's
  sentences), pickling it — in this process, CPU per report of each stage and each kind of file;
  beside it, per report, the main process's CPU of the command-line runs (collecting, printing,
  C1) and the whole command's CPU (start-up and workers included);
* PDFs: ``--pdf N`` PDFs (tests/pdfmaker.py, table 三 over two pages) checked in one process
  (one core): PDFs per second;
* before and after a change: ``--folder F --against OTHER_CHECKOUT [--stages N] [--rounds R]``
  takes N reports of F through the stages with the other code and with this one, in alternating
  fresh processes, and prints the medians (the machine's speed drifts: only interleaved runs
  compare).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import bench_import  # noqa: E402  (the scraped / portal / gkassist-HTML reports)

_OWN = re.compile("全年主动公开信息总数共200余条")


def _docx_template() -> bytes:
    from gkassist.render import render_to_bytes

    answers = bench_import.random_answers(random.Random(7))
    answers.update({"meta.agency": "模板机关名称局", "meta.year": 2024, "overview.intro": "全年工作平稳有序。第0000号。",
                    "problems": "一是公开不够及时。", "measures": "一是加强审核。", "other_matters": "本年度未收取信息处理费。"})
    return render_to_bytes(answers, "docx")


def _docx(template: bytes, agency: str, n: int) -> bytes:
    """The template Word file with another agency and its own sentence (the XML edited in place)."""
    src = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("模板机关名称局".encode(), agency.encode()).replace(b"0000", str(n).encode())
            dst.writestr(item, data)
    return out.getvalue()


def make_folder(folder: Path, n: int) -> list[Path]:
    """``n`` mixed reports (see the module docstring)."""
    paths = bench_import.make_folder(folder, n)
    template = _docx_template()
    out = []
    for i, path in enumerate(paths):
        if path.name.endswith("-gkassist.html") and i % 2 == 0:
            path.unlink()
            path = path.with_name(f"report-{i:05d}.docx")
            path.write_bytes(_docx(template, f"示范市第{i}区科技和工业信息化局", i))
        else:
            text = path.read_text(encoding="utf-8")
            text = _OWN.sub(f"全年主动公开信息总数共{200 + i}余条", text, count=1)
            path.write_text(text.replace("全年工作平稳有序。", f"全年工作平稳有序，第{i}号。"), encoding="utf-8")
        out.append(path)
    return out


def run_cli(folder: Path, engine: str, *extra: str) -> tuple[float, int, str, int, float, float]:
    """(wall s, exit code, last line, main process peak RSS in KB, CPU s of all its processes, CPU s
    of the main process alone) of `gkassist check FOLDER`."""
    code = ("import resource, sys\n"
            "from gkassist.cli import main\n"
            "try:\n    rc = main(sys.argv[1:])\nexcept SystemExit as e:\n    rc = e.code\n"
            "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
            "main = me.ru_utime + me.ru_stime\n"
            "sys.stderr.write(f'\\nRSS {me.ru_maxrss} CPU {cpu:.2f} MAIN {main:.2f}\\n')\n"
            "sys.exit(rc)\n")
    env = {**os.environ, "GKASSIST_ENGINE": engine, "GKASSIST_HOME": str(folder.parent / "home")}
    with open(folder.parent / "out.txt", "w", encoding="utf-8") as out:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code, "check", str(folder), *extra], stdout=out,
                              stderr=subprocess.PIPE, text=True, env=env, check=False)
        wall = time.perf_counter() - t
    found = re.findall(r"RSS (\d+) CPU ([\d.]+) MAIN ([\d.]+)", proc.stderr)
    rss, cpu, main = (int(found[-1][0]), float(found[-1][1]), float(found[-1][2])) if found else (-1, -1.0, -1.0)
    last = (folder.parent / "out.txt").read_text(encoding="utf-8").strip().splitlines()
    return wall, proc.returncode, last[-1] if last else proc.stderr[-300:], rss, cpu, main


def kind_of(path: Path) -> str:
    """Which of the folder's kinds of file a report is (see ``make_folder``)."""
    if path.suffix == ".docx":
        return "Word (.docx)"
    if path.suffix == ".txt":
        return "scraped text"
    return "gkassist HTML" if path.name.endswith("-gkassist.html") else "portal page"


STAGES = ("read", "facts", "engine", "findings", "outcome", "pickle")


def stages(paths: list[Path], engine: str) -> dict[str, dict[str, float]]:
    """CPU ms per report of each stage of a worker's work, per kind of file (and ``all``), for
    ``paths`` checked one by one in this process (after a warm-up, as a forked worker starts)."""
    import gc
    import pickle

    from gkassist.checking import Wants, _outcome, check_outcome, load_input
    from gkassist.engine import _SHARED_CACHE, evaluator
    from gkassist.facts import build_facts
    from gkassist.rulebook import default_rulebook

    book, ev, wants = default_rulebook(), evaluator(engine), Wants(sentences=True)
    for p in paths[:20]:
        check_outcome(0, str(p), None, wants)
    gc.collect()
    gc.freeze()  # as the batch does before it forks its workers
    clock = time.process_time
    spent: dict[str, dict[str, float]] = {}
    count: dict[str, int] = {}
    for p in paths:
        t0 = clock()
        inp = load_input(str(p))
        t1 = clock()
        facts = build_facts(inp.answers, inp.previous, book=book, notes=inp.notes, extra_facts=inp.extra_facts,
                            cache=_SHARED_CACHE, outline=inp.outline)
        t2 = clock()
        matcher = ev.matcher(book)
        matcher.sync(facts)
        t3 = clock()
        findings = matcher.findings()
        matcher.close()
        t4 = clock()
        out = _outcome(0, str(p), inp, findings, wants, None)
        t5 = clock()
        pickle.dumps(out)
        t6 = clock()
        for kind in (kind_of(p), "all"):
            count[kind] = count.get(kind, 0) + 1
            row = spent.setdefault(kind, dict.fromkeys(STAGES, 0.0))
            for stage, took in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
                row[stage] += took
    gc.unfreeze()
    return {k: {s: v / count[k] * 1000 for s, v in row.items()} for k, row in spent.items()}


def sample(folder: Path, n: int) -> list[Path]:
    """``n`` reports of a folder made by ``make_folder``, every kind in its share: every k-th in the
    order they were made (k odd where it can be: the gkassist pages are every other sixth)."""
    paths = sorted(folder.iterdir(), key=lambda p: int(re.search(r"\d+", p.name)[0]))
    step = max(1, len(paths) // n)
    if step > 1 and step % 2 == 0:
        step -= 1
    return paths[::step][:n]


def compare(folder: Path, n: int, against: Path, rounds: int, engines: tuple[str, ...]) -> None:
    """Per-stage CPU of this checkout and of another one (``against``: a checkout or an unpacked
    ``git archive`` of the code to compare with), in alternating fresh processes (ABBA…): this
    machine's speed drifts by a fifth within minutes, so only interleaved runs compare. Prints
    the medians and each pair's difference of the worker total."""
    import json
    import statistics

    for engine in engines:
        got: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for r in range(rounds):
            for side in (("before", "after") if r % 2 == 0 else ("after", "before")):
                env = {**os.environ, "GKASSIST_ENGINE": engine}
                env["PYTHONPATH"] = str(against if side == "before" else ROOT)
                out = subprocess.run([sys.executable, __file__, "--stages-json", str(n), "--folder", str(folder),
                                      "--engine", engine], env=env, capture_output=True, text=True, check=True)
                got[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print()
        print(f"{engine}: {n} reports of {folder} one by one, CPU ms per report, median of {rounds} "
              f"interleaved runs each (before: {against}):")
        print()
        print("| | " + " | ".join(STAGES) + " | worker total |")
        print("|---|" + "---|" * (len(STAGES) + 1))
        for side in ("before", "after"):
            rows = got[side]
            print(f"| {side} | " + " | ".join(f"{statistics.median(r[s] for r in rows):.3f}" for s in STAGES)
                  + f" | {statistics.median(sum(r[s] for s in STAGES) for r in rows):.3f} |")
        diffs = [sum(a[s] for s in STAGES) - sum(b[s] for s in STAGES) for a, b in zip(got["after"], got["before"], strict=True)]
        print()
        print(f"after − before, worker total, pair by pair: {', '.join(f'{d:+.3f}' for d in diffs)} "
              f"(median {statistics.median(diffs):+.3f} ms)")


def parallel_factor() -> float:
    """How much faster two processes get a fixed pure-Python workload done than one on this
    machine (2.0 on two free cores; less on a shared or hyper-threaded virtual machine)."""
    import multiprocessing

    one = _spin(0)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        t = time.perf_counter()
        pool.map(_spin, [0, 1])
        two = time.perf_counter() - t
    return 2 * one / two


def _spin(_: int) -> float:
    t = time.perf_counter()
    s = 0
    for i in range(5_000_000):
        s += i
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,5000,10000", help="folder sizes for the memory figures")
    ap.add_argument("--time", type=int, default=5000, help="folder size for the time figures")
    ap.add_argument("--pdf", type=int, default=200, help="PDFs checked in one process (0: none)")
    ap.add_argument("--stages", type=int, default=1000, help="reports taken through a worker's stages (0: none)")
    ap.add_argument("--folder", type=Path, help="a folder made before (make_folder) instead of a new one: for --against")
    ap.add_argument("--against", type=Path, help="another checkout: its stages and these, interleaved (needs --folder)")
    ap.add_argument("--rounds", type=int, default=6, help="interleaved runs of each side (--against)")
    ap.add_argument("--engine", default="python,durable", help="engines for --against")
    ap.add_argument("--stages-json", type=int, help=argparse.SUPPRESS)  # one side of --against
    args = ap.parse_args()
    if args.stages_json:
        import json

        got = stages(sample(args.folder, args.stages_json), args.engine)
        print(json.dumps({k: round(v, 4) for k, v in got["all"].items()}))
        return
    if args.against:
        compare(args.folder, args.stages or 1000, args.against, args.rounds, tuple(args.engine.split(",")))
        return
    print(f"CPU cores: {os.cpu_count()}, Python {sys.version.split()[0]}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sizes = sorted({*(int(s) for s in args.sizes.split(",") if s), args.time})
        folders = {}
        for n in sizes:
            folder = base / f"f{n}" / "reports"
            folder.mkdir(parents=True)
            t = time.perf_counter()
            make_folder(folder, n)
            folders[n] = folder
            print(f"made {n} reports in {time.perf_counter() - t:.0f} s")
        print()
        print(f"{args.time} mixed reports (txt / portal html / docx / gkassist html), `gkassist check FOLDER`:")
        print()
        print(f"parallel factor of this machine (2 processes vs 1, fixed workload): {parallel_factor():.2f}")
        print()
        print("| engine | outputs | wall | CPU, all processes | of which the main process | CPU per report | exit | last line |")
        print("|---|---|---|---|---|---|---|---|")
        folder = folders[args.time]
        runs = [("python", "text", ()), ("durable", "text", ()),
                ("python", "text, --html, --xlsx", ("--html", str(base / "p.html"), "--xlsx", str(base / "b.xlsx")))]
        main_ms: dict[str, tuple[float, float]] = {}
        for engine, label, extra in runs:
            wall, rc, last, _, cpu, main = run_cli(folder, engine, *extra)
            print(f"| {engine} | {label} | {wall:.1f} s | {cpu:.1f} s | {main:.1f} s | {cpu / args.time * 1000:.1f} ms "
                  f"| {rc} | {last[:40]} |")
            main_ms.setdefault(engine, (main / args.time * 1000, cpu / args.time * 1000))
        if args.stages:
            paths = sample(folder, args.stages)
            for engine in ("python", "durable"):
                got = stages(paths, engine)
                print()
                print(f"Where the CPU goes ({engine}): {len(paths)} reports of the folder one by one in this process, "
                      "CPU ms per report:")
                print()
                print("| kind | " + " | ".join(STAGES) + " | worker total |")
                print("|---|" + "---|" * (len(STAGES) + 1))
                for kind in sorted(got, key=lambda k: (k == "all", k)):
                    row = got[kind]
                    print(f"| {kind} | " + " | ".join(f"{row[s]:.2f}" for s in STAGES) + f" | {sum(row.values()):.2f} |")
                main, whole = main_ms[engine]
                print(f"| main process (text output; command line run above) | | | | | | | {main:.2f} |")
                print(f"| whole command, all processes (command line run above) | | | | | | | {whole:.2f} |")
        print()
        print("Main process peak RSS (`--html` and `--xlsx` written; workers not included):")
        print()
        print("| reports | wall | peak RSS of the main process |")
        print("|---|---|---|")
        for n in sizes:
            wall, rc, _, rss, _, _ = run_cli(folders[n], "python", "--html", str(base / f"p{n}.html"),
                                          "--xlsx", str(base / f"b{n}.xlsx"))
            print(f"| {n} | {wall:.1f} s | {rss / 1024:.0f} MB |")
        if args.pdf:
            import pdfmaker

            from gkassist.checking import check_file

            pdfs = base / "pdf"
            pdfs.mkdir()
            rng = random.Random(3)
            for i in range(min(args.pdf, 20)):
                a = bench_import.random_answers(rng)
                a.update({"meta.agency": f"示范市第{i}区交通运输局", "meta.year": 2024, "overview.intro": f"全年工作第{i}号。",
                          "problems": "一是公开不够及时。", "measures": "一是加强审核。", "other_matters": "未收取信息处理费。"})
                (pdfs / f"r{i}.pdf").write_bytes(pdfmaker.report_pdf(a, break_requests=i % 2 == 0, latin_digits=i % 3 == 0))
            files = sorted(pdfs.glob("*.pdf"))
            check_file(str(files[0]))
            t, w = time.process_time(), time.perf_counter()
            for k in range(args.pdf):
                check_file(str(files[k % len(files)]))
            cpu, wall = time.process_time() - t, time.perf_counter() - w
            print()
            print(f"{args.pdf} PDF reports (5 pages) read and checked in one process: {wall:.1f} s wall, "
                  f"{cpu:.1f} s CPU → {args.pdf / cpu:.0f} PDFs per second per core")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
