"""The interview's flow without a screen: order, gates, shortcuts, defaults, bad input."""

from __future__ import annotations

import pytest
from drive import apply, make_state, say

from gkassist.form import FORM
from gkassist.interview.flow import FINAL, Flow
from gkassist.interview.script import load_script
from gkassist.interview.start import carry_over


def test_script_refers_only_to_form_fields_and_asks_every_input_field() -> None:
    script = load_script()
    asked = {f for s in script.steps for f in s.fields}
    # every field a person fills in is asked somewhere, except the optional extras of meta
    missing = {f.id for f in FORM.input_fields()} - asked
    assert missing == {"meta.published", "meta.preamble"}
    assert script.steps[-1].id == FINAL


def test_labels_come_from_the_form() -> None:
    script = load_script()
    step = script.step("requests.denied.state_secret")
    assert "（三）不予公开 1.属于国家秘密" in step.question
    assert step.row_labels == tuple(c.label for c in FORM.requests_columns if not c.derived)


def test_meta_then_overview_with_year_defaulting_to_last_year() -> None:
    flow = Flow(make_state())
    assert flow.step_id == "meta.agency"
    apply(flow, "怀化市洪江区科技和工业信息化局")
    q = flow.question()
    assert flow.step_id == "meta.year" and q.prefilled_default and q.prefill.isdigit()
    apply(flow, q.prefill)
    apply(flow, "2")
    out = apply(flow, "县级")
    assert flow.state.answers["meta.agency_kind"] == "department"
    assert flow.state.answers["meta.level"] == "county"
    assert out.next_step == "overview.intro"
    assert flow.question().multiline


def test_table_three_none_needs_one_confirmation_then_fills_zeros() -> None:
    flow = Flow(make_state({"meta.agency_kind": "department", "meta.level": "county"}))
    flow.move("requests.any")
    out = apply(flow, "没有")
    assert out.ok and not out.values and flow.step_id == "requests.any"  # asks to confirm
    assert "144" in out.messages[0][1]
    out = apply(flow, "是")
    assert len(out.values) == 144 and set(out.values.values()) == {0}
    assert flow.step_id == "review.any"


def test_confirmation_can_be_declined() -> None:
    flow = Flow(make_state())
    flow.move("requests.any")
    apply(flow, "没有")
    out = apply(flow, "否")
    assert not out.ok and flow.step_id == "requests.any" and not flow.state.answers
    out = apply(flow, "有")
    assert flow.step_id == "requests.new"


def test_rows_take_six_numbers_and_show_the_total() -> None:
    flow = Flow(make_state())
    flow.move("requests.new")
    out = apply(flow, "3 1 0 0 0 0")
    assert out.values["requests.new.natural"] == 3 and out.values["requests.new.commercial"] == 1
    assert any("总计4" in m for _, m in out.messages)
    out = apply(flow, "0")  # a single 0 is a row of zeros
    assert [out.values[f"requests.carried.{c}"] for c in ("natural", "other")] == [0, 0]


def test_bad_row_says_what_is_expected_and_stays() -> None:
    flow = Flow(make_state())
    flow.move("requests.new")
    out = flow.submit("3 1 0")
    assert not out.ok and flow.step_id == "requests.new"
    assert "6" in out.messages[0][1]
    out = flow.submit("3 -1 0 0 0 0")
    assert not out.ok and out.messages[0][0] == "error"


def test_group_gate_none_skips_its_rows_and_carry_over_is_suggested() -> None:
    flow = Flow(make_state())
    flow.move("requests.any")
    apply(flow, "有")
    apply(flow, "3 1 0 0 0 0")
    apply(flow, "0")
    apply(flow, "2 1 0 0 0 0")
    apply(flow, "0")
    assert flow.step_id == "requests.denied.any"
    apply(flow, "没有")
    assert flow.step_id == "requests.unable.any"
    apply(flow, "有")
    apply(flow, "1 0 0 0 0 0")
    apply(flow, "0")
    apply(flow, "0")
    apply(flow, "没有")
    apply(flow, "无")
    assert flow.step_id == "requests.carry_over"
    q = flow.question()
    # （七）总计 computed before the question; carry-over suggested so that the table balances
    assert "（七）总计" in q.before[0] and "总计 4" in q.before[0]
    assert q.prefill == "0 0 0 0 0 0" and q.prefilled_default
    out = apply(flow, q.prefill)
    assert any("勾稽关系核对无误" in m for _, m in out.messages)
    assert FORM.value("requests.total.total", flow.state.answers) == 4


