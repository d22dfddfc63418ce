"""Every phrasing of the wording bank, accepted with plausible values, keeps a consistent report clean.

An officer who accepts a phrasing and fills its slots with what their agency has (tests/data/
slot_values.yaml; slots the bank maps to table numbers get the tables' numbers, as the assistant
fills them) must not get a finding for it: no T3 because the phrasing restates a table total with
the officer's own number, no T7 because a measure reads as done, no T9/T10, no W7, and no T4
because the first measure the bank offers for a problem does not answer it. The report around it
is consistent (tables balanced and non-zero), once without and once with corrected reviews and
refusals, so that the phrasings that quote those numbers are offered too; a phrasing only true when
the tables are empty (``only_when``) is tried in the sample, whose tables are.
"""

from __future__ import annotations

import pytest

from gkassist import engine
from gkassist.wording import assemble_section5, fill, get_bank, measure_suggestions, prefill
from gkassist.wording.bank import offered

BANK = get_bank()
YEAR = 2025

# what a small agency writes: short names and other numbers than the sample agency's, so that a
# phrasing which restates a table total is caught whatever words come before the number
TERSE = {
    "栏目名": "公告", "平台名": "网站", "信息类别": "低保", "业务领域": "民政", "科室": "办公室", "事项": "救助",
    "文件名": "《要点》", "制度名称": "《审核办法》", "审核制度": "三审", "机关名称": "县民政局", "单位名称": "县数据局",
    "会议名称": "党组会", "考核名称": "年度考核", "考评名称": "第三方评估", "地点": "大厅", "职务": "局长", "环节": "审签",
    "人员类别": "科室负责人", "群体": "村民", "专业背景": "法律", "申请类型": "复杂申请", "审核人": "法律顾问",
    "理由": "过程性信息", "解读形式": "图解", "宣传形式": "讲座", "学习形式": "集中学习", "创新举措": "扫码查询",
    "品牌名称": "政策通", "技术手段": "智能检索", "问题表现": "要素不全", "数量": "15", "人数": "3", "次数": "2",
    "天数": "7", "年数": "3", "分值": "2", "比例": "30%", "文件件数": "9", "解读件数": "4", "采用数": "3",
    "征集数": "2", "不掌握件数": "5", "时间": "年底前", "周期": "每月", "时长": "半个月",
}


def _with_corrections_and_refusals(answers: dict) -> dict:
    out = dict(answers)
    # 自然人: one more application, refused as 过程性信息; one review corrected
    out.update({"requests.new.natural": answers["requests.new.natural"] + 1, "requests.denied.process.natural": 1,
                "review.corrected": 1})
    return out


@pytest.fixture(scope="module")
def reports(consistent_answers, sample_answers) -> dict[str, dict]:
    base = {**consistent_answers(), "meta.year": YEAR}
    # and the sample itself: no application, no case, nothing issued (the phrasings only true then)
    return {"plain": base, "corrections": _with_corrections_and_refusals(base),
            "none": {**sample_answers(), "meta.year": YEAR}}


def _codes(answers: dict) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((f.code, f.fields) for f in engine.check(answers) if f.kind != "suggestion")


def _accepted(reports: dict, variant: str, key: str, slot_values: dict) -> tuple[dict, str]:
    """The report, and the phrasing as an officer accepts it there (table numbers by the assistant,
    the other slots by the officer); skipped where the bank does not offer it."""
    answers = reports[variant]
    phrasing = BANK.phrasing(key)
    if not offered(phrasing, answers):
        pytest.skip("its table number is 0 in this report: the bank does not offer it")
    return answers, fill(prefill(phrasing, answers), slot_values)


def _section5(answers: dict, problems: list[str], measures: list[str]) -> dict:
    s = assemble_section5(problems, measures, agency=answers.get("meta.agency"), year=YEAR)
    assert not s.unfilled, s.unfilled
    return {**answers, **s.answers()}


@pytest.mark.parametrize("variant", ["plain", "corrections"])
def test_the_reports_are_consistent(reports, variant):
    found = {code for code, _ in _codes(reports[variant])}
    assert not found & {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "T3", "T4"}, found


@pytest.fixture(params=["sample agency", "terse"])
def values(request, slot_values) -> dict:
    return slot_values if request.param == "sample agency" else TERSE


def test_every_slot_has_a_terse_value(slot_values):
    assert set(TERSE) == set(slot_values)


def _cases(kind: str) -> list[tuple[str, str]]:
    """Every phrasing in the plain report; those with table numbers (and the problems whose offered
    measures may have them) also in the report where those numbers are not 0."""
    out = [("plain", p.key) for p in BANK.phrasings(kind)]
    for p in BANK.phrasings(kind):
        links = BANK.category(p.category).measures if kind == "problem" else ()
        if p.data or any(q.data for m in links for q in BANK.category(m).phrasings):
            out.append(("corrections", p.key))
        if p.only_when:
            out.append(("none", p.key))
    return out


@pytest.mark.parametrize(("variant", "key"), _cases("problem"))
def test_a_problem_phrasing_and_the_first_measure_offered_for_it_fire_nothing(reports, variant, key, values):
    answers, problem = _accepted(reports, variant, key, values)
    offers = measure_suggestions(BANK.phrasing(key).category, limit=1, answers=answers, problem=problem)
    assert offers, f"{key}: no measure offered"
    measure = fill(offers[0].text, values)
    written = _section5(answers, [problem], [measure])
    before = {code for code, _ in _codes({**answers, "problems": "", "measures": ""})} - {"T4"}
    after = {code for code, _ in _codes(written)}
    assert after <= before, (key, offers[0].key, after - before, problem, measure)


@pytest.mark.parametrize(("variant", "key"), _cases("measure"))
def test_a_measure_phrasing_added_to_the_sample_fires_nothing(reports, variant, key, values):
    answers, measure = _accepted(reports, variant, key, values)
    problems = ["信息质量有待提升，部分公开信息的准确性、完整性和时效性不足",
                "信息公开工作人员的业务水平参差不齐，在信息筛选、编辑等环节把关不够严"]
    measures = ["对拟公开的信息实行多环节审核，严格把关，切实提高公开信息的质量",
                "组织开展业务培训，提升工作人员的业务能力", measure]
    before = set(_codes(_section5(answers, problems, measures[:2])))
    after = set(_codes(_section5(answers, problems, measures)))
    assert after <= before, (key, after - before, measure)


def test_every_phrasing_is_tried_where_the_bank_offers_it(reports):
    for kind in ("problem", "measure"):
        for p in BANK.phrasings(kind):
            assert any(offered(p, reports[v]) for v, key in _cases(kind) if key == p.key), p.key


def test_every_data_phrasing_is_tried_with_its_numbers(reports):
    # the corrections report gives every table number a data slot names a non-zero value
    with_data = [p for p in BANK.phrasings() if p.data]
    assert with_data
    assert [p.key for p in with_data if offered(p, reports["corrections"])] == [p.key for p in with_data]
