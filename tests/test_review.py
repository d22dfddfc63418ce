"""A reviewer's batch (issue 17 items 2–6): this year's folder against last year's, the one-page
HTML overview, the workbook, passages shared between agencies (C1), the progress bar, and an
interrupted batch that still writes what it checked."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from gkassist import checking
from gkassist.checking import Progress, run_check
from gkassist.render import render
from gkassist.review.pairing import Known, PreviousIndex, agency_key, same_agency

SHARED = ("我局政府信息公开专栏建设仍不完善，栏目设置不够科学合理，部分信息更新不够及时，群众查找不便。"
          "政务公开工作人员业务能力有待加强，对《条例》的理解和把握还不够深入，答复文书不够规范。")
OWN = {
    "甲": "本年度依申请公开答复期限把握不严，个别申请临近法定期限才予答复，亟需改进内部流转。",
    "乙": "财政预决算信息公开的细化程度不够，部分项目支出说明过于简略，社会公众难以读懂。",
    "丙": "交通建设项目信息公开不够全面，招投标和施工进展信息更新滞后于工程实际进度。",
    "丁": "民政救助信息公开的覆盖面不足，低保对象公示信息未能按月更新，存在遗漏情形。",
}


def _report(base: dict, agency: str, year: int, *, carried: int = 0, carry_over: int = 0, in_force: int = 5,
            problems: str, intro: str) -> dict:
    a = dict(base)
    a.update({"meta.agency": agency, "meta.year": year, "problems": problems, "overview.intro": intro,
              "requests.new.natural": 3, "requests.carried.natural": carried,
              "requests.carry_over.natural": carry_over, "requests.granted.natural": 3 + carried - carry_over,
              "active.normative.issued": 1, "active.normative.repealed": 0, "active.normative.in_force": in_force})
    for fid in ("overview.proactive", "overview.on_request", "overview.management", "overview.platform",
                "overview.oversight", "measures", "rectification", "other_matters"):
        a.pop(fid, None)  # the sample's own paragraphs would be shared by every report made from it
    return a


@pytest.fixture
def folders(tmp_path, sample_answers) -> tuple[Path, Path]:
    """This year (甲 full name, 乙 and 丙 sharing two sentences of 五, 丙 without last year) and
    last year (甲 under its short name, 乙, and 丁 who did not report this year)."""
    base = sample_answers()
    this, last = tmp_path / "2024", tmp_path / "2023"
    this.mkdir()
    last.mkdir()
    own = OWN
    (this / "甲.html").write_text(render(_report(base, "示范市甲区人民政府", 2024, carried=2, in_force=9,
                                                 problems=own["甲"], intro=f"甲区{OWN['甲']}"), "html"), encoding="utf-8")
    (this / "乙.txt").write_text(render(_report(base, "示范市乙区财政局", 2024, carried=1, in_force=6,
                                                problems=SHARED + own["乙"], intro=f"乙区{OWN['乙']}"), "txt"), encoding="utf-8")
    (this / "丙.txt").write_text(render(_report(base, "示范市丙县交通运输局", 2024, problems=SHARED.replace("我局", "本局") + own["丙"],
                                                intro=f"丙县{OWN['丙']}"), "txt"), encoding="utf-8")
    (last / "a.txt").write_text(render(_report(base, "甲区政府", 2023, carry_over=1, in_force=5,
                                               problems=own["甲"] + "去年甲区的问题是公开不及时。", intro="甲区去年的概述，内容与今年不同。"),
                                       "txt"), encoding="utf-8")
    (last / "b.html").write_text(render(_report(base, "示范市 乙区财政局", 2023, carry_over=1, in_force=5,
                                                problems=own["乙"] + "去年乙区的问题是解读不足。", intro="乙区去年的概述，内容与今年不同。"),
                                        "html"), encoding="utf-8")
    (last / "d.txt").write_text(render(_report(base, "示范市丁区民政局", 2023, problems=own["丁"],
                                               intro="丁区去年的概述。"), "txt"), encoding="utf-8")
    return this, last


def _json(*args: str, **kw) -> tuple[int, list]:
    out = io.StringIO()
    code = run_check(list(args), as_json=True, out=out, progress=False, **kw)
    return code, json.loads(out.getvalue())


# --- pairing ------------------------------------------------------------------------------------------


def test_agency_names_are_compared_as_organs():
    assert same_agency("示范市甲区人民政府", "甲区政府")
    assert same_agency("示范市 乙区财政局", "示范市乙区财政局")
    assert not same_agency("示范市乙区财政局", "财政局")
    assert agency_key("某县人民政府办公室") == agency_key("某县政府办")


def test_the_index_prefers_the_year_before_and_refuses_two_organs():
    index = PreviousIndex()
    for known in (Known("a22", "示范市甲区人民政府", 2022), Known("a23", "甲区政府", 2023),
                  Known("x", "示范市乙区财政局", 2023), Known("y", "示范市丙区财政局", 2023)):
        index.add(known)
    assert index.find("示范市甲区人民政府", 2024).file == "a23"
    assert index.find("甲区人民政府", 2023).file == "a22"
    assert index.find("示范市乙区财政局", 2024).file == "x"
    assert index.find("区财政局", 2024) is None  # two organs would fit: unpaired, never the wrong one
    assert index.find("示范市丁区民政局", 2024) is None


def test_a_folder_against_last_years_folder_gives_the_y_findings_of_each_pair(folders):
    this, last = folders
    code, data = _json(str(this), previous=str(last))
    files, folder = data[:-1], data[-1]
    by_name = {Path(d["file"]).name: d for d in files}
    assert {n: Path(d.get("previous", "")).name for n, d in by_name.items()} == {"甲.html": "a.txt", "乙.txt": "b.html",
                                                                                 "丙.txt": ""}
    y = {n: sorted((f["code"], tuple(f["fields"])) for f in d["findings"] if f["code"].startswith("Y"))
         for n, d in by_name.items()}
    # 甲: carried 2 against last year's 1 carried over (Y1), in force 9 against 5 + 1 − 0 (Y2)
    assert ("Y1", ("requests.carried.natural",)) in [(c, f[:1]) for c, f in y["甲.html"]]
    assert [c for c, _ in y["甲.html"]].count("Y2") == 1
    # 乙: carried 1 = last year's 1; in force 6 = 5 + 1: nothing to say
    assert not any(c in ("Y1", "Y2", "Y0") for c, _ in y["乙.txt"])
    assert y["丙.txt"] == []  # unpaired: no Y finding, listed as such
    assert folder["kind"] == "folder"
    assert [Path(f).name for f in folder["unpaired"]] == ["丙.txt"]
    assert [Path(f).name for f in folder["orphans"]] == ["d.txt"]
    assert code == 0


def test_text_output_lists_the_pairing(folders):
    this, last = folders
    out = io.StringIO()
    run_check([str(this)], previous=str(last), out=out, progress=False)
    text = out.getvalue()
    assert "丙.txt" in text.split("■")[-1] and "d.txt" in text.split("■")[-1]


# --- C1: shared passages --------------------------------------------------------------------------


def test_passages_shared_between_agencies_are_reported_with_both_files(folders):
    this, _ = folders
    _, data = _json(str(this))
    copies = data[-1]["copies"]
    assert [sorted((Path(c["file"]).name, Path(c["other_file"]).name)) for c in copies] == [["丙.txt", "乙.txt"]]
    sentences = [s["sentence"] for s in copies[0]["sentences"]]
    assert len(sentences) == 2 and all(s.replace("本局", "我局") in SHARED for s in sentences)  # 丙 changed 我局


def test_stock_wording_and_one_agencys_own_files_are_no_copies(tmp_path, sample_answers):
    """The same report filed twice by one agency, and the sample's sentences every report of a
    big folder prints, are not 「与其他单位雷同」."""
    base = sample_answers()
    for k in range(2):  # one agency, two files
        (tmp_path / f"same{k}.txt").write_text(render(_report(base, "示范市甲区人民政府", 2024, problems=SHARED,
                                                             intro=OWN["甲"]), "txt"), encoding="utf-8")
    for k, name in enumerate("乙丙丁戊己庚"):  # six agencies printing the same stock paragraph
        (tmp_path / f"r{k}.txt").write_text(render(_report(base, f"示范市{name}区民政局", 2024, problems=SHARED,
                                                          intro=f"{name}区{k}的概述{'，' * k}各不相同，第{k}份。"), "txt"),
                                           encoding="utf-8")
    _, data = _json(str(tmp_path))
    assert len(data) == 8 and not any(d.get("copies") for d in data)


# --- the page -----------------------------------------------------------------------------------------


def test_the_html_page_is_self_contained_and_its_counts_and_links_hold(folders, tmp_path):
    this, last = folders
    page = tmp_path / "out" / "汇总.html"
    code, data = _json(str(this), previous=str(last), html=str(page))
    files = data[:-1]
    root = lxml_html.parse(str(page)).getroot()
    # no network: nothing fetched from elsewhere, no link leaving the page
    for el in root.iter():
        for attr in ("src", "href", "xlink:href", "action", "data"):
            value = el.get(attr) or ""
            assert not value or value.startswith("#"), (el.tag, attr, value)
    assert "url(" not in "".join(s.text or "" for s in root.iter("style"))
    assert "http" not in lxml_html.tostring(root, encoding="unicode").replace("http://www.w3.org/2000/svg", "")
    # every internal link lands on an element of the page
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    links = [a.get("href")[1:] for a in root.iter("a")]
    assert links and all(link in ids for link in links)
    # the counts are those of the check
    assert int(root.get_element_by_id("count-reports").text) == len(files)
    for sev in ("error", "warning", "hint"):
        assert int(root.get_element_by_id(f"count-{sev}").text) == sum(d["summary"][sev] for d in files)
    codes = {row.findtext("td[1]"): sum(int(td.text) for td in row.findall("td[@data-sev]"))
             for row in root.get_element_by_id("code-table").findall("tr")[1:]}
    expected: dict[str, int] = {}
    for d in files:
        for f in d["findings"]:
            if f["kind"] == "finding":
                expected[f["code"]] = expected.get(f["code"], 0) + 1
    assert codes == expected
    # the charts are inline SVG: a bar per code and severity, whose sizes follow the counts
    svg = "{http://www.w3.org/2000/svg}"
    charts = [el for el in root.iter() if el.tag in ("svg", f"{svg}svg")]
    assert len(charts) == 2
    bars = [r for r in charts[0].iter() if r.tag in ("rect", f"{svg}rect")]
    by_sev = {(f["code"], f["severity"]) for d in files for f in d["findings"] if f["kind"] == "finding"}
    assert len(bars) == len(by_sev)
    widths: dict[str, float] = {}
    for b in bars:
        rule = b.findtext("title").split()[0]
        widths[rule] = widths.get(rule, 0.0) + float(b.get("width"))
    top = max(expected, key=expected.get)
    assert widths[top] == max(widths.values())
    # printable on A4
    assert "@page { size: A4" in "".join(s.text or "" for s in root.iter("style"))
    # each finding of a table cell links to that cell, shown with what the report printed
    y1 = next(f for d in files for f in d["findings"] if f["code"] == "Y1")
    index = [Path(d["file"]).name for d in files].index("甲.html")
    cell = root.get_element_by_id(f"r{index}-{y1['fields'][0]}")
    assert cell.text_content().split()[-1] == "2" and "hit" in cell.get("class")
    assert any(a.get("href") == f"#r{index}-{y1['fields'][0]}" for a in root.iter("a"))
    # the ranking lists every report; C1 names both reports
    assert len(root.get_element_by_id("ranking-table").findall("tr")) == len(files) + 1
    assert root.get_element_by_id("sum-received").text == str(sum(3 for _ in files))
    copy = root.get_element_by_id("c1")
    assert {a.get("href") for a in copy.iter("a")} == {f"#r{i}" for i, d in enumerate(files)
                                                      if Path(d["file"]).name in ("乙.txt", "丙.txt")}
    assert code == 0


def test_user_text_is_escaped_in_the_page(tmp_path, sample_answers, hostile_text):
    a = sample_answers()
    a["meta.agency"] = "<script>alert(1)</script>示范局"
    a["problems"] = hostile_text
    for k in range(2):
        (tmp_path / f"r{k}.html").write_text(render(a, "html"), encoding="utf-8")
    page = tmp_path / "p.html"
    run_check([str(tmp_path / "r0.html"), str(tmp_path / "r1.html")], out=io.StringIO(), html=str(page), progress=False)
    root = lxml_html.parse(str(page)).getroot()
    assert not list(root.iter("script"))


def test_agencies_far_from_their_peers_are_marked(tmp_path):
    from gkassist.review.page import far_from_peers
    from gkassist.review.summary import Figures, Summary

    def summary(i: int, received: int) -> Summary:
        fig = Figures(received, received, (received, 0, 0, 0, 0, 0), 0, 0, 0, 0)
        return Summary(i, f"r{i}", f"机关{i}", 2024, 0, 0, 0, False, fig)

    marked, stats = far_from_peers([summary(i, 10 + i % 3) for i in range(12)] + [summary(99, 400)])
    assert [(m.index, m.metric, m.direction) for m in marked if m.metric == "received"] == [(99, "received", "high")]
    assert stats["received"]["n"] == 13


# --- the workbook -------------------------------------------------------------------------------------


def test_the_workbook_has_a_row_per_finding_and_the_tables_per_report(folders, tmp_path):
    from openpyxl import load_workbook

    this, last = folders
    path = tmp_path / "out.xlsx"
    _, data = _json(str(this), previous=str(last), xlsx=str(path))
    files, folder = data[:-1], data[-1]
    book = load_workbook(path, read_only=True)
    rows = list(book["问题"].iter_rows(values_only=True))
    assert rows[0] == ("文件", "机关", "年度", "部分", "规则", "严重程度", "涉及栏目", "问题")
    findings = [r for r in rows[1:] if r[4] != "C1"]
    assert len(findings) == sum(len(d["findings"]) for d in files)
    assert sorted((r[0], r[4], r[7]) for r in findings) == sorted(
        (Path(d["file"]).name, f["code"], f["message"]) for d in files for f in d["findings"])
    assert sorted(r[0] for r in rows[1:] if r[4] == "C1") == sorted(["乙.txt", "丙.txt"])
    assert len(folder["copies"]) == 1
    numbers = list(book["表格数字"].iter_rows(values_only=True))
    header = numbers[0]
    from gkassist.form import FORM

    col = header.index("表三·" + FORM.field("requests.carried.natural").label)
    assert {r[0]: r[col] for r in numbers[1:]} == {"甲.html": 2, "乙.txt": 1, "丙.txt": 0}
    ids = [r[0] for r in list(book["栏目"].iter_rows(values_only=True))[1:]]
    assert len(ids) == len(header) - 3 and "requests.new.total" in ids
    pairing = list(book["上年配对"].iter_rows(values_only=True))
    assert len(pairing) == 1 + 3 + 1  # header, this year's three, last year's 丁
    assert pairing[0] == ("文件", "机关", "年度", "上年报告", "说明")
    orphan = pairing[-1]
    assert orphan[0] is None and orphan[3] and "本年文件夹里没有" in orphan[4]
    assert all(r[0] and (r[3] is not None) == (r[4] == "已配对") for r in pairing[1:-1])


# --- progress and Ctrl+C ---------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(3, "检查", stream=stream)
        for _ in range(3):
            bar.step()
        bar.close()
    assert "3/3" in tty.getvalue() and pipe.getvalue() == ""


@pytest.mark.parametrize("as_json", [False, True])
def test_an_interrupted_batch_still_writes_what_it_checked(folders, tmp_path, monkeypatch, as_json):
    this, _ = folders
    real = checking.iter_outcomes

    def interrupted(*args, **kw):
        for k, outcome in enumerate(real(*args, **kw)):
            if k == 2:
                raise KeyboardInterrupt
            yield outcome

    monkeypatch.setattr(checking, "iter_outcomes", interrupted)
    out, page, book = io.StringIO(), tmp_path / "p.html", tmp_path / "b.xlsx"
    code = run_check([str(this)], as_json=as_json, out=out, html=str(page), xlsx=str(book), progress=False)
    assert code == checking.EXIT_INTERRUPTED
    if as_json:
        data = json.loads(out.getvalue())
        assert len([d for d in data if "file" in d]) == 2 and data[-1]["interrupted"] == {"checked": 2, "files": 3}
    else:
        assert out.getvalue().count("■") >= 2
    root = lxml_html.parse(str(page)).getroot()
    assert int(root.get_element_by_id("count-reports").text) == 2
    from openpyxl import load_workbook

    assert len(list(load_workbook(book, read_only=True)["表格数字"].iter_rows())) == 3


def test_json_of_one_file_keeps_its_shape(sample_report):
    _, data = _json(str(sample_report))
    assert set(data) <= {"file", "agency", "year", "findings", "summary", "error", "unreadable", "unanswered"}


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("os"), "killpg"), reason="process groups and SIGINT are POSIX")
def test_ctrl_c_in_a_terminal_stops_the_workers_and_writes_what_was_checked(tmp_path, sample_report):
    """A real Ctrl+C: SIGINT to the whole process group (as a terminal sends it) while worker
    processes check a big folder: exit 130, no traceback, the text so far and the page written."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from lxml import html as lxml_html

    folder = tmp_path / "reports"
    folder.mkdir()
    data = sample_report.read_bytes()
    for k in range(3000):
        (folder / f"{k:04d}.txt").write_bytes(data)
    out, page = tmp_path / "out.txt", tmp_path / "p.html"
    env = {**os.environ, "GKASSIST_HOME": str(tmp_path / "home")}
    with open(out, "wb") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "gkassist", "check", str(folder), "--html", str(page)],
                                stdout=stdout, stderr=subprocess.PIPE, env=env, start_new_session=True,
                                # as in a terminal: a shell's background job (a CI step) would pass
                                # SIGINT on ignored, and Python then never raises KeyboardInterrupt
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 120
        while out.read_text(encoding="utf-8").count("■") < 20 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    text = out.read_text(encoding="utf-8")
    assert proc.returncode == checking.EXIT_INTERRUPTED, err.decode()
    assert "Traceback" not in err.decode()
    checked = text.count("■")
    assert 20 <= checked < 3000
    assert f"已检查 {checked} 份" in text.splitlines()[-1]
    root = lxml_html.parse(str(page)).getroot()
    assert int(root.get_element_by_id("count-reports").text) == checked


