"""`gkassist check` over published reports, as a reviewer uses it: a folder of reports with
broken and empty files among them, session files mixed in, last year's report for the Y rules,
JSON output, exit codes (DESIGN.md; errors found outrank an unreadable file)."""

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gkassist.checking import run_check
from gkassist.phrases import say

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
PAGE = FIXTURES / "qinglin-jtj-2023.html"
SESSION = FIXTURES / "hongjiang-2024.session.json"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    files = [a for a in args if not a.startswith("--")]
    code = run_check(files, as_json="--json" in args, out=out)
    return code, out.getvalue()


@pytest.fixture
def reviewer_folder(tmp_path):
    """The sample, a copy broken by hand (a 勾稽 error and a lost cell), and an empty file."""
    folder = tmp_path / "年报"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "洪江区科工信局2024.txt")
    broken = SAMPLE.read_text(encoding="utf-8").replace("一、本年新收政府信息公开申请数量 |\n0 |", "一、本年新收政府信息公开申请数量 |\n5 |")
    (folder / "洪江区科工信局2024-改坏.txt").write_text(broken, encoding="utf-8")
    (folder / "空文件.txt").write_bytes(b"")
    return folder


def test_a_folder_with_the_sample_a_broken_copy_and_an_empty_file(reviewer_folder):
    code, text = run(str(reviewer_folder))
    assert code == 1  # errors were found; the empty file is reported, not fatal
    assert text.count("■ ") == 3
    assert "S1" in text and "N2" in text and "N4" in text
    data = {Path(d["file"]).name: d for d in json.loads(run(str(reviewer_folder), "--json")[1])}
    assert "error" in data["空文件.txt"] and not data["空文件.txt"]["findings"]
    assert sum(1 for d in data.values() if d["summary"]["error"]) == 2


