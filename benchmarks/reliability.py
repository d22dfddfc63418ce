"""Reliability figures (issue 14): kill -9 during saves, fuzzed input, memory, import time.

Run: .venv/bin/python benchmarks/reliability.py [--kills 300] [--fuzz 20000] [--workers 2]
                                              [--files 10000]
                                              [--only kill9,fuzz,memory,files,time]

Prints, for each part, the figures docs/reliability.md quotes:

* kill9: a child process opens the sample session and saves an answer in a loop, reporting each
  value after the save returned; it is killed with SIGKILL at a random moment (0–60 ms in), KILLS
  times. Lost = the stored value is older than the last one acknowledged; unloadable = the session
  does not load after a kill. Both must be 0.
* fuzz: FUZZ inputs — the sample report (txt), two HTML pages, a PDF extract, a Markdown
  conversion, the sample session (JSON) and the sample rendered to .docx, each mutated (bytes
  flipped, dropped, repeated, lines shuffled or spliced, tokens that break parsers inserted), plus
  random bytes and random text — each written to a file and taken through what ``gkassist check``
  does (read, build facts, run the engine) and what ``gkassist import`` does (a new session in a
  scratch data folder), under a 20-second alarm. A UserError is a message to the user and fine;
  any other exception is an internal error, the alarm a hang. Both must be 0.
* memory: peak RSS of a fresh ``gkassist check`` process on /dev/zero, a FIFO, a file just under
  the size limit (random report text) and one just over it, with its time and exit code.
* files: peak memory of the main process of ``gkassist check --json`` on a folder of 1,000 and of
  FILES copies of the sample (results are printed as they come: it should not grow).
* time: reading and checking the sample with N short lines added (prose lines, label lines, table
  rows), N = 1k … 32k: CPU seconds per N (linear: each doubling about doubles).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SESSION = FIXTURES / "hongjiang-2024.session.json"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
FIELD = "requests.new.natural"


# --- kill -9 during saves --------------------------------------------------------------------------

def kill9(kills: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_kill9 import SAVER  # the child of tests/test_kill9.py: saves in a loop, reports each save

    from gkassist.session import SessionError, SessionStore, load_session

    with tempfile.TemporaryDirectory() as home:
        os.environ["GKASSIST_HOME"] = home
        doc = json.loads(SESSION.read_text(encoding="utf-8"))
        with SessionStore().create() as s:
            sid = s.id
        (Path(home) / "sessions" / f"{sid}.json").write_text(json.dumps({**doc, "id": sid}, ensure_ascii=False),
                                                            encoding="utf-8")
        full = load_session(sid).progress()
        acknowledged = load_session(sid).answers[FIELD]
        rng = random.Random(14)
        lost = unloadable = damaged = saves = torn = 0
        seen_temps: set[Path] = set()
        start = time.perf_counter()
        for _ in range(kills):
            proc = subprocess.Popen([sys.executable, "-c", SAVER, sid, FIELD], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=os.environ.copy())
            if proc.stdout.readline() != b"ready\n":
                proc.kill()
                proc.wait()
                raise SystemExit(f"the saver did not start: {proc.stderr.read().decode(errors='replace')}")
            if rng.random() < 0.8:
                time.sleep(rng.uniform(0, 0.06))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            reported = proc.stdout.read().split()
            proc.stdout.close()
            proc.stderr.close()
            saves += len(reported)
            if reported:
                acknowledged = int(reported[-1])
            temps = set((Path(home) / "sessions").glob(f".{sid}.json.*.tmp"))
            torn += len(temps - seen_temps)
            seen_temps |= temps
            try:
                stored = load_session(sid)
            except SessionError:
                unloadable += 1
                continue
            value = stored.answers.get(FIELD)
            lost += not isinstance(value, int) or value < acknowledged
            damaged += stored.progress() != full
            if isinstance(value, int):
                acknowledged = max(acknowledged, value)
        elapsed = time.perf_counter() - start
        # every session in the folder still loads, and the next editor gets the lock at once
        listed = SessionStore().list()
        with SessionStore().open(sid) as s:
            s.set_answer(FIELD, acknowledged + 1)
    del os.environ["GKASSIST_HOME"]
    return {"kills": kills, "saves acknowledged": saves, "kills mid-write (temp file left)": torn,
            "acknowledged answers lost": lost, "sessions unloadable": unloadable, "other answers damaged": damaged,
            "sessions listed as damaged": sum(i.status != "ok" for i in listed), "seconds": round(elapsed, 1)}


# --- fuzzing import and check ----------------------------------------------------------------------

TOKENS = ["|", " |", "||||", "\n", "\t", "\u3000", "\x00", "\x1b[2J", "\ud800", "\r", "&nbsp;", "<table>", "<tr>",
          "<td colspan=\"99999\">", "</td>", "</table>", "<br>", "一、总体情况", "三、收到和处理政府信息公开申请情况",
          "五、存在的主要问题及改进情况", "本年新收", "总计", "1" * 400, "9" * 4400, "一二三四五六七八九十" * 50,
          "①", "1²", "两两", "-", "—", "/", "【待填写】", "处理费1.", "[" * 200, "{\"answers\": ", "\"\\ud800\"",
          "<?xml version='1.0' encoding='gbk'?>", "\ufeff", "\u202e", "PK\x03\x04"]


def _seeds() -> list[tuple[str, bytes]]:
    from gkassist.render import render_to_bytes
    from gkassist.session import load_session

    seeds = [(p.suffix, p.read_bytes()) for p in sorted(FIXTURES.iterdir())
             if p.suffix in (".txt", ".html", ".md") and p.is_file()]
    seeds.append((".json", SESSION.read_bytes()))
    seeds.append((".docx", render_to_bytes(load_session(SESSION), "docx")))
    return seeds


CHARS = "0123456789０１２|｜ \t\n\u3000\xa0、，。；：（）()一二三四五六七八九十百千万两零总计件申请公开<>/&\"'=\\{}[]"


def _mutate(rng: random.Random, data: list, chars: str) -> list:
    """``data`` (a list of characters, or of byte values) changed a few times."""
    b = list(data)
    for _ in range(rng.choice((1, 1, 2, 3, 5, 12))):
        op = rng.randrange(7)
        at = rng.randrange(len(b) + 1)
        if op == 0 and b:  # change a few characters
            for k in range(rng.randint(1, 8)):
                if at + k < len(b):
                    b[at + k] = rng.choice(chars)
        elif op == 1:  # drop a stretch
            del b[at:at + rng.randint(1, 2000)]
        elif op == 2:  # repeat a stretch
            b[at:at] = b[at:at + rng.randint(1, 300)] * rng.randint(2, 50)
        elif op == 3:  # a token that breaks naive parsers
            token = rng.choice(TOKENS)
            b[at:at] = list(token) if chars is CHARS else list(token.encode("utf-8", "surrogatepass"))
        elif op == 4:  # swap some lines
            newline = "\n" if chars is CHARS else 10
            lines, line = [], []
            for x in b:
                line.append(x)
                if x == newline:
                    lines.append(line)
                    line = []
            lines.append(line)
            for _ in range(rng.randint(1, 10)):
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            b = [x for line in lines for x in line]
        elif op == 5 and rng.random() < 0.3:  # cut the file
            del b[at:]
        else:  # splice in a stretch of itself
            src = rng.randrange(len(b) + 1)
            b[at:at] = b[src:src + rng.randint(1, 500)]
    return b


def _fuzz_input(rng: random.Random, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    roll = rng.random()
    if roll < 0.04:  # random bytes
        return rng.choice((".txt", ".html", ".json", ".docx")), rng.randbytes(rng.randint(0, 5000))
    if roll < 0.08:  # random text from report characters and tokens
        text = "".join(rng.choice(CHARS) if rng.random() < 0.9 else rng.choice(TOKENS)
                       for _ in range(rng.randint(0, 3000)))
        return ".txt", text.encode("utf-8", "surrogatepass")
    suffix, data = rng.choice(seeds)
    if suffix == ".docx" or roll < 0.15:  # bytes: a damaged Word file, a damaged encoding
        return suffix, bytes(_mutate(rng, list(data), bytes(range(256))))  # type: ignore[arg-type]
    text = "".join(_mutate(rng, list(data.decode("utf-8")), CHARS))
    return suffix, text.encode("utf-8", "surrogatepass")  # a lone surrogate among the tokens stays one


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ANN001, ARG001
    raise _Hang


def _fuzz_worker(args: tuple[int, int, int]) -> dict:
    first, count, seed = args
    from gkassist.checking import check_input, load_input
    from gkassist.errors import UserError
    from gkassist.session import SessionStore
    from gkassist.sources import import_file

    signal.signal(signal.SIGALRM, _alarm)
    seeds = _seeds()
    out = {"inputs": 0, "refused with a message": 0, "checked": 0, "imported": 0, "internal errors": 0, "hangs": 0,
           "slowest s": 0.0, "examples": []}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GKASSIST_HOME"] = str(Path(tmp) / "home")
        store = SessionStore()
        for n in range(first, first + count):
            rng = random.Random(seed * 1_000_003 + n)
            suffix, data = _fuzz_input(rng, seeds)
            path = Path(tmp) / f"input{suffix}"
            path.write_bytes(data)
            out["inputs"] += 1
            for what in ("check", "import"):
                start = time.perf_counter()
                signal.alarm(20)
                try:
                    if what == "check":
                        check_input(load_input(str(path)))
                        out["checked"] += 1
                    else:
                        with import_file(path, store) as session:
                            sid = session.id
                        out["imported"] += 1
                        for leftover in store.root.glob(f"*{sid}*"):
                            leftover.unlink()
                except UserError:
                    out["refused with a message"] += 1
                except _Hang:
                    out["hangs"] += 1
                    out["examples"].append((n, what, "hang"))
                except Exception:  # noqa: BLE001 - what the fuzz is looking for
                    out["internal errors"] += 1
                    out["examples"].append((n, what, traceback.format_exc(limit=-3)))
                finally:
                    signal.alarm(0)
                out["slowest s"] = max(out["slowest s"], time.perf_counter() - start)
    return out


def fuzz(inputs: int, workers: int, seed: int = 14) -> dict:
    per = -(-inputs // workers)
    jobs = [(k * per, min(per, inputs - k * per), seed) for k in range(workers) if inputs - k * per > 0]
    start = time.perf_counter()
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ctx.Pool(len(jobs)) as pool:
        parts = pool.map(_fuzz_worker, jobs)
    total: dict = {"seed": seed}
    for part in parts:
        for key, value in part.items():
            if key == "slowest s":
                total[key] = round(max(total.get(key, 0.0), value), 2)
            elif key == "examples":
                total.setdefault(key, []).extend(value)
            else:
                total[key] = total.get(key, 0) + value
    total["seconds"] = round(time.perf_counter() - start, 1)
    return total


# --- memory of check on endless and huge inputs ----------------------------------------------------

def _peak(argv: list[str]) -> tuple[int, float, float]:
    """(exit code, peak RSS in MB, seconds) of a fresh process (its own RUSAGE_CHILDREN figure)."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120).returncode; "
             "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024, float(out[2])