def test_active_rules_row_is_filled_for_an_agency_without_rule_making_power() -> None:
    flow = Flow(make_state({"meta.agency_kind": "department", "meta.level": "county"}))
    flow.move("active.any")
    out = apply(flow, "有")
    assert out.values == {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0}
    assert flow.step_id == "active.normative"
    # a provincial government is asked
    flow = Flow(make_state({"meta.agency_kind": "government", "meta.level": "province"}))
    flow.move("active.any")
    apply(flow, "有")
    assert flow.step_id == "active.rules"


def test_back_keeps_later_answers_and_prefills() -> None:
    flow = Flow(make_state())
    apply(flow, "某某局")
    apply(flow, "2024")
    assert flow.back() == "meta.year"
    flow.move("meta.year")
    assert flow.back() == "meta.agency"
    flow.move("meta.agency")
    assert flow.question().prefill == "某某局"
    assert flow.state.answers["meta.year"] == 2024
    apply(flow, "某某县某某局")
    assert flow.step_id == "meta.year" and flow.question().prefill == "2024"


def test_return_to_review_after_a_jump() -> None:
    flow = Flow(make_state())
    flow.move("meta.year", return_to=FINAL)
    out = apply(flow, "2024")
    assert out.next_step == FINAL and out.open_review


def test_goto_targets() -> None:
    flow = Flow(make_state())
    assert flow.resolve_target("三") == "requests.any"
    assert flow.resolve_target("基本信息") == "meta.agency"
    assert flow.resolve_target("审阅") == FINAL
    assert flow.resolve_target("七") is None


def test_fee_answer_prefills_a_standard_sentence() -> None:
    flow = Flow(make_state({"meta.agency": "某某局"}))
    flow.move("fee_charged")
    apply(flow, "否")
    q = flow.question()
    assert flow.step_id == "other_matters" and q.multiline
    assert q.prefill == "本年度，某某局未收取政府信息公开信息处理费。"


def test_last_years_problems_are_always_asked_about() -> None:
    # issue 13 item 5: without a previous report 五 never asked about last year's rectification,
    # yet T5 warned about it. Written as prose, the rectification is asked with or without one.
    flow = Flow(make_state())
    assert flow.next_after("review.litigation_after_review") == "section5.mode"
    flow.move("section5.mode")
    apply(flow, "否")
    assert flow.step_id == "rectification"
    assert "previous_problems" not in flow.question().help
    prev = {"problems": "一是信息更新不及时。"}
    flow = Flow(make_state(previous=prev))
    flow.move("section5.mode")
    apply(flow, "否")
    assert flow.step_id == "rectification"
    assert "一是信息更新不及时。" in flow.question().help


def test_without_last_years_report_the_items_way_asks_whether_it_listed_problems() -> None:
    flow = Flow(make_state({"meta.agency": "怀化市洪江区科技和工业信息化局", "meta.year": 2025}))
    flow.move("section5.mode")
    apply(flow, "是")
    assert flow.step_id == "rectification.listed"
    apply(flow, "否")  # it listed none: the paragraph says so, in the bank's words
    assert "未列出需要整改的问题" in flow.state.answers["rectification"]
    assert flow.step_id == "problems.items"
    # … or it did: the officer writes them down, and the walk goes through them
    flow.move("rectification.listed")
    apply(flow, "是")
    assert flow.step_id == "rectification.previous" and flow.question().multiline
    apply(flow, "信息发布不够及时\n政策解读形式单一")
    assert flow.step_id == "rectification.walk"
    for text in ("建立栏目更新清单", "1", "", "组织解读培训2次", "2", ""):
        apply(flow, text)
    rectification = flow.state.answers["rectification"]
    assert "信息发布不够及时" in rectification and "建立栏目更新清单" in rectification
    assert "组织解读培训2次" in rectification
    assert flow.step_id == "problems.items"