@pytest.mark.slow  # a real process
def test_the_real_command_line_on_that_folder(reviewer_folder, gkassist_home):
    proc = subprocess.run(
        [sys.executable, "-m", "gkassist", "check", str(reviewer_folder)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "合计：检查 3 份" in proc.stdout


def test_only_unreadable_input_exits_2(tmp_path):
    empty = tmp_path / "a.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.4\n...")
    code, text = run(str(empty), str(pdf))
    assert code == 2
    assert "PDF" in text and "文件是空的" in text  # a damaged PDF: PDFs are read since issue 17


def test_clean_report_exits_0(consistent_text):

    code, _ = run_text(consistent_text())
    assert code == 0


def run_text(text: str) -> tuple[int, str]:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "report.txt"
        path.write_text(text, encoding="utf-8")
        return run(str(path))


def test_json_for_a_mix_of_report_page_and_session():
    code, text = run(str(SAMPLE), str(PAGE), str(SESSION), "--json")
    data = json.loads(text)
    assert [d["agency"] for d in data] == ["怀化市洪江区科技和工业信息化局", "示范市青林区交通运输局", "怀化市洪江区科技和工业信息化局"]
    assert [d["year"] for d in data] == [2024, 2023, 2024]
    sample, page, session = data
    assert [f["code"] for f in sample["findings"] if f["severity"] == "error"] == ["S1"]
    assert sample["summary"]["error"] == 1
    assert page["summary"]["error"] == 0
    # a session has no structure facts: the S rules stay silent on it
    assert not any(f["code"].startswith("S") for f in session["findings"])
    assert code == 1


def test_previous_report_feeds_the_carry_over_rules(consistent_text, set_row, tmp_path):
    last_year = tmp_path / "2023.txt"
    last_year.write_text(
        set_row(consistent_text(), "四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2]).replace("2024年", "2023年"),
        encoding="utf-8",
    )
    this_year = tmp_path / "2024.txt"
    this_year.write_text(consistent_text(), encoding="utf-8")  # 上年结转 自然人 1, last year carried over 2
    out = io.StringIO()
    run_check([str(this_year)], previous=str(last_year), out=out)
    y1 = [line for line in out.getvalue().splitlines() if "Y1" in line]
    assert y1 and "自然人" in y1[0]


def test_many_files_are_checked_in_parallel_with_the_same_results(tmp_path):
    from gkassist import checking

    files = []
    for i in range(24):
        path = tmp_path / f"r{i:02d}.txt"
        text = SAMPLE.read_text(encoding="utf-8").replace("一、本年新收政府信息公开申请数量 |\n0 |", f"一、本年新收政府信息公开申请数量 |\n{i % 3} |")
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    (tmp_path / "r99.txt").write_bytes(b"\x00\x01\x02" * 50)
    files.append(str(tmp_path / "r99.txt"))
    serial = checking.check_files(files, workers=1)
    parallel = checking.check_files(files, workers=2)
    assert [(r.file, r.error, [f.message for f in r.findings]) for r in serial] == [
        (r.file, r.error, [f.message for f in r.findings]) for r in parallel
    ]
    assert sum(1 for r in parallel if r.error) == 1
    assert sum(1 for r in parallel if r.count("error")) == 24  # S1 everywhere, N2/N4 in two thirds


@pytest.mark.parametrize("total", [1, 16, 100, 5000])
def test_a_batch_is_cut_into_chunks_in_order_that_shrink_towards_its_end(total):
    from gkassist.checking import _chunks

    jobs = [(i, f"r{i}.txt") for i in range(total)]
    chunks = list(_chunks(jobs, 2))
    assert [job for chunk in chunks for job in chunk] == jobs
    sizes = [len(c) for c in chunks]
    assert max(sizes) <= 32 and sizes == sorted(sizes, reverse=True)
    assert sizes[-1] == 1  # the last report goes alone: no worker waits on a whole chunk


def test_an_internal_error_on_one_file_does_not_stop_the_run(monkeypatch, gkassist_home):
    import gkassist.importer as importer
    from gkassist import checking

    real = importer.read_report

    def flaky(path):
        if Path(path).name == "bad.txt":
            raise RuntimeError("a bug met on this file")
        return real(path)

    monkeypatch.setattr(importer, "read_report", flaky)
    folder = gkassist_home.parent / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "bad.txt")
    shutil.copy(SAMPLE, folder / "good.txt")
    results = checking.check_files(checking.expand([str(folder)]), workers=1)
    bad, good = results
    assert good.error is None and good.count("error") == 1
    logs = list((gkassist_home / "logs").glob("check-error-*.log"))
    assert len(logs) == 1 and "a bug met on this file" in logs[0].read_text(encoding="utf-8")
    assert bad.error == say("checks", "check_internal_error", where=say("checks", "check_log_written", log=logs[0]))


def test_a_bad_cell_is_named_once_by_n1_not_again_as_unreadable(consistent_text, set_row, tmp_path):
    path = tmp_path / "bad-cell.txt"
    path.write_text(set_row(consistent_text(), "2.重复申请", ["-1", 0, 0, 0, 0, 0, 0]), encoding="utf-8")
    code, text = run(str(path))
    assert code == 1
    assert text.count("「-1」") == 1 and "错误 N1" in text
    assert "unreadable" not in json.loads(run(str(path), "--json")[1])


def test_check_prints_each_result_as_it_comes_and_keeps_none(monkeypatch, tmp_path):
    # issue 14: check kept every file's result (~40 KB each) until the end: 188 MB at 4,000 files
    import gc

    from gkassist import checking

    monkeypatch.setattr(checking, "PARALLEL_FROM", 10**9)  # one process: what is alive is what is kept
    files = []
    for i in range(12):
        path = tmp_path / f"r{i:02d}.txt"
        shutil.copy(SAMPLE, path)
        files.append(str(path))
    (tmp_path / "r99.txt").write_bytes(b"\x00\x01\x02" * 50)
    files.append(str(tmp_path / "r99.txt"))

    class Watching(io.StringIO):
        most = 0

        def write(self, s: str) -> int:
            alive = sum(1 for o in gc.get_objects() if isinstance(o, checking.FileResult))
            Watching.most = max(Watching.most, alive)
            return super().write(s)

    for as_json in (False, True):
        Watching.most = 0
        out = Watching()
        code = checking.run_check(files, as_json=as_json, out=out)
        assert code == 1 and Watching.most <= 3, Watching.most
    # the streamed array is the text json.dumps gives for the whole list
    results = checking.check_files(files, workers=1)
    out = io.StringIO()
    checking.write_json(results, out)
    assert out.getvalue() == json.dumps([checking.result_json(r) for r in results], ensure_ascii=False, indent=2) + "\n"


def test_a_folder_stands_for_its_files_in_path_order_hidden_ones_and_linked_folders_left_out(tmp_path, monkeypatch):
    from gkassist import checking

    root = tmp_path / "in"
    for name in ("b/x.txt", "a-b/y.txt", "a/z.txt", "a/.hidden.txt", ".hidden/w.txt", "top.txt", "a/b/deep.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("甲", encoding="utf-8")
    (root / "a" / "linked").symlink_to(root / "b", target_is_directory=True)
    (root / "file-link.txt").symlink_to(root / "top.txt")
    expected = ["a/b/deep.txt", "a/z.txt", "a-b/y.txt", "b/x.txt", "file-link.txt", "top.txt"]
    # by path parts (a/… before a-b/…), as Path objects sort: the order the findings are printed in
    assert checking.expand([str(root)]) == [str(root / e) for e in expected]
    monkeypatch.chdir(root)
    assert checking.expand(["."]) == expected  # no 「./」 before the names, as Path prints them
    assert checking.expand(["./a/"]) == ["a/b/deep.txt", "a/z.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert checking.expand([str(empty)]) == [str(empty)]  # reported as unreadable, not skipped