def memory() -> dict:
    from gkassist import reading

    gk = [sys.executable, "-m", "gkassist"]
    limit = reading.limit()
    rng = random.Random(14)
    words = SAMPLE.read_text(encoding="utf-8").split()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        fifo = Path(tmp) / "pipe.txt"
        os.mkfifo(fifo)
        under = Path(tmp) / "under.txt"
        with under.open("w", encoding="utf-8") as f:
            written = 0
            while written < limit - 200_000:
                line = "".join(rng.choice(words) for _ in range(20)) + "\n"
                f.write(line)
                written += len(line.encode("utf-8"))
        under_text = Path(tmp) / "under_text.txt"
        with under_text.open("w", encoding="utf-8") as f:
            chars = 0
            while chars < reading.text_limit() - 1_000:
                line = "".join(rng.choice(words) for _ in range(20)) + "\n"
                f.write(line)
                chars += len(line)
        over = Path(tmp) / "over.txt"
        with over.open("wb") as f:
            f.truncate(limit + 1)
        for name, target in (("/dev/zero", "/dev/zero"), ("/dev/urandom", "/dev/urandom"), ("a FIFO", str(fifo)),
                             (f"{under.stat().st_size / 2**20:.0f} MB of report text (under the file limit, "
                              "over the text limit)", str(under)),
                             (f"{chars / 1e6:.1f} M characters of report text (under the text limit)",
                              str(under_text)),
                             (f"{over.stat().st_size / 2**20:.0f} MB + 1 byte (over the limit)", str(over))):
            rc, mb, seconds = _peak([*gk, "check", target])
            figures[f"check {name}"] = f"exit {rc}, peak {mb:.0f} MB, {seconds:.1f} s"
        rc, mb, seconds = _peak([*gk, "check", str(SAMPLE)])
        figures["check the sample report (for scale)"] = f"exit {rc}, peak {mb:.0f} MB, {seconds:.1f} s"
    figures["size limit"] = (f"{limit / 2**20:.0f} MB ({reading.LIMIT_ENV}); "
                             f"text {reading.text_limit() / 1e6:.1f} M characters")
    return figures


