"""``gkassist check`` on sessions: text and JSON output, exit codes, --previous, unreadable files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gkassist.checking import run_check
from gkassist.findings import severity_labels
from gkassist.form import FORM
from gkassist.phrases import say
from gkassist.session import SessionStore


def unbalanced(sample: dict) -> dict:
    """The sample agency, 自然人 column out of balance by one (the brief's N4 example)."""
    return {**sample, "requests.new.natural": 3, "requests.carried.natural": 1,
            "requests.granted.natural": 2, "requests.carry_over.natural": 1}


def make_session(answers: dict, previous: dict | None = None) -> tuple[str, Path]:
    session = SessionStore().create(answers, previous=previous)
    try:
        return session.id, session.path
    finally:
        session.close()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkassist", "check", *args],
                          capture_output=True, text=True, check=False)


def run(*files: str, previous: str | None = None, as_json: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_check(list(files), previous=previous, as_json=as_json, out=out)
    return code, out.getvalue()


@pytest.mark.slow  # a real process
def test_a_new_user_with_a_balance_error_sees_the_column_both_sides_and_what_to_do(sample_answers, gkassist_home):
    sid, _ = make_session(unbalanced(sample_answers()))
    proc = cli(sid)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    out = proc.stdout
    assert "三、收到和处理政府信息公开申请情况\n    错误 N4  表三「自然人」列" in out
    assert "第一项 3 + 第二项 1 = 4" in out and "第三项（七）总计 2 + 第四项 1 = 3" in out
    assert "两边相差 1。请核对办理结果和结转下年度的件数。" in out
    assert "小结" in out and "错误 1 项" in out


def test_the_sample_session_checks_without_errors(sample_session):
    code, out = run(str(sample_session))
    assert code == 0
    assert out.startswith("■ 怀化市洪江区科技和工业信息化局 2024 年度")
    assert "错误 0 项，警告 1 项，提示 1 项" in out
    # sections in report order: 一 before 五
    assert out.index("一、总体情况") < out.index("五、存在的主要问题及改进情况")


def test_json_output_has_the_design_shape(sample_answers, gkassist_home):
    _, path = make_session(unbalanced(sample_answers()))
    code, out = run(str(path), as_json=True)
    data = json.loads(out)
    assert code == 1
    assert {"file", "agency", "year", "findings", "summary"} <= set(data)
    assert data["agency"] == "怀化市洪江区科技和工业信息化局" and data["year"] == 2024
    assert data["summary"] == {"error": 1, "warning": 1, "hint": 1}
    n4 = [f for f in data["findings"] if f["code"] == "N4"][0]
    assert {"code", "severity", "fields", "message"} <= set(n4)
    assert n4["severity"] == "error" and n4["fields"][0] == "requests.new.natural"
    assert n4["numbers"]["diff"] == 1


def test_several_files_give_an_array_and_a_total(sample_answers, sample_session, gkassist_home):
    _, bad = make_session(unbalanced(sample_answers()))
    code, out = run(str(sample_session), str(bad), as_json=True)
    assert code == 1 and [d["summary"]["error"] for d in json.loads(out)] == [0, 1]
    code, out = run(str(sample_session), str(bad))
    labels = severity_labels()
    totals = say("checks", "comma").join(
        say("checks", "check_count", label=labels[s], n=n) for s, n in (("error", 1), ("warning", 2), ("hint", 2)))
    total = say("checks", "check_total", files=2, with_errors=1, unreadable=0, totals=totals)
    assert out.strip().splitlines()[-1] == total


def test_previous_year_session_feeds_y1(consistent_answers, gkassist_home):
    _, last_year = make_session({**consistent_answers(), "meta.year": 2023, "requests.carry_over.natural": 2})
    _, this_year = make_session(consistent_answers())
    code, out = run(str(this_year), previous=str(last_year))
    assert "警告 Y1  表三「自然人」列：本年「二、上年结转政府信息公开申请数量」填1件" in out
    assert "上年报告「四、结转下年度继续办理」为2件" in out
    # a session that carries last year itself needs no --previous
    _, carried = make_session(consistent_answers(), previous={**consistent_answers(), "requests.carry_over.natural": 2})
    assert "Y1" in run(str(carried))[1]


def _pair(this_year: dict, last_year: dict) -> list[dict]:
    """The Y findings of ``check this_year --previous last_year`` (both sessions), as JSON."""
    _, this_path = make_session(this_year)
    _, last_path = make_session(last_year)
    _, out = run(str(this_path), previous=str(last_path), as_json=True)
    return [f for f in json.loads(out)["findings"] if f["code"].startswith("Y")]


def test_previous_of_another_agency_gives_one_warning_and_no_comparison(consistent_answers, gkassist_home):
    last_year = {**consistent_answers(), "meta.year": 2023, "meta.agency": "怀化市洪江区财政局",
                 "requests.carry_over.natural": 2}
    found = _pair(consistent_answers(), last_year)
    assert [(f["code"], f["severity"]) for f in found] == [("Y0", "warning")]
    assert "怀化市洪江区财政局" in found[0]["message"]


def test_previous_two_years_older_gives_one_warning_and_no_comparison(consistent_answers, gkassist_home):
    last_year = {**consistent_answers(), "meta.year": 2022, "requests.carry_over.natural": 2}
    found = _pair(consistent_answers(), last_year)
    assert [f["code"] for f in found] == ["Y0"] and "2022" in found[0]["message"]


def test_previous_without_agency_or_year_is_not_compared(consistent_answers, gkassist_home):
    last_year = {k: v for k, v in consistent_answers().items() if k != "meta.year"}
    assert [f["code"] for f in _pair(consistent_answers(), {**last_year, "requests.carry_over.natural": 2})] == ["Y0"]


def test_previous_of_the_same_agency_under_a_shorter_name_is_compared(consistent_answers, gkassist_home):
    this_year = consistent_answers()
    assert this_year["meta.agency"].startswith("怀化市")
    last_year = {**this_year, "meta.year": this_year["meta.year"] - 1,
                 "meta.agency": "洪江区 科技和工业信息化局", "requests.carry_over.natural": 2}
    found = {f["code"] for f in _pair(this_year, last_year)}
    assert "Y1" in found and "Y0" not in found


def test_same_agency_folds_names_but_a_bare_bureau_name_is_not_enough():
    from gkassist.checking import same_agency

    assert same_agency("怀化市洪江区科技和工业信息化局", "洪江区科技和工业信息化局")
    assert same_agency("上海市人民政府办公厅", "上海市人民政府 办公厅")
    assert not same_agency("蠡县财政局", "财政局")
    assert not same_agency("蠡县审计局", "蠡县财政局")


@pytest.mark.slow  # a real process
def test_unreadable_files_are_reported_and_the_rest_checked(sample_session, tmp_path):
    broken = tmp_path / "坏.json"
    broken.write_text("{not json", encoding="utf-8")
    code, out = run(str(broken), str(sample_session), str(tmp_path / "没有这个文件.json"), as_json=True)
    assert code == 2  # nothing else had errors
    data = json.loads(out)
    assert [("error" in d) for d in data] == [True, False, True] and data[1]["agency"].startswith("怀化市洪江区")
    proc = cli(str(broken))
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.slow  # a real process
def test_a_session_id_that_does_not_exist(gkassist_home):
    proc = cli("zzzzzzzz")
    assert proc.returncode == 2
    assert "找不到编号为" in proc.stdout and "Traceback" not in proc.stderr


def test_a_draft_session_says_what_is_still_unanswered(sample_answers, gkassist_home):
    draft = {k: v for k, v in sample_answers().items() if not k.startswith(("active.", "review.", "litigation"))}
    sid, _ = make_session(draft)
    code, out = run(sid)
    assert code == 0
    sections = [say("checks", "check_unanswered_section", section=FORM.section(s).heading, n=n)
                for s, n in (("active", 10), ("review", 12))]
    what = say("checks", "check_unanswered", n=22, sections=say("checks", "comma").join(sections))
    assert say("checks", "check_not_answered", what=what) in out
    code, out = run(sid, as_json=True)
    unanswered = json.loads(out)["unanswered"]
    assert len(unanswered) == 22 and "active.fees" in unanswered and "review.upheld" in unanswered


def test_a_complete_session_lists_nothing_unanswered(sample_session):
    assert "unanswered" not in json.loads(run(str(sample_session), as_json=True)[1])
