"""``gkassist suggest [--measure] TEXT [--json]``: what the assistant offers for a 五 item being written."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest

from gkassist.cli import main
from gkassist.resources import prompts_dir
from gkassist.wording import get_bank


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["suggest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_json_has_categories_and_suggestions_best_first(capsys):
    found = as_json(capsys, "信息更新不及时")
    assert set(found) == {"categories", "suggestions"}
    assert found["categories"][0] == {"id": "timeliness", "label": get_bank().category("timeliness").label,
                                      "score": found["categories"][0]["score"]}
    scores = [c["score"] for c in found["categories"]]
    assert scores == sorted(scores, reverse=True)
    assert found["suggestions"] and all(set(s) == {"category", "text", "score"} for s in found["suggestions"])
    assert [s["score"] for s in found["suggestions"]] == sorted((s["score"] for s in found["suggestions"]), reverse=True)
    texts = {p.text for p in get_bank().category("timeliness").phrasings}
    assert found["suggestions"][0]["category"] == "timeliness" and found["suggestions"][0]["text"] in texts


def test_the_issues_example_gets_the_lack_of_specialists_phrasing_first(capsys):
    found = as_json(capsys, "缺乏信息专业技术人员")
    assert found["categories"][0]["id"] == "staffing"
    assert "专业人员" in found["suggestions"][0]["text"] and "兼职" not in found["suggestions"][0]["text"]


def test_measure_and_limit(capsys):
    found = as_json(capsys, "--measure", "加强业务培训", "--limit", "1")
    assert len(found["suggestions"]) == 1 and found["suggestions"][0]["category"] == "training"
    # the same words as a problem are matched against the problem categories
    assert as_json(capsys, "培训不足")["categories"][0]["id"] == "training_gap"


def test_a_stock_opening_alone_suggests_nothing(capsys):
    for text in ("政府信息公开工作", "下一步，我局将", "2025年，"):
        assert as_json(capsys, text) == {"categories": [], "suggestions": []}, text
    code, out, _ = run(capsys, "政府信息公开的")
    assert code == 0 and "没有相近的类别" in out


def test_text_output_names_categories_and_numbers_the_phrasings(capsys):
    code, out, err = run(capsys, "解读形式单一")
    assert code == 0 and not err
    assert "政策解读（interpretation_gap）" in out and "\n  1. [政策解读" in out


def test_several_words_and_standard_input(capsys, monkeypatch):
    assert as_json(capsys, "人员", "兼职")["categories"][0]["id"] == "staffing"
    monkeypatch.setattr(sys, "stdin", io.StringIO("栏目长期不更新\n"))
    assert as_json(capsys, "-")["categories"][0]["id"] == "timeliness"


@pytest.mark.parametrize(("args", "says"), [
    (["  "], "没有给出要查找的文字"),
    (["培训", "--limit", "0"], "--limit 应是大于 0 的整数"),
    (["培训", "--bank", "/no/such/folder"], "找不到措辞库文件夹"),
])
def test_bad_input_gets_a_chinese_message_and_no_traceback(capsys, args, says):
    code, out, err = run(capsys, *args)
    assert code != 0 and says in err and "Traceback" not in out + err


def test_missing_text_is_a_usage_error_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["suggest"])
    assert exit_.value.code == 2
    assert "缺少必需的参数" in capsys.readouterr().err


def test_a_bank_being_edited_can_be_tried(capsys, tmp_path):
    folder = tmp_path / "wording"
    shutil.copytree(prompts_dir() / "wording", folder)
    path = folder / "problems.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("keywords: [宣传力度不够,", "keywords: [喇叭, 宣传力度不够,", 1),
                    encoding="utf-8")
    assert as_json(capsys, "--bank", str(folder), "喇叭")["categories"][0]["id"] == "publicity_gap"
    assert as_json(capsys, "喇叭")["categories"] == []  # the installed bank is untouched
    path.write_text("categories: [", encoding="utf-8")
    code, _, err = run(capsys, "--bank", str(folder), "喇叭")
    assert code != 0 and "措辞库有误" in err and "problems.yaml" in err


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["suggest", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：gkassist suggest") and "--measure" in out and "改进措施" in out


@pytest.mark.slow  # a real process
def test_the_installed_command(gkassist_home):
    proc = subprocess.run([sys.executable, "-m", "gkassist", "suggest", "--json", "人员兼职"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["categories"][0]["id"] == "staffing"