def many_files(counts: list[int]) -> dict:
    """Peak memory of the main process of ``gkassist check --json FOLDER`` (its workers apart) for a
    folder of ``n`` copies of the sample report: results are streamed, so it should not grow."""
    probe = ("import os, resource, sys, time; from gkassist.checking import run_check; t = time.perf_counter(); "
             "rc = run_check([sys.argv[1]], as_json=True, out=open(os.devnull, 'w')); "
             "print(rc, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        text = SAMPLE.read_bytes()
        made = 0
        for n in sorted(counts):
            for k in range(made, n):
                (folder / f"r{k:05d}.txt").write_bytes(text)
            made = n
            out = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True,
                                 check=True).stdout.split()
            figures[f"check {n:,} files"] = (f"exit {out[0]}, main process peak {int(out[1]) / 1024:.0f} MB, "
                                             f"{float(out[2]):.0f} s")
    return figures


# --- import time against the number of short lines -------------------------------------------------

def _with_lines(sample: str, shape: str, n: int) -> str:
    if shape == "prose lines":  # 一 with n short lines of its own
        return sample.replace("一、总体情况\n", "一、总体情况\n" + "".join(f"一是加强{i}。\n" for i in range(n)), 1)
    if shape == "label lines":  # a run of short label-like lines, as a scraped page leaves them
        return f"{sample}\n" + "".join(f"申请{i}\n" for i in range(n))
    head = sample.index("\n", sample.index("三、收到和处理")) + 1  # rows in table 三 whose labels match nothing
    return sample[:head] + "".join(f"某某{i} | 1 | 0 |\n" for i in range(n)) + sample[head:]


