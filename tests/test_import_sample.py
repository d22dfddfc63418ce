"""The real sample report (a district bureau's 2024 report, scraped from its web page) imports
completely, and gkassist's own txt rendering imports back to the same answers."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gkassist.form import FORM
from gkassist.importer import read_report, read_report_text
from gkassist.render import render

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
SESSION = FIXTURES / "hongjiang-2024.session.json"


@pytest.fixture(scope="module")
def sample():
    return read_report(SAMPLE)


def _session_answers() -> dict:
    from gkassist.answers import from_json

    raw = json.loads(SESSION.read_text(encoding="utf-8"))["answers"]
    return {fid: from_json(fid, value) for fid, value in raw.items()}


def test_every_table_cell_is_read(sample):
    for table, count in (("active", 10), ("requests", 175), ("review", 15)):
        ids = FORM.table_field_ids(table)
        assert len(ids) == count
        missing = [fid for fid in ids if fid not in sample.answers]
        assert missing == [], f"{table}: {missing[:5]}"
    # the sample is all zeros; typed values, the fee exact
    assert sample.answers["requests.new.natural"] == 0
    assert isinstance(sample.answers["requests.new.natural"], int)
    assert sample.answers["active.fees"] == Decimal("0")
    assert isinstance(sample.answers["active.fees"], Decimal)
    assert sample.notes == {"meta.agency_kind": "按机关名称推断，请核对", "meta.level": "按机关名称推断，请核对"}
    assert sample.unreadable == []
    assert not sample.failed


def test_agency_year_and_source(sample):
    assert sample.agency == "怀化市洪江区科技和工业信息化局"
    assert sample.year == 2024
    assert sample.answers["meta.agency"] == sample.agency
    assert sample.answers["meta.year"] == 2024
    assert sample.answers["meta.agency_kind"] == "department"
    assert sample.answers["meta.level"] == "county"
    assert sample.source == {"kind": "import", "file": str(SAMPLE), "format": "text-cells", "encoding": "utf-8"}


def test_all_prose_lands_in_its_field(sample):
    a = sample.answers
    assert a["meta.preamble"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert a["meta.preamble"].endswith("报告如下:")
    # the sample's sub-headings name no topic (「完善政府信息公开工作机制」): all of 一 is intro, verbatim
    intro = a["overview.intro"]
    assert intro.startswith("认真贯彻落实《条例》")
    assert "(一)完善政府信息公开工作机制\n2024年根据《进一步做好洪江区管理委员会网站" in intro
    assert intro.endswith("社会主义核心价值观等内容。")
    assert not any(fid.startswith("overview.") and fid != "overview.intro" for fid in a)
    assert a["problems"].startswith("当前,我局在信息公开工作中主要存在两方面问题。")
    assert a["problems"].endswith("整体质量与效率。")
    assert a["measures"].startswith("1. 强化信息审核发布流程")
    assert "\n2. 提升工作人员业务素养" in a["measures"]
    # 「(三)其他需要报告的事项」 under 五 is section 六's content all the same
    assert a["other_matters"].startswith("依据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》")
    assert "rectification" not in a
    # every line of the sample's prose is somewhere in the answers, untouched
    body = SAMPLE.read_text(encoding="utf-8").splitlines()
    prose = [line for line in body if "|" not in line and len(line) > 25 and not line.startswith("怀化市")]
    joined = "\n".join(str(v) for v in a.values())
    for line in prose:
        assert line in joined, line


def test_structure_facts_describe_the_sample(sample):
    facts = {f["id"]: f for f in sample.structure_facts}
    assert len(facts) == len(sample.structure_facts), "fact ids are unique"
    assert all(isinstance(f["id"], str) and f["kind"] for f in sample.structure_facts)
    other = facts["section.other"]
    assert other["present"] and other["sub"] and not other["numbered"]
    assert other["printed"] == "(三)其他需要报告的事项"
    assert other["parent"] == "五、存在的主要问题及改进情况"
    for sid in ("overview", "active", "requests", "review", "problems"):
        f = facts[f"section.{sid}"]
        assert f["present"] and f["numbered"] and f["in_order"] and f["wording_ok"], sid
    for table, cells in (("active", 10), ("requests", 175), ("review", 15)):
        f = facts[f"table.{table}"]
        assert f["present"] and not f["legacy"] and f["cells"] == cells
    assert facts["document"]["title_ok"] and not facts["document"]["cites_2019_basis"]


def test_the_sample_comes_out_with_its_real_fault_s1(sample):
    from gkassist import engine

    findings = engine.check(sample.answers, extra_facts=sample.structure_facts, notes=sample.notes)
    structural = [f for f in findings if f.code.startswith(("S", "N"))]
    assert [(f.code, f.severity) for f in structural] == [("S1", "error")]
    msg = structural[0].message
    assert "「(三)其他需要报告的事项」" in msg and "「五、存在的主要问题及改进情况」" in msg
    assert "「六、其他需要报告的事项」" in msg
    assert structural[0].section == "other"


def test_round_trip_render_txt_then_import_gives_the_same_answers():
    answers = _session_answers()
    txt = render(answers, "txt")
    back = read_report_text(txt, "round-trip.txt")
    assert back.unreadable == []
    assert back.source["format"] == "text-rows"
    for fid, value in answers.items():
        assert back.answers.get(fid) == value, fid
    # what the txt adds are the printed 总计 cells: exactly what FORM computes
    for fid, value in back.answers.items():
        if fid not in answers:
            assert FORM.is_derived(fid), fid
            assert value == FORM.value(fid, answers), fid


def test_round_trip_with_non_zero_numbers_and_every_prose_field():
    answers = _session_answers()
    for i, fid in enumerate(f for f in FORM.input_fields() if f.kind == "count"):
        answers[fid.id] = (i * 7) % 13
    answers["active.fees"] = Decimal("26.55")
    answers["overview.intro"] = "本机关认真贯彻落实《条例》。\n全年工作平稳有序。"
    answers["overview.on_request"] = "全年收到政府信息公开申请若干件。"
    answers["overview.platform"] = "门户网站专栏运行正常。"
    answers["rectification"] = "上年度指出的问题已全部整改。"
    txt = render(answers, "txt")
    back = read_report_text(txt, "round-trip.txt")
    assert back.unreadable == []
    for fid, value in answers.items():
        assert back.answers.get(fid) == value, fid