def test_carry_over_from_last_year() -> None:
    prev = {
        "meta.agency": "某某局", "meta.year": 2024, "meta.agency_kind": "department", "meta.level": "county",
        **{f"requests.carry_over.{c.id}": 0 for c in FORM.requests_columns if not c.derived},
        "requests.carry_over.natural": 2,
        "active.normative.in_force": 7,
    }
    answers = carry_over(prev)
    assert answers["meta.year"] == 2025 and answers["requests.carried.natural"] == 2
    flow = Flow(make_state(answers, previous=prev))
    flow.move("requests.carried")
    assert flow.question().prefill == "2 0 0 0 0 0"
    flow.move("active.normative")
    assert "7" in flow.question().text


def test_recap_lists_answers_and_skips() -> None:
    flow = Flow(make_state())
    apply(flow, "某某局")
    apply(flow, "2024")
    apply(flow, "2")
    apply(flow, "4")
    out = flow.skip()
    flow.state.workbench.update(out.workbench)  # as the screen saves it
    flow.move(out.next_step)
    apply(flow, "")  # 主动公开: an empty paragraph is a skip too
    flow.move("overview.oversight")  # 依申请公开 … 平台建设 jumped over (/goto), never seen
    recap = dict((s.id, answer) for s, answer in flow.recap())
    assert list(recap) == ["meta.agency", "meta.year", "meta.agency_kind", "meta.level", "overview.intro",
                           "overview.proactive", "overview.on_request", "overview.management", "overview.platform"]
    assert recap["meta.agency_kind"] == FORM.field("meta.agency_kind").choices["department"]
    assert recap["overview.intro"] == recap["overview.proactive"] == "（跳过）"
    assert recap["overview.on_request"] == recap["overview.platform"] == "（未填）"


def test_unreached_fields_are_those_neither_answered_nor_skipped() -> None:
    flow = Flow(make_state())
    assert {"meta.agency", "overview.intro", "problems", "measures", "other_matters"} <= flow.unreached_fields()
    assert "rectification" not in flow.unreached_fields(), "no last year: its rectification is never asked"
    apply(flow, "某某局")
    out = flow.skip()  # 年度
    flow.state.workbench.update(out.workbench)
    unreached = flow.unreached_fields()
    assert "meta.agency" not in unreached and "meta.year" not in unreached
    assert "meta.agency_kind" in unreached


@pytest.mark.parametrize("text", ["也许", "x"])
def test_gate_rejects_anything_but_yes_or_no(text: str) -> None:
    flow = Flow(make_state())
    flow.move("review.any")
    out = flow.submit(text)
    assert not out.ok and "有" in out.messages[0][1]


def test_a_prefilled_yes_or_no_is_the_named_word_and_is_understood_again() -> None:
    say = load_script().say
    flow = Flow(make_state())
    flow.move("requests.any")
    apply(flow, say("gate_yes"))
    flow.move("requests.any")
    assert flow.question().prefill == say("gate_yes")
    flow.move("section5.mode")
    apply(flow, say("ask_no"))
    flow.move("section5.mode")
    q = flow.question()
    assert q.prefill == say("ask_no"), "an answered 否 comes back as 否 (it came back as 「不」)"
    out = flow.submit(q.prefill)
    assert out.ok and out.workbench["asks"]["section5.mode"] == "no"


@pytest.mark.parametrize("typed", ["3 1 0 0 0 0", "3\t1\t0\t0\t0\t0", "3、1、0、0、0、0", "3，1，0，0，0，0",
                                   "3,1,0,0,0,0", "3；1；0；0；0；0", "3;1;0;0;0;0", "３、１、０、０、０、０"])
def test_a_row_takes_its_numbers_whatever_separates_them(typed: str) -> None:
    # issue 13 item 4: 「3、1、0、0、0、0」 was refused with 「看起来是6个数：这一格只能填一个数」
    flow = Flow(make_state())
    flow.move("requests.new")
    out = apply(flow, typed)
    assert out.ok, out.messages
    assert [flow.state.answers[f] for f in flow.script.step("requests.new").fields] == [3, 1, 0, 0, 0, 0]


@pytest.mark.parametrize("typed", ["0", "无", "０"])
def test_a_single_zero_is_still_a_row_of_zeros(typed: str) -> None:
    flow = Flow(make_state())
    flow.move("requests.new")
    assert apply(flow, typed).ok
    assert {flow.state.answers[f] for f in flow.script.step("requests.new").fields} == {0}