def import_time() -> dict:
    from gkassist.checking import CheckInput, check_input
    from gkassist.importer import read_report_text

    sample = SAMPLE.read_text(encoding="utf-8")

    def read_and_check(text: str) -> None:
        report = read_report_text(text, "x.txt")
        if not report.failed:
            check_input(CheckInput(answers=report.answers_as_printed(), notes=report.notes,
                                   extra_facts=list(report.structure_facts), outline=report.outline or {}))

    read_and_check(sample)  # warm: the rule files, the engine's rulesets
    figures = {}
    for shape in ("prose lines", "label lines", "table rows"):
        row = []
        for n in (1_000, 2_000, 4_000, 8_000, 16_000, 32_000):
            text = _with_lines(sample, shape, n)
            start = time.process_time()
            read_and_check(text)
            row.append(f"{time.process_time() - start:.2f}")
        figures[f"{shape}: 1k/2k/4k/8k/16k/32k lines, CPU s"] = " / ".join(row)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--fuzz", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--only", default="kill9,fuzz,memory,files,time")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if "time" in parts:
        print("import time", json.dumps(import_time(), ensure_ascii=False, indent=1), flush=True)
    if "memory" in parts:
        print("memory", json.dumps(memory(), ensure_ascii=False, indent=1), flush=True)
    if "files" in parts:
        print("many files", json.dumps(many_files([1_000, args.files]), ensure_ascii=False, indent=1), flush=True)
    if "kill9" in parts:
        print("kill -9", json.dumps(kill9(args.kills), ensure_ascii=False, indent=1), flush=True)
    if "fuzz" in parts:
        result = fuzz(args.fuzz, args.workers)
        examples = result.pop("examples")
        print("fuzz", json.dumps(result, ensure_ascii=False, indent=1), flush=True)
        for n, what, why in examples[:10]:
            print(f"  input {n} ({what}): {why}")


if __name__ == "__main__":
    main()