def test_a_workers_packed_sentences_are_what_the_index_reads_back():
    from array import array

    from gkassist.review.copies import CopyIndex, pack, sentences_of

    text = "本机关全年主动公开政府信息326条，其中政策文件12件、政策解读8篇。依申请公开工作依法有序开展，答复均在法定期限内完成。"
    sentences = sentences_of({"overview.intro": text}, "示范市示范局")
    assert len(sentences) == 2 and pack([]) is None
    # a lone surrogate (a file decoded with its undecodable bytes kept) cannot be written as UTF-8
    odd = [("坏\udc80字节的一句话", "坏字节的一句话", 7, [8, 9]), *sentences]
    index = CopyIndex()
    index.add(3, "甲.txt", "甲局", pack(sentences))
    index.add(4, "乙.txt", None, pack(odd))
    index.add(5, "丙.txt", "丙局", None)
    assert index._sentences(3) == [(s, f) for s, f, _, _ in sentences]
    assert index._sentences(4) == [(s, f) for s, f, _, _ in odd]
    flat = [x for _, _, h, clauses in sentences for x in (h, *clauses)]
    assert index._hashes == array("Q", flat + [7, 8, 9] + flat)
    assert list(index._owners) == [3] * len(flat) + [4] * (3 + len(flat))
    index.close()