def test_a_row_with_too_few_numbers_says_how_many_it_wants() -> None:
    flow = Flow(make_state())
    flow.move("requests.new")
    out = flow.submit("3、1")
    assert not out.ok and "6" in out.messages[0][1] and "2" in out.messages[0][1]


def _imported_overview() -> str:
    """一 of the published sample as an importer that keeps the agency's sub-headings gives it: the
    whole section in overview.intro, its own 「(一)…(二)…(三)…」 lines in place."""
    from drive import SAMPLE_TXT

    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[lines.index("一、总体情况") + 1 : lines.index("二、主动公开政府信息情况")])


def test_an_imported_report_with_its_own_subheadings_is_asked_only_what_it_misses(sample_answers) -> None:
    # issue 13 item 7: continuing the imported sample asked 「（一）主动公开」 again, and the preview then
    # showed the agency's （一）（二）（三） followed by a second （一）
    answers = {k: v for k, v in sample_answers().items() if not k.startswith("overview.")}
    answers["overview.intro"] = _imported_overview()
    state = make_state(answers)
    state.outline = {"overview": [{"field": "overview.intro"}]}
    flow = Flow(state)
    asked = [s.id for s in flow.section_steps("overview") if flow.applicable(s) and not flow.answered(s)]
    # the sample writes about 主动公开, 依申请公开 and 信息管理 in its own words; 平台建设 and 监督保障 it misses
    assert asked == ["overview.platform", "overview.oversight"], asked
    assert flow.first_open() == "overview.platform"
    question = flow.question("overview.platform").text
    assert not question.startswith(("（", "(")) and "（四）" not in question, "no number of the standard layout"
    assert say("own_headings_missing", label=flow.script.step("overview.platform").label) in question


def test_a_report_in_the_standard_layout_is_asked_every_topic() -> None:
    flow = Flow(make_state({"overview.intro": "2024年，我局认真贯彻落实《条例》，做好政府信息公开工作。"}))
    assert [s.id for s in flow.section_steps("overview") if flow.applicable(s)] == [
        "overview.intro", "overview.proactive", "overview.on_request", "overview.management",
        "overview.platform", "overview.oversight"]
    assert flow.question("overview.proactive").text.startswith("（一）主动公开")


@pytest.mark.parametrize("typed", ["区级", "市辖区", "县级市"])
def test_a_district_is_taken_as_county_level_and_said_so(typed: str) -> None:
    # issue 13 item 11: 「区级」 was refused; a 市辖区 is 县级
    flow = Flow(make_state())
    flow.move("meta.level")
    out = apply(flow, typed)
    assert out.ok and flow.state.answers["meta.level"] == "county"
    note = flow.script.step("meta.level").also_note
    assert ("note", say("note", text=note)) in out.messages


def test_examples_name_the_reports_own_year() -> None:
    # issue 13 item 11: prose examples said 「2025年」 in a 2024 report
    flow = Flow(make_state({"meta.year": 2024}))
    for step in ("overview.intro", "overview.proactive", "overview.on_request"):
        example = flow.question(step).example
        assert example.startswith("2024年") and "2025" not in example, example


def test_a_gate_whose_table_is_already_filled_is_answered_by_it() -> None:
    # an imported report's table 二 (all 0) was asked 「有不为0的吗？」 again on resume and after a
    # skip, with an empty box, as if the report said nothing
    zeros = {f: 0 for s in load_script().steps if s.when == "active.any" for f in s.fields}
    flow = Flow(make_state({"meta.agency_kind": "department", "meta.level": "county", **zeros}))
    gate = flow.script.step("active.any")
    assert flow.answered(gate)
    flow.move("active.any")
    assert flow.question().prefill == say("gate_no")
    some = dict(zeros, **{next(iter(zeros)): 3})
    flow = Flow(make_state({"meta.agency_kind": "department", "meta.level": "county", **some}))
    flow.move("active.any")
    assert flow.question().prefill == say("gate_yes")
    del some[next(iter(some))]  # one row open: the gate is still to ask
    assert not Flow(make_state(some)).answered(gate)
